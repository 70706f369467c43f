"""The WSGI fast path of warm exports answers as Django's view and middleware do, or leaves it to them."""

import datetime as dt
from wsgiref.util import FileWrapper, setup_testing_defaults

import pytest
from django.core.cache import cache
from django.core.signals import request_started
from django.db import close_old_connections
from django.urls import reverse

from rostrum.programme import services
from rostrum.programme.models import Event, Session
from rostrum.programme.views.export_fast_path import ExportFastPath
from tests.factories.programme import EventFactory
from tests.programme.export_programme import summer_programme, utc

FILES = ["schedule.xml", "schedule.json", "schedule.ics", "programme.csv", "programme.json"]
FELL_THROUGH = [b"fell through to Django"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Test databases hand out the same event ids again, so a file cached by one test must not serve another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(db):
    return summer_programme()


@pytest.fixture
def fast_path(db):
    """The fast path in front of an application that only says it was called."""

    def django(environ, start_response):
        start_response("599 Fell Through", [])
        return FELL_THROUGH

    return ExportFastPath(django)


def export_path(event, file: str) -> str:
    return reverse("programme:export", kwargs={"event": event.slug, "file": file})


def session_path(event, session: str) -> str:
    return reverse("programme:session-ics", kwargs={"event": event.slug, "session": session})


def environ_for(path: str, *, method: str = "GET", headers: dict | None = None, **extra) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
        "wsgi.file_wrapper": FileWrapper,
        **extra,
    }
    environ.update(
        {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in (headers or {}).items()}
    )
    setup_testing_defaults(environ)
    return environ


def served_fast(app, path: str, **kwargs) -> tuple[int, dict, bytes] | None:
    """(status, headers with lower-case names, body) of the fast path's answer; None if Django got it."""
    answer = {}

    def start_response(status, headers):
        answer.update(status=int(status.split()[0]), headers=headers)

    # As Django's test client does, the connection is not closed when the request starts: the test's
    # transaction must outlive it.
    request_started.disconnect(close_old_connections)
    try:
        body = app(environ_for(path, **kwargs), start_response)
    finally:
        request_started.connect(close_old_connections)
    if body is FELL_THROUGH:
        return None
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    headers = {name.lower(): value for name, value in answer["headers"]}
    assert len(headers) == len(answer["headers"]), "a header is sent twice"
    return answer["status"], headers, content


def served_by_django(client, path: str, **kwargs) -> tuple[int, dict, bytes]:
    response = client.get(path, **kwargs)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, {name.lower(): value for name, value in response.items()}, content


@pytest.mark.parametrize("file", FILES)
def test_fast_path_serves_the_same_bytes_and_headers_as_the_view(client, fast_path, programme, file):
    path = export_path(programme.event, file)
    client.get(path)  # renders the file into the cache

    django = served_by_django(client, path)
    fast = served_fast(fast_path, path)

    assert fast == django
    assert fast[0] == 200
    assert {"etag", "last-modified", "content-security-policy", "x-frame-options", "referrer-policy"} <= set(
        fast[1]
    )


def test_fast_path_serves_a_sessions_ics_as_the_view(client, fast_path, programme):
    path = session_path(programme.event, "rc-1203")
    client.get(path)

    assert served_fast(fast_path, path) == served_by_django(client, path)


@pytest.mark.parametrize("file", ["schedule.ics", "schedule.xml"])
def test_fast_path_answers_304_as_the_view(client, fast_path, programme, file):
    path = export_path(programme.event, file)
    first = client.get(path)

    for validators in (
        {"If-None-Match": first["ETag"]},
        {"If-Modified-Since": first["Last-Modified"]},
        {"If-None-Match": f'W/"other", {first["ETag"]}'},
    ):
        django = served_by_django(client, path, headers=validators)
        fast = served_fast(fast_path, path, headers=validators)

        assert fast == django
        assert fast[0] == 304


def test_fast_path_answers_200_to_an_outdated_validator(client, fast_path, programme):
    path = export_path(programme.event, "schedule.ics")
    first = client.get(path)
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"

    assert served_fast(fast_path, path, headers={"If-None-Match": '"an-older-version"'})[0] == 200
    assert served_fast(fast_path, path, headers={"If-Modified-Since": earlier})[0] == 200
    assert served_fast(fast_path, path, headers={"If-Modified-Since": "not a date"})[2] == b"".join(
        first.streaming_content
    )


