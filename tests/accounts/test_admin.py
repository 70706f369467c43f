from django.contrib import admin
from django.urls import reverse

from tests.factories.accounts import UserFactory


def test_back_office_titles(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("admin:index"))

    assert (admin.site.site_header, admin.site.site_title) == ("Rostrum back office", "Rostrum back office")
    assert "Rostrum back office" in response.text


def test_user_admin_lists_searches_and_edits_members(client, staff_user):
    UserFactory(email="zoe@example.org", certificate_name="Prof. Zoë Ł.", institution="Warsaw")
    client.force_login(staff_user)

    listed = client.get(reverse("admin:accounts_user_changelist"), {"q": "Warsaw"})
    member = listed.context["cl"].result_list

    assert [user.email for user in member] == ["zoe@example.org"]
    assert client.get(reverse("admin:accounts_user_change", args=[member[0].pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
