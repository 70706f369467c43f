"""Sign-up with e-mail verification, sign-in, password reset and two-factor set-up, end to end."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import reverse

from rostrum.accounts.models import User
from tests.factories.accounts import UserFactory

PASSWORD = "correct horse battery staple"
LINK = re.compile(r"https?://[^/\s]+(/\S+)")


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def totp_code(secret: str) -> str:
    # The code an authenticator app shows now: allauth's own HOTP over the current 30-second counter.
    return format_hotp_value(hotp_value(secret, list(yield_hotp_counters_from_time())[-1]))


def verified_user(**fields) -> User:
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_sign_up_verifies_the_email_then_asks_for_the_profile(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.member@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [["new.member@example.org"]]
    assert sign_in(client, "new.member@example.org").url == reverse("account_email_verification_sent")

    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)

    assert EmailAddress.objects.get(email="new.member@example.org").verified is True
    response = sign_in(client, "new.member@example.org")
    assert response.url == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).context["user"].email == "new.member@example.org"


@pytest.mark.django_db
def test_sign_in_with_a_complete_profile_goes_to_the_front_page(client):
    verified_user(email="dr.weiss@example.org", certificate_name="Dr. Eva Weiss")

    response = sign_in(client, "dr.weiss@example.org")

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
def test_sign_in_honours_the_next_page(client):
    verified_user(email="dr.weiss@example.org")

    response = client.post(
        reverse("account_login"), {"login": "dr.weiss@example.org", "password": PASSWORD, "next": "/search/"}
    )

    assert response.url == "/search/"


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_shows_the_error(client):
    verified_user(email="dr.weiss@example.org")

    response = sign_in(client, "dr.weiss@example.org", "not the password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert response.context["user"].is_authenticated is False


@pytest.mark.django_db
def test_password_reset_by_emailed_link(client):
    user = verified_user(email="dr.weiss@example.org")

    client.post(reverse("account_reset_password"), {"email": "dr.weiss@example.org"})
    assert [message.to for message in mail.outbox] == [["dr.weiss@example.org"]]
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302
    response = client.post(
        response.url, {"password1": "a new long passphrase", "password2": "a new long passphrase"}
    )

    assert response.url == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password("a new long passphrase") is True
    assert sign_in(client, "dr.weiss@example.org", "a new long passphrase").status_code == 302


@pytest.mark.django_db
def test_totp_set_up_then_sign_in_asks_for_the_code(client):
    user = verified_user(email="dr.weiss@example.org", certificate_name="Dr. Eva Weiss")
    sign_in(client, "dr.weiss@example.org")

    # Setting up two-factor asks for the password again, even right after signing in.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url == f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    # Activating TOTP also makes the recovery codes a member needs when the phone is lost.
    assert sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    client.post(reverse("account_logout"))

    response = sign_in(client, "dr.weiss@example.org")
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/").context["user"].is_authenticated is False
    wrong_code = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    client.post(reverse("mfa_authenticate"), {"code": wrong_code})
    assert client.get("/").context["user"].is_authenticated is False
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == "/"
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_no_member(client):
    verified_user(email="dr.weiss@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.url == reverse("account_reset_password_done")
    assert [(message.to, "/accounts/password/reset/key/" in message.body) for message in mail.outbox] == [
        (["nobody@example.org"], False)
    ]
