"""Public programme pages: read through selectors, shape the day for the templates, render."""

import dataclasses
import datetime as dt
import itertools
import unicodedata

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from rostrum.programme import selectors
from rostrum.programme.enums import Level, SessionFormat
from rostrum.programme.views.grid import day_grid

ALL_DAYS = "all"
VIEWS = ("list", "grid")


def front_page(request):
    today = timezone.localdate()
    events = list(selectors.event_list())
    upcoming = sorted((e for e in events if e.end_date >= today), key=lambda e: (e.start_date, e.title))
    past = [e for e in events if e.end_date < today]
    return render(request, "programme/front.html", {"upcoming": upcoming, "past": past})


def _chosen_day(value: str, *, days: list[dt.date], today: dt.date) -> dt.date | None:
    """The day asked for; None for all days. An unknown day falls back to today, or the first day."""
    if value == ALL_DAYS:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = today
    return day if day in days else (today if today in days else days[0])


def _filters(request, *, day: dt.date | None, choices: dict) -> selectors.SessionFilters:
    """The filters of the query string; a value the event does not use is ignored, never an error."""

    def pick(name: str, allowed) -> str:
        value = request.GET.get(name, "")
        return value if value in allowed else ""

    return selectors.SessionFilters(
        day=day,
        session_type=pick("session_type", {t.slug for t in choices["session_types"]}),
        topic=pick("topic", {t.slug for t in choices["topics"]}),
        audience=pick("audience", {a.slug for a in choices["audiences"]}),
        format=pick("format", SessionFormat.values),
        level=pick("level", Level.values),
        room=pick("room", {r.slug for r in choices["rooms"]}),
    )


def programme(request, event):
    """The programme of one day (or of all days) as a list or a room grid, filtered by the query string.

    Links are built on `event_url` (sessions/<slug>/, people/<code>/, the routes below): one reverse per page
    instead of one per link, as a congress day has about a thousand of them.
    """
    event = selectors.event_get(slug=event)
    days = selectors.programme_days(event=event)
    day = _chosen_day(request.GET.get("day", ""), days=days, today=timezone.localdate(timezone=event.tz))
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "list"
    choices = {name: list(values) for name, values in selectors.filter_choices(event=event).items()}
    filters = _filters(request, day=day, choices=choices)
    sessions = selectors.session_list(event=event, filters=filters, with_presentations=view == "list")
    if view == "grid":
        sessions = sessions.prefetch_related(None)  # a grid block shows no people, topics or audiences
    sessions = list(sessions)

    by_day = {d: [] for d in days}
    for session in sessions:
        by_day.setdefault(timezone.localdate(session.starts_at, timezone=event.tz), []).append(session)
    shown_days = [day] if day else [d for d, day_sessions in by_day.items() if day_sessions]
    if view == "grid":
        sections = [
            (d, day_grid(sessions=by_day[d], rooms=choices["rooms"], day=d, tz=event.tz)) for d in shown_days
        ]
    else:
        sections = [(d, by_day[d]) for d in shown_days]
    context = {
        "event": event,
        "event_url": event.get_absolute_url(),
        "supporting_societies": list(event.supporting_societies.all()),
        "days": days,
        "day": day,
        "view": view,
        "filters": filters,
        "narrowed": dataclasses.replace(filters, day=None).active,  # filters beyond the day tabs
        "choices": choices,
        "formats": SessionFormat.choices,
        "levels": Level.choices,
        "sections": sections,
        "session_count": len(sessions),
    }
    return render(request, "programme/programme.html", context)


def session_detail(request, event, session):
    event = selectors.event_get(slug=event)
    session = selectors.session_get(event=event, slug=session)
    day = timezone.localdate(session.starts_at, timezone=event.tz)
    day_url = f"{event.get_absolute_url()}?day={day.isoformat()}"
    context = {"event": event, "event_url": event.get_absolute_url(), "session": session, "day_url": day_url}
    return render(request, "programme/session.html", context)


def _initial(name: str) -> str:
    letter = unicodedata.normalize("NFKD", name[:1])[:1].upper()
    return letter if letter.isalpha() else "#"


def person_list(request, event):
    event = selectors.event_get(slug=event)
    people = sorted(
        selectors.person_list(event=event), key=lambda p: (p.family_name or p.printed_name).casefold()
    )
    groups = [
        (letter, list(group))
        for letter, group in itertools.groupby(
            people, key=lambda p: _initial(p.family_name or p.printed_name)
        )
    ]
    context = {
        "event": event,
        "event_url": event.get_absolute_url(),
        "groups": groups,
        "count": len(people),
        "day": None,
    }
    return render(request, "programme/people.html", context)


def person_detail(request, event, code):
    event = selectors.event_get(slug=event)
    person = selectors.person_get(event=event, code=code)
    session_roles, talks = selectors.person_appearances(person=person)
    context = {"event": event, "person": person, "session_roles": session_roles, "talks": talks}
    return render(request, "programme/person.html", context)


def session_type_list(request):
    return render(request, "programme/session_types.html", {"session_types": selectors.session_type_list()})


def session_type_detail(request, slug):
    session_type = selectors.session_type_get(slug=slug)
    sessions = selectors.session_type_upcoming_sessions(session_type=session_type, since=timezone.now())
    return render(
        request, "programme/session_type.html", {"session_type": session_type, "sessions": sessions}
    )


urlpatterns = [
    path("", front_page, name="front"),
    path("session-types/", session_type_list, name="session-types"),
    path("session-types/<slug:slug>/", session_type_detail, name="session-type"),
    path("events/<slug:event>/", programme, name="event"),
    path("events/<slug:event>/people/", person_list, name="people"),
    path("events/<slug:event>/people/<slug:code>/", person_detail, name="person"),
    path("events/<slug:event>/sessions/<slug:session>/", session_detail, name="session"),
]
