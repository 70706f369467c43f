"""The read API under /api/v1/: shapes, filters, pagination, errors, leaks and query counts."""

import datetime as dt

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostrum.programme.enums import Level, PresentationKind, SessionFormat, SessionRole
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)

API = "/api/v1"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def full_session(event, **kwargs):
    """A session with a type, topic, audience, moderator and a talk by a speaker, as a real programme has."""
    session = SessionFactory(event=event, **kwargs)
    session.topics.add(TopicFactory())
    session.audiences.add(AudienceFactory())
    SessionPersonFactory(session=session)
    talk = PresentationFactory(session=session)
    PresentationSpeakerFactory(presentation=talk)
    PresentationFactory(session=session, kind=PresentationKind.QA, starts_at=talk.ends_at)
    return session


def test_event_list_shows_published_events_only(client, db):
    shown = EventFactory(slug="ecr-2030")
    EventFactory(slug="draft-2031", is_published=False)

    response = client.get(f"{API}/events/")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], [e["slug"] for e in body["results"]]) == (1, [shown.slug])


def test_event_detail_shows_its_pages_and_societies(client, db):
    event = EventFactory(slug="ecr-2030", acronym="ECR", organiser="European Society of Radiology")
    event.supporting_societies.add(OrganisationFactory(name="ESPR", acronym="ESPR"))

    body = client.get(f"{API}/events/ecr-2030/").json()

    assert body == {
        "slug": "ecr-2030",
        "title": event.title,
        "acronym": "ECR",
        "kind": "congress",
        "timezone": "Europe/Vienna",
        "start_date": "2030-03-04",
        "end_date": "2030-03-08",
        "venue": "Austria Center Vienna",
        "is_online": False,
        "organiser": "European Society of Radiology",
        "supporting_societies": [{"name": "ESPR", "acronym": "ESPR", "url": ""}],
        "url": "http://testserver/events/ecr-2030/",
        "sessions_url": "http://testserver/api/v1/sessions/?event=ecr-2030",
    }


@pytest.mark.parametrize("url", ["/events/draft/", "/events/nowhere/"])
def test_event_detail_of_unpublished_or_unknown_event_is_404(client, db, url):
    EventFactory(slug="draft", is_published=False)
    response = client.get(f"{API}{url}")
    assert (response.status_code, response.json()["detail"]) == (404, f"No event '{url.split('/')[2]}'.")


def test_session_list_shows_people_presentations_and_local_times(client, db):
    event = EventFactory(slug="ecr-2030")
    session_type = SessionTypeFactory(code="RC", slug="refresher-course", name="Refresher Course")
    room = RoomFactory(event=event, name="Room A", slug="room-a")
    session = SessionFactory(
        event=event,
        code="RC 1203",
        slug="rc-1203",
        title="Liver imaging",
        session_type=session_type,
        room=room,
        level=Level.II,
        format=SessionFormat.HYBRID,
        description="Focal liver lesions.",
        learning_objectives=["To recognise a haemangioma."],
        starts_at=vienna(4, 10, 30),
        ends_at=vienna(4, 12),
    )
    session.topics.add(TopicFactory(slug="abdominal", name="Abdominal"))
    session.audiences.add(AudienceFactory(slug="residents", name="Residents"))
    chair = PersonFactory(event=event, code="radzina", printed_name="M. Radzina", city="Riga", country="LV")
    SessionPersonFactory(session=session, person=chair, role=SessionRole.CHAIR)
    talk = PresentationFactory(
        session=session, code="RC 1203-1", title="CEUS", starts_at=vienna(4, 10, 30), ends_at=vienna(4, 11)
    )
    PresentationSpeakerFactory(presentation=talk, person=chair)

    body = client.get(f"{API}/sessions/", {"event": "ecr-2030"}).json()

    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    speaker = {"code": "radzina", "printed_name": "M. Radzina", "city": "Riga", "country": "LV"}
    assert body["results"][0] == {
        "code": "RC 1203",
        "slug": "rc-1203",
        "title": "Liver imaging",
        "event": "ecr-2030",
        "session_type": {"code": "RC", "slug": "refresher-course", "name": "Refresher Course"},
        "topics": [{"name": "Abdominal", "slug": "abdominal"}],
        "audiences": [{"name": "Residents", "slug": "residents"}],
        "level": "II",
        "format": "hybrid",
        "starts_at": "2030-03-04T09:30:00Z",
        "ends_at": "2030-03-04T11:00:00Z",
        "local_starts_at": "2030-03-04T10:30:00+01:00",
        "local_ends_at": "2030-03-04T12:00:00+01:00",
        "timezone": "Europe/Vienna",
        "room": {"name": "Room A", "slug": "room-a"},
        "description": "Focal liver lesions.",
        "learning_objectives": ["To recognise a haemangioma."],
        "status": "scheduled",
        "people": [{**speaker, "role": "chair"}],
        "presentations": [
            {
                "code": "RC 1203-1",
                "kind": "talk",
                "title": "CEUS",
                "starts_at": "2030-03-04T09:30:00Z",
                "ends_at": "2030-03-04T10:00:00Z",
                "speakers": [speaker],
            }
        ],
        "url": "http://testserver/events/ecr-2030/sessions/rc-1203/",
    }


