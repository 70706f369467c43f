"""Small formatting filters of the public programme pages."""

import datetime as dt

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join

from rostrum.programme.enums import SessionRole

register = template.Library()

DASH = "\N{EN DASH}"

ROLE_PLURALS = {
    SessionRole.MODERATOR: "Moderators",
    SessionRole.CHAIR: "Chairs",
    SessionRole.PANELLIST: "Panellists",
    SessionRole.TUTOR: "Tutors",
    SessionRole.SPEAKER: "Speakers",
    SessionRole.COORDINATOR: "Coordinators",
}


@register.filter
def date_range(start: dt.date, end: dt.date) -> str:
    """Dates in words, en-dashed as printed: "4-8 March 2030", "28 February - 3 March 2030"."""
    if not end or end == start:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{DASH}{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} {DASH} {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} {DASH} {date_format(end, 'j F Y')}"


@register.filter
def zone_label(event, day: dt.date | None = None) -> str:
    """The event's time zone as pages name it, "Europe/Vienna (CET)": the abbreviation in use on `day`."""
    noon = dt.datetime.combine(day or event.start_date, dt.time(12), tzinfo=event.tz)
    return f"{event.timezone} ({noon.tzname()})"


@register.filter
def roles_by_kind(roles) -> list[tuple[str, list]]:
    """A session's people grouped by role in the order first met: [("Moderators", [person, ...]), ...]."""
    groups: dict[str, list] = {}
    for role in roles:
        groups.setdefault(role.role, []).append(role.person)
    return [
        (ROLE_PLURALS.get(kind, kind.title()) if len(people) > 1 else _singular(kind), people)
        for kind, people in groups.items()
    ]


def _singular(kind: str) -> str:
    return SessionRole(kind).label if kind in SessionRole.values else kind.title()


@register.simple_tag
def person_links(people, event_url: str) -> str:
    """Linked names as a programme prints them: "G. Paulo, Coimbra/PT and D. Akata, Ankara/TR".

    A tag rather than a template loop: a congress day prints over a thousand names, and building each one in
    Python costs a fraction of a template loop. `people` is a person, a role with a `person`, or a list of
    them.
    """
    if hasattr(people, "person") or hasattr(people, "printed_name"):
        people = [people]
    links = [_person_link(getattr(item, "person", item), event_url) for item in people]
    if len(links) < 2:
        return links[0] if links else ""
    return format_html("{} and {}", format_html_join("; ", "{}", ((link,) for link in links[:-1])), links[-1])


def _person_link(person, event_url: str) -> str:
    link = format_html('<a href="{}people/{}/">{}</a>', event_url, person.code, person.printed_name)
    affiliation = person.affiliation
    return format_html("{}, {}", link, affiliation) if affiliation else link
