"""Reading a pasted agenda into sessions, items and people, without writing anything (see `agenda_text`).

A date line starts a session named by the heading above it; item, speaker and moderator lines follow; "About
the course" paragraphs and "Learning objectives" bullets describe it. Running text is allowed anywhere; any
other line inside a session is returned as unparsed with its number, so it can be reported, never dropped.
"""

import datetime as dt
from dataclasses import dataclass, field

from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers.agenda_lines import (
    ABOUT_HEADINGS,
    BULLET,
    ITEM_LINE,
    OBJECTIVES_HEADINGS,
    Speaker,
    heading_key,
    is_prose,
    item_kind,
    match_date_line,
    match_session_role,
    match_speakers,
    normalise,
    parse_time,
    parse_zone,
)
from rostrum.programme.services import unique_slug

EXAMPLE_DATE_LINE = "February 22, 2024 | 12:30 - 18:00 CET"


@dataclass
class ParsedItem:
    line: int
    title: str
    kind: str
    starts_at: dt.datetime  # aware, in the zone of its session's date line
    ends_at: dt.datetime
    speakers: list[Speaker] = field(default_factory=list)


@dataclass
class ParsedSession:
    line: int
    title: str
    code: str
    zone: str  # as the date line names it ("CET") or the event's zone name
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    learning_objectives: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    roles: list[tuple[str, Speaker]] = field(default_factory=list)  # moderators and chairs, in order


@dataclass(frozen=True)
class UnparsedLine:
    number: int
    text: str
    reason: str = "not understood, left out"


@dataclass
class ParsedAgenda:
    sessions: list[ParsedSession]
    unparsed: list[UnparsedLine]

    @property
    def items(self) -> list[ParsedItem]:
        return [item for session in self.sessions for item in session.items]

    @property
    def speakers(self) -> dict[str, Speaker]:
        """Every person once (speakers, moderators, chairs), by code, first appearance first."""
        found: dict[str, Speaker] = {}
        for session in self.sessions:
            for speaker in [person for _, person in session.roles] + [
                speaker for item in session.items for speaker in item.speakers
            ]:
                found.setdefault(speaker.code, speaker)
        return found

    @property
    def title(self) -> str:
        return self.sessions[0].title

    def warnings(self) -> list[str]:
        return [f"Line {line.number}: {line.reason}: {line.text.strip()}" for line in self.unparsed]


@dataclass
class _Reader:
    """The state while reading one session: which part of it the lines are in."""

    session: ParsedSession
    date: dt.date
    zone: dt.tzinfo
    part: str = "intro"  # intro, about, objectives, items
    paragraphs: list[list[str]] = field(default_factory=list)


def _heading_above(lines: list[str], number: int, date_lines: set[int]) -> tuple[int, str] | None:
    """The session's title and its line: the nearest line above the date line that is neither prose nor
    part of a list. None when the previous session's items come first."""
    for above in range(number - 1, 0, -1):
        line = lines[above - 1].strip()
        if not line or is_prose(line) or BULLET.match(line) or heading_key(line) in ABOUT_HEADINGS:
            continue
        if above in date_lines or ITEM_LINE.match(line) or match_speakers(line):
            return None
        return above, line
    return None


