"""The public programme pages, through Django's test client: the front page and the programme of an event."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostrum.programme.enums import ProgrammeStatus, SessionFormat
from tests.factories.programme import EventFactory, RoomFactory, SessionFactory, vienna
from tests.programme.page_data import build_course, build_day, codes_on, event_url, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_events(time_machine):
    """Pages sort and open by today's date: pin it to January 2030, before the test events."""
    time_machine.move_to(dt.datetime(2030, 1, 15, 9, tzinfo=dt.UTC), tick=False)
    return time_machine


@pytest.fixture
def course():
    return build_course()


# Front page


def test_front_page_lists_published_events_upcoming_first(client):
    later = EventFactory(
        title="Breast Imaging Week", start_date=dt.date(2030, 6, 1), end_date=dt.date(2030, 6, 5)
    )
    sooner = EventFactory(title="ECR 2030", start_date=dt.date(2030, 3, 4), end_date=dt.date(2030, 3, 8))
    past = EventFactory(title="ECR 2029", start_date=dt.date(2029, 2, 26), end_date=dt.date(2029, 3, 2))
    EventFactory(title="Hidden draft", is_published=False)

    page = text(client.get("/"))

    assert "Hidden draft" not in page
    assert (
        page.index(sooner.title)
        < page.index(later.title)
        < page.index("Past events")
        < page.index(past.title)
    )


def test_front_page_shows_kind_dates_in_words_place_and_programme_link(client, course):
    EventFactory(
        title="ECR 2030", start_date=dt.date(2030, 2, 27), end_date=dt.date(2030, 3, 3), venue="Vienna"
    )

    response = client.get("/")
    page = text(response)

    assert "Online course ESOR Patient Communication Course 4-5 March 2030 · Online" in page
    assert "Congress ECR 2030 27 February - 3 March 2030 · Vienna" in page
    assert f'href="{event_url(course)}"' in response.content.decode()
    assert f'href="{reverse("programme:session-types")}"' in response.content.decode()


# Programme, list view


def test_programme_header_names_dates_zone_place_organiser_and_societies(client, course):
    page = text(client.get(event_url(course)))

    assert "Dates 4-5 March 2030" in page
    assert "Time zone Europe/Vienna (CET)" in page
    assert "Where Online" in page
    assert "Organiser European School of Radiology" in page
    assert "Supported by European Society of Paediatric Radiology" in page


def test_programme_list_shows_sessions_presentations_and_speakers_in_event_time(client, course):
    page = text(client.get(event_url(course)))

    assert "12:30-14:30 CET Channel 1 PCC 1 Patient Communication Course - Part 1" in page
    assert "ESOR course Live ETC Level II" in page
    assert "Moderator: A. Rockall, London/GB" in page
    assert "12:30-13:10 Interacting with patients during ultrasound M. Radzina, Riga/LV" in page
    assert "13:10-13:50 Radiation Risk Discussion G. Paulo, Coimbra/PT and D. Akata, Ankara/TR" in page


def test_programme_times_follow_the_event_zone_in_summer(client):
    event = EventFactory(
        timezone="Europe/Vienna", start_date=dt.date(2030, 7, 1), end_date=dt.date(2030, 7, 1)
    )
    SessionFactory(
        event=event,
        starts_at=dt.datetime(2030, 7, 1, 15, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 7, 1, 16, tzinfo=dt.UTC),
    )

    page = text(client.get(event_url(event)))

    assert "17:00-18:00 CEST" in page
    assert "Europe/Vienna (CEST)" in page


def test_programme_day_tabs_show_one_day_in_the_event_zone(client):
    event = EventFactory(
        timezone="America/New_York", start_date=dt.date(2030, 3, 4), end_date=dt.date(2030, 3, 5)
    )
    # 02:00 UTC on the 5th is still the evening of the 4th in New York.
    evening = SessionFactory(
        event=event,
        code="NY 1",
        starts_at=dt.datetime(2030, 3, 5, 2, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 3, 5, 3, tzinfo=dt.UTC),
    )
    morning = SessionFactory(
        event=event,
        code="NY 2",
        starts_at=dt.datetime(2030, 3, 5, 14, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 3, 5, 15, tzinfo=dt.UTC),
    )

    assert codes_on(client.get(event_url(event, day="2030-03-04"))) == [evening.code]
    assert codes_on(client.get(event_url(event, day="2030-03-05"))) == [morning.code]
    assert codes_on(client.get(event_url(event, day="all"))) == [evening.code, morning.code]


def test_programme_opens_on_the_first_day_before_the_event(client, course):
    SessionFactory(event=course, code="PCC 2", starts_at=vienna(5, 12, 30))

    response = client.get(event_url(course))

    assert codes_on(response) == ["PCC 1"]
    assert '<a href="?day=2030-03-04" aria-current="page">' in response.content.decode()


