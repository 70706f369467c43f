"""Writes to the programme. Every change bumps the event's programme version and is logged.

Imports live in `rostrum.programme.importers`; they call `programme_batch()` so that thousands of rows
bump the version once.
"""

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from rostrum.core.services import activity_log
from rostrum.programme.agenda import (  # noqa: F401 - the personal agenda's writes are services too
    agenda_star,
    agenda_unstar,
    calendar_subscription_create,
    calendar_subscription_revoke,
)
from rostrum.programme.enums import ProgrammeStatus, SessionRole
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.models import (
    Audience,
    Event,
    Organisation,
    Person,
    Presentation,
    Room,
    Session,
    SessionPerson,
    SessionType,
    Topic,
)
from rostrum.programme.signals import programme_changed

_batch: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("programme_batch", default=None)


def programme_touch(event_id: int) -> None:
    """Bump the event's programme version (invalidates cached exports) and send `programme_changed`.

    Inside `programme_batch()` the bump waits until the batch ends.
    """
    pending = _batch.get()
    if pending is not None:
        pending.add(event_id)
        return
    Event.objects.filter(pk=event_id).update(
        programme_version=F("programme_version") + 1, programme_changed_at=timezone.now()
    )
    transaction.on_commit(lambda: programme_changed.send(sender=Event, event_id=event_id))


@contextlib.contextmanager
def programme_batch() -> Iterator[None]:
    """Collect programme changes and bump each touched event's version once, at the end."""
    if _batch.get() is not None:  # nested: the outer batch bumps
        yield
        return
    token = _batch.set(set())
    try:
        yield
        touched = _batch.get() or set()
    finally:
        _batch.reset(token)
    for event_id in touched:
        programme_touch(event_id)


