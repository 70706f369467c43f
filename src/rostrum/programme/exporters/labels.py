"""How the calendar and spreadsheet exports print people, places and local times, as the programme does."""

import datetime as dt

from django.conf import settings
from django.urls import reverse


def person_label(person) -> str:
    """ "M. Radzina (Riga/LV)", or just the name when the city and country are unknown."""
    return f"{person.printed_name} ({person.affiliation})" if person.affiliation else person.printed_name


def speakers_label(presentation) -> str:
    """The speakers in printed order; needs `speaker_roles__person` prefetched."""
    return "; ".join(person_label(role.person) for role in presentation.speaker_roles.all())


def session_location(session, event) -> str:
    """ "Room A, Austria Center Vienna"; an online event without a venue says "online"."""
    parts = [session.room.name if session.room else "", event.venue or ("online" if event.is_online else "")]
    return ", ".join(part for part in parts if part)


def session_url(session, event) -> str:
    """The session page as an absolute URL: calendar and spreadsheet files leave the site."""
    path = reverse("programme:session", kwargs={"event": event.slug, "session": session.slug})
    return settings.ROSTRUM_BASE_URL.rstrip("/") + path


def local(moment: dt.datetime, event) -> dt.datetime:
    return moment.astimezone(event.tz)
