import datetime as dt

import icalendar
import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse
from django.utils.http import http_date

from rostrum.programme import services
from rostrum.programme.models import Event, Session
from tests.factories.programme import EventFactory
from tests.programme.export_programme import summer_programme, utc


@pytest.fixture(autouse=True)
def empty_cache():
    # Test databases hand out the same event ids again, so a file cached by one test must not serve another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(db):
    return summer_programme()


def url(event, file: str) -> str:
    return reverse("programme:export", kwargs={"event": event.slug, "file": file})


def test_export_urls_are_stable_and_reverse_in_templates(programme):
    template = Template(
        "{% url 'programme:export' event=event.slug file='schedule.ics' %} "
        "{% url 'programme:session-ics' event=event.slug session='rc-1203' %}"
    )

    rendered = template.render(Context({"event": programme.event}))

    slug = programme.event.slug
    assert rendered == f"/events/{slug}/schedule.ics /events/{slug}/sessions/rc-1203.ics"
    assert url(programme.event, "programme.csv") == f"/events/{slug}/programme.csv"


@pytest.mark.parametrize(
    ("file", "format", "content_type"),
    [
        ("schedule.ics", "ics", "text/calendar; charset=utf-8"),
        ("programme.csv", "csv", "text/csv; charset=utf-8"),
        ("schedule.xml", "frab-xml", "application/xml"),
        ("schedule.json", "frab-json", "application/json"),
        ("programme.json", "native", "application/json"),
    ],
)
def test_export_serves_each_file_with_its_type_and_name(client, programme, file, format, content_type):
    response = client.get(url(programme.event, file))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{programme.event.slug}-{file}"'
    assert response["Last-Modified"] == http_date(programme.event.programme_changed_at.timestamp())
    changed = int(programme.event.programme_changed_at.timestamp() * 1e6)
    assert (
        response["ETag"] == f'"{programme.event.pk}.{programme.event.programme_version}-{changed}.{format}"'
    )
    assert response.getvalue()


def test_export_answers_304_to_if_none_match(client, programme):
    first = client.get(url(programme.event, "schedule.ics"))

    again = client.get(url(programme.event, "schedule.ics"), headers={"if-none-match": first["ETag"]})

    assert (again.status_code, again.getvalue(), again["ETag"]) == (304, b"", first["ETag"])


def test_export_answers_304_to_if_modified_since(client, programme):
    first = client.get(url(programme.event, "programme.csv"))

    again = client.get(
        url(programme.event, "programme.csv"), headers={"if-modified-since": first["Last-Modified"]}
    )

    assert again.status_code == 304


def test_export_changes_etag_and_body_after_a_programme_change(client, programme):
    before = client.get(url(programme.event, "schedule.ics"))

    services.session_update(
        Session.objects.get(pk=programme.course.pk), starts_at=utc(3, 16), ends_at=utc(3, 17)
    )
    stale = client.get(url(programme.event, "schedule.ics"), headers={"if-none-match": before["ETag"]})

    assert stale.status_code == 200
    assert stale["ETag"] != before["ETag"]
    assert b"DTSTART;TZID=Europe/Vienna:20300603T170000" in before.getvalue()
    assert b"DTSTART;TZID=Europe/Vienna:20300603T180000" in stale.getvalue()


def test_export_warm_requests_cost_one_query(client, programme, django_assert_num_queries):
    first = client.get(url(programme.event, "schedule.ics"))

    with django_assert_num_queries(1):
        cached = client.get(url(programme.event, "schedule.ics"))
    with django_assert_num_queries(1):
        not_modified = client.get(
            url(programme.event, "schedule.ics"), headers={"if-none-match": first["ETag"]}
        )

    assert (cached.status_code, cached.getvalue()) == (200, first.getvalue())
    assert not_modified.status_code == 304


def test_export_of_unknown_or_unpublished_event_is_404(client, programme):
    hidden = EventFactory(is_published=False)

    assert client.get("/events/no-such-congress/schedule.ics").status_code == 404
    assert client.get(url(hidden, "schedule.ics")).status_code == 404
    assert client.get(url(hidden, "programme.csv")).status_code == 404


def test_export_of_an_unknown_file_is_404(client, programme):
    assert client.get(f"/events/{programme.event.slug}/schedule.pdf").status_code == 404


def test_export_refuses_to_be_posted_to(client, programme):
    assert client.post(url(programme.event, "schedule.ics")).status_code == 405


def test_session_ics_holds_only_that_session(client, programme):
    response = client.get(
        reverse("programme:session-ics", kwargs={"event": programme.event.slug, "session": "rc-1203"})
    )

    calendar = icalendar.Calendar.from_ical(response.getvalue())
    assert response["Content-Disposition"] == f'inline; filename="{programme.event.slug}-rc-1203.ics"'
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [f"{programme.course.guid}@rostrum"]
    assert str(calendar["X-WR-CALNAME"]) == "RC 1203 Paediatric ultrasound"
    assert calendar.get_missing_tzids() == set()


def test_session_ics_follows_a_cancellation_and_answers_304_until_then(client, programme):
    path = reverse("programme:session-ics", kwargs={"event": programme.event.slug, "session": "rc-1203"})
    first = client.get(path)
    assert client.get(path, headers={"if-none-match": first["ETag"]}).status_code == 304

    services.session_cancel(Session.objects.get(pk=programme.course.pk))
    after = client.get(path, headers={"if-none-match": first["ETag"]})

    assert after.status_code == 200
    assert str(icalendar.Calendar.from_ical(after.getvalue()).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_session_ics_of_another_events_session_is_404(client, programme):
    other = summer_programme()

    response = client.get(
        reverse("programme:session-ics", kwargs={"event": other.event.slug, "session": "missing-session"})
    )

    assert response.status_code == 404
    assert client.get(f"/events/{programme.event.slug}/sessions/hw-1.ics").status_code == 200


def test_exports_of_two_events_never_share_a_cached_file(client, programme):
    other = summer_programme()
    Event.objects.filter(pk=other.event.pk).update(programme_version=programme.event.programme_version)

    mine = client.get(url(programme.event, "programme.csv"))
    theirs = client.get(url(other.event, "programme.csv"))

    assert mine["ETag"] != theirs["ETag"]
    assert other.event.title.encode() in theirs.getvalue()
    assert other.event.title.encode() not in mine.getvalue()


def test_export_keeps_only_the_files_of_the_last_two_programme_versions(client, programme, settings):
    for minutes in (10, 20, 30):
        session = programme.event.sessions.order_by("starts_at").first()
        services.session_update(
            session,
            starts_at=session.starts_at + dt.timedelta(minutes=minutes),
            ends_at=session.ends_at + dt.timedelta(minutes=minutes),
        )
        assert client.get(url(programme.event, "schedule.ics")).status_code == 200

    kept = list(settings.ROSTRUM_EXPORT_CACHE_DIR.glob(f"{programme.event.pk}.*.ics"))
    assert len(kept) == 2