def test_session_list_day_is_a_day_in_the_events_time_zone(client, db):
    event = EventFactory(slug="ecr-2030")
    SessionFactory(event=event, code="LATE", starts_at=vienna(4, 23, 30))
    # 00:30 in Vienna on the 5th is still the 4th in UTC.
    SessionFactory(event=event, code="EARLY", starts_at=vienna(5, 0, 30))

    assert codes(client.get(f"{API}/sessions/", {"event": "ecr-2030", "day": "2030-03-04"})) == ["LATE"]
    assert codes(client.get(f"{API}/sessions/", {"event": "ecr-2030", "day": "2030-03-05"})) == ["EARLY"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("session_type", "new-horizons"),
        ("topic", "neuro"),
        ("audience", "radiographers"),
        ("format", "live"),
        ("level", "III"),
        ("room", "hall-x"),
    ],
)
def test_session_list_filters_like_the_pages(client, db, param, value):
    event = EventFactory(slug="ecr-2030")
    SessionFactory(event=event, code="OTHER")
    wanted = SessionFactory(
        event=event,
        code="WANTED",
        session_type=SessionTypeFactory(slug="new-horizons"),
        format=SessionFormat.LIVE,
        level=Level.III,
        room=RoomFactory(event=event, slug="hall-x"),
    )
    wanted.topics.add(TopicFactory(slug="neuro"))
    wanted.audiences.add(AudienceFactory(slug="radiographers"))

    assert codes(client.get(f"{API}/sessions/", {"event": "ecr-2030", param: value})) == ["WANTED"]


def test_session_list_empty_filters_mean_all(client, db):
    event = EventFactory(slug="ecr-2030")
    SessionFactory(event=event, code="A")
    SessionFactory(event=event, code="B", starts_at=vienna(4, 12))

    response = client.get(f"{API}/sessions/?event=ecr-2030&day=&format=&level=&topic=")

    assert codes(response) == ["A", "B"]


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        (
            "event=ecr-2030&day=4.3.2030",
            "day",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        (
            "event=ecr-2030&day=2030-02-30",
            "day",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        ("event=ecr-2030&format=webcast", "format", '"webcast" is not a valid choice.'),
        ("event=ecr-2030&level=IV", "level", '"IV" is not a valid choice.'),
        (
            "event=ecr-2030&room=hall x",
            "room",
            'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
        ),
        (
            "day=2030-03-04",
            "day",
            "Choose an event to filter by day: a day starts at another time in each event's time zone.",
        ),
    ],
)
def test_session_list_rejects_a_bad_filter_naming_it(client, db, query, param, message):
    EventFactory(slug="ecr-2030")

    response = client.get(f"{API}/sessions/?{query}")

    assert (response.status_code, response.json()) == (400, {param: [message]})


def test_session_list_of_unknown_or_unpublished_event_is_404(client, db):
    SessionFactory(event=EventFactory(slug="draft", is_published=False))
    assert client.get(f"{API}/sessions/", {"event": "draft"}).status_code == 404
    assert client.get(f"{API}/sessions/", {"event": "nowhere"}).status_code == 404


def test_session_list_without_event_shows_every_published_event(client, db):
    SessionFactory(event=EventFactory(slug="ecr-2030"), code="ECR 1")
    SessionFactory(event=EventFactory(slug="ehw-2030"), code="EHW 1", starts_at=vienna(4, 12))
    SessionFactory(event=EventFactory(slug="draft", is_published=False), code="DRAFT 1")

    body = client.get(f"{API}/sessions/").json()

    assert [(s["event"], s["code"]) for s in body["results"]] == [
        ("ecr-2030", "ECR 1"),
        ("ehw-2030", "EHW 1"),
    ]


