"""Recognisers for single lines of a pasted agenda: date lines, item lines, speaker lines, bullets, prose.

Agendas are copied from web pages and PDFs, so every recogniser tolerates the dashes (hyphen, en dash, em
dash), time separators ("12:30", "12.30", "12h30") and spacing that such copies produce. `agenda_text`
assembles the lines into sessions.
"""

import datetime as dt
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass

import pycountry
from django.utils.text import slugify

from rostrum.programme.enums import PresentationKind, SessionRole

# Spelled in agendas but not ISO 3166 codes (or not the ones we mean); pycountry resolves the rest.
COUNTRY_ALIASES = {
    "UK": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "EL": "GR",  # the EU's own code for Greece
    "UAE": "AE",
    "KOREA": "KR",
    "RUSSIA": "RU",
    "TURKEY": "TR",
}

# Zone abbreviations printed after a date line; each is a fixed offset from UTC (the text says which one).
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "JST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip

DASH = r"\s*(?:[-\u2010-\u2015\u2212~]|to)\s*"
TIME = r"(?:[01]?\d|2[0-3])\s*[:.h]\s*[0-5]\d(?:\s*[AaPp]\.?[Mm]\.?)?"
_TIME_PARTS = re.compile(r"(\d{1,2})\s*[:.h]\s*(\d\d)(?:\s*([ap])\.?m\.?)?", re.IGNORECASE)

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B"), dt.date(2000, number, 1).strftime("%b"))
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",  # February 22, 2024
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH}\s+(?P<year>\d{{4}})",  # 22 February 2024
    r"(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})",  # 2024-02-22
    r"(?P<day>\d{1,2})[./](?P<mnum>\d{1,2})[./](?P<year>\d{4})",  # 22.02.2024, 22/02/2024
]
# An abbreviation (CET), an offset (UTC+1) or an IANA name (Europe/Vienna).
ZONE = r"[A-Z]{2,5}|(?:UTC|GMT)[+-]\d{1,2}(?::?\d\d)?|[A-Za-z_]+/[A-Za-z_/+-]+"
_WEEKDAY = r"(?:[A-Za-z]+,?\s+)?"
DATE_LINE = [
    re.compile(
        rf"^\s*{_WEEKDAY}{form}\s*(?:[|,;:\u2013\u2014-]\s*)?"
        rf"(?:(?P<start>{TIME}){DASH}(?P<end>{TIME}))?\s*\(?(?P<zone>{ZONE})?\)?\s*$"
    )
    for form in _DATE_FORMS
]
ITEM_LINE = re.compile(
    rf"^\s*(?P<start>{TIME})(?:{DASH}(?P<end>{TIME}))?\s*(?:[|:\u2013\u2014-]\s+)?(?P<title>\S.*?)\s*$"
)
BULLET = re.compile(r"^\s*(?:[\u2022\u2023\u25aa\u25cf\u00b7*\u2013-]|\d{1,2}[.)])\s+(?P<text>\S.*?)\s*$")
OFFSET_ZONE = re.compile(r"^(?:UTC|GMT)(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d\d))?$", re.I)

_NAME = r"[^\W\d_][\w.'\u2019-]*"
SPEAKER = re.compile(
    rf"^(?P<name>{_NAME}(?:\s+{_NAME}){{0,5}})\s*,\s*(?P<city>[^\W\d_][^,/;&\d]*?)"
    r"\s*/\s*(?P<country>[A-Za-z. ]{2,40}?)$"
)
# Between speakers: " and ", ";", "&", or a comma right after a country ("Riga/LV, Cork/IE").
SPEAKER_SEPARATOR = re.compile(r"\s+(?:and|und|&)\s+|\s*[;&]\s*|(?<=/[A-Za-z]{2}),\s*|(?<=/[A-Za-z]{3}),\s*")

# "Moderator: A. Rockall, London/UK" or "Chairs: ..." names people for the whole session.
ROLE_LINE = re.compile(r"^(?P<role>moderat\w*|chair\w*)(?: by)?\s*:?\s+(?P<people>\S.*)$", re.IGNORECASE)
ABOUT_HEADINGS = {"about the course", "about this course", "about", "course description", "description"}
OBJECTIVES_HEADINGS = {"learning objectives", "learning outcomes", "objectives", "course objectives"}

KIND_PATTERNS = [
    (PresentationKind.QA, re.compile(r"^(?:live )?(?:q ?& ?a|q and a|questions?(?: and answers)?)"
                                     r"(?: session)?(?: and discussion)?$")),
    (PresentationKind.BREAK, re.compile(r"^(?:(?:coffee|lunch|comfort|short) )?(?:break|pause)$|^lunch$")),
    (PresentationKind.DISCUSSION, re.compile(r"^(?:(?:panel|open|general|final|round ?table) )?discussion$")),
    (PresentationKind.QUIZ, re.compile(r"^quiz\b|\bquiz(?:zes)?(?: session)?$")),
]  # fmt: skip


