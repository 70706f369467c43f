"""Public programme pages: read through selectors, render templates."""

from django.shortcuts import render
from django.urls import path

from rostrum.programme import selectors


def front_page(request):
    return render(request, "programme/front.html", {"events": selectors.event_list()})


def programme(request, event):
    event = selectors.event_get(slug=event)
    sessions = selectors.session_list(event=event, with_presentations=True)
    return render(request, "programme/programme.html", {"event": event, "sessions": sessions})


def session_detail(request, event, session):
    event = selectors.event_get(slug=event)
    session = selectors.session_get(event=event, slug=session)
    return render(request, "programme/session.html", {"event": event, "session": session})


def person_list(request, event):
    event = selectors.event_get(slug=event)
    return render(
        request, "programme/people.html", {"event": event, "people": selectors.person_list(event=event)}
    )


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
    return render(request, "programme/session_type.html", {"session_type": session_type})


urlpatterns = [
    path("", front_page, name="front"),
    path("session-types/", session_type_list, name="session-types"),
    path("session-types/<slug:slug>/", session_type_detail, name="session-type"),
    path("events/<slug:event>/", programme, name="event"),
    path("events/<slug:event>/people/", person_list, name="people"),
    path("events/<slug:event>/people/<slug:code>/", person_detail, name="person"),
    path("events/<slug:event>/sessions/<slug:session>/", session_detail, name="session"),
]
