"""The data download holds exactly the member's own data; deletion anonymises and other apps clean up."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from rostrum.accounts import selectors, services
from rostrum.accounts.errors import AccountError
from rostrum.core.models import ActivityLog
from rostrum.core.services import activity_log
from rostrum.programme import services as programme_services
from rostrum.programme.models import AgendaEntry, CalendarSubscription
from tests.factories.accounts import UserFactory
from tests.factories.programme import PresentationFactory, SessionFactory

PASSWORD = "correct horse battery staple"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member(email: str, **fields):
    user = UserFactory(email=email, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def anna(db):
    user = member(
        "anna@example.org",
        certificate_name="Dr. Anna Berg",
        first_name="Anna",
        last_name="Berg",
        profession="radiologist",
        country="AT",
        institution="Vienna General Hospital",
    )
    session = SessionFactory(code="RC 101", title="Liver MRI")
    programme_services.agenda_star(user, session=session)
    programme_services.agenda_star(
        user, presentation=PresentationFactory(code="RC 102-1", title="Gadoxetate")
    )
    programme_services.calendar_subscription_create(user)
    return user


@pytest.fixture
def ben(db):
    user = member("ben@example.org", certificate_name="Dr. Ben Olsen", institution="Oslo University Hospital")
    programme_services.agenda_star(user, session=SessionFactory(code="SS 9", title="Ben's only session"))
    programme_services.calendar_subscription_create(user)
    activity_log(action="test.ben.did.something", actor=user, obj=user)
    return user


def test_data_download_is_a_json_attachment_of_the_profile(anna):
    response = signed_in(anna).get(reverse("accounts:data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="rostrum-my-data-')
    data = json.loads(response.content)
    assert {key: data["profile"][key] for key in ("email", "certificate_name", "country", "institution")} == {
        "email": "anna@example.org",
        "certificate_name": "Dr. Anna Berg",
        "country": "AT",
        "institution": "Vienna General Hospital",
    }
    assert data["email_addresses"] == [{"email": "anna@example.org", "verified": True, "primary": True}]


def test_data_download_includes_the_personal_programme_from_the_programme_app(anna):
    data = selectors.user_personal_data(user=anna)

    assert [(row["kind"], row["code"], row["title"]) for row in data["agenda"]] == [
        ("session", "RC 101", "Liver MRI"),
        ("presentation", "RC 102-1", "Gadoxetate"),
    ]
    assert [row["revoked"] for row in data["calendar_subscriptions"]] == [None]
    # Other apps (memberships, ...) add their own sections beside these.
    assert {
        "activity",
        "agenda",
        "calendar_subscriptions",
        "email_addresses",
        "profile",
        "two_factor",
    } <= set(data)


def test_data_download_never_contains_another_members_data(anna, ben):
    text = signed_in(anna).get(reverse("accounts:data")).content.decode()
    data = json.loads(text)

    for trace in ("ben@example.org", "Ben Olsen", "Oslo", "Ben's only session", "test.ben.did.something"):
        assert trace not in text
    assert [row["action"] for row in data["activity"]] == [
        "programme.agenda.starred",
        "programme.agenda.starred",
        "programme.calendar_subscription.created",
    ]
    assert len(data["agenda"]) == 2
    assert len(data["calendar_subscriptions"]) == 1


def test_data_download_leaves_out_credentials(anna):
    token = CalendarSubscription.objects.get(user=anna).token

    text = signed_in(anna).get(reverse("accounts:data")).content.decode()

    assert token not in text
    assert anna.password not in text


def test_data_download_needs_sign_in(client):
    response = client.get(reverse("accounts:data"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_account_delete_anonymises_and_signs_out(anna):
    client = signed_in(anna)
    Authenticator.objects.create(user=anna, type=Authenticator.Type.RECOVERY_CODES, data={})

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    anna.refresh_from_db()
    assert (anna.email, anna.certificate_name, anna.first_name, anna.last_name, anna.institution) == (
        f"deleted-{anna.pk}@deleted.invalid",
        "",
        "",
        "",
        "",
    )
    assert (anna.profession, str(anna.country), anna.is_active, anna.has_usable_password()) == (
        "",
        "",
        False,
        False,
    )
    assert EmailAddress.objects.filter(user=anna).exists() is False
    assert Authenticator.objects.filter(user=anna).exists() is False
    assert client.get("/").context["user"].is_authenticated is False
    assert ActivityLog.objects.filter(action="accounts.user.deleted", object_id=str(anna.pk)).count() == 1


def test_account_delete_removes_the_agenda_through_the_programme_receiver(anna, ben):
    services.user_account_delete(anna, by=anna)

    assert AgendaEntry.objects.filter(user=anna).count() == 0
    assert CalendarSubscription.objects.filter(user=anna).count() == 0
    assert AgendaEntry.objects.filter(user=ben).count() == 1
    assert CalendarSubscription.objects.filter(user=ben).count() == 1


def test_deleted_member_can_no_longer_sign_in(anna, client):
    services.user_account_delete(anna, by=anna)

    for login in ("anna@example.org", f"deleted-{anna.pk}@deleted.invalid"):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 200
        assert response.context["user"].is_authenticated is False


def test_account_delete_blanks_the_name_in_the_activity_log(anna):
    services.user_profile_update(anna, by=anna, institution="Graz University Hospital")

    services.user_account_delete(anna, by=anna)

    about_anna = ActivityLog.objects.filter(object_id=str(anna.pk), content_type__model="user")
    assert {row.object_repr for row in about_anna} == {f"deleted-{anna.pk}@deleted.invalid"}


def test_account_delete_twice_is_refused(anna):
    services.user_account_delete(anna, by=anna)

    with pytest.raises(AccountError, match="already been deleted"):
        services.user_account_delete(anna, by=anna)


def test_account_delete_with_a_wrong_password_changes_nothing(anna):
    response = signed_in(anna).post(reverse("accounts:delete"), {"password": "guess", "confirm": "on"})

    assert response.status_code == 200
    assert "This is not your password." in response.text
    anna.refresh_from_db()
    assert (anna.is_active, anna.email) == (True, "anna@example.org")


def test_account_delete_needs_the_confirmation(anna):
    response = signed_in(anna).post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 200
    anna.refresh_from_db()
    assert anna.is_active is True
    assert AgendaEntry.objects.filter(user=anna).count() == 2


def test_deleted_members_address_can_sign_up_again(anna, client):
    services.user_account_delete(anna, by=anna)

    response = client.post(
        reverse("account_signup"), {"email": "anna@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="anna@example.org").user_id != anna.pk
