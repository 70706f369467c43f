"""The demo programme: three events from the society's own texts (data/*.json), loaded through the services.

The data keeps every time as the seeds print it, in the event's local time. A stage moves each event by one
shift, so that the demo is upcoming (before), has a session live right now (live) or is over (after).
Loading again first deletes the demo events, so two runs never duplicate anything.
"""

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from rostrum.demo.products import demo_products_detach, demo_products_load
from rostrum.programme.models import Event, SessionType
from rostrum.programme.services import (
    audience_get_or_create,
    event_create,
    event_delete,
    organisation_get_or_create,
    person_create,
    presentation_create,
    programme_batch,
    room_get_or_create,
    session_create,
    session_person_add,
    topic_get_or_create,
)

DATA = Path(__file__).resolve().parent / "data"
EVENT_FILES = ("highlight_week.json", "patient_communication_course.json", "ecr_2020.json")

# Stage "live" puts this session's start ten minutes before now.
LIVE_EVENT, LIVE_SESSION = "ecr-2020-highlight-week-children-in-focus", "HLL 1"
LIVE_STARTED_MINUTES_AGO = 10
# Stages "before" and "after" keep a week between today and the first start or the last end.
DAYS_AWAY = 7


class Stage(StrEnum):
    BEFORE = "before"
    LIVE = "live"
    AFTER = "after"


@dataclass(frozen=True)
class Shift:
    """Whole days on the local calendar (local clock times stay as printed), then an exact remainder."""

    days: int = 0
    remainder: dt.timedelta = dt.timedelta(0)

    def at(self, local: str, tz: ZoneInfo) -> dt.datetime:
        """The UTC instant of a local time "2024-02-22T12:30" of the data, shifted."""
        naive = dt.datetime.fromisoformat(local) + dt.timedelta(days=self.days)
        return naive.replace(tzinfo=tz).astimezone(dt.UTC) + self.remainder


def read_events() -> list[dict]:
    """The demo events as data, each congress schedule laid out into sessions with local times."""
    events = []
    for name in EVENT_FILES:
        data = json.loads((DATA / name).read_text(encoding="utf-8"))
        if "schedule" in data:
            data["sessions"] = lay_out(data["schedule"], rooms=data["rooms"])
        events.append(data)
    return events


def lay_out(schedule: dict, *, rooms: list[str]) -> list[dict]:
    """Spread each group's sessions over the days in its room(s): one session per room and time slot.

    A session is never longer than the gap between two slots, so a room is never double-booked.
    """
    days, slots = schedule["days"], schedule["slots"]
    times = [dt.datetime.fromisoformat(f"{days[0]}T{slot}") for slot in slots]
    longest = min((later - earlier for earlier, later in itertools.pairwise(times)), default=None)
    used = dict.fromkeys(rooms, 0)
    sessions = []
    for group in schedule["groups"]:
        group_rooms = group["room"] if isinstance(group["room"], list) else [group["room"]]
        length = dt.timedelta(minutes=group["minutes"])
        if longest is not None and length > longest:
            raise ValueError(f"{group['heading']}: {group['minutes']} minutes do not fit between two slots.")
        for index, entry in enumerate(group["titles"]):
            room = group_rooms[index % len(group_rooms)]
            cell = used[room]
            used[room] += 1
            day, slot = cell % len(days), cell // len(days)
            if slot >= len(slots):
                raise ValueError(f"{room} has no free slot left for '{entry['title']}'.")
            starts = dt.datetime.fromisoformat(f"{days[day]}T{slots[slot]}")
            moderators = group.get("moderators", [])
            sessions.append(
                {
                    # ECR-style numbers: type, then day, room and slot ("RC 213").
                    "code": f"{group['type']} {day + 1}{rooms.index(room) + 1}{slot + 1}",
                    "title": entry["title"],
                    "type": group["type"],
                    "format": "on_site",
                    "room": room,
                    "starts": starts.isoformat(timespec="minutes"),
                    "ends": (starts + length).isoformat(timespec="minutes"),
                    "description": group.get("description")
                    or f"ECR 2020 Radiographers' Programme: {group['heading']}.",
                    "topics": entry.get("topics", group["topics"]),
                    "audiences": group["audiences"],
                    "supporting_societies": group.get("supporting_societies", []),
                    "sponsor_acknowledgement": entry.get("sponsor_acknowledgement", ""),
                    "roles": [[moderators[index % len(moderators)], "moderator"]] if moderators else [],
                    "presentations": items(
                        entry.get("items", group["items"]), entry["title"], starts, length
                    ),
                }
            )
    return sessions


