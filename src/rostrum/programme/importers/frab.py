"""frab / c3voc `schedule.xml` import (pentabarf, frab, pretalx and osem write it).

What becomes what:

- the conference → the event (`event_slug`), created when it does not exist: title (or `title`), acronym,
  first and last day, time zone (`timezone`, else `<time_zone_name>`, else one that gives every event's UTC
  offset: a fixed zone such as Etc/GMT-1 when all offsets are equal). An existing event keeps its title and
  zone unless `title` / `timezone` are given; its dates grow to cover the imported days.
- each `<room>` → a room of the event, in the file's order;
- each frab `<event>` → one session (code `frab-<id>`, on site, in its room) holding one presentation
  (code `frab-<id>`, `external_id` the frab id): title, subtitle, abstract, language and links on the
  presentation, the description on the session; the track → a topic of the session (slug from its name);
  the type → the catalogue's session type of that name or code when one exists, otherwise it stays as the
  presentation's kind (lecture → talk, podium → discussion, ...): an import never adds to the society's
  catalogue. Persons → people with code `frab-<person id>`, in the file's order.
- times come from each event's `<date>` with its offset (a frab day runs past midnight, so the day's date
  plus `<start>` would put a 00:15 talk a day early) plus `<duration>`.
- guids: a guid that is a UUID is kept; any other (31C3 has base64 ones) becomes uuid5(GUID_NAMESPACE,
  original), the same on every import, so exports stay valid and re-imports find their rows.

Re-importing matches presentations by guid (then code), sessions and people by code, updates what changed in
place (moving a session or talk bumps its revision, calendar clients see a new SEQUENCE) and cancels what an
earlier import brought that the file no longer lists (frab leaves cancelled talks out of its schedule).
Rows are written in bulk for speed (thousands of events in seconds), so one activity-log entry records the
whole import and the programme version is bumped once, only when something changed. The report lists the
programme's conflicts (a person in two rooms at once, ...) as every import does.
"""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.db import transaction
from django.utils.text import slugify

from rostrum.core.services import activity_log
from rostrum.programme.conflicts import programme_conflicts
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers import ImportReport
from rostrum.programme.importers.frab_write import write_items
from rostrum.programme.models import Event
from rostrum.programme.services import event_create, event_update, programme_batch, programme_touch

# Fixed namespace of the UUIDs derived from guids that are not UUIDs. Never change it: re-imports rely on it.
GUID_NAMESPACE = uuid.UUID("c8a53661-683e-4d60-8f0e-1865e9980248")
# Zones tried first when only UTC offsets are known, so CET/CEST reads Europe/... rather than Africa/Ceuta.
REGIONS = ("Europe/", "America/", "Asia/", "Australia/", "Pacific/", "Africa/")


@dataclass
class FrabItem:
    """One frab event as read from the file, checked, with the line of its start tag."""

    line: int
    code: str
    frab_id: str
    guid: uuid.UUID
    title: str
    subtitle: str
    abstract: str
    description: str
    language: str
    track: str
    type: str
    room: str
    date: dt.datetime
    duration: dt.timedelta
    links: list[dict] = field(default_factory=list)
    persons: list[tuple[str, str]] = field(default_factory=list)  # (code, name)


