"""The read API's answers kept under programme versions: warm hits, changes seen at once, 304s and leaks."""

import pytest
from django.core.cache import cache

from rostrum.programme import services
from tests.factories.programme import (
    EventFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    SessionFactory,
    SessionTypeFactory,
)

API = "/api/v1"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def get_json(client, url: str, params: dict | None = None, **kwargs) -> dict:
    response = client.get(url, params or {}, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()


def titles(client, params: dict) -> list[str]:
    return [row["title"] for row in get_json(client, f"{API}/sessions/", params)["results"]]


@pytest.fixture
def programme(db):
    event = EventFactory(slug="ecr-2030")
    session_type = SessionTypeFactory(code="RC", slug="refresher-course", name="Refresher Course")
    session = SessionFactory(event=event, slug="rc-1", title="Liver imaging", session_type=session_type)
    PresentationSpeakerFactory(presentation=PresentationFactory(session=session))
    return event, session


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/events/", {}),
        ("/events/ecr-2030/", {}),
        ("/events/ecr-2030/sessions/rc-1/", {}),
        ("/sessions/", {"event": "ecr-2030"}),
        ("/sessions/", {"event": "ecr-2030", "session_type": "refresher-course", "day": ""}),
        ("/sessions/", {}),
        ("/presentations/", {"event": "ecr-2030"}),
        ("/people/", {"event": "ecr-2030"}),
        ("/session-types/", {}),
    ],
)
def test_second_request_is_served_from_the_cache(client, programme, django_assert_num_queries, url, params):
    first = client.get(f"{API}{url}", params)

    with django_assert_num_queries(1):
        second = client.get(f"{API}{url}", params)

    assert (second.status_code, second.json(), second["ETag"]) == (200, first.json(), first["ETag"])


def test_session_update_changes_the_answer_at_once(client, programme):
    _, session = programme
    assert titles(client, {"event": "ecr-2030"}) == titles(client, {}) == ["Liver imaging"]

    services.session_update(session, title="Focal liver lesions")

    assert titles(client, {"event": "ecr-2030"}) == titles(client, {}) == ["Focal liver lesions"]
    detail = get_json(client, f"{API}/events/ecr-2030/sessions/rc-1/")
    assert detail["title"] == "Focal liver lesions"


def test_event_saved_as_in_the_admin_changes_the_answer_at_once(client, programme):
    event, _ = programme
    get_json(client, f"{API}/events/")
    get_json(client, f"{API}/events/ecr-2030/")

    event.title = "ECR 2030"
    event.save()

    assert get_json(client, f"{API}/events/ecr-2030/")["title"] == "ECR 2030"
    assert [row["title"] for row in get_json(client, f"{API}/events/")["results"]] == ["ECR 2030"]


def test_session_type_rename_changes_the_answer_at_once(client, programme):
    unused = SessionTypeFactory(code="NH", slug="new-horizons", name="New Horizons")

    def session_type_names() -> list[str]:
        return [row["name"] for row in get_json(client, f"{API}/session-types/")["results"]]

    assert session_type_names() == ["New Horizons", "Refresher Course"]
    get_json(client, f"{API}/sessions/", {"event": "ecr-2030"})

    _, session = programme
    session.session_type.name = "Refresher Courses"
    session.session_type.save()
    unused.name = "New Horizon Sessions"
    unused.save()

    assert session_type_names() == ["New Horizon Sessions", "Refresher Courses"]
    row = get_json(client, f"{API}/sessions/", {"event": "ecr-2030"})["results"][0]
    assert row["session_type"]["name"] == "Refresher Courses"


def test_if_none_match_gets_304_until_the_programme_changes(client, programme, django_assert_num_queries):
    _, session = programme
    url = f"{API}/sessions/?event=ecr-2030"
    first = client.get(url)
    assert first["Cache-Control"] == "no-cache"
    assert first["Last-Modified"]

    with django_assert_num_queries(1):
        unchanged = client.get(url, headers={"if-none-match": first["ETag"]})
    services.session_update(session, title="Focal liver lesions")
    changed = client.get(url, headers={"if-none-match": first["ETag"]})

    assert (unchanged.status_code, unchanged["ETag"], unchanged.content) == (304, first["ETag"], b"")
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["results"][0]["title"] == "Focal liver lesions"