def test_session_list_never_leaks_another_events_sessions(client, db):
    event_a, event_b = EventFactory(slug="event-a"), EventFactory(slug="event-b")
    room_a = RoomFactory(event=event_a, slug="hall-a")
    topic = TopicFactory(slug="neuro")
    full_session(event_a, code="A 1", room=room_a).topics.add(topic)
    full_session(event_b, code="B 1").topics.add(topic)

    assert codes(client.get(f"{API}/sessions/", {"event": "event-b"})) == ["B 1"]
    assert codes(client.get(f"{API}/sessions/", {"event": "event-b", "topic": "neuro"})) == ["B 1"]
    assert codes(client.get(f"{API}/sessions/", {"event": "event-b", "room": "hall-a"})) == []
    assert client.get(f"{API}/events/event-b/sessions/a-1/").status_code == 404


def test_session_list_is_paginated_by_fifty(client, db):
    event = EventFactory(slug="ecr-2030")
    for minute in range(51):
        SessionFactory(
            event=event, code=f"S {minute:02}", starts_at=vienna(4, 8) + dt.timedelta(minutes=minute)
        )

    first = client.get(f"{API}/sessions/", {"event": "ecr-2030"}).json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (51, 50, None)
    assert first["next"] == "http://testserver/api/v1/sessions/?event=ecr-2030&page=2"
    assert ([s["code"] for s in second["results"]], second["next"]) == (["S 50"], None)
    assert client.get(f"{API}/sessions/", {"event": "ecr-2030", "page": 3}).status_code == 404


def test_session_detail_shows_one_session(client, db):
    session = full_session(EventFactory(slug="ecr-2030"), code="RC 1203", slug="rc-1203")

    body = client.get(f"{API}/events/ecr-2030/sessions/rc-1203/").json()

    assert (body["code"], len(body["people"]), len(body["presentations"])) == ("RC 1203", 1, 2)
    assert body["url"] == f"http://testserver{session.get_absolute_url()}"


def test_session_detail_of_unpublished_event_is_404(client, db):
    SessionFactory(event=EventFactory(slug="draft", is_published=False), slug="rc-1")
    assert client.get(f"{API}/events/draft/sessions/rc-1/").status_code == 404


def test_presentation_list_shows_the_events_presentations_only(client, db):
    event = EventFactory(slug="ecr-2030")
    session = SessionFactory(event=event, code="RC 1", slug="rc-1", room=RoomFactory(event=event, slug="a"))
    talk = PresentationFactory(session=session, code="RC 1-1", title="CEUS", abstract="Contrast.")
    PresentationSpeakerFactory(presentation=talk, person=PersonFactory(event=event, code="kressel"))
    PresentationFactory(session=SessionFactory(event=EventFactory(slug="other")), code="OTHER")

    body = client.get(f"{API}/presentations/", {"event": "ecr-2030"}).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert (row["code"], row["title"], row["abstract"], row["event"]) == (
        "RC 1-1",
        "CEUS",
        "Contrast.",
        "ecr-2030",
    )
    assert row["session"] == {
        "code": "RC 1",
        "slug": "rc-1",
        "title": session.title,
        "room": {"name": session.room.name, "slug": "a"},
    }
    assert [s["code"] for s in row["speakers"]] == ["kressel"]
    assert (row["local_starts_at"], row["url"]) == (
        "2030-03-04T10:30:00+01:00",
        "http://testserver/events/ecr-2030/sessions/rc-1/",
    )


@pytest.mark.parametrize("endpoint", ["presentations", "people"])
def test_event_lists_need_an_event(client, db, endpoint):
    response = client.get(f"{API}/{endpoint}/")
    assert (response.status_code, response.json()) == (400, {"event": ["This field is required."]})


@pytest.mark.parametrize("endpoint", ["presentations", "people"])
def test_event_lists_of_unpublished_event_are_404(client, db, endpoint):
    full_session(EventFactory(slug="draft", is_published=False))
    assert client.get(f"{API}/{endpoint}/", {"event": "draft"}).status_code == 404


def test_person_list_shows_the_events_people_only(client, db):
    event = EventFactory(slug="ecr-2030")
    PersonFactory(
        event=event,
        code="radzina",
        printed_name="M. Radzina",
        given_name="Maija",
        family_name="Radzina",
        institution="Riga Stradins University",
        biography="Ultrasound.",
    )
    PersonFactory(event=EventFactory(slug="other"), code="elsewhere")

    body = client.get(f"{API}/people/", {"event": "ecr-2030"}).json()

    assert body["results"] == [
        {
            "code": "radzina",
            "printed_name": "M. Radzina",
            "given_name": "Maija",
            "family_name": "Radzina",
            "city": "Riga",
            "country": "LV",
            "institution": "Riga Stradins University",
            "biography": "Ultrasound.",
            "url": "http://testserver/events/ecr-2030/people/radzina/",
        }
    ]