def test_programme_opens_on_today_during_the_event(client, course, before_the_events):
    before_the_events.move_to(dt.datetime(2030, 3, 5, 8, tzinfo=dt.UTC), tick=False)
    SessionFactory(event=course, code="PCC 2", starts_at=vienna(5, 12, 30))

    assert codes_on(client.get(event_url(course))) == ["PCC 2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"session_type": "esor"}, ["PCC 1"]),
        ({"topic": "communication"}, ["PCC 1"]),
        ({"audience": "residents"}, ["PCC 1"]),
        ({"format": "live"}, ["PCC 1"]),
        ({"format": "on_site"}, ["OTHER 1"]),
        ({"level": "II"}, ["PCC 1"]),
        ({"room": "channel-1"}, ["PCC 1"]),
        ({}, ["PCC 1", "OTHER 1"]),
    ],
)
def test_programme_filters_narrow_the_sessions(client, course, query, expected):
    SessionFactory(event=course, code="OTHER 1", starts_at=vienna(4, 16), format=SessionFormat.ON_SITE)

    assert codes_on(client.get(event_url(course, **query))) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"day": "2030-13-45"},
        {"day": "1999-01-01"},
        {"session_type": "no-such-type"},
        {"topic": "<script>"},
        {"format": "teleport"},
        {"level": "IV"},
        {"room": "%00"},
        {"view": "calendar"},
    ],
)
def test_programme_ignores_filter_values_it_does_not_know(client, course, query):
    response = client.get(event_url(course, **query))

    assert response.status_code == 200
    assert codes_on(response) == ["PCC 1"]


def test_programme_filter_form_offers_the_event_choices_with_labels(client, course):
    html = client.get(event_url(course)).content.decode()

    for name in ("day", "session_type", "topic", "audience", "format", "level", "room"):
        field_id = re.search(rf'<select id="([^"]+)" name="{name}">', html).group(1)
        assert f'<label for="{field_id}">' in html
    assert '<option value="esor">ESOR course (ESOR)</option>' in html
    assert '<option value="channel-1">Channel 1</option>' in html


def test_programme_marks_cancelled_sessions(client, course):
    SessionFactory(event=course, code="GONE 1", starts_at=vienna(4, 16), status=ProgrammeStatus.CANCELLED)

    html = client.get(event_url(course)).content.decode()

    assert '<article class="session is-cancelled">' in html
    assert '<strong class="badge badge-cancelled">Cancelled</strong>' in html


def test_programme_of_an_unknown_or_unpublished_event_is_not_found(client, course):
    course.is_published = False
    course.save()

    assert client.get(event_url(course)).status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404


# Programme, grid view


def test_programme_grid_puts_rooms_across_and_sizes_sessions_by_duration(client):
    event = EventFactory(start_date=dt.date(2030, 3, 4), end_date=dt.date(2030, 3, 4))
    hall_a = RoomFactory(event=event, name="Hall A", position=1)
    hall_b = RoomFactory(event=event, name="Hall B", position=2)
    SessionFactory(event=event, code="RC 1", room=hall_b, starts_at=vienna(4, 10, 30), ends_at=vienna(4, 12))
    SessionFactory(event=event, code="RC 2", room=hall_a, starts_at=vienna(4, 10), ends_at=vienna(4, 11))
    SessionFactory(event=event, code="RC 3", room=None, starts_at=vienna(4, 11), ends_at=vienna(4, 11, 30))

    html = client.get(event_url(event, view="grid")).content.decode()

    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["Hall A", "Hall B", "Other"]
    assert 'class="grid grid-slot-30"' in html
    blocks = dict(re.findall(r'<td rowspan="(\d+)" class="block"><a [^>]+><span class="code">([^<]+)<', html))
    assert {code: int(rows) for rows, code in blocks.items()} == {"RC 2": 2, "RC 1": 3, "RC 3": 1}
    assert re.findall(r'<th scope="row" class="grid-time" rowspan="1">([^<]+)</th>', html) == [
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    ]


def test_programme_grid_lists_sessions_that_overlap_in_one_room(client):
    event = EventFactory(start_date=dt.date(2030, 3, 4), end_date=dt.date(2030, 3, 4))
    room = RoomFactory(event=event, name="Hall A")
    SessionFactory(event=event, code="RC 1", room=room, starts_at=vienna(4, 10), ends_at=vienna(4, 11))
    clash = SessionFactory(
        event=event, code="RC 2", room=room, starts_at=vienna(4, 10, 30), ends_at=vienna(4, 11)
    )

    page = text(client.get(event_url(event, view="grid")))

    assert (
        f"Also scheduled in a room already in use at that time: {clash.code} {clash.title}, 10:30-11:00"
        in page
    )


def test_programme_grid_uses_finer_slots_for_odd_times(client, course):
    html = client.get(event_url(course, view="grid")).content.decode()

    assert 'class="grid grid-slot-30"' in html
    SessionFactory(event=course, code="ODD 1", starts_at=vienna(4, 15, 10), ends_at=vienna(4, 15, 50))

    assert 'class="grid grid-slot-10"' in client.get(event_url(course, view="grid")).content.decode()


# Query counts


@pytest.mark.parametrize("view", ["list", "grid"])
def test_programme_query_count_does_not_grow_with_sessions(client, django_assert_num_queries, view):
    small, large = EventFactory(), EventFactory()
    build_day(small, 4)
    build_day(large, 8)

    with CaptureQueriesContext(connection) as queries:
        assert len(codes_on(client.get(event_url(small, view=view, day="2030-03-04")))) == 4
    with django_assert_num_queries(len(queries)):
        assert len(codes_on(client.get(event_url(large, view=view, day="2030-03-04")))) == 8


# Page furniture


def test_pages_have_landmarks_skip_link_and_sign_in(client, course):
    html = client.get(event_url(course)).content.decode()

    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "<footer" in html
    assert 'href="/accounts/login/?next=' in html
    assert "<script>" not in html
    assert "style=" not in html


def test_signed_in_visitors_sign_out_with_a_post_form(client, user):
    client.force_login(user)

    html = client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/"' in html
    assert user.display_name in html
