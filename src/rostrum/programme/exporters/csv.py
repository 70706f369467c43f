"""The programme as a spreadsheet: one row per presentation, with its session's columns repeated.

A session without presentations (a workshop, a break, a plenary listed as one block) gets one row of its
own with the presentation columns empty. Times are local to the event, with the zone in its own column.

Excel opens the file as it is: UTF-8 with a byte-order mark (which is how Excel recognises UTF-8, so names
like Álvarez and Kraków survive), comma separated, CRLF line ends. A cell that would start with = + - or @
gets a leading apostrophe, so a spreadsheet never runs a title as a formula (CSV injection).
"""

import csv
import io

from rostrum.programme import selectors
from rostrum.programme.exporters.labels import (
    local,
    person_label,
    session_location,
    session_url,
    speakers_label,
)

COLUMNS = [
    "event",
    "session code",
    "session title",
    "session type",
    "room",
    "location",
    "date",
    "start",
    "end",
    "timezone",
    "format",
    "status",
    "session people",
    "presentation code",
    "kind",
    "title",
    "speakers",
    "url",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(event) -> bytes:
    """One row per presentation, plus one per session without presentations, in programme order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for session in selectors.session_list(event=event, with_presentations=True):
        for row in _session_rows(session, event):
            writer.writerow([_safe(str(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _session_rows(session, event):
    people = "; ".join(
        f"{person_label(role.person)}, {role.get_role_display()}" for role in session.roles.all()
    )
    common = {
        "event": event.title,
        "session code": session.code,
        "session title": session.title,
        "session type": session.session_type.name if session.session_type else "",
        "room": session.room.name if session.room else "",
        "location": session_location(session, event),
        "timezone": event.timezone,
        "format": session.get_format_display(),
        "session people": people,
        "url": session_url(session, event),
    }
    presentations = list(session.presentations.all())
    if not presentations:
        yield _row(common, item=session, status=session.get_status_display(), event=event)
    for presentation in presentations:
        # A talk of a cancelled session is cancelled, whatever its own row says.
        status = (session if session.is_cancelled else presentation).get_status_display()
        details = {
            "presentation code": presentation.code,
            "kind": presentation.get_kind_display(),
            "title": presentation.title,
            "speakers": speakers_label(presentation),
        }
        yield _row({**common, **details}, item=presentation, status=status, event=event)


def _row(values: dict, *, item, status: str, event) -> list:
    starts, ends = local(item.starts_at, event), local(item.ends_at, event)
    times = {"date": starts.date().isoformat(), "start": f"{starts:%H:%M}", "end": f"{ends:%H:%M}"}
    values = {**values, **times, "status": status}
    return [values.get(column, "") for column in COLUMNS]


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