def _full_clean(obj, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ProgrammeError(" ".join(messages), field=None if field == "__all__" else field) from error


def unique_slug(value: str, *, taken: set[str], max_length: int = 100) -> str:
    """A slug for `value` that is not in `taken` (adds -2, -3, ...); records it in `taken`."""
    base = (slugify(value) or "item")[: max_length - 6]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def event_create(*, slug: str, title: str, start_date, end_date, by=None, **fields: Any) -> Event:
    """Create an event. Side effects: activity log."""
    if Event.objects.filter(slug=slug).exists():
        raise ProgrammeError(f"An event with the slug '{slug}' exists already.", field="slug")
    event = Event(slug=slug, title=title, start_date=start_date, end_date=end_date, **fields)
    _full_clean(event)
    event.save()
    activity_log(action="programme.event.created", actor=by, obj=event)
    return event


@transaction.atomic
def event_update(event: Event, *, by=None, **fields: Any) -> Event:
    """Change an event's fields. Side effects: activity log, programme version bump."""
    for name, value in fields.items():
        setattr(event, name, value)
    _full_clean(event)
    event.save()
    activity_log(action="programme.event.updated", actor=by, obj=event, data={"fields": sorted(fields)})
    programme_touch(event.pk)
    return event


@transaction.atomic
def event_delete(event: Event, *, by=None) -> None:
    """Delete an event with its whole programme (rooms, sessions, presentations, people).

    Side effects: activity log; the programme version bumps of the cascade collapse into one.
    """
    activity_log(action="programme.event.deleted", actor=by, obj=event, data={"slug": event.slug})
    with programme_batch():
        event.delete()


def _catalogue_get_or_create(model, *, by, slug: str, **defaults: Any):
    """A row shared by all events, found by its slug (or name when it has none), created when missing."""
    lookup = {"slug": slug} if slug else {"name": defaults.pop("name")}
    row = model.objects.filter(**lookup).first()
    if row:
        return row
    row = model(**lookup, **defaults)
    _full_clean(row)
    row.save()
    activity_log(action=f"programme.{model._meta.model_name}.created", actor=by, obj=row)
    return row


@transaction.atomic
def organisation_get_or_create(*, name: str, acronym: str = "", by=None) -> Organisation:
    """The society, organiser or vendor of this name, created when missing. Side effects: activity log."""
    return _catalogue_get_or_create(Organisation, by=by, slug="", name=name, acronym=acronym)


@transaction.atomic
def topic_get_or_create(*, name: str, by=None) -> Topic:
    """The topic (subspecialty) of this name, created when missing. Side effects: activity log."""
    return _catalogue_get_or_create(Topic, by=by, slug=slugify(name), name=name)


@transaction.atomic
def audience_get_or_create(*, name: str, by=None) -> Audience:
    """The audience (radiographers, ...) of this name, created when missing. Side effects: activity log."""
    return _catalogue_get_or_create(Audience, by=by, slug=slugify(name), name=name)


@transaction.atomic
def session_type_update_or_create(*, code: str, by=None, **fields: Any) -> tuple[SessionType, bool]:
    """The catalogue's session type with this code, created or brought up to date; returns (type, created).

    Side effects: activity log when it was created or a field changed.
    """
    session_type = SessionType.objects.filter(code=code).first()
    created = session_type is None
    session_type = session_type or SessionType(code=code)
    changed = sorted(name for name, value in fields.items() if getattr(session_type, name) != value)
    if not created and not changed:
        return session_type, False
    for name in changed:
        setattr(session_type, name, fields[name])
    _full_clean(session_type)
    try:
        with transaction.atomic():
            session_type.save()
    except IntegrityError as error:
        raise ProgrammeError(
            f"Another session type uses the slug '{session_type.slug}' already.", field="slug"
        ) from error
    action = "programme.session_type.created" if created else "programme.session_type.updated"
    activity_log(action=action, actor=by, obj=session_type, data={"fields": changed})
    return session_type, created


@transaction.atomic
def room_get_or_create(*, event: Event, name: str, by=None) -> Room:
    """The event's room with this name, created (at the end of the room order) when it does not exist."""
    room = Room.objects.filter(event=event, name=name).first()
    if room:
        return room
    taken = set(Room.objects.filter(event=event).values_list("slug", flat=True))
    room = Room.objects.create(
        event=event, name=name, slug=unique_slug(name, taken=taken), position=len(taken)
    )
    activity_log(action="programme.room.created", actor=by, obj=room)
    return room


@transaction.atomic
def session_create(
    *, event: Event, code: str, title: str, starts_at, ends_at, by=None, **fields: Any
) -> Session:
    """Create a session. Side effects: activity log, programme version bump."""
    m2m = {
        key: fields.pop(key) for key in ("topics", "audiences", "supporting_organisations") if key in fields
    }
    taken = set(Session.objects.filter(event=event).values_list("slug", flat=True))
    session = Session(
        event=event,
        code=code,
        slug=fields.pop("slug", None) or unique_slug(code or title, taken=taken),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )
    _full_clean(session, exclude=["event"])
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:
        raise ProgrammeError(
            f"The event has a session with the code '{code}' already.", field="code"
        ) from error
    for key, values in m2m.items():
        getattr(session, key).set(values)
    activity_log(action="programme.session.created", actor=by, obj=session)
    return session


@transaction.atomic
def session_update(session: Session, *, by=None, **fields: Any) -> Session:
    """Change a session. Moving it in time or room, or cancelling it, bumps its revision (iCalendar SEQUENCE).

    Side effects: activity log with the changed fields, programme version bump.
    """
    m2m = {
        key: fields.pop(key) for key in ("topics", "audiences", "supporting_organisations") if key in fields
    }
    for name, value in fields.items():
        setattr(session, name, value)
    _full_clean(session, exclude=["event"])
    session.save()
    for key, values in m2m.items():
        getattr(session, key).set(values)
    activity_log(
        action="programme.session.updated", actor=by, obj=session, data={"fields": sorted([*fields, *m2m])}
    )
    return session


def session_cancel(session: Session, *, by=None, reason: str = "") -> Session:
    """Cancel a session and its presentations; they stay in feeds as cancelled (STATUS:CANCELLED)."""
    with transaction.atomic():
        for presentation in session.presentations.all():
            presentation.status = ProgrammeStatus.CANCELLED
            presentation.save()
        session_update(session, by=by, status=ProgrammeStatus.CANCELLED)
        activity_log(action="programme.session.cancelled", actor=by, obj=session, data={"reason": reason})
    return session


@transaction.atomic
def session_person_add(session: Session, *, person: Person, role: str, by=None) -> SessionPerson:
    """Give a person a role in a whole session (moderator, chair, coordinator, ...); twice counts once.

    Side effects: activity log when added, programme version bump.
    """
    if role not in SessionRole.values:
        raise ProgrammeError(f"'{role}' is not a role in a session.", field="role")
    if person.event_id != session.event_id:
        raise ProgrammeError("The person belongs to another event.", field="person")
    session_person, created = SessionPerson.objects.get_or_create(
        session=session, person=person, role=role, defaults={"position": session.roles.count()}
    )
    if created:
        activity_log(
            action="programme.session.person_added",
            actor=by,
            obj=session,
            data={"person": person.code, "role": role},
        )
    return session_person


@transaction.atomic
def presentation_create(
    *, session: Session, title: str, starts_at, ends_at, code: str = "", speakers=(), by=None, **fields: Any
) -> Presentation:
    """Add a timed item to a session; `speakers` are people in printed order.

    Side effects: activity log, programme version bump.
    """
    position = fields.pop("position", None)
    if position is None:
        position = session.presentations.count()
    presentation = Presentation(
        event_id=session.event_id,
        session=session,
        code=code or f"{session.code or session.slug}-{position + 1}",
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        position=position,
        **fields,
    )
    _full_clean(presentation, exclude=["event", "session"])
    presentation.save()
    for index, person in enumerate(speakers):
        presentation.speaker_roles.create(person=person, position=index)
    activity_log(action="programme.presentation.created", actor=by, obj=presentation)
    return presentation


@transaction.atomic
def presentation_update(presentation: Presentation, *, by=None, speakers=None, **fields: Any) -> Presentation:
    """Change a timed item; `speakers`, when given, replaces its speakers (people in printed order).

    Side effects: activity log with the changed fields, revision bump on a time or status change.
    """
    for name, value in fields.items():
        setattr(presentation, name, value)
    _full_clean(presentation, exclude=["event", "session"])
    presentation.save()
    if speakers is not None:
        presentation.speaker_roles.all().delete()
        for index, person in enumerate(speakers):
            presentation.speaker_roles.create(person=person, position=index)
    changed = sorted([*fields, *(["speakers"] if speakers is not None else [])])
    activity_log(
        action="programme.presentation.updated", actor=by, obj=presentation, data={"fields": changed}
    )
    return presentation


@transaction.atomic
def person_create(*, event: Event, code: str, printed_name: str, by=None, **fields: Any) -> Person:
    """Add a speaker, moderator or tutor to the event. Side effects: activity log."""
    person = Person(event=event, code=code, printed_name=printed_name, **fields)
    _full_clean(person, exclude=["event"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        raise ProgrammeError(
            f"The event has a person with the code '{code}' already.", field="code"
        ) from error
    activity_log(action="programme.person.created", actor=by, obj=person)
    return person


@transaction.atomic
def person_update(person: Person, *, by=None, **fields: Any) -> Person:
    """Change a person's printed name, city, country, ... Side effects: activity log."""
    for name, value in fields.items():
        setattr(person, name, value)
    _full_clean(person, exclude=["event"])
    person.save()
    activity_log(action="programme.person.updated", actor=by, obj=person, data={"fields": sorted(fields)})
    return person
