"""The society's membership types kept as data in data/membership_types.json, not in code."""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rostrum.accounts.enums import Profession
from rostrum.memberships.enums import GrantKind, Region
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.services import TYPE_FIELDS, membership_type_update_or_create

MEMBERSHIP_TYPES = Path(__file__).resolve().parent / "data" / "membership_types.json"


def _check(entry: dict, where: str) -> dict:
    missing = [key for key in ("code", "name", "for_whom") if not entry.get(key)]
    if missing:
        raise MembershipError(f"{where} has no {', '.join(missing)}.")
    unknown = set(entry["professions"]) - set(Profession.values) if "professions" in entry else set()
    if unknown:
        raise MembershipError(f"{where} names unknown professions: {', '.join(sorted(unknown))}.")
    if entry.get("region", Region.ANYWHERE) not in Region.values:
        raise MembershipError(f"{where} has the unknown region {entry['region']!r}.")
    for benefit in entry.get("benefits", []):
        grant = benefit.get("grant")
        if grant and (grant.get("kind") not in GrantKind.values or not grant.get("reference")):
            raise MembershipError(f"{where} has a benefit whose grant needs a known kind and a reference.")
    fields = {key: value for key, value in entry.items() if key in TYPE_FIELDS}
    try:
        # A string in the file (“11.00”): money never passes through a float.
        fields["annual_fee"] = Decimal(str(entry.get("annual_fee", "0")))
    except InvalidOperation as error:
        raise MembershipError(f"{where} has a fee that is not an amount: {entry['annual_fee']!r}.") from error
    return fields


def membership_types_load(*, path: Path = MEMBERSHIP_TYPES, by=None) -> tuple[int, int]:
    """Create or update (by code) every membership type of the file, in its order; return (total, created).

    Side effects: those of `membership_type_update_or_create`. Raises MembershipError on an unreadable file
    or an invalid entry.
    """
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MembershipError(f"Cannot read the membership types {path}: {error}") from error
    created_count = 0
    for position, entry in enumerate(entries):
        fields = _check(entry, f"Entry {position + 1} of {path}")
        fields["position"] = position
        _type, created = membership_type_update_or_create(
            code=entry["code"], benefits=entry.get("benefits", []), by=by, **fields
        )
        created_count += created
    return len(entries), created_count