def test_session_type_list_shows_the_catalogue(client, db):
    SessionTypeFactory(code="RC", slug="refresher-course", name="Refresher Course", description="Teaching.")

    body = client.get(f"{API}/session-types/").json()

    assert body["results"] == [
        {"code": "RC", "slug": "refresher-course", "name": "Refresher Course", "description": "Teaching."}
    ]


def test_api_is_read_only(client, db):
    EventFactory(slug="ecr-2030")
    assert client.post(f"{API}/events/", {}).status_code == 405
    assert client.delete(f"{API}/events/ecr-2030/").status_code == 405


def count_queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("sessions", {"event": "ecr-2030"}),
        ("sessions", {"event": "ecr-2030", "topic": "neuro", "day": "2030-03-04"}),
        ("sessions", {}),
        ("presentations", {"event": "ecr-2030"}),
        ("people", {"event": "ecr-2030"}),
        ("events", {}),
    ],
)
def test_lists_cost_the_same_queries_for_twice_the_rows(
    client, db, django_assert_num_queries, endpoint, params
):
    event = EventFactory(slug="ecr-2030")
    topic = TopicFactory(slug="neuro")

    def add_rows(count: int) -> None:
        for _ in range(count):
            full_session(event).topics.add(topic)
            other = EventFactory()
            other.supporting_societies.add(OrganisationFactory())
            full_session(other)

    add_rows(3)
    queries = count_queries(client, f"{API}/{endpoint}/", params)
    add_rows(3)

    with django_assert_num_queries(queries):
        response = client.get(f"{API}/{endpoint}/", params)
    assert response.json()["count"] >= 6


def test_person_without_city_or_country_shows_empty_strings(client, db):
    PersonFactory(event=EventFactory(slug="ecr-2030"), code="anon", city="", country="")

    row = client.get(f"{API}/people/", {"event": "ecr-2030"}).json()["results"][0]

    assert (row["city"], row["country"]) == ("", "")


def test_session_without_type_or_room_shows_null(client, db):
    SessionFactory(event=EventFactory(slug="ecr-2030"), session_type=None, room=None)

    row = client.get(f"{API}/sessions/", {"event": "ecr-2030"}).json()["results"][0]

    assert (row["session_type"], row["room"]) == (None, None)


# Found by tests/test_api_robustness.py (schemathesis) ---------------------------------------------------


def test_society_without_website_shows_an_empty_url_the_schema_allows(client, db):
    event = EventFactory(slug="ecr-2030")
    event.supporting_societies.add(OrganisationFactory(name="ESPR", acronym="ESPR", url=""))

    body = client.get(f"{API}/events/ecr-2030/").json()
    schema = yaml.safe_load(client.get(f"{API}/schema/").content)

    assert body["supporting_societies"] == [{"name": "ESPR", "acronym": "ESPR", "url": ""}]
    assert schema["components"]["schemas"]["Organisation"]["properties"]["url"] == {
        "type": "string",
        "description": "The society's website; empty when the programme gives none.",
    }


def test_search_far_past_the_last_page_is_an_empty_page(client, db):
    full_session(EventFactory(slug="ecr-2030"), title="Paediatric chest imaging")

    response = client.get(f"{API}/search/", {"q": "paediatric", "page": str(10**20)})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_schema_documents_every_status_the_api_answers(client, db):
    paths = yaml.safe_load(client.get(f"{API}/schema/").content)["paths"]

    statuses = {
        (method.upper(), path.removeprefix(API)): sorted(operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.removeprefix(API) in {"/events/", "/session-types/", "/search/", "/me/agenda/"}
    }

    assert statuses == {
        ("GET", "/events/"): ["200", "404"],
        ("GET", "/session-types/"): ["200", "404"],
        ("GET", "/search/"): ["200", "404"],
        ("GET", "/me/agenda/"): ["200", "403"],
        ("POST", "/me/agenda/"): ["200", "403"],
        ("DELETE", "/me/agenda/"): ["200", "403"],
    }


@pytest.mark.parametrize(
    "path", ["/events/ecr 2030/", "/events/ñandú/sessions/rc-1/", "/events/ecr%0A2030/", "/no-such-list/"]
)
def test_url_no_route_takes_answers_json_404(client, db, path):
    response = client.get(f"{API}{path}")

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


def test_api_url_without_its_slash_still_redirects(client, db):
    response = client.get(f"{API}/events")

    assert (response.status_code, response["Location"]) == (301, f"{API}/events/")
