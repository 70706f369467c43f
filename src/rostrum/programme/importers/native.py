"""Import of the native JSON programme (docs/programme.schema.json).

The file is the programme: after an import the event holds exactly the file's rooms, people, sessions and
presentations, matched by their stable keys (room name, person code, session code, presentation code) and
updated in place; what the file no longer lists is removed. The shared catalogues (session types, topics,
audiences, organisations) only grow: missing entries are added, existing ones are left as staff keep them.

First the whole file is checked (JSON Schema, then references, duplicates and times) without touching the
database; every error names its JSON path, e.g. `sessions[3].presentations[1].starts_at`.
"""

import datetime as dt
import functools
import json
import zoneinfo
from pathlib import Path

from django_countries import countries
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers import ImportReport
from rostrum.programme.importers.native_sync import Plan, plan_apply

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "programme.schema.json"


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # Resolving "$ref" while validating 3,000 presentations costs seconds; the schema has no cycles, so the
    # references are resolved once here.
    return Draft202012Validator(_inline(schema, schema.pop("$defs")))


def _inline(schema, defs: dict):
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        return _inline(defs[schema["$ref"].removeprefix("#/$defs/")] | rest, defs)
    return {key: _inline(value, defs) for key, value in schema.items()}


@functools.cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def json_path(parts) -> str:
    """`["sessions", 3, "starts_at"]` as `sessions[3].starts_at`."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def import_native(
    data: bytes, *, event_slug: str, by=None, title: str | None = None, timezone: str | None = None
) -> ImportReport:
    """Make the event `event_slug` (created when missing) hold the programme in `data`.

    `title` and `timezone`, when given, replace the file's event title and time zone.
    Side effects (all in one transaction, nothing on error): rows created, updated and removed, catalogue
    entries added, one activity-log row, one programme version bump.
    """
    document = _parse(data)
    if title:
        document["event"]["title"] = title
    if timezone:
        document["event"]["timezone"] = timezone
    return plan_apply(_plan(document), event_slug=event_slug, by=by)


def _parse(data: bytes) -> dict:
    try:
        document = json.loads(data)
    except UnicodeDecodeError as error:
        raise ProgrammeError("The file is not UTF-8 text; expected a JSON programme.") from error
    except json.JSONDecodeError as error:
        raise ProgrammeError(
            f"The file is not valid JSON ({error.msg}).", field=f"line {error.lineno} column {error.colno}"
        ) from error
    errors = list(_validator().iter_errors(document))
    if errors:
        first = min(errors, key=lambda e: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in e.path])
        more = f" ({len(errors) - 1} more problems after this one)" if len(errors) > 1 else ""
        raise ProgrammeError(_describe(first) + more, field=json_path(_detail(first).absolute_path) or "$")
    return document


def _detail(error):
    # An `anyOf` failure says little by itself; the closest alternative says what was expected.
    return best_match(error.context) if error.validator == "anyOf" and error.context else error


def _describe(error) -> str:
    error = _detail(error)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if description and error.validator in {"pattern", "type"}:
        return f"expected {description}, got {error.instance!r}."
    return f"{error.message}."


def _datetime(value: str, path: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise ProgrammeError(f"'{value}' is not a real date and time.", field=path) from error


def _date(value: str, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ProgrammeError(f"'{value}' is not a real date.", field=path) from error


def _times(item: dict, path: str) -> tuple[dt.datetime, dt.datetime]:
    starts_at = _datetime(item["starts_at"], f"{path}.starts_at")
    ends_at = _datetime(item["ends_at"], f"{path}.ends_at")
    if ends_at <= starts_at:
        raise ProgrammeError(
            f"expected a time after starts_at ({item['starts_at']}).", field=f"{path}.ends_at"
        )
    return starts_at, ends_at


def _unique(items: list[dict], key: str, path: str, what: str) -> None:
    seen: set = set()
    for index, item in enumerate(items):
        value = item.get(key)
        if value is not None and value in seen:
            raise ProgrammeError(f"{what} '{value}' is listed twice.", field=f"{path}[{index}].{key}")
        seen.add(value)


def _plan(document: dict) -> Plan:
    """Check everything that needs no database and turn the document into rows' field values."""
    event = _event(document["event"])
    for key, what in [
        ("session_types", "the session type"),
        ("topics", "the topic"),
        ("audiences", "the audience"),
    ]:
        _unique(document.get(key, []), "code" if key == "session_types" else "slug", key, what)
    _unique(document.get("organisations", []), "name", "organisations", "the organisation")
    rooms, people, sessions = document["rooms"], document["people"], document["sessions"]
    _unique(rooms, "name", "rooms", "the room")
    _unique(rooms, "slug", "rooms", "the room slug")
    _unique(people, "code", "people", "the person code")
    _unique(sessions, "code", "sessions", "the session code")
    _unique(sessions, "slug", "sessions", "the session slug")
    for index, person in enumerate(people):
        if person.get("country") and not countries.name(person["country"]):
            raise ProgrammeError(
                f"'{person['country']}' is not an ISO 3166 country code (e.g. LV).",
                field=f"people[{index}].country",
            )
    room_names = {room["name"] for room in rooms}
    person_codes = {person["code"] for person in people}
    presentation_paths: dict[str, str] = {}
    planned_sessions = []
    for index, session in enumerate(sessions):
        path = f"sessions[{index}]"
        if session.get("room") is not None and session["room"] not in room_names:
            raise ProgrammeError(
                f"there is no room '{session['room']}' in rooms; expected one of its names.",
                field=f"{path}.room",
            )
        roles = _roles(session.get("people", []), f"{path}.people", person_codes, keyed_by_role=True)
        presentations = []
        for number, presentation in enumerate(session.get("presentations", [])):
            item_path = f"{path}.presentations[{number}]"
            code = presentation["code"]
            if code in presentation_paths:
                raise ProgrammeError(
                    f"the presentation code '{code}' is used already at {presentation_paths[code]}.",
                    field=f"{item_path}.code",
                )
            presentation_paths[code] = item_path
            presentations.append(_presentation(presentation, item_path, number, person_codes))
        planned_sessions.append(_session(session, path, roles, presentations))
    return Plan(
        event=event,
        session_types={t["code"]: t for t in document.get("session_types", [])},
        topic_names={t["slug"]: t["name"] for t in document.get("topics", [])},
        audience_names={a["slug"]: a["name"] for a in document.get("audiences", [])},
        organisations={o["name"]: o for o in document.get("organisations", [])},
        rooms=[
            {
                "name": room["name"],
                "slug": room.get("slug"),
                "position": room.get("position", index),
                "capacity": room.get("capacity"),
                "description": room.get("description", ""),
            }
            for index, room in enumerate(rooms)
        ],
        people=[
            {key: person.get(key, "") for key in Plan.PERSON_FIELDS} | {"code": person["code"]}
            for person in people
        ],
        sessions=planned_sessions,
    )