def items(template: str, title: str, starts: dt.datetime, length: dt.timedelta) -> list[dict]:
    """The timed items of a congress session; the seed gives only session titles, so these stay generic."""
    parts = {
        "talk": [(title, "talk", 1)],
        "discussion": [(title, "discussion", 1)],
        "quiz": [(title, "quiz", 1)],
        "lectures": [
            ("Lecture A", "talk", 5),
            ("Lecture B", "talk", 5),
            ("Lecture C", "talk", 5),
            ("Panel discussion", "discussion", 3),
        ],
        "pros-cons": [("Pro", "talk", 1), ("Con", "talk", 1), ("Discussion", "discussion", 1)],
    }[template]
    unit = length / sum(weight for _, _, weight in parts)
    result, at = [], starts
    for part_title, kind, weight in parts:
        ends = at + unit * weight
        result.append(
            {
                "title": part_title,
                "kind": kind,
                "starts": at.isoformat(timespec="minutes"),
                "ends": ends.isoformat(timespec="minutes"),
                "speakers": [],
            }
        )
        at = ends
    return result


def stage_shifts(events: list[dict], *, stage: str | None, now: dt.datetime) -> dict[str, Shift]:
    """The shift of each demo event (by slug) that puts the demo at `stage` relative to `now`.

    No stage: as the seeds say. Before: every event starts a week from now; after: every event ended a
    week ago (Highlight Week recordings still on demand). Live: the Highlight Week's live session started ten
    minutes ago, the congress is on today, the course starts in a week. Whole days keep the printed clock
    times; only the live event needs an exact remainder.
    """
    if stage is None:
        return {data["event"]["slug"]: Shift() for data in events}
    stage = Stage(stage)
    now = now.astimezone(dt.UTC).replace(second=0, microsecond=0)
    shifts = {}
    for data in events:
        slug = data["event"]["slug"]
        first = dt.date.fromisoformat(min(session["starts"][:10] for session in data["sessions"]))
        last = dt.date.fromisoformat(max(session["ends"][:10] for session in data["sessions"]))
        if stage is Stage.LIVE and slug == LIVE_EVENT:
            session = next(session for session in data["sessions"] if session["code"] == LIVE_SESSION)
            tz = ZoneInfo(data["event"]["timezone"])
            target = now - dt.timedelta(minutes=LIVE_STARTED_MINUTES_AGO)
            days = (target.astimezone(tz).date() - dt.date.fromisoformat(session["starts"][:10])).days
            shifts[slug] = Shift(days=days, remainder=target - Shift(days=days).at(session["starts"], tz))
        elif stage is Stage.LIVE and data["event"]["kind"] == "congress":
            middle = first + (last - first) / 2
            shifts[slug] = Shift(days=(now.date() - middle).days)
        elif stage in (Stage.BEFORE, Stage.LIVE):
            shifts[slug] = Shift(days=(now.date() + dt.timedelta(days=DAYS_AWAY) - first).days)
        else:
            shifts[slug] = Shift(days=(now.date() - dt.timedelta(days=DAYS_AWAY) - last).days)
    return shifts