def import_frab_xml(
    data: bytes, *, event_slug: str, by=None, title: str | None = None, timezone: str | None = None
) -> ImportReport:
    """Import a frab schedule.xml into the event `event_slug`; see the module docstring.

    Side effects: creates or updates the event, rooms, topics, people, sessions and presentations; one
    activity-log entry; one programme version bump when anything changed. Nothing is written on error.
    """
    root, lines = _parse(data)
    conference = root.find("conference")
    rooms, items = _read_days(root, lines)
    if timezone and timezone not in zoneinfo.available_timezones():
        raise ProgrammeError(f"'{timezone}' is not an IANA time zone (e.g. Europe/Vienna).", field="timezone")
    existing = Event.objects.filter(slug=event_slug).first()
    zone_name = (
        timezone
        or _text(conference, "time_zone_name")
        or (existing.timezone if existing else "")
        or _zone_for([item.date for item in items if item.date.tzinfo])
    )
    if zone_name not in zoneinfo.available_timezones():
        raise ProgrammeError(f"The file names the time zone '{zone_name}', which is not an IANA time zone.")
    zone = zoneinfo.ZoneInfo(zone_name)
    for item in items:
        if item.date.tzinfo is None:
            item.date = item.date.replace(tzinfo=zone)
    days = _days(root, conference, items, zone)
    with transaction.atomic(), programme_batch():
        event = _event(
            existing,
            slug=event_slug,
            conference=conference,
            title=title,
            timezone=timezone,
            zone_name=zone_name,
            days=days,
            by=by,
        )
        report = ImportReport(event=event)
        if existing is None:
            report.count("events", created=True)
        write_items(event, rooms=rooms, items=items, report=report, by=by)
        if report.created or report.updated:
            programme_touch(event.pk)
        report.conflicts = programme_conflicts(event=event)
        activity_log(
            action="programme.imported",
            actor=by,
            obj=event,
            data={"format": "frab-xml", "created": report.created, "updated": report.updated},
        )
    return report


def _parse(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's root and the line of every <event> start tag, with defusedxml's protections."""
    builder = _LineRecorder()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as error:
        line = error.position[0]
        raise ProgrammeError(f"The file is not well-formed XML: {error}.", field=f"line {line}") from error
    except DefusedXmlException as error:
        raise ProgrammeError(
            "The file declares entities or external references, which are refused for safety.",
        ) from error
    if root.tag != "schedule":
        raise ProgrammeError(f"This is not a frab schedule: the document is a <{root.tag}>, not <schedule>.")
    if root.find("conference") is None:
        raise ProgrammeError("The schedule has no <conference> element.")
    return root, builder.lines


class _LineRecorder(ET.TreeBuilder):
    """Builds the tree and notes where each <event> starts, so errors can name the line."""

    def __init__(self):
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[ET.Element, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if tag == "event":
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _read_days(root: ET.Element, lines: dict) -> tuple[list[str], list[FrabItem]]:
    """The rooms in the file's order and every frab event, checked."""
    rooms: dict[str, None] = {}
    items: list[FrabItem] = []
    for day in root.findall("day"):
        for room in day.findall("room"):
            for element in room.findall("event"):
                item = _read_item(element, line=lines[element], room_name=room.get("name", ""))
                rooms[item.room] = None
                items.append(item)
    seen: dict[object, FrabItem] = {}
    for item in items:
        for key, label in ((item.guid, "guid"), (item.code, "id")):
            if key in seen:
                raise ProgrammeError(
                    f"The event '{item.title}' has the same {label} as '{seen[key].title}' "
                    f"(line {seen[key].line}).",
                    field=f"line {item.line}",
                )
            seen[key] = item
    return list(rooms), items


def _read_item(element: ET.Element, *, line: int, room_name: str) -> FrabItem:
    where = f"line {line}"
    frab_id = (element.get("id") or "").strip()
    title = _text(element, "title")
    if not frab_id:
        raise ProgrammeError(f"The event '{title}' has no id attribute.", field=where)
    if not title:
        raise ProgrammeError(f"The event {frab_id} has no title.", field=where)
    date_text = _text(element, "date")
    try:
        date = dt.datetime.fromisoformat(date_text)
    except ValueError as error:
        raise ProgrammeError(
            f"The event '{title}' needs a <date> like 2014-12-27T11:00:00+01:00, not '{date_text}'.",
            field=where,
        ) from error
    duration = _duration(_text(element, "duration"))
    if duration is None:
        raise ProgrammeError(
            f"The event '{title}' needs a <duration> like 00:30 longer than zero.", field=where
        )
    room = _text(element, "room") or room_name
    if not room:
        raise ProgrammeError(f"The event '{title}' has no room.", field=where)
    original_guid = (element.get("guid") or "").strip()
    for name, value, limit in (("title", title, 400), ("subtitle", _text(element, "subtitle"), 400)):
        if len(value) > limit:
            raise ProgrammeError(
                f"The {name} of event {frab_id} is longer than {limit} characters.", field=where
            )
    persons = []
    for person in element.iterfind("persons/person"):
        name = (person.text or "").strip()
        if name:
            key = (person.get("id") or "").strip()
            if not (key.isascii() and key.isalnum()):  # frab's ids are numbers; anything else gets a slug
                key = slugify(key or name) or "person"
            persons.append((f"frab-{key}"[:100], name[:200]))
    return FrabItem(
        line=line,
        code=f"frab-{frab_id}"[:50],
        frab_id=frab_id[:100],
        guid=_guid(original_guid or f"frab-{frab_id}"),
        title=title,
        subtitle=_text(element, "subtitle"),
        abstract=_text(element, "abstract"),
        description=_text(element, "description"),
        language=_text(element, "language")[:10],
        track=_text(element, "track")[:200],
        type=_text(element, "type"),
        room=room[:200],
        date=date,
        duration=duration,
        links=[
            {"url": link.get("href", "").strip(), "title": (link.text or "").strip()}
            for link in element.iterfind("links/link")
            if link.get("href", "").strip()
        ],
        persons=list(dict.fromkeys(persons)),
    )


def _guid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(GUID_NAMESPACE, value)


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    return (element.findtext(path) or "").strip()


def _duration(text: str) -> dt.timedelta | None:
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
        return None
    hours, minutes, *seconds = (int(part) for part in parts)
    duration = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds[0] if seconds else 0)
    return duration if duration > dt.timedelta(0) else None


