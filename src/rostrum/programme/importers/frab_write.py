"""Writes the rows of a frab import in bulk: a fixed number of queries whatever the number of events.

Called by `importers.frab.import_frab_xml` inside its transaction and `programme_batch()`; bulk writes send
no signals, so the importer bumps the programme version itself.
"""

from collections import defaultdict

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from rostrum.programme.enums import PresentationKind, ProgrammeStatus, SessionFormat
from rostrum.programme.importers import ImportReport
from rostrum.programme.models import (
    Person,
    Presentation,
    PresentationSpeaker,
    Room,
    Session,
    SessionType,
    Topic,
)
from rostrum.programme.services import room_get_or_create, unique_slug

BATCH = 500
# frab types that name one of our presentation kinds; any other type (lecture, workshop, ...) is a talk.
KINDS = {
    "podium": PresentationKind.DISCUSSION,
    "panel": PresentationKind.DISCUSSION,
    "discussion": PresentationKind.DISCUSSION,
    "break": PresentationKind.BREAK,
    "pause": PresentationKind.BREAK,
    "qa": PresentationKind.QA,
    "q&a": PresentationKind.QA,
    "quiz": PresentationKind.QUIZ,
}


def write_items(event, *, rooms: list[str], items: list, report: ImportReport, by=None) -> None:
    """Create or update the rooms, topics, people, sessions, presentations and speakers of `items`."""
    known_rooms = set(Room.objects.filter(event=event).values_list("name", flat=True))
    room_ids = {name: room_get_or_create(event=event, name=name, by=by).pk for name in rooms}
    _count(report, "rooms", created=len(set(rooms) - known_rooms))
    topic_ids = _topics(items, report)
    type_ids = _session_types(items, report)
    person_ids = _people(event, items, report)
    session_ids = _sessions(event, items, room_ids=room_ids, type_ids=type_ids, report=report)
    _session_topics(event, items, session_ids=session_ids, topic_ids=topic_ids)
    presentation_ids = _presentations(event, items, session_ids=session_ids, report=report)
    _cancel_dropped(event, items, report=report)
    _speakers(event, items, presentation_ids=presentation_ids, person_ids=person_ids, report=report)


def _count(report: ImportReport, kind: str, *, created: int = 0, updated: int = 0) -> None:
    if created:
        report.created[kind] = report.created.get(kind, 0) + created
    if updated:
        report.updated[kind] = report.updated.get(kind, 0) + updated


def _changed(model, row: dict, values: dict, now):
    """An unsaved `model` row for bulk_update when `values` differ from the stored `row`, else None.

    A changed time, room or status bumps the revision, as the model's own save() would.
    """
    if all(row[name] == value for name, value in values.items()):
        return None
    tracked = any(row[name] != values[name] for name in model.TRACKED_FIELDS)
    return model(pk=row["pk"], revision=row["revision"] + tracked, updated=now, **values)


