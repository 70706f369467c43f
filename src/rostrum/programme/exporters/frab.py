"""frab / c3voc `schedule.xml` and `schedule.json` of an event, for Giggity, EventFahrplan, ConfClerk, FOSDEM
Companion and info-beamer.

Both files validate against `schemas/c3voc-schedule/` (xsd/schedule.xml.xsd, json/schema.json). In frab every
timed item is an "event": our sessions nest presentations, so each presentation becomes one frab event in its
session's room, with the session's first topic as its track and the session type as its type.

- Days run from 04:00 to 04:00 local time, as frab's day change does: a talk at 00:30 belongs to the day
  before, as the attendees of a late evening session expect.
- Cancelled items are left out, as frab and pretalx do; EventFahrplan then flags a starred one as cancelled.
- A session without a room is placed in a room "Online" (online events, live or pre-recorded sessions) or
  "Room to be announced", whose guid derives from the event and the name.
- guids are the presentations' own UUIDs (imports derive a UUID when the source had none), persons get a UUID
  derived from the event and their code, so apps keep stars and favourites across versions.

Speed: ~3,000 presentations in well under a second: four queries of plain rows (`selectors.presentation_rows`)
and the XML written as escaped strings rather than through an element tree.
"""

import datetime as dt
import json
import re
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from rostrum.programme import selectors
from rostrum.programme.enums import ProgrammeStatus, SessionFormat

# Fixed namespace of the UUIDs we derive for persons and rooms without a row of their own.
GUID_NAMESPACE = uuid.UUID("95547e11-9428-4598-b984-6ac8bbe0cc93")
DAY_CHANGE = dt.timedelta(hours=4)
TIMESLOT_DURATION = "00:05"
GENERATOR = "Rostrum"
ONLINE_ROOM, UNKNOWN_ROOM = "Online", "Room to be announced"
# The JSON schema's own pattern (searched, as jsonschema does): zones like Etc/GMT-1 are left out there.
JSON_TIME_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot carry at all (pasted abstracts sometimes hold them) are dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FIELDS = (
    "pk",
    "guid",
    "kind",
    "title",
    "subtitle",
    "abstract",
    "language",
    "links",
    "status",
    "starts_at",
    "ends_at",
    "session_id",
    "session__slug",
    "session__status",
    "session__format",
    "session__language",
    "session__description",
    "session__room__name",
    "session__session_type__name",
)


def export_frab_xml(event) -> bytes:
    """The event's schedule.xml (c3voc schema)."""
    schedule = _schedule(event)
    conference = schedule["conference"]
    out = [
        "<?xml version='1.0' encoding='utf-8'?>\n<schedule>",
        f'<generator name="{GENERATOR}" system="{_attr(schedule["base_url"])}"/>',
        f"<version>{_esc(schedule['version'])}</version>",
        "<conference>",
        *(f"<{name}>{_esc(conference[name])}</{name}>" for name in ("title", "acronym", "start", "end")),
        f"<days>{conference['daysCount']}</days>",
        f"<timeslot_duration>{conference['timeslot_duration']}</timeslot_duration>",
        f"<base_url>{_esc(schedule['base_url'])}</base_url>",
        f"<url>{_esc(conference['url'])}</url>",
        f"<time_zone_name>{_esc(event.timezone)}</time_zone_name>",
        *(f'<track name="{_attr(track["name"])}"/>' for track in conference["tracks"]),
        "</conference>",
    ]
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        bounds = f'start="{day["day_start"]}" end="{day["day_end"]}"'
        out.append(f'<day index="{day["index"]}" date="{day["date"]}" {bounds}>')
        for room_name, items in day["rooms"].items():
            out.append(f'<room name="{_attr(room_name)}" guid="{room_guids[room_name]}">')
            out.extend(_event_xml(item) for item in items)
            out.append("</room>")
        out.append("</day>")
    out.append("</schedule>\n")
    return "\n".join(out).encode()