def _event(event: dict) -> dict:
    if event["timezone"] not in _timezones():
        raise ProgrammeError(
            f"'{event['timezone']}' is not an IANA time zone (e.g. Europe/Vienna).", field="event.timezone"
        )
    start_date = _date(event["start_date"], "event.start_date")
    end_date = _date(event["end_date"], "event.end_date")
    if end_date < start_date:
        raise ProgrammeError(f"expected a date on or after {start_date}.", field="event.end_date")
    on_demand_until = event.get("on_demand_until")
    return {
        "kind": event.get("kind", "congress"),
        "title": event["title"],
        "acronym": event.get("acronym", ""),
        "description": event.get("description", ""),
        "timezone": event["timezone"],
        "start_date": start_date,
        "end_date": end_date,
        "venue": event.get("venue", ""),
        "is_online": event.get("is_online", False),
        "is_published": event.get("is_published", True),
        "organiser": event.get("organiser", ""),
        "language": event.get("language", "en"),
        "url": event.get("url", ""),
        "on_demand_until": _datetime(on_demand_until, "event.on_demand_until") if on_demand_until else None,
        "supporting_societies": event.get("supporting_societies", []),
    }


def _roles(items: list, path: str, person_codes: set[str], *, keyed_by_role: bool) -> list[tuple[str, str]]:
    """People in printed order as (code, role); a session may list one person in two roles, a talk may not."""
    roles, seen = [], set()
    for index, item in enumerate(items):
        code, role = (item, "speaker") if isinstance(item, str) else (item["person"], item["role"])
        if code not in person_codes:
            raise ProgrammeError(
                f"there is no person '{code}' in people; expected one of their codes.",
                field=f"{path}[{index}]" + ("" if isinstance(item, str) else ".person"),
            )
        key = (code, role) if keyed_by_role else code
        if key in seen:
            raise ProgrammeError(f"'{code}' is listed twice.", field=f"{path}[{index}]")
        seen.add(key)
        roles.append((code, role))
    return roles


def _session(session: dict, path: str, roles: list, presentations: list) -> dict:
    starts_at, ends_at = _times(session, path)
    return {
        "path": path,
        "code": session["code"],
        "slug": session.get("slug"),
        "session_type": session.get("session_type"),
        "room": session.get("room"),
        "topics": session.get("topics", []),
        "audiences": session.get("audiences", []),
        "supporting_organisations": session.get("supporting_organisations", []),
        "roles": roles,
        "presentations": presentations,
        "fields": {
            "title": session["title"],
            "level": session.get("level", ""),
            "format": session.get("format", "on_site"),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "description": session.get("description", ""),
            "learning_objectives": session.get("learning_objectives", []),
            "sponsor_acknowledgement": session.get("sponsor_acknowledgement", ""),
            "language": session.get("language", ""),
            "status": session.get("status", "scheduled"),
        },
    }


def _presentation(presentation: dict, path: str, position: int, person_codes: set[str]) -> dict:
    starts_at, ends_at = _times(presentation, path)
    return {
        "code": presentation["code"],
        "speakers": _roles(
            presentation.get("speakers", []), f"{path}.speakers", person_codes, keyed_by_role=False
        ),
        "fields": {
            "external_id": presentation.get("external_id", ""),
            "kind": presentation.get("kind", "talk"),
            "title": presentation["title"],
            "subtitle": presentation.get("subtitle", ""),
            "abstract": presentation.get("abstract", ""),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "position": position,
            "language": presentation.get("language", ""),
            "links": presentation.get("links", []),
            "status": presentation.get("status", "scheduled"),
        },
    }