@transaction.atomic
def demo_load(*, stage: str | None = None, now: dt.datetime | None = None) -> list[Event]:
    """Delete and load the demo events, shifted to `stage`, then their products (products.py); the
    session-type catalogue must be loaded.

    Side effects: those of the programme services (activity log, programme version bumps) and of the
    registration catalogue services.
    """
    events = read_events()
    shifts = stage_shifts(events, stage=stage, now=now or dt.datetime.now(dt.UTC))
    session_types = {session_type.code: session_type for session_type in SessionType.objects.all()}
    with programme_batch():
        demo_products_detach([data["event"]["slug"] for data in events])
        loaded = [
            event_load(data, shift=shifts[data["event"]["slug"]], session_types=session_types)
            for data in events
        ]
    demo_products_load({event.slug: event for event in loaded}, shifts=shifts)
    return loaded


def event_load(data: dict, *, shift: Shift, session_types: dict[str, SessionType]) -> Event:
    spec = data["event"]
    tz = ZoneInfo(spec["timezone"])
    existing = Event.objects.filter(slug=spec["slug"]).first()
    if existing:
        event_delete(existing)
    timed = [
        (session, shift.at(session["starts"], tz), shift.at(session["ends"], tz))
        for session in data["sessions"]
    ]
    start_date = dt.date.fromisoformat(spec["start_date"]) + dt.timedelta(days=shift.days)
    end_date = dt.date.fromisoformat(spec["end_date"]) + dt.timedelta(days=shift.days)
    # The remainder of a "live" shift may move a session across midnight: the event's days follow it.
    start_date = min([start_date, *(starts.astimezone(tz).date() for _, starts, _ in timed)])
    end_date = max([end_date, *(ends.astimezone(tz).date() for _, _, ends in timed)])
    event = event_create(
        slug=spec["slug"],
        title=spec["title"],
        start_date=start_date,
        end_date=end_date,
        kind=spec["kind"],
        acronym=spec.get("acronym", ""),
        description=spec["description"],
        timezone=spec["timezone"],
        venue=spec["venue"],
        is_online=spec["is_online"],
        organiser=spec["organiser"],
        # Whole days only: "until 31 December, 23:59" stays at 23:59 local time, long after the last session.
        on_demand_until=Shift(days=shift.days).at(spec["on_demand_until"], tz)
        if spec.get("on_demand_until")
        else None,
    )
    event.supporting_societies.set(organisations(spec["supporting_societies"]))
    rooms = {name: room_get_or_create(event=event, name=name) for name in data["rooms"]}
    people = {
        code: person_create(event=event, code=code, **fields) for code, fields in data["people"].items()
    }
    for session, starts_at, ends_at in timed:
        if session["type"] not in session_types:
            raise ValueError(
                f"The session type {session['type']} is not in the catalogue: load_session_types."
            )
        created = session_create(
            event=event,
            code=session["code"],
            slug=session.get("slug"),
            title=session["title"],
            starts_at=starts_at,
            ends_at=ends_at,
            session_type=session_types[session["type"]],
            format=session["format"],
            room=rooms[session["room"]],
            description=session.get("description", ""),
            learning_objectives=session.get("learning_objectives", []),
            sponsor_acknowledgement=session.get("sponsor_acknowledgement", ""),
            topics=[topic_get_or_create(name=name) for name in session.get("topics", [])],
            audiences=[audience_get_or_create(name=name) for name in session.get("audiences", [])],
            supporting_organisations=organisations(session.get("supporting_societies", [])),
        )
        for code, role in session.get("roles", []):
            session_person_add(created, person=people[code], role=role)
        for item in session["presentations"]:
            presentation_create(
                session=created,
                title=item["title"],
                kind=item["kind"],
                starts_at=shift.at(item["starts"], tz),
                ends_at=shift.at(item["ends"], tz),
                abstract=item.get("abstract", ""),
                speakers=[people[code] for code in item["speakers"]],
            )
    return event


def organisations(pairs: list[list[str]]) -> list:
    return [organisation_get_or_create(name=name, acronym=acronym) for name, acronym in pairs]