def test_html_and_json_have_their_own_etags(client, programme):
    json = client.get(f"{API}/events/ecr-2030/")
    html = client.get(f"{API}/events/ecr-2030/", headers={"accept": "text/html"})
    html_again = client.get(f"{API}/events/ecr-2030/", headers={"accept": "text/html"})

    assert (html.status_code, html_again.status_code) == (200, 200)
    assert html["Content-Type"].startswith("text/html")
    assert html["ETag"] == html_again["ETag"]
    assert json["ETag"] != html["ETag"]
    assert "Accept" in json["Vary"]


def test_cached_page_never_answers_another_events_url(client, programme):
    other = EventFactory(slug="ecr-2031")
    SessionFactory(event=other, slug="rc-1", title="Cardiac CT")
    assert titles(client, {"event": "ecr-2030"}) == ["Liver imaging"]
    assert get_json(client, f"{API}/events/ecr-2030/sessions/rc-1/")["title"] == "Liver imaging"

    assert titles(client, {"event": "ecr-2031"}) == ["Cardiac CT"]
    assert get_json(client, f"{API}/events/ecr-2031/sessions/rc-1/")["title"] == "Cardiac CT"
    assert get_json(client, f"{API}/events/ecr-2031/")["slug"] == "ecr-2031"


def test_filters_and_pages_are_separate_entries(client, programme):
    event, _ = programme
    SessionFactory.create_batch(50, event=event, title="Poster round", session_type=None)

    everything = get_json(client, f"{API}/sessions/", {"event": "ecr-2030"})
    refresher = titles(client, {"event": "ecr-2030", "session_type": "refresher-course"})
    second_page = get_json(client, f"{API}/sessions/", {"event": "ecr-2030", "page": 2})

    assert (everything["count"], len(everything["results"])) == (51, 50)
    assert refresher == ["Liver imaging"]
    assert (second_page["count"], len(second_page["results"])) == (51, 1)
    assert second_page["previous"] == "http://testserver/api/v1/sessions/?event=ecr-2030"


def test_blank_filters_keep_their_own_links(client, programme):
    event, _ = programme
    SessionFactory.create_batch(50, event=event)

    plain = get_json(client, f"{API}/sessions/?event=ecr-2030")
    blank = get_json(client, f"{API}/sessions/?level=&event=ecr-2030")

    assert plain["next"] == "http://testserver/api/v1/sessions/?event=ecr-2030&page=2"
    assert blank["next"] == "http://testserver/api/v1/sessions/?event=ecr-2030&level=&page=2"


def test_another_host_gets_its_own_urls(client, programme, settings):
    settings.ALLOWED_HOSTS = ["testserver", "programme.example.org"]
    get_json(client, f"{API}/events/ecr-2030/")

    body = get_json(client, f"{API}/events/ecr-2030/", HTTP_HOST="programme.example.org")

    assert body["url"] == "http://programme.example.org/events/ecr-2030/"


def test_unpublished_event_is_never_answered_from_the_cache(client, programme):
    event, _ = programme
    urls = [f"{API}/events/ecr-2030/", f"{API}/sessions/?event=ecr-2030", f"{API}/people/?event=ecr-2030"]
    for url in [*urls, f"{API}/events/", f"{API}/sessions/"]:
        get_json(client, url)

    event.is_published = False
    event.save()

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert get_json(client, f"{API}/events/")["results"] == []
    assert get_json(client, f"{API}/sessions/")["results"] == []


def test_errors_are_not_cached(client, programme):
    assert client.get(f"{API}/sessions/", {"event": "ecr-2030", "page": 2}).status_code == 404
    assert client.get(f"{API}/sessions/", {"event": "ecr-2030", "day": "someday"}).status_code == 400

    SessionFactory.create_batch(50, event=programme[0])

    assert client.get(f"{API}/sessions/", {"event": "ecr-2030", "page": 2}).status_code == 200
