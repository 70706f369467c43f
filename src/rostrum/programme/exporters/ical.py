"""iCalendar (RFC 5545) files of a programme: the event's feed, a personal agenda, a single session.

Entry points:

- `export_ics(event) -> bytes`: the whole programme of a published event (the registry's "ics" format).
- `render_ics(*, calendar_name, sessions=(), presentations=(), event=None, description="") -> bytes`: any
  selection, for a user's agenda feed or one session's file. Pass `event` when every item belongs to it;
  otherwise each item's event is read from `session.event` or `presentation.session.event` (select it).
  Sessions need `roles__person` and `presentations__speaker_roles__person` prefetched
  (`selectors.session_list(..., with_presentations=True)` does it); presentations need `session`,
  `session__room`, `session__session_type` and `speaker_roles__person` (`selectors.presentation_list()`).

What a calendar receives, and why:

- One VEVENT per session: attendees put sessions in their calendars, and a session's talks run back to back
  in one room. Its DESCRIPTION lists the talks with their local times and speakers. A starred single
  presentation (personal agenda) becomes its own VEVENT.
- UID `<guid>@rostrum`: the session's or presentation's GUID, which never changes, so re-importing or
  refreshing a feed updates an entry instead of duplicating it, whatever host serves the file.
- SEQUENCE is the item's revision, which the model bumps when the time, room or status changes (a
  presentation adds its session's revision, so moving the session's room updates the talk as well).
- A cancelled item stays in the feed with STATUS:CANCELLED (so calendars remove or strike it) and its
  SUMMARY says "Cancelled:" for clients that ignore STATUS.
- DTSTART/DTEND carry the TZID of the event's zone, with a VTIMEZONE for every TZID used (covering the years
  of the items only, to keep files small). DTSTAMP and LAST-MODIFIED are the item's last change, in UTC:
  the same programme version always gives the same bytes, whichever worker renders it.
"""

import datetime as dt
from collections.abc import Iterable

import icalendar

from rostrum.programme import selectors
from rostrum.programme.enums import ProgrammeStatus
from rostrum.programme.exporters.labels import (
    local,
    person_label,
    session_location,
    session_url,
    speakers_label,
)

PRODID = "-//Rostrum//Programme//EN"
# Subscribed feeds are re-read this often by clients that honour REFRESH-INTERVAL or X-PUBLISHED-TTL.
REFRESH_INTERVAL = dt.timedelta(hours=1)


def export_ics(event) -> bytes:
    """The event's whole programme, one VEVENT per session, cancelled sessions included."""
    sessions = selectors.session_list(event=event, with_presentations=True)
    return render_ics(
        calendar_name=event.title, sessions=sessions, event=event, description=_calendar_description(event)
    )


def render_ics(
    *,
    calendar_name: str,
    sessions: Iterable = (),
    presentations: Iterable = (),
    event=None,
    description: str = "",
) -> bytes:
    """A VCALENDAR with one VEVENT per session and per presentation given, in the order given."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.calendar_name = calendar_name
    if description:
        calendar.description = description
    calendar.refresh_interval = REFRESH_INTERVAL
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    for session in sessions:
        calendar.add_component(_session_vevent(session, event or session.event))
    for presentation in presentations:
        calendar.add_component(_presentation_vevent(presentation, event or presentation.session.event))
    _add_timezones(calendar)
    return calendar.to_ical()


def _calendar_description(event) -> str:
    dates = f"{event.start_date.day} {event.start_date:%B %Y} to {event.end_date.day} {event.end_date:%B %Y}"
    return f"{event.title}, {event.place}, {dates} ({event.timezone})"


def _vevent(
    *, item, event, uid: str, sequence: int, cancelled: bool, summary: str, changed
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.uid = uid
    vevent.stamp = changed.astimezone(dt.UTC)
    vevent.last_modified = changed.astimezone(dt.UTC)
    vevent.start = local(item.starts_at, event)
    vevent.end = local(item.ends_at, event)
    vevent.sequence = sequence
    vevent.status = "CANCELLED" if cancelled else "CONFIRMED"
    vevent.summary = f"Cancelled: {summary}" if cancelled else summary
    return vevent


def _session_vevent(session, event) -> icalendar.Event:
    presentations = list(session.presentations.all())
    vevent = _vevent(
        item=session,
        event=event,
        uid=f"{session.guid}@rostrum",
        sequence=session.revision,
        cancelled=session.is_cancelled,
        summary=str(session),
        # A talk moved inside the session changes what the entry says, though not the session row.
        changed=max([session.updated, *(p.updated for p in presentations)]),
    )
    vevent.location = session_location(session, event)
    vevent.url = session_url(session, event)
    if session.session_type:
        vevent.categories = [session.session_type.name]
    vevent.description = _session_description(session, presentations, event)
    return vevent


def _presentation_vevent(presentation, event) -> icalendar.Event:
    session = presentation.session
    vevent = _vevent(
        item=presentation,
        event=event,
        uid=f"{presentation.guid}@rostrum",
        # Both revisions only grow, so their sum grows whenever the talk or its session moves.
        sequence=session.revision + presentation.revision,
        cancelled=presentation.status == ProgrammeStatus.CANCELLED or session.is_cancelled,
        summary=f"{presentation.title} ({session.code})" if session.code else presentation.title,
        changed=max(session.updated, presentation.updated),
    )
    vevent.location = session_location(session, event)
    vevent.url = session_url(session, event)
    if session.session_type:
        vevent.categories = [session.session_type.name]
    lines = [
        speakers_label(presentation),
        f"In {session}",
        presentation.abstract,
        session_url(session, event),
    ]
    vevent.description = "\n\n".join(line for line in lines if line)
    return vevent


def _session_description(session, presentations, event) -> str:
    """The session's kind, its moderators, its text and its timed talks with speakers, as plain text."""
    kind = " · ".join(filter(None, [str(session.session_type or ""), session.get_format_display()]))
    people = [f"{role.get_role_display()}: {person_label(role.person)}" for role in session.roles.all()]
    talks = []
    for presentation in presentations:
        when = f"{local(presentation.starts_at, event):%H:%M}-{local(presentation.ends_at, event):%H:%M}"
        cancelled = " (cancelled)" if presentation.status == ProgrammeStatus.CANCELLED else ""
        talks.append(f"{when} {presentation.title}{cancelled}")
        if speakers := speakers_label(presentation):
            talks.append(f"    {speakers}")
    blocks = [kind, "\n".join(people), session.description, "\n".join(talks), session_url(session, event)]
    return "\n\n".join(block for block in blocks if block)


def _add_timezones(calendar: icalendar.Calendar) -> None:
    """A VTIMEZONE for every TZID used, covering only the years the items fall in."""
    starts = [vevent.start for vevent in calendar.events]
    if not starts:
        return
    first = dt.date(min(s.year for s in starts), 1, 1)
    last = dt.date(max(vevent.end.year for vevent in calendar.events) + 1, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