def export_frab_json(event) -> bytes:
    """The event's schedule.json (c3voc schema)."""
    schedule = _schedule(event)
    if not JSON_TIME_ZONE.search(event.timezone):
        del schedule["conference"]["time_zone_name"]
    # A person with both `id` and `public_name` would match both of the schema's person kinds, which its
    # `oneOf` forbids: the JSON keeps the guid (what current apps key on) and both spellings of the name.
    for day in schedule["conference"]["days"]:
        for items in day["rooms"].values():
            for item in items:
                item["persons"] = [
                    {key: value for key, value in p.items() if key != "id"} for p in item["persons"]
                ]
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR},
        "schedule": schedule,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _event_xml(item: dict) -> str:
    persons = "".join(
        f'<person id="{person["id"]}" guid="{person["guid"]}">{_esc(person["name"])}</person>'
        for person in item["persons"]
    )
    links = "".join(
        f'<link href="{_attr(link["url"])}">{_esc(link["title"])}</link>' for link in item["links"]
    )
    return (
        f'<event guid="{item["guid"]}" id="{item["id"]}">'
        f"<date>{item['date']}</date><start>{item['start']}</start><duration>{item['duration']}</duration>"
        f"<room>{_esc(item['room'])}</room><slug>{item['slug']}</slug><url>{_esc(item['url'])}</url>"
        f"<title>{_esc(item['title'])}</title><subtitle>{_esc(item['subtitle'])}</subtitle>"
        f"<track>{_esc(item['track'])}</track><type>{_esc(item['type'])}</type>"
        f"<language>{_esc(item['language'])}</language><abstract>{_esc(item['abstract'])}</abstract>"
        f"<description>{_esc(item['description'])}</description>"
        f"<persons>{persons}</persons><links>{links}</links></event>"
    )