def _topics(items: list, report: ImportReport) -> dict[str, int]:
    """Track name → topic id; topics are shared by all events, so an existing slug is reused."""
    tracks = dict.fromkeys(item.track for item in items if item.track)
    wanted = {slugify(track)[:100]: track for track in tracks if slugify(track)}
    existing = set(Topic.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    Topic.objects.bulk_create(
        [Topic(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
    )
    _count(report, "topics", created=len(set(wanted) - existing))
    ids = dict(Topic.objects.filter(slug__in=wanted).values_list("slug", "pk"))
    return {name: ids[slug] for slug, name in wanted.items()}


def _session_types(items: list, report: ImportReport) -> dict[str, int]:
    """frab type → id of the catalogue's session type with that name or code (case does not matter)."""
    catalogue = {}
    for session_type in SessionType.objects.all():
        catalogue[session_type.code.lower()] = session_type.pk
        catalogue[session_type.name.lower()] = session_type.pk
    types = {}
    for frab_type in dict.fromkeys(item.type for item in items if item.type):
        if frab_type.lower() in catalogue:
            types[frab_type] = catalogue[frab_type.lower()]
        else:
            kind = KINDS.get(frab_type.lower(), PresentationKind.TALK)
            report.warnings.append(
                f"The type '{frab_type}' is not in the session-type catalogue: its items are presentations "
                f"of the kind '{kind.label}'."
            )
    return types


def _people(event, items: list, report: ImportReport) -> dict[str, int]:
    wanted = {code: name for item in items for code, name in item.persons}
    existing = {person.code: person for person in Person.objects.filter(event=event)}
    new = [
        Person(event=event, code=code, printed_name=name)
        for code, name in wanted.items()
        if code not in existing
    ]
    renamed = [
        person for code, person in existing.items() if code in wanted and person.printed_name != wanted[code]
    ]
    for person in renamed:
        person.printed_name = wanted[person.code]
    Person.objects.bulk_create(new, batch_size=BATCH)
    if renamed:
        Person.objects.bulk_update(renamed, ["printed_name"], batch_size=BATCH)
    _count(report, "people", created=len(new), updated=len(renamed))
    return dict(Person.objects.filter(event=event).values_list("code", "pk"))


def _sessions(event, items: list, *, room_ids: dict, type_ids: dict, report: ImportReport) -> dict[str, int]:
    fields = (
        "title",
        "starts_at",
        "ends_at",
        "room_id",
        "session_type_id",
        "description",
        "language",
        "status",
    )
    rows = Session.objects.filter(event=event).values("pk", "code", "slug", "revision", *fields)
    existing = {row["code"]: row for row in rows}
    taken = {row["slug"] for row in existing.values()}
    now = timezone.now()
    new, changed = [], []
    for item in items:
        values = {
            "title": item.title,
            "starts_at": item.date,
            "ends_at": item.date + item.duration,
            "room_id": room_ids[item.room],
            "session_type_id": type_ids.get(item.type),
            "description": item.description,
            "language": item.language,
            "status": ProgrammeStatus.SCHEDULED,
        }
        row = existing.get(item.code)
        if row is None:
            slug = unique_slug(item.code, taken=taken)
            new.append(
                Session(event=event, code=item.code, slug=slug, format=SessionFormat.ON_SITE, **values)
            )
        elif session := _changed(Session, row, values, now):
            changed.append(session)
    Session.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Session.objects.bulk_update(changed, [*fields, "revision", "updated"], batch_size=BATCH)
    _count(report, "sessions", created=len(new), updated=len(changed))
    return dict(Session.objects.filter(event=event).values_list("code", "pk"))


def _session_topics(event, items: list, *, session_ids: dict, topic_ids: dict) -> None:
    """Each imported session's topics become exactly its track (none when the track is empty)."""
    through = Session.topics.through
    imported = {session_ids[item.code] for item in items}
    wanted = {(session_ids[item.code], topic_ids[item.track]) for item in items if item.track in topic_ids}
    current = {
        (session_id, topic_id): pk
        for pk, session_id, topic_id in through.objects.filter(session__event=event).values_list(
            "pk", "session_id", "topic_id"
        )
    }
    stale = [pk for pair, pk in current.items() if pair[0] in imported and pair not in wanted]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [through(session_id=s, topic_id=t) for s, t in wanted if (s, t) not in current], batch_size=BATCH
    )


def _presentations(event, items: list, *, session_ids: dict, report: ImportReport) -> dict:
    fields = (
        "guid", "session_id", "external_id", "kind", "title", "subtitle", "abstract", "language", "links",
        "starts_at", "ends_at", "status",
    )  # fmt: skip
    existing = list(Presentation.objects.filter(event=event).values("pk", "code", "revision", *fields))
    by_guid = {row["guid"]: row for row in existing}
    by_code = {row["code"]: row for row in existing}
    now = timezone.now()
    new, changed = [], []
    for item in items:
        values = {
            "guid": item.guid,
            "session_id": session_ids[item.code],
            "external_id": item.frab_id,
            "kind": KINDS.get(item.type.lower(), PresentationKind.TALK),
            "title": item.title,
            "subtitle": item.subtitle,
            "abstract": item.abstract,
            "language": item.language,
            "links": item.links,
            "starts_at": item.date,
            "ends_at": item.date + item.duration,
            "status": ProgrammeStatus.SCHEDULED,
        }
        row = by_guid.get(item.guid) or by_code.get(item.code)
        if row is None:
            new.append(Presentation(event=event, code=item.code, position=0, **values))
        elif presentation := _changed(Presentation, row, values, now):
            changed.append(presentation)
    Presentation.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Presentation.objects.bulk_update(changed, [*fields, "revision", "updated"], batch_size=BATCH)
    _count(report, "presentations", created=len(new), updated=len(changed))
    return dict(Presentation.objects.filter(event=event).values_list("guid", "pk"))


def _cancel_dropped(event, items: list, *, report: ImportReport) -> None:
    """Sessions and presentations of an earlier frab import that the file no longer lists are cancelled.

    frab leaves cancelled talks out of its schedule; cancelling (rather than deleting) keeps them in calendar
    feeds as cancelled and keeps attendees' stars. Importing them again schedules them again.
    """
    now = timezone.now()
    codes = {item.code for item in items}
    guids = {item.guid for item in items}  # a presentation is found by its guid first
    for model, kind in ((Session, "sessions"), (Presentation, "presentations")):
        rows = model.objects.filter(event=event, code__startswith="frab-", status=ProgrammeStatus.SCHEDULED)
        dropped = [
            pk
            for pk, code, guid in rows.values_list("pk", "code", "guid")
            if code not in codes and (model is Session or guid not in guids)
        ]
        if dropped:
            model.objects.filter(pk__in=dropped).update(
                status=ProgrammeStatus.CANCELLED, revision=F("revision") + 1, updated=now
            )
            report.warnings.append(
                f"{len(dropped)} {kind} of an earlier import are no longer in the file: cancelled."
            )
        _count(report, f"cancelled {kind}", updated=len(dropped))


def _speakers(event, items: list, *, presentation_ids: dict, person_ids: dict, report: ImportReport) -> None:
    """Each presentation's speakers become the file's persons, in the file's order."""
    current = defaultdict(list)
    rows = PresentationSpeaker.objects.filter(presentation__event=event).order_by("position", "id")
    for presentation_id, person_id in rows.values_list("presentation_id", "person_id"):
        current[presentation_id].append(person_id)
    replaced, new = [], []
    for item in items:
        presentation_id = presentation_ids[item.guid]
        wanted = list(dict.fromkeys(person_ids[code] for code, _ in item.persons))
        if current.get(presentation_id, []) != wanted:
            replaced.append(presentation_id)
            new.extend(
                PresentationSpeaker(presentation_id=presentation_id, person_id=person_id, position=position)
                for position, person_id in enumerate(wanted)
            )
    outdated = [presentation_id for presentation_id in replaced if current.get(presentation_id)]
    if outdated:
        PresentationSpeaker.objects.filter(presentation_id__in=outdated).delete()
    PresentationSpeaker.objects.bulk_create(new, batch_size=BATCH)
    _count(report, "speaker lists", updated=len(outdated))
