"""The plain-text agenda that staff paste from a course page (seed 004), imported into an event.

`parse_agenda()` (in `agenda_parse`, line recognisers in `agenda_lines`) only reads, and the back office
previews with it; `import_agenda_text()` writes what it read, by stable codes, in one transaction. Lines that
were not understood become the report's warnings.
"""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.db.models import Q

from rostrum.programme import services
from rostrum.programme.conflicts import programme_conflicts
from rostrum.programme.enums import EventKind, SessionFormat
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers import ImportReport
from rostrum.programme.importers.agenda_parse import ParsedAgenda, ParsedSession, parse_agenda
from rostrum.programme.models import Event, Person, Presentation, Session

# An event created by an import without --timezone: the society's home (ECR is in Vienna).
DEFAULT_TIMEZONE = "Europe/Vienna"


def decode_agenda(data: bytes) -> str:
    """The text of a pasted or uploaded agenda: UTF-8, else Windows-1252 (older Word documents)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _zone(name: str) -> zoneinfo.ZoneInfo:
    if name not in zoneinfo.available_timezones():
        raise ProgrammeError(f"'{name}' is not an IANA time zone (e.g. Europe/Vienna).", field="timezone")
    return zoneinfo.ZoneInfo(name)


def _changes(obj, fields: dict) -> dict:
    return {name: value for name, value in fields.items() if getattr(obj, name) != value}


def _event(event: Event | None, parsed: ParsedAgenda, *, slug, title, zone, by) -> tuple[Event, bool]:
    """The event to import into: created as an online course when the slug is new, else widened to the
    agenda's days and given the title or zone asked for. Returns the event and whether it changed."""
    days = [moment.astimezone(zone).date() for s in parsed.sessions for moment in (s.starts_at, s.ends_at)]
    if event is None:
        created = services.event_create(
            slug=slug,
            title=(title or parsed.title)[:300],
            start_date=min(days),
            end_date=max(days),
            kind=EventKind.COURSE,
            is_online=True,
            timezone=str(zone),
            by=by,
        )
        return created, True
    wanted = {
        "title": title or event.title,
        "timezone": str(zone),
        "start_date": min(event.start_date, *days),
        "end_date": max(event.end_date, *days),
    }
    changes = _changes(event, wanted)
    if changes:
        services.event_update(event, by=by, **changes)
    return event, bool(changes)


def _people(event: Event, parsed: ParsedAgenda, report: ImportReport, by) -> dict[str, Person]:
    """The event's people for the agenda's speakers and moderators, by code; new ones created, changed ones
    updated."""
    speakers = parsed.speakers
    people = {p.code: p for p in Person.objects.filter(event=event, code__in=list(speakers))}
    for code, speaker in speakers.items():
        fields = {"printed_name": speaker.name[:200], "city": speaker.city[:100]}
        if speaker.country:  # an unrecognised country never clears one set in the back office
            fields["country"] = speaker.country
        if code not in people:
            given, _, family = speaker.name.rpartition(" ")
            people[code] = services.person_create(
                event=event, code=code, given_name=given[:100], family_name=family[:100], by=by, **fields
            )
            report.count("people", created=True)
            continue
        person = people[code]
        changes = _changes(person, {name: value for name, value in fields.items() if name != "country"})
        if speaker.country and person.country.code != speaker.country:
            changes["country"] = speaker.country
        if changes:
            services.person_update(person, by=by, **changes)
            report.count("people", created=False)
    return people


def _import_session(event: Event, parsed: ParsedSession, people: dict, report: ImportReport, by) -> None:
    """Create or update one session and its items by code; items no longer printed are kept and reported."""
    fields = {
        "title": parsed.title,
        "starts_at": parsed.starts_at.astimezone(dt.UTC),
        "ends_at": parsed.ends_at.astimezone(dt.UTC),
        "description": parsed.description,
        "learning_objectives": parsed.learning_objectives,
    }
    session = Session.objects.filter(event=event, code=parsed.code).first()
    if session is None:
        session = services.session_create(
            event=event, code=parsed.code, format=SessionFormat.LIVE, by=by, **fields
        )
        report.count("sessions", created=True)
    elif changes := _changes(session, fields):
        services.session_update(session, by=by, **changes)
        report.count("sessions", created=False)
    held = set(session.roles.values_list("person__code", "role"))
    for role, person in parsed.roles:
        if (person.code, role) not in held:
            services.session_person_add(session, person=people[person.code], role=role, by=by)
            report.count(f"{role}s", created=True)
    codes = [f"{session.code}-{position}" for position in range(1, len(parsed.items) + 1)]
    existing = {
        p.code: p
        for p in Presentation.objects.filter(event=event)
        .filter(Q(code__in=codes) | Q(session=session))
        .prefetch_related("speaker_roles")
    }
    for position, (code, item) in enumerate(zip(codes, parsed.items, strict=True)):
        speakers = [people[speaker.code] for speaker in item.speakers]
        fields = {
            "session": session,
            "title": item.title,
            "kind": item.kind,
            "starts_at": item.starts_at.astimezone(dt.UTC),
            "ends_at": item.ends_at.astimezone(dt.UTC),
            "position": position,
        }
        presentation = existing.pop(code, None)
        if presentation is None:
            services.presentation_create(code=code, speakers=speakers, by=by, **fields)
            report.count("presentations", created=True)
            continue
        changes = _changes(presentation, fields)
        same_speakers = [role.person_id for role in presentation.speaker_roles.all()] == [
            p.pk for p in speakers
        ]
        if changes or not same_speakers:
            services.presentation_update(
                presentation, by=by, speakers=None if same_speakers else speakers, **changes
            )
            report.count("presentations", created=False)
    for left in existing.values():
        report.warnings.append(
            f"'{left.title}' ({left.code}) of '{session.title}' is not in the agenda any more; it was kept, "
            "delete it in the back office if it was dropped."
        )


def import_agenda_text(
    data: bytes, *, event_slug: str, by=None, title: str | None = None, timezone: str | None = None
) -> ImportReport:
    """Import a pasted agenda into the event `event_slug`, creating it (an online course) when it is new.

    Times without a zone on their date line are read in `timezone`, else the event's, else Europe/Vienna.
    Side effects: one transaction; creates or updates the event, people, sessions and presentations by code
    (activity log for each), bumps the programme version once.
    """
    event = Event.objects.filter(slug=event_slug).first()
    zone = _zone(timezone or (event.timezone if event else DEFAULT_TIMEZONE))
    parsed = parse_agenda(decode_agenda(data), default_timezone=zone)
    with transaction.atomic(), services.programme_batch():
        is_new = event is None
        event, changed = _event(event, parsed, slug=event_slug, title=title, zone=zone, by=by)
        report = ImportReport(event=event, warnings=parsed.warnings())
        if changed:
            report.count("events", created=is_new)
        people = _people(event, parsed, report, by)
        for session in parsed.sessions:
            _import_session(event, session, people, report, by)
    report.conflicts = programme_conflicts(event=event)
    return report
