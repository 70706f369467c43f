"""The public session, people and session-type pages, through Django's test client."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostrum.programme.enums import ProgrammeStatus
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
    vienna,
)
from tests.programme.page_data import build_course, build_day, codes_on, session_url, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_events(time_machine):
    """Pages sort and open by today's date: pin it to January 2030, before the test events."""
    time_machine.move_to(dt.datetime(2030, 1, 15, 9, tzinfo=dt.UTC), tick=False)
    return time_machine


@pytest.fixture
def course():
    return build_course()


# Session page


def test_session_page_shows_everything_about_the_session(client, course):
    session = course.sessions.get()
    response = client.get(session_url(course, session))
    html, page = response.content.decode(), text(response)

    assert "ESOR course · PCC 1" in page
    assert f'<a href="{reverse("programme:session-type", kwargs={"slug": "esor"})}">ESOR course</a>' in html
    assert "Patient Communication Course - Part 1" in page
    assert "Live ETC Level II Communication" in page
    assert "When Monday 4 March 2030, 12:30-14:30 CET (Europe/Vienna)" in page
    assert "Room Channel 1" in page
    assert "For Residents" in page
    assert "This course addresses critical educational needs in patient interaction." in page
    assert (
        '<ol class="objectives"><li>to demonstrate effective patient interaction</li>'
        "<li>to develop empathy and clarity</li></ol>"
    ) in html
    assert "Moderator A. Rockall, London/GB" in page
    assert "Organised with the support of EFRS." in page
    assert "Ultrasound machines kindly provided by a vendor." in page
    assert "12:30-13:10 Interacting with patients during ultrasound M. Radzina, Riga/LV" in page
    assert "13:50-14:30 Q&amp;A Session Q&amp;A" in page
    radzina = reverse("programme:person", kwargs={"event": course.slug, "code": "radzina"})
    assert f'<a href="{radzina}">M. Radzina</a>' in html


def test_session_page_marks_a_cancelled_session(client, course):
    session = course.sessions.get()
    session.status = ProgrammeStatus.CANCELLED
    session.save()

    assert "This session has been cancelled." in text(client.get(session_url(course, session)))


def test_session_page_is_not_reachable_under_another_events_url(client, course):
    other = EventFactory()
    session = course.sessions.get()

    response = client.get(reverse("programme:session", kwargs={"event": other.slug, "session": session.slug}))

    assert response.status_code == 404


def test_session_page_of_an_unknown_session_or_unpublished_event_is_not_found(client, course):
    session = course.sessions.get()
    assert (
        client.get(reverse("programme:session", kwargs={"event": course.slug, "session": "nope"})).status_code
        == 404
    )
    course.is_published = False
    course.save()

    assert client.get(session_url(course, session)).status_code == 404


# People


def test_people_page_lists_everyone_alphabetically_with_city_and_country(client, course):
    page = text(client.get(reverse("programme:people", kwargs={"event": course.slug})))

    names = [
        "D. Akata Ankara, Türkiye",
        "G. Paulo Coimbra, Portugal",
        "M. Radzina Riga, Latvia",
        "A. Rockall",
    ]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)


def test_people_page_leaves_out_other_events_people(client, course):
    PersonFactory(event=EventFactory(), printed_name="X. Elsewhere")

    assert "X. Elsewhere" not in text(client.get(reverse("programme:people", kwargs={"event": course.slug})))


def test_person_page_shows_biography_sessions_and_talks_with_times(client, course):
    radzina = reverse("programme:person", kwargs={"event": course.slug, "code": "radzina"})
    rockall = reverse("programme:person", kwargs={"event": course.slug, "code": "rockall"})

    radzina_page, rockall_page = text(client.get(radzina)), text(client.get(rockall))

    assert "Professor of radiology in Riga." in radzina_page
    assert (
        "Mon 4 Mar, 12:30-13:10 CET · Channel 1 Interacting with patients during ultrasound" in radzina_page
    )
    assert (
        "Mon 4 Mar, 12:30-14:30 CET · Channel 1 PCC 1 Patient Communication Course - Part 1 (moderator)"
        in (rockall_page)
    )


