"""The room-by-time grid of one day, computed in Python so the template only prints rows and cells.

The grid is an HTML table: rooms are columns, time slots are rows and a session is a cell spanning as many
rows as it lasts. Row spans size the blocks by duration without any inline style, which the
Content-Security-Policy forbids.
"""

import datetime as dt
from dataclasses import dataclass, field

from rostrum.programme.models import Room, Session

# Slot lengths the stylesheet knows (a class per length keeps one hour the same height whatever the slot).
SLOT_MINUTES = (60, 30, 15, 10, 5)


@dataclass(frozen=True)
class Cell:
    """A session block, or an empty stretch of a room (session is None), spanning `rows` slots."""

    rows: int
    session: Session | None = None


@dataclass(frozen=True)
class Row:
    """One slot of the grid: a time label where a label period starts, then the cells that start here."""

    starts: dt.datetime
    label_rows: int
    cells: list[Cell]


@dataclass(frozen=True)
class DayGrid:
    columns: list[str]
    rows: list[Row]
    slot_minutes: int
    # Sessions that overlap another one in the same room cannot share a cell; the page lists them below.
    overlapping: list[Session] = field(default_factory=list)


def _slot_minutes(offsets: list[int]) -> int:
    return next((slot for slot in SLOT_MINUTES if all(o % slot == 0 for o in offsets)), SLOT_MINUTES[-1])


def day_grid(*, sessions: list[Session], rooms: list[Room], day: dt.date, tz: dt.tzinfo) -> DayGrid | None:
    """The grid of the sessions starting on `day` (local to `tz`); None when there are none.

    Columns are the rooms used that day in the venue's order, then "Other" for sessions without a room.
    """
    if not sessions:
        return None
    day_start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    spans = [
        (s, max(s.starts_at.astimezone(tz), day_start), min(s.ends_at.astimezone(tz), day_end))
        for s in sessions
    ]
    first = min(start for _, start, _ in spans).replace(minute=0, second=0, microsecond=0)
    last = max(end for _, _, end in spans)
    minutes = _minutes_between(first, last)
    minutes += -minutes % 60  # end on a full hour
    slot = _slot_minutes([_minutes_between(first, t) for _, start, end in spans for t in (start, end)])
    row_count = minutes // slot

    used_rooms = {s.room_id for s in sessions}
    columns: list[int | None] = [room.pk for room in rooms if room.pk in used_rooms]
    names = [room.name for room in rooms if room.pk in used_rooms]
    if any(s.room_id not in columns for s in sessions):
        columns.append(None)
        names.append("Other")
    index = {room_id: i for i, room_id in enumerate(columns)}

    taken = [[False] * row_count for _ in columns]
    blocks: dict[tuple[int, int], Cell] = {}
    overlapping = []
    for session, start, end in spans:
        column = index.get(session.room_id, len(columns) - 1)
        top = _minutes_between(first, start) // slot
        bottom = max(top + 1, -(-_minutes_between(first, end) // slot))
        if any(taken[column][top:bottom]):
            overlapping.append(session)
            continue
        taken[column][top:bottom] = [True] * (bottom - top)
        blocks[top, column] = Cell(rows=bottom - top, session=session)

    label_rows = max(1, 30 // slot)
    rows = []
    for r in range(row_count):
        cells = []
        for column in range(len(columns)):
            if (r, column) in blocks:
                cells.append(blocks[r, column])
            elif not taken[column][r] and (r == 0 or taken[column][r - 1]):
                # One empty cell covers the whole free stretch: fewer cells, fewer bytes.
                free = r
                while free < row_count and not taken[column][free]:
                    free += 1
                cells.append(Cell(rows=free - r))
        starts = first + dt.timedelta(minutes=r * slot)
        rows.append(Row(starts=starts, label_rows=label_rows if r % label_rows == 0 else 0, cells=cells))
    return DayGrid(columns=names, rows=rows, slot_minutes=slot, overlapping=overlapping)


def _minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)