@dataclass(frozen=True)
class Speaker:
    """A speaker as printed: "M. Radzina, Riga/LV"; `country` is ISO 3166 alpha-2, empty when unknown."""

    name: str
    city: str
    country: str
    printed_country: str

    @property
    def code(self) -> str:
        """The person's stable key in the event: the slug of the printed name."""
        return slugify(self.name)[:100] or "speaker"

    @property
    def country_name(self) -> str:
        return pycountry.countries.get(alpha_2=self.country).name if self.country else ""


def normalise(line: str) -> str:
    """The line with non-breaking and other odd spaces made plain and the end trimmed."""
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u202f", " ")
    return line.replace("\u200b", "").replace("\ufeff", "").rstrip()


def parse_time(value: str) -> dt.time:
    """ "12:30", "12.30", "12h30", "1:30 pm" as a time of day."""
    hours, minutes, meridiem = _TIME_PARTS.fullmatch(value.strip()).groups()
    hours = int(hours)
    if meridiem:
        hours = hours % 12 + (12 if meridiem.lower() == "p" else 0)
    return dt.time(hours, int(minutes))


def parse_zone(value: str) -> tuple[dt.tzinfo, str] | None:
    """The zone a date line names ("CET", "UTC+1", "Europe/Vienna") with its label, None when unknown."""
    if value.upper() in ZONE_ABBREVIATIONS:
        hours = ZONE_ABBREVIATIONS[value.upper()]
        return dt.timezone(dt.timedelta(hours=hours), value.upper()), value.upper()
    if match := OFFSET_ZONE.match(value):
        sign = -1 if match["sign"] == "-" else 1
        offset = dt.timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
        if offset <= dt.timedelta(hours=14):
            return dt.timezone(sign * offset, value.upper()), value.upper()
    if "/" in value and value in zoneinfo.available_timezones():
        return zoneinfo.ZoneInfo(value), value
    return None


def match_date_line(line: str) -> tuple[dt.date, re.Match] | None:
    """The date and the match of a date line ("February 22, 2024 | 12:30 - 18:00 CET"), else None."""
    for pattern in DATE_LINE:
        match = pattern.match(line)
        if not match:
            continue
        groups = match.groupdict()
        month = MONTHS.get(groups["month"].lower()) if groups.get("month") else int(groups["mnum"])
        if not month:
            continue
        try:
            return dt.date(int(match["year"]), month, int(match["day"])), match
        except ValueError:
            continue
    return None


def country_code(printed: str) -> str:
    """ISO 3166 alpha-2 for "LV", "UK", "USA", "Germany"; empty when nothing matches."""
    value = printed.strip().strip(".").upper() if len(printed.strip()) <= 3 else printed.strip()
    value = COUNTRY_ALIASES.get(value.upper(), value)
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return ""


def match_speakers(line: str) -> list[Speaker] | None:
    """The speakers of a line such as "A. Rockall, London/UK and Herbert Kressel, Boston/USA", else None."""
    speakers = []
    for part in SPEAKER_SEPARATOR.split(line.strip()):
        match = SPEAKER.match(part.strip())
        if not match:
            return None
        printed_country = match["country"].strip()
        speakers.append(
            Speaker(
                name=" ".join(match["name"].split()),
                city=" ".join(match["city"].split()),
                country=country_code(printed_country),
                printed_country=printed_country,
            )
        )
    return speakers


def match_session_role(line: str) -> tuple[str, list[Speaker]] | None:
    """The role and people of a line such as "Moderator: A. Rockall, London/UK", else None."""
    match = ROLE_LINE.match(line.strip())
    people = match_speakers(match["people"]) if match else None
    if not people:
        return None
    return (SessionRole.CHAIR if match["role"].lower().startswith("chair") else SessionRole.MODERATOR), people


def item_kind(title: str) -> str:
    """Q&A, break, discussion or quiz when the title says so plainly, otherwise a talk."""
    words = " ".join(re.sub(r"[^\w&]+", " ", title.casefold()).split())
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(words):
            return kind
    return PresentationKind.TALK


def heading_key(line: str) -> str:
    return line.strip().rstrip(":").strip().casefold()


def is_prose(line: str) -> bool:
    """A sentence of running text (an announcement, a paragraph), as opposed to a heading or a list entry."""
    words = line.split()
    return len(words) >= 12 or (len(words) >= 3 and line.rstrip()[-1] in ".!?")
