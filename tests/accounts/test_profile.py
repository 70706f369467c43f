"""The member's profile: the name on certificates and the facts CME needs."""

import pytest
from django.urls import reverse

from rostrum.accounts import services
from rostrum.accounts.errors import AccountError
from rostrum.core.models import ActivityLog
from tests.factories.accounts import UserFactory

PROFILE = {
    "certificate_name": "Prof.  Dr. Zoë   Łukasiewicz",
    "first_name": "Zoë",
    "last_name": "Łukasiewicz",
    "profession": "radiologist",
    "country": "PL",
    "institution": "Medical University of Warsaw",
}


def test_profile_page_explains_the_certificate_name(client, user):
    client.force_login(user)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert "Exactly as it must appear on your CME certificates" in response.text
    assert 'aria-describedby="id_certificate_name_helptext"' in response.text


def test_profile_page_saves_through_the_service(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), PROFILE)

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.certificate_name, user.first_name, user.profession, user.country.code, user.institution) == (
        "Prof. Dr. Zoë Łukasiewicz",
        "Zoë",
        "radiologist",
        "PL",
        "Medical University of Warsaw",
    )
    row = ActivityLog.objects.get(action="accounts.user.profile_updated")
    assert (row.actor, row.data) == (
        user,
        {"fields": ["certificate_name", "country", "first_name", "institution", "last_name", "profession"]},
    )


def test_profile_page_needs_a_certificate_name(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {**PROFILE, "certificate_name": ""})

    assert response.status_code == 200
    assert "This field is required." in response.text
    user.refresh_from_db()
    assert user.institution == ""


def test_profile_page_refuses_an_unknown_profession(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {**PROFILE, "profession": "astronaut"})

    assert response.status_code == 200
    assert response.context["form"].errors["profession"] == [
        "Select a valid choice. astronaut is not one of the available choices."
    ]


def test_profile_page_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_page_edits_only_the_signed_in_member(client, user):
    other = UserFactory(certificate_name="Dr. Other Person")
    client.force_login(user)

    client.post(reverse("accounts:profile"), PROFILE)

    other.refresh_from_db()
    assert other.certificate_name == "Dr. Other Person"


def test_user_profile_update_without_changes_writes_nothing(user):
    services.user_profile_update(user, by=user, first_name=user.first_name)

    assert ActivityLog.objects.count() == 0


def test_user_profile_update_refuses_fields_outside_the_profile(user):
    with pytest.raises(AccountError, match="not part of a profile: is_staff"):
        services.user_profile_update(user, by=user, is_staff=True)

    user.refresh_from_db()
    assert user.is_staff is False
