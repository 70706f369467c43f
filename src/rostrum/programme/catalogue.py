"""The session-type catalogue (RC, NH, SA, ...) kept as data in data/session_types.json, not in code."""

import json
from pathlib import Path

from rostrum.programme.errors import ProgrammeError
from rostrum.programme.services import session_type_update_or_create

SESSION_TYPES = Path(__file__).resolve().parent / "data" / "session_types.json"


def session_types_load(*, path: Path = SESSION_TYPES, by=None) -> tuple[int, int]:
    """Create or update (by code) every session type of the file, in its order; returns (total, created).

    Side effects: those of `session_type_update_or_create`. Raises ProgrammeError on an unreadable file.
    """
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ProgrammeError(f"Cannot read the session-type catalogue {path}: {error}") from error
    created_count = 0
    for position, entry in enumerate(entries):
        missing = [key for key in ("code", "slug", "name") if not entry.get(key)]
        if missing:
            raise ProgrammeError(f"Entry {position + 1} of {path} has no {', '.join(missing)}.")
        _session_type, created = session_type_update_or_create(
            code=entry["code"],
            slug=entry["slug"],
            name=entry["name"],
            description=entry.get("description", ""),
            position=position,
            by=by,
        )
        created_count += created
    return len(entries), created_count
