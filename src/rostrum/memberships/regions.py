"""Which countries count as Europe for a membership type's region; the list is data (see its "about")."""

import json
from functools import cache
from pathlib import Path

from rostrum.memberships.enums import Region

EUROPEAN_COUNTRIES = Path(__file__).resolve().parent / "data" / "european_countries.json"


@cache
def european_countries() -> frozenset[str]:
    data = json.loads(EUROPEAN_COUNTRIES.read_text(encoding="utf-8"))
    return frozenset(code.upper() for code in data["countries"])


def in_region(country_code: str, region: str) -> bool:
    """Whether a country (ISO 3166-1 alpha-2) lies in a membership type's region."""
    if region == Region.ANYWHERE:
        return True
    inside = country_code.upper() in european_countries()
    return inside if region == Region.EUROPE else not inside
