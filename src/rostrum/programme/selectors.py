"""Reads of the programme. Every list takes its event explicitly and costs a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from rostrum.programme.errors import ProgrammeError
from rostrum.programme.models import (
    Audience,
    Event,
    Person,
    Presentation,
    PresentationSpeaker,
    Room,
    Session,
    SessionPerson,
    SessionType,
    Topic,
)
from rostrum.programme.search import SearchPage
from rostrum.programme.search import search as search_index


def event_list(*, include_unpublished: bool = False) -> QuerySet[Event]:
    events = Event.objects.all()
    return events if include_unpublished else events.filter(is_published=True)


def event_get(*, slug: str, include_unpublished: bool = False) -> Event:
    try:
        return event_list(include_unpublished=include_unpublished).get(slug=slug)
    except Event.DoesNotExist as error:
        raise Http404(f"No event '{slug}'.") from error


def event_days(*, event: Event) -> list[dt.date]:
    """Every calendar day of the event, in its own time zone."""
    days, day = [], event.start_date
    while day <= event.end_date:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def programme_days(*, event: Event) -> list[dt.date]:
    """The days that have sessions, in the event's time zone (a course's parts may be weeks apart); every
    day of the event while it has none."""
    starts = Session.objects.filter(event=event).values_list("starts_at", flat=True)
    days = sorted({start.astimezone(event.tz).date() for start in starts})
    return days or event_days(event=event)


def local_day_bounds(*, event: Event, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which `day` starts and ends in the event's time zone."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=event.tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=event.tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@dataclass(frozen=True)
class SessionFilters:
    """The filters of the programme pages and the API: each value is a slug or choice, empty for all."""

    day: dt.date | None = None
    session_type: str = ""
    topic: str = ""
    audience: str = ""
    format: str = ""
    level: str = ""
    room: str = ""
    ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        return any(
            [self.day, self.session_type, self.topic, self.audience, self.format, self.level, self.room]
        )


def _presentations_prefetch() -> Prefetch:
    speakers = Prefetch(
        "speaker_roles",
        queryset=PresentationSpeaker.objects.select_related("person").order_by("position", "id"),
    )
    return Prefetch(
        "presentations",
        queryset=Presentation.objects.order_by("starts_at", "position").prefetch_related(speakers),
    )


def session_list(
    *, event: Event | None, filters: SessionFilters | None = None, with_presentations: bool = False
) -> QuerySet[Session]:
    """The event's sessions in time order, filtered; people, types, rooms and topics come along.

    `event=None` reads the sessions of every published event (the API's list across events).
    """
    filters = filters or SessionFilters()
    # Read through the event's manager, each session knows its event without a query (URLs, time zone).
    sessions = event.sessions.all() if event else Session.objects.filter(event__is_published=True)
    sessions = (
        sessions.select_related("event", "session_type", "room")
        .prefetch_related(
            "topics",
            "audiences",
            Prefetch(
                "roles", queryset=SessionPerson.objects.select_related("person").order_by("position", "id")
            ),
        )
        .order_by("starts_at", "room__position", "code", "event_id")
    )
    if with_presentations:
        sessions = sessions.prefetch_related(_presentations_prefetch())
    if filters.day:
        if event is None:
            raise ProgrammeError(
                "Choose an event to filter by day: a day starts at another time in each event's time zone.",
                field="day",
            )
        start, end = local_day_bounds(event=event, day=filters.day)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    if filters.session_type:
        sessions = sessions.filter(session_type__slug=filters.session_type)
    if filters.topic:
        sessions = sessions.filter(topics__slug=filters.topic)
    if filters.audience:
        sessions = sessions.filter(audiences__slug=filters.audience)
    if filters.format:
        sessions = sessions.filter(format=filters.format)
    if filters.level:
        sessions = sessions.filter(level=filters.level)
    if filters.room:
        sessions = sessions.filter(room__slug=filters.room)
    if filters.ids:
        sessions = sessions.filter(pk__in=filters.ids)
    return sessions.distinct() if filters.topic or filters.audience else sessions


def session_presentation_rows(*, session_ids: list[int]) -> dict[int, list[dict]]:
    """The sessions' presentations as rows by session, in time order, each with its `speakers`: two queries.

    Rows instead of model instances for the API's pages: 50 sessions hold ~250 talks and ~500 speakers, and
    building those objects cost more than the rest of the page. A speaker has code, printed_name, city and
    country (its code).
    """
    fields = ("id", "session_id", "code", "kind", "title", "starts_at", "ends_at")
    presentations = list(
        Presentation.objects.filter(session_id__in=session_ids)
        .order_by("starts_at", "position")
        .values(*fields)
    )
    speakers: dict[int, list[dict]] = {row["id"]: [] for row in presentations}
    person = ("code", "printed_name", "city", "country")
    rows = (
        PresentationSpeaker.objects.filter(presentation_id__in=list(speakers))
        .order_by("position", "id")
        .values_list("presentation_id", *(f"person__{name}" for name in person))
    )
    for presentation_id, *values in rows:
        speakers[presentation_id].append(dict(zip(person, values, strict=True)))
    by_session: dict[int, list[dict]] = {session_id: [] for session_id in session_ids}
    for row in presentations:
        by_session[row["session_id"]].append({**row, "speakers": speakers[row["id"]]})
    return by_session


def session_get(*, event: Event, slug: str, with_presentations: bool = True) -> Session:
    sessions = session_list(event=event, with_presentations=with_presentations).prefetch_related(
        "supporting_organisations"
    )
    try:
        return sessions.get(slug=slug)
    except Session.DoesNotExist as error:
        raise Http404(f"No session '{slug}' in {event.slug}.") from error


def presentation_list(*, event: Event) -> QuerySet[Presentation]:
    speakers = Prefetch(
        "speaker_roles",
        queryset=PresentationSpeaker.objects.select_related("person").order_by("position", "id"),
    )
    return (
        event.presentations.all()
        .select_related("session", "session__room", "session__session_type")
        .prefetch_related(speakers)
        .order_by("starts_at", "session__room__position", "position")
    )


def presentation_rows(*, event: Event, fields: tuple[str, ...]) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The event's presentations as plain rows for whole-programme files (frab schedule.xml): three queries.

    Rows instead of model instances because a congress has ~3,000 talks and the file must be written in well
    under a second. Returns the presentations (`fields`, which may follow `session__...`) in programme order,
    the speakers (presentation_id, person_id, person__code, person__printed_name) in printed order, and the
    sessions' topics (session_id, topic__name) by name.
    """
    presentations = presentation_list(event=event).prefetch_related(None).values(*fields)
    speakers = (
        PresentationSpeaker.objects.filter(presentation__event=event)
        .order_by("position", "id")
        .values_list("presentation_id", "person_id", "person__code", "person__printed_name")
    )
    topics = (
        Session.topics.through.objects.filter(session__event=event)
        .order_by("topic__name")
        .values_list("session_id", "topic__name")
    )
    return presentations, speakers, topics


def person_list(*, event: Event) -> QuerySet[Person]:
    return event.people.order_by("family_name", "printed_name", "code")


def person_get(*, event: Event, code: str) -> Person:
    try:
        return person_list(event=event).get(code=code)
    except Person.DoesNotExist as error:
        raise Http404(f"No person '{code}' in {event.slug}.") from error


def person_appearances(*, person: Person) -> tuple[QuerySet[SessionPerson], QuerySet[PresentationSpeaker]]:
    """The sessions a person chairs or moderates, and the presentations they give, in time order."""
    session_roles = (
        SessionPerson.objects.filter(person=person)
        .select_related("session", "session__room", "session__session_type")
        .order_by("session__starts_at")
    )
    talks = (
        PresentationSpeaker.objects.filter(person=person)
        .select_related("presentation", "presentation__session", "presentation__session__room")
        .order_by("presentation__starts_at")
    )
    return session_roles, talks


def room_list(*, event: Event) -> QuerySet[Room]:
    return Room.objects.filter(event=event).order_by("position", "name")


def session_type_list() -> QuerySet[SessionType]:
    return SessionType.objects.all()


def session_type_get(*, slug: str) -> SessionType:
    try:
        return SessionType.objects.get(slug=slug)
    except SessionType.DoesNotExist as error:
        raise Http404(f"No session type '{slug}'.") from error


def session_type_upcoming_sessions(
    *, session_type: SessionType, since: dt.datetime, limit: int = 200
) -> QuerySet[Session]:
    """Sessions of one type across published events that have not ended by `since`, soonest first."""
    return (
        Session.objects.filter(session_type=session_type, event__is_published=True, ends_at__gt=since)
        .select_related("event", "room")
        .order_by("starts_at", "event__slug", "code")[:limit]
    )


def filter_choices(*, event: Event) -> dict[str, QuerySet]:
    """The values the event's sessions actually use, for the filter menus."""
    sessions = Session.objects.filter(event=event)
    return {
        "session_types": SessionType.objects.filter(sessions__in=sessions).distinct(),
        "topics": Topic.objects.filter(sessions__in=sessions).distinct(),
        "audiences": Audience.objects.filter(sessions__in=sessions).distinct(),
        "rooms": room_list(event=event),
    }


def search(*, q: str, event: Event | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
    """Sessions, presentations, people and topics of published events matching `q`, best first.

    SQLite's FTS5 or PostgreSQL's full-text search, whichever the database is (`programme/search.py`).
    """
    return search_index(q=q, event=event, limit=limit, offset=offset)