def test_person_page_is_not_reachable_under_another_events_url(client, course):
    other = EventFactory()

    response = client.get(reverse("programme:person", kwargs={"event": other.slug, "code": "radzina"}))

    assert response.status_code == 404


# Session types


def test_session_types_page_lists_names_and_codes(client):
    SessionTypeFactory(code="RC", slug="rc", name="Refresher Course", description="Core teaching.")

    page = text(client.get(reverse("programme:session-types")))

    assert "Refresher Course RC Core teaching." in page


def test_session_type_page_lists_upcoming_sessions_of_published_events_only(client, course):
    esor = course.sessions.get().session_type
    hidden = EventFactory(is_published=False)
    SessionFactory(event=hidden, code="HIDDEN 1", session_type=esor)
    SessionFactory(
        event=course,
        code="PAST 1",
        session_type=esor,
        starts_at=dt.datetime(2029, 1, 1, 10, tzinfo=dt.UTC),
        ends_at=dt.datetime(2029, 1, 1, 11, tzinfo=dt.UTC),
    )

    response = client.get(reverse("programme:session-type", kwargs={"slug": "esor"}))

    assert codes_on(response) == ["PCC 1"]
    assert "Mon 4 Mar 2030, 12:30-14:30 CET" in text(response)


def test_session_type_page_of_an_unknown_type_is_not_found(client):
    assert client.get(reverse("programme:session-type", kwargs={"slug": "nope"})).status_code == 404


def test_people_and_session_type_pages_query_count_does_not_grow(client, django_assert_num_queries):
    small, large = EventFactory(), EventFactory()
    build_day(small, 3)
    build_day(large, 6)
    session_type = reverse("programme:session-type", kwargs={"slug": "rc"})
    pages = [
        (
            reverse("programme:people", kwargs={"event": small.slug}),
            reverse("programme:people", kwargs={"event": large.slug}),
        ),
        (session_type, session_type),
    ]
    for small_url, large_url in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(small_url)
        with django_assert_num_queries(len(queries)):
            client.get(large_url)


def test_person_page_query_count_does_not_grow_with_appearances(client, django_assert_num_queries):
    event = EventFactory()
    person = PersonFactory(event=event)
    url = reverse("programme:person", kwargs={"event": event.slug, "code": person.code})
    SessionPersonFactory(person=person, session=SessionFactory(event=event))
    PresentationSpeakerFactory(
        person=person, presentation=PresentationFactory(session=SessionFactory(event=event))
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for _ in range(3):
        SessionPersonFactory(person=person, session=SessionFactory(event=event))
        PresentationSpeakerFactory(
            person=person, presentation=PresentationFactory(session=SessionFactory(event=event))
        )

    with django_assert_num_queries(len(queries)):
        client.get(url)


def test_programme_day_tabs_show_only_days_with_sessions(client, db):
    course = EventFactory(slug="course", start_date=dt.date(2030, 3, 4), end_date=dt.date(2030, 4, 1))
    SessionFactory(event=course, starts_at=vienna(4, 12, 30))
    SessionFactory(event=course, starts_at=vienna(4, 12, 30) + dt.timedelta(days=28))

    response = client.get("/events/course/")

    assert [day.isoformat() for day in response.context["days"]] == ["2030-03-04", "2030-04-01"]


def test_session_page_links_its_calendar_file(client, db):
    session = SessionFactory()

    response = client.get(session.get_absolute_url())

    assert f'href="/events/{session.event.slug}/sessions/{session.slug}.ics"' in response.content.decode()


def test_programme_page_links_every_export(client, db):
    event = EventFactory(slug="ecr-links")
    SessionFactory(event=event)

    page = client.get("/events/ecr-links/").content.decode()

    for file in ("schedule.ics", "schedule.xml", "schedule.json", "programme.csv", "programme.json"):
        assert f'href="/events/ecr-links/{file}"' in page
        assert client.get(f"/events/ecr-links/{file}").status_code == 200