def _at(date: dt.date, value: str, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(date, parse_time(value), tzinfo=zone)


def _start_session(number: int, line: str, title: str, default_timezone: dt.tzinfo, taken: set[str]):
    date, match = match_date_line(line)
    if match["zone"]:
        found = parse_zone(match["zone"])
        if found is None:
            raise ProgrammeError(
                f"Line {number}: unknown time zone '{match['zone']}'; "
                "use an abbreviation such as CET or CEST, an offset such as UTC+1, "
                "or a name such as Europe/Vienna."
            )
        zone, label = found
    else:
        zone, label = default_timezone, str(default_timezone)
    title = title or f"Session on {date:%d %B %Y}"
    session = ParsedSession(
        line=number,
        title=title[:400],
        code=unique_slug(title, taken=taken, max_length=50),
        zone=label,
        starts_at=_at(date, match["start"], zone) if match["start"] else None,
        ends_at=_at(date, match["end"], zone) if match["end"] else None,
    )
    if session.starts_at and session.ends_at <= session.starts_at:
        raise ProgrammeError(f"Line {number}: the session ends at {match['end']}, before it starts.")
    return _Reader(session=session, date=date, zone=zone)


def _read_item(reader: _Reader, number: int, match) -> None:
    starts_at = _at(reader.date, match["start"], reader.zone)
    ends_at = _at(reader.date, match["end"], reader.zone) if match["end"] else None
    if ends_at is not None and ends_at <= starts_at:
        raise ProgrammeError(f"Line {number}: the item ends at {match['end']}, before it starts.")
    title = match["title"].strip()
    item = ParsedItem(
        line=number, title=title[:400], kind=item_kind(title), starts_at=starts_at, ends_at=ends_at
    )
    reader.session.items.append(item)
    reader.part = "items"


def _read_line(reader: _Reader, number: int, raw: str, previous_blank: bool, unparsed: list) -> None:
    """One non-blank line inside a session."""
    line, session = raw.strip(), reader.session
    people = []
    if match := ITEM_LINE.match(line):
        _read_item(reader, number, match)
    elif role := match_session_role(line):
        people = role[1]
        session.roles += [(role[0], person) for person in people]
    elif reader.part == "items" and (people := match_speakers(line) or []):
        session.items[-1].speakers.extend(people)
    else:
        _read_text(reader, number, raw, previous_blank, unparsed)
    unparsed.extend(
        UnparsedLine(number, raw, f"country '{p.printed_country}' not recognised, {p.name} kept without one")
        for p in people
        if not p.country
    )


def _read_text(reader: _Reader, number: int, raw: str, previous_blank: bool, unparsed: list) -> None:
    """A line of a session that is neither an item nor names people: description, objectives or prose."""
    line, session = raw.strip(), reader.session
    if heading_key(line) in ABOUT_HEADINGS:
        reader.part = "about"
    elif heading_key(line) in OBJECTIVES_HEADINGS:
        reader.part = "objectives"
    elif reader.part == "objectives" and (bullet := BULLET.match(line)):
        session.learning_objectives.append(bullet["text"])
    elif reader.part == "objectives" and session.learning_objectives and not previous_blank:
        # A bullet that wrapped onto the next line when it was copied.
        session.learning_objectives[-1] += " " + line
    elif reader.part == "about" and not match_speakers(line):
        if previous_blank or not reader.paragraphs:
            reader.paragraphs.append([])
        reader.paragraphs[-1].append(line)
    elif not is_prose(line):
        unparsed.append(UnparsedLine(number, raw))


def _finish_session(reader: _Reader) -> ParsedSession:
    session = reader.session
    session.description = "\n\n".join(" ".join(lines) for lines in reader.paragraphs)
    for index, item in enumerate(session.items):
        if item.ends_at is None:
            following = session.items[index + 1].starts_at if index + 1 < len(session.items) else None
            item.ends_at = following or session.ends_at
            if item.ends_at is None or item.ends_at <= item.starts_at:
                raise ProgrammeError(
                    f"Line {item.line}: the item has no end time and nothing after it ends it."
                )
    if session.starts_at is None:
        if not session.items:
            raise ProgrammeError(f"Line {session.line}: the date line has no times and no items follow it.")
        session.starts_at = min(item.starts_at for item in session.items)
        session.ends_at = max(item.ends_at for item in session.items)
    return session


def parse_agenda(text: str, *, default_timezone: dt.tzinfo) -> ParsedAgenda:
    """Read a pasted agenda; raises ProgrammeError naming the line when it cannot be read at all."""
    lines = [normalise(line) for line in text.splitlines()]
    date_lines = {number for number, line in enumerate(lines, start=1) if match_date_line(line)}
    if not date_lines:
        raise ProgrammeError(
            "No date line found: each session of the agenda starts with a line such as "
            f"'{EXAMPLE_DATE_LINE}'."
        )
    headings = {number: _heading_above(lines, number, date_lines) for number in date_lines}
    heading_lines = {heading[0] for heading in headings.values() if heading}
    sessions, unparsed, taken = [], [], set()
    reader, previous_blank = None, True
    for number, line in enumerate(lines, start=1):
        if number in date_lines:
            if reader:
                sessions.append(_finish_session(reader))
            title = headings[number][1] if headings[number] else ""
            reader = _start_session(number, line, title, default_timezone, taken)
        elif not line.strip():
            previous_blank = True
            continue
        elif reader is None:
            if ITEM_LINE.match(line.strip()):
                unparsed.append(UnparsedLine(number, line, "an item before any date line, its day unknown"))
        elif number not in heading_lines:
            _read_line(reader, number, line, previous_blank, unparsed)
        previous_blank = False
    sessions.append(_finish_session(reader))
    return ParsedAgenda(sessions=sessions, unparsed=unparsed)