def _zone_for(moments: list[dt.datetime]) -> str:
    """A time zone that gives every moment its UTC offset: a fixed Etc zone when they share one."""
    offsets = {moment.utcoffset() for moment in moments}
    if not offsets:
        raise ProgrammeError(
            "The times carry no UTC offset and the file names no time zone: pass a time zone."
        )
    if len(offsets) == 1:
        hours, rest = divmod(next(iter(offsets)).total_seconds(), 3600)
        if not rest and -12 <= hours <= 14:
            # POSIX names count the other way round: UTC+1 is Etc/GMT-1.
            return "UTC" if hours == 0 else f"Etc/GMT{-int(hours):+d}"
    names = sorted(
        zoneinfo.available_timezones(),
        key=lambda n: (next((i for i, r in enumerate(REGIONS) if n.startswith(r)), len(REGIONS)), n),
    )
    for name in names:
        zone = zoneinfo.ZoneInfo(name)
        if all(moment.astimezone(zone).utcoffset() == moment.utcoffset() for moment in moments):
            return name
    raise ProgrammeError("No time zone has the UTC offsets of the file's times: pass a time zone.")


def _days(root: ET.Element, conference: ET.Element, items: list[FrabItem], zone) -> tuple[dt.date, dt.date]:
    """The first and last programme day: frab's <end> is the morning after the last night, so days decide."""
    texts = [(day.get("date"), "<day date>") for day in root.findall("day") if day.get("date")]
    texts += [(_text(conference, "start"), "<conference><start>")]
    dates = [_date(text, where) for text, where in texts if text]
    if not dates:
        dates = [item.date.astimezone(zone).date() for item in items]
    if not dates and _text(conference, "end"):
        dates = [_date(_text(conference, "end"), "<conference><end>")]
    if not dates:
        raise ProgrammeError("The schedule has neither days, events nor conference dates.")
    return min(dates), max(dates)


def _date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as error:
        raise ProgrammeError(f"{where} needs a date like 2014-12-27, not '{text}'.") from error


def _event(existing, *, slug, conference, title, timezone, zone_name, days, by) -> Event:
    first, last = days
    if existing is None:
        return event_create(
            slug=slug,
            title=title or _text(conference, "title") or slug,
            start_date=first,
            end_date=last,
            acronym=_text(conference, "acronym")[:50],
            timezone=zone_name,
            by=by,
        )
    changes = {}
    if title and title != existing.title:
        changes["title"] = title
    if timezone and timezone != existing.timezone:
        changes["timezone"] = timezone
    if first < existing.start_date:
        changes["start_date"] = first
    if last > existing.end_date:
        changes["end_date"] = last
    return event_update(existing, by=by, **changes) if changes else existing