def _schedule(event) -> dict:
    """The schedule as the JSON schema shapes it; the XML is written from the same values."""
    base_url = _base_url()
    acronym = _acronym(event)
    rooms = {name: str(guid) for name, guid in selectors.room_list(event=event).values_list("name", "guid")}
    real_rooms = set(rooms)
    rows, speaker_rows, topic_rows = selectors.presentation_rows(event=event, fields=FIELDS)
    speakers: dict[int, list[dict]] = {}
    person_guids: dict[int, str] = {}
    for presentation_id, person_id, code, name in speaker_rows:
        if person_id not in person_guids:
            person_guids[person_id] = str(uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/person/{code}"))
        person = {"id": person_id, "guid": person_guids[person_id], "name": name, "public_name": name}
        speakers.setdefault(presentation_id, []).append(person)
    first_topics: dict[int, str] = {}
    for session_id, topic_name in topic_rows:
        first_topics.setdefault(session_id, topic_name)
    by_day: dict[dt.date, dict[str, list[dict]]] = {}
    tracks: dict[str, None] = {}
    session_urls: dict[int, str] = {}
    for row in rows:
        if ProgrammeStatus.CANCELLED in (row["status"], row["session__status"]):
            continue
        starts = row["starts_at"].astimezone(event.tz)
        room = row["session__room__name"] or _virtual_room(row["session__format"], event)
        if room not in rooms:
            rooms[room] = str(uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/room/{room}"))
        session_id = row["session_id"]
        if session_id not in session_urls:
            path = reverse("programme:session", kwargs={"event": event.slug, "session": row["session__slug"]})
            session_urls[session_id] = base_url + path.lstrip("/")
        item = _item(row, event=event, starts=starts, room=room, acronym=acronym)
        item["url"] = f"{session_urls[session_id]}#presentation-{row['pk']}"
        item["track"] = first_topics.get(session_id) or row["session__session_type__name"] or ""
        item["persons"] = speakers.get(row["pk"], [])
        if item["track"]:
            tracks[item["track"]] = None
        day_rooms = by_day.setdefault((starts - DAY_CHANGE).date(), {})
        day_rooms.setdefault(room, []).append(item)
    dates = [event.start_date, event.end_date, *by_day]
    first, last = min(dates), max(dates)
    days = [
        _day(
            first + dt.timedelta(days=n),
            first=first,
            by_day=by_day,
            rooms=rooms,
            real_rooms=real_rooms,
            event=event,
        )
        for n in range((last - first).days + 1)
    ]
    return {
        "version": str(event.programme_version),
        "base_url": base_url,
        "conference": {
            "acronym": acronym,
            "title": event.title,
            "start": first.isoformat(),
            "end": last.isoformat(),
            "daysCount": len(days),
            "timeslot_duration": TIMESLOT_DURATION,
            "time_zone_name": event.timezone,
            "url": event.url
            if event.url.startswith(("http://", "https://"))
            else base_url + reverse("programme:event", kwargs={"event": event.slug}).lstrip("/"),
            "tracks": [{"name": name} for name in tracks],
            "rooms": [{"name": name, "guid": guid} for name, guid in rooms.items()],
            "days": days,
        },
    }


def _day(date: dt.date, *, first: dt.date, by_day: dict, rooms: dict, real_rooms: set, event) -> dict:
    """One programme day with every room of the venue (frab lists empty rooms too), in room order."""
    day_rooms = by_day.get(date, {})
    items = [item for room_items in day_rooms.values() for item in room_items]
    opens = dt.datetime.combine(date, dt.time(), tzinfo=event.tz) + DAY_CHANGE
    starts = min((item["date"] for item in items), default=opens.isoformat())
    ends = max((item["end"] for item in items), default=(opens + dt.timedelta(days=1)).isoformat())
    return {
        "index": (date - first).days + 1,
        "date": date.isoformat(),
        "day_start": starts,
        "day_end": ends,
        "rooms": {name: day_rooms.get(name, []) for name in rooms if name in day_rooms or name in real_rooms},
    }


def _item(row: dict, *, event, starts: dt.datetime, room: str, acronym: str) -> dict:
    """One frab event of the schedule (JSON shape), without its url, track and persons."""
    minutes = int((row["ends_at"] - row["starts_at"]).total_seconds() // 60)
    title_slug = slugify(row["title"])[:50].strip("-_")
    return {
        "guid": str(row["guid"]),
        "id": row["pk"],
        "date": starts.replace(microsecond=0).isoformat(),
        "start": f"{starts:%H:%M}",
        "end": row["ends_at"].astimezone(event.tz).replace(microsecond=0).isoformat(),
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": room,
        # Both schemas' slug patterns: "ecr_2030-0042-title"; the padded id makes the tail long enough.
        "slug": f"{acronym}-{row['pk']:04d}" + (f"-{title_slug}" if title_slug else ""),
        "title": row["title"],
        "subtitle": row["subtitle"],
        "type": row["session__session_type__name"] or row["kind"],
        "language": row["language"] or row["session__language"] or event.language,
        "abstract": row["abstract"],
        "description": row["session__description"],
        "links": [
            {"url": link["url"], "title": link.get("title") or link["url"]}
            for link in row["links"]
            if isinstance(link, dict) and str(link.get("url", "")).startswith(("http://", "https://"))
        ],
    }


def _virtual_room(session_format: str, event) -> str:
    online = event.is_online or session_format in (SessionFormat.LIVE, SessionFormat.PRE_RECORDED)
    return ONLINE_ROOM if online else UNKNOWN_ROOM


def _acronym(event) -> str:
    """Both schemas want 4+ characters of [a-z0-9_]: "ECR" becomes "ecr_2030"."""
    acronym = slugify(event.acronym or event.slug).replace("-", "_")
    return acronym if len(acronym) >= 4 else f"{acronym}_{event.start_date.year}".lstrip("_")


def _base_url() -> str:
    return settings.ROSTRUM_BASE_URL.rstrip("/") + "/"


def _esc(text: str) -> str:
    return NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return (
        _esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    )
