import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from rostrum.core.models import ActivityLog
from rostrum.programme import agenda, services
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.models import AgendaEntry
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory, PresentationFactory, SessionFactory, vienna

AGENDA_API = "/api/v1/me/agenda/"


@pytest.fixture
def session(db):
    return SessionFactory(code="RC 101", title="Liver MRI", starts_at=vienna(4, 10), ends_at=vienna(4, 11))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def feed_summaries(response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")]


def test_agenda_star_is_idempotent_and_logged(user, session):
    services.agenda_star(user, session=session)
    services.agenda_star(user, session=session)
    assert AgendaEntry.objects.filter(user=user).count() == 1
    assert ActivityLog.objects.filter(action="programme.agenda.starred").count() == 1


def test_agenda_unstar_removes_the_star(user, session):
    services.agenda_star(user, session=session)
    assert services.agenda_unstar(user, session=session) is True
    assert services.agenda_unstar(user, session=session) is False
    assert AgendaEntry.objects.filter(user=user).count() == 0


def test_agenda_star_refuses_unpublished_programmes(user):
    hidden = SessionFactory(event=EventFactory(is_published=False))
    with pytest.raises(ProgrammeError, match="not part of a published programme"):
        services.agenda_star(user, session=hidden)


def test_agenda_star_needs_exactly_one_item(user, session):
    with pytest.raises(ProgrammeError):
        services.agenda_star(user)


def test_agenda_by_event_orders_items_and_marks_overlaps(user, session):
    clash = SessionFactory(
        event=session.event, title="Clash", starts_at=vienna(4, 10, 30), ends_at=vienna(4, 12)
    )
    later = SessionFactory(event=session.event, title="Later", starts_at=vienna(4, 14), ends_at=vienna(4, 15))
    talk = PresentationFactory(
        session=session, title="Inside", starts_at=vienna(4, 10, 30), ends_at=vienna(4, 10, 50)
    )
    for item in (later, clash, session):
        services.agenda_star(user, session=item)
    services.agenda_star(user, presentation=talk)

    (event_agenda,) = agenda.agenda_by_event(user=user)
    titles = [(i.title, [o.title for o in i.overlaps]) for i in event_agenda.items]
    assert titles == [
        ("RC 101 Liver MRI", [str(clash)]),
        (str(clash), ["RC 101 Liver MRI", "Inside"]),
        ("Inside", [str(clash)]),
        (str(later), []),
    ]


def test_cancelled_items_do_not_overlap(user, session):
    clash = SessionFactory(event=session.event, starts_at=vienna(4, 10, 30), ends_at=vienna(4, 12))
    services.session_cancel(clash)
    services.agenda_star(user, session=session)
    services.agenda_star(user, session=clash)
    (event_agenda,) = agenda.agenda_by_event(user=user)
    assert [item.overlaps for item in event_agenda.items] == [[], []]


def test_star_page_post_stars_and_returns_to_the_page(user, session):
    client = signed_in(user)
    back = session.get_absolute_url()
    response = client.post(reverse("programme:agenda-star"), {"session": session.pk, "next": back})
    assert (response.status_code, response.url) == (302, back)
    assert list(AgendaEntry.objects.filter(user=user).values_list("session_id", flat=True)) == [session.pk]

    client.post(reverse("programme:agenda-star"), {"session": session.pk, "action": "unstar"})
    assert AgendaEntry.objects.filter(user=user).count() == 0


def test_star_page_needs_csrf(user, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("programme:agenda-star"), {"session": session.pk}).status_code == 403


def test_star_page_sends_visitors_to_sign_in(db, session):
    response = Client().post(reverse("programme:agenda-star"), {"session": session.pk, "next": "/events/x/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert AgendaEntry.objects.count() == 0


def test_star_page_ignores_foreign_next(user, session):
    response = signed_in(user).post(
        reverse("programme:agenda-star"), {"session": session.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("programme:my-programme")


def test_my_programme_lists_only_my_stars(user, session):
    other = UserFactory()
    services.agenda_star(other, session=SessionFactory(event=session.event, title="Not mine"))
    services.agenda_star(user, session=session)
    page = signed_in(user).get(reverse("programme:my-programme")).content.decode()
    assert "Liver MRI" in page
    assert "Not mine" not in page


def test_my_programme_warns_about_overlaps(user, session):
    clash = SessionFactory(
        event=session.event, title="Clash", starts_at=vienna(4, 10, 30), ends_at=vienna(4, 12)
    )
    services.agenda_star(user, session=session)
    services.agenda_star(user, session=clash)
    page = signed_in(user).get(reverse("programme:my-programme")).content.decode()
    assert "2 of your starred items overlap in time" in page


def test_my_programme_needs_sign_in(db):
    response = Client().get(reverse("programme:my-programme"))
    assert (response.status_code, response.url.startswith(reverse("account_login"))) == (302, True)


def test_my_programme_costs_a_fixed_number_of_queries(user, session, django_assert_max_num_queries):
    for _ in range(5):
        services.agenda_star(user, session=SessionFactory(event=session.event))
        services.agenda_star(user, presentation=PresentationFactory(session=session))
    client = signed_in(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("programme:my-programme")).status_code == 200


def test_agenda_api_stars_lists_and_removes(user, session):
    talk = PresentationFactory(session=session, title="Talk A")
    client = signed_in(user)
    response = client.post(
        AGENDA_API, {"sessions": [session.pk], "presentations": [talk.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [(r["kind"], r["id"]) for r in response.json()["results"]] == [
        ("session", session.pk),
        ("presentation", talk.pk),
    ]
    assert client.get(AGENDA_API).json()["results"][0]["event"] == session.event.slug

    response = client.delete(f"{AGENDA_API}?session={session.pk}")
    assert [(r["kind"], r["id"]) for r in response.json()["results"]] == [("presentation", talk.pk)]


def test_agenda_api_reports_unknown_and_unpublished_ids(user, session):
    hidden = SessionFactory(event=EventFactory(is_published=False))
    response = signed_in(user).post(
        AGENDA_API, {"sessions": [session.pk, hidden.pk, 999999]}, content_type="application/json"
    )
    assert response.json()["ignored"] == sorted([f"session:{hidden.pk}", "session:999999"])
    assert AgendaEntry.objects.filter(user=user).count() == 1


def test_agenda_api_rejects_bad_ids(user):
    response = signed_in(user).post(AGENDA_API, {"sessions": ["x"]}, content_type="application/json")
    assert response.status_code == 400


def test_agenda_api_is_for_signed_in_users_only(db, session):
    assert Client().get(AGENDA_API).status_code == 403
    response = Client().post(AGENDA_API, {"sessions": [session.pk]}, content_type="application/json")
    assert (response.status_code, AgendaEntry.objects.count()) == (403, 0)


def test_agenda_api_never_shows_another_users_agenda(user, session):
    services.agenda_star(UserFactory(), session=session)
    assert signed_in(user).get(AGENDA_API).json() == {"results": []}


def test_agenda_api_delete_cannot_touch_another_users_stars(user, session):
    other = UserFactory()
    services.agenda_star(other, session=session)
    signed_in(user).delete(AGENDA_API, {"sessions": [session.pk]}, content_type="application/json")
    assert AgendaEntry.objects.filter(user=other).count() == 1


def test_calendar_feed_follows_stars_and_programme_changes(user, session):
    services.agenda_star(user, session=session)
    subscription = services.calendar_subscription_create(user)
    url = reverse("programme:agenda-feed", kwargs={"token": subscription.token})
    response = Client().get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert feed_summaries(response) == ["RC 101 Liver MRI"]

    services.session_update(session, title="Liver MRI, revised")
    talk = PresentationFactory(session=session, title="Extra talk")
    services.agenda_star(user, presentation=talk)
    assert feed_summaries(Client().get(url)) == ["RC 101 Liver MRI, revised", "Extra talk (RC 101)"]


def test_calendar_feed_of_a_revoked_token_is_gone(user, session):
    subscription = services.calendar_subscription_create(user)
    url = reverse("programme:agenda-feed", kwargs={"token": subscription.token})
    services.calendar_subscription_revoke(subscription, by=user)
    assert Client().get(url).status_code == 404


def test_calendar_subscription_create_replaces_the_old_address(user):
    old = services.calendar_subscription_create(user)
    new = services.calendar_subscription_create(user)
    old.refresh_from_db()
    assert (old.revoked is not None, new.revoked, len(new.token) >= 40) == (True, None, True)
    assert Client().get(reverse("programme:agenda-feed", kwargs={"token": old.token})).status_code == 404


def test_calendar_feed_shows_only_its_owners_stars(user, session):
    other = UserFactory()
    services.agenda_star(other, session=SessionFactory(event=session.event, code="SF 9", title="Not mine"))
    services.agenda_star(user, session=session)
    mine = services.calendar_subscription_create(user)
    assert feed_summaries(Client().get(reverse("programme:agenda-feed", kwargs={"token": mine.token}))) == [
        "RC 101 Liver MRI"
    ]


def test_calendar_feed_unknown_token_is_404(db):
    assert Client().get(reverse("programme:agenda-feed", kwargs={"token": "guessed"})).status_code == 404


def test_calendar_pages_make_and_stop_the_address(user):
    client = signed_in(user)
    client.post(reverse("programme:agenda-calendar-create"))
    token = agenda.calendar_subscription_active(user=user).token
    assert token in client.get(reverse("programme:my-programme")).content.decode()
    client.post(reverse("programme:agenda-calendar-revoke"))
    assert agenda.calendar_subscription_active(user=user) is None
    assert Client().get(reverse("programme:agenda-feed", kwargs={"token": token})).status_code == 404


def test_star_button_shows_the_users_state(user, session):
    services.agenda_star(user, session=session)
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "programme/_star.html" with session=session presentation=None %}')
    html = template.render(Context({"request": request, "session": session, "user": user}))
    assert 'aria-pressed="true"' in html
    assert 'name="action" value="unstar"' in html


def test_unpublished_events_leave_my_programme_and_feed(user, session):
    services.agenda_star(user, session=session)
    subscription = services.calendar_subscription_create(user)
    services.event_update(session.event, is_published=False)
    assert agenda.agenda_by_event(user=user) == []
    url = reverse("programme:agenda-feed", kwargs={"token": subscription.token})
    assert feed_summaries(Client().get(url)) == []