def test_fast_path_behind_a_tls_proxy_sends_the_same_headers_as_django(
    client, fast_path, programme, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    path = export_path(programme.event, "schedule.json")
    proxied = {"X-Forwarded-Proto": "https", "Accept-Language": "de-AT,de;q=0.9"}
    client.get(path, headers=proxied)

    django = served_by_django(client, path, headers=proxied)
    fast = served_fast(fast_path, path, headers=proxied)

    assert fast == django
    assert fast[1]["strict-transport-security"] == "max-age=3600; includeSubDomains"
    # A plain-HTTP request is Django's to redirect.
    assert served_fast(fast_path, path) is None


def test_fast_path_leaves_unusual_requests_to_django(client, fast_path, programme):
    path = export_path(programme.event, "schedule.ics")
    client.get(path)
    assert served_fast(fast_path, path) is not None

    assert served_fast(fast_path, path, method="HEAD") is None
    assert served_fast(fast_path, path, method="POST") is None
    assert served_fast(fast_path, path, QUERY_STRING="download=1") is None
    assert served_fast(fast_path, path, headers={"Cookie": "sessionid=abc"}) is None
    assert served_fast(fast_path, path, headers={"If-Match": '"something"'}) is None
    assert (
        served_fast(fast_path, path, headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}) is None
    )
    assert served_fast(fast_path, path, headers={"Host": "evil.example"}) is None
    assert served_fast(fast_path, f"{path}/") is None
    assert served_fast(fast_path, f"/events/{programme.event.slug}/schedule.pdf") is None
    assert served_fast(fast_path, f"/api/v1/events/{programme.event.slug}/") is None


def test_fast_path_leaves_unknown_unpublished_and_uncached_exports_to_django(client, fast_path, programme):
    hidden = EventFactory(is_published=False)

    assert served_fast(fast_path, export_path(programme.event, "schedule.xml")) is None  # not rendered yet
    assert served_fast(fast_path, session_path(programme.event, "rc-1203")) is None
    assert served_fast(fast_path, "/events/no-such-congress/schedule.xml") is None
    assert served_fast(fast_path, export_path(hidden, "schedule.xml")) is None
    assert served_fast(fast_path, session_path(programme.event, "no-such-session")) is None


def test_fast_path_stops_at_once_when_an_event_is_unpublished(client, fast_path, programme):
    path = export_path(programme.event, "schedule.ics")
    client.get(path)

    Event.objects.filter(pk=programme.event.pk).update(is_published=False)

    assert served_fast(fast_path, path) is None
    assert client.get(path).status_code == 404


def test_fast_path_follows_a_programme_change_at_once(client, fast_path, programme):
    path = export_path(programme.event, "schedule.ics")
    client.get(path)
    before = served_fast(fast_path, path)

    services.session_update(
        Session.objects.get(pk=programme.course.pk), starts_at=utc(3, 16), ends_at=utc(3, 17)
    )

    # The new version's file is not rendered yet: Django renders it, then the fast path serves it.
    assert served_fast(fast_path, path, headers={"If-None-Match": before[1]["etag"]}) is None
    assert client.get(path).status_code == 200
    after = served_fast(fast_path, path, headers={"If-None-Match": before[1]["etag"]})
    assert after[0] == 200
    assert after[1]["etag"] != before[1]["etag"]
    assert b"DTSTART;TZID=Europe/Vienna:20300603T170000" in before[2]
    assert b"DTSTART;TZID=Europe/Vienna:20300603T180000" in after[2]


def test_fast_path_never_serves_another_events_file(client, fast_path, programme):
    other = summer_programme()
    Event.objects.filter(pk=other.event.pk).update(programme_version=programme.event.programme_version)
    client.get(export_path(programme.event, "programme.csv"))

    assert served_fast(fast_path, export_path(other.event, "programme.csv")) is None


def test_fast_path_costs_one_query(client, fast_path, programme, django_assert_num_queries):
    path = export_path(programme.event, "schedule.xml")
    etag = client.get(path)["ETag"]

    with django_assert_num_queries(1):
        assert served_fast(fast_path, path)[0] == 200
    with django_assert_num_queries(1):
        assert served_fast(fast_path, path, headers={"If-None-Match": etag})[0] == 304


def test_fast_path_sends_the_file_in_blocks_without_a_server_file_wrapper(client, fast_path, programme):
    path = export_path(programme.event, "programme.json")
    django = served_by_django(client, path)

    environ = {"wsgi.file_wrapper": None}
    assert served_fast(fast_path, path, **environ) == django


def test_fast_path_turns_itself_off_for_middleware_it_does_not_know(client, fast_path, programme, settings):
    path = export_path(programme.event, "schedule.ics")
    client.get(path)

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]

    assert served_fast(fast_path, path) is None


def test_wsgi_application_puts_the_fast_path_in_front_of_django():
    from rostrum.wsgi import application

    assert isinstance(application, ExportFastPath)
    assert application.application.__class__.__name__ == "WSGIHandler"


def test_fast_path_keeps_working_after_old_versions_are_removed(client, fast_path, programme):
    path = export_path(programme.event, "schedule.ics")
    for minutes in (10, 20, 30):
        session = programme.event.sessions.order_by("starts_at").first()
        services.session_update(
            session,
            starts_at=session.starts_at + dt.timedelta(minutes=minutes),
            ends_at=session.ends_at + dt.timedelta(minutes=minutes),
        )
        client.get(path)

    assert served_fast(fast_path, path) == served_by_django(client, path)
