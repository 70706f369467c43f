import json

import pytest
from django.core import mail
from django.urls import reverse

from rostrum.accounts.services import user_account_delete
from rostrum.memberships import services
from rostrum.memberships.enums import MembershipStatus
from rostrum.memberships.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory


@pytest.fixture
def friend_application(types, make_proof):
    student = UserFactory(profession="student", country="DE", email="lena@example.de")
    return services.membership_apply(user=student, membership_type=types["friend"], proof=make_proof())


def test_list_page_for_anonymous_shows_fees_and_sign_in(client, types, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/memberships/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "€11.00 per year" in page
    assert "free of charge" in page
    assert "For radiographers residing in Europe" in page
    assert "including the possibility to earn e-CME" in page
    assert "Sign in to join" in page


def test_list_page_for_member_shows_eligibility(client, types):
    client.force_login(UserFactory(profession="radiographer", country="BR"))

    page = client.get("/memberships/").content.decode()

    assert "your profile says you live in Brazil." in page
    assert reverse("memberships:join", args=["corresponding"]) in page
    assert reverse("memberships:join", args=["full-allied"]) not in page


def test_join_free_type_activates_and_shows_my_membership(client, types, student_in_kenya):
    client.force_login(student_in_kenya)

    response = client.post("/memberships/join/corresponding/", follow=True)

    assert response.redirect_chain == [("/account/memberships/", 302)]
    page = response.content.decode()
    assert "Welcome! Your Corresponding Membership is active until" in page
    assert "Renew for 12 months" in page


def test_join_with_proof_upload_is_pending_approval(client, types, make_proof):
    student = UserFactory(profession="student", country="DE")
    client.force_login(student)

    response = client.post("/memberships/join/friend/", {"proof": make_proof()})

    assert response.status_code == 302
    membership = Membership.objects.get(user=student)
    assert membership.status == MembershipStatus.PENDING_APPROVAL
    assert membership.proof.read() == b"%PDF-1.4 proof of training"


def test_join_without_proof_shows_the_error(client, types):
    client.force_login(UserFactory(profession="student", country="DE"))

    response = client.post("/memberships/join/friend/")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Membership.objects.count() == 0


def test_join_rejects_a_file_that_is_not_a_scan(client, types, make_proof):
    client.force_login(UserFactory(profession="student", country="DE"))

    response = client.post("/memberships/join/friend/", {"proof": make_proof("card.html")})

    assert "Please upload a PDF, JPEG or PNG file." in response.content.decode()
    assert Membership.objects.count() == 0


def test_join_when_ineligible_shows_the_reason_and_no_form(client, types):
    client.force_login(UserFactory(profession="radiographer", country="BR"))

    response = client.post("/memberships/join/full-allied/")

    page = response.content.decode()
    assert "your profile says you live in Brazil." in page
    assert '<form class="auth-form"' not in page
    assert Membership.objects.count() == 0


def test_join_needs_sign_in(client, types):
    response = client.get("/memberships/join/friend/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_memberships_shows_only_my_own(client, db):
    mine = MembershipFactory(membership_type__name="Full Membership Mine")
    MembershipFactory(membership_type__name="Someone Else's Membership")
    client.force_login(mine.user)

    page = client.get("/account/memberships/").content.decode()

    assert "Full Membership Mine" in page
    assert "Someone Else" not in page


def test_renew_someone_elses_membership_is_not_found(client, db):
    other = MembershipFactory(membership_type__annual_fee=0)
    client.force_login(UserFactory())

    response = client.post(reverse("memberships:renew", args=[other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.valid_until.year == 2030


def test_renew_free_membership_from_my_page(client, db):
    membership = MembershipFactory(membership_type__annual_fee=0)
    client.force_login(membership.user)

    response = client.post(reverse("memberships:renew", args=[membership.pk]), follow=True)

    membership.refresh_from_db()
    assert membership.valid_until.year == 2031
    assert "Renewed: valid until 31 December 2031." in response.content.decode()


def test_proof_downloadable_by_its_owner(client, friend_application):
    client.force_login(friend_application.user)

    response = client.get(reverse("memberships:proof", args=[friend_application.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 proof of training"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_proof_not_downloadable_by_another_member(client, friend_application):
    client.force_login(UserFactory())

    response = client.get(reverse("memberships:proof", args=[friend_application.pk]))

    assert response.status_code == 404


def test_proof_not_downloadable_anonymously(client, friend_application):
    response = client.get(reverse("memberships:proof", args=[friend_application.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_proof_not_downloadable_by_staff_without_permission(client, friend_application):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("memberships:proof", args=[friend_application.pk]))

    assert response.status_code == 404


def test_proof_downloadable_by_staff_with_permission(client, friend_application, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("memberships:proof", args=[friend_application.pk]))

    assert response.status_code == 200


def test_proof_has_no_public_url(friend_application):
    with pytest.raises(ValueError, match="no public URL"):
        _ = friend_application.proof.url


def test_admin_lists_pending_approvals(client, friend_application, staff_user):
    MembershipFactory(membership_type__name="Already Active Type")
    client.force_login(staff_user)

    response = client.get("/admin/memberships/membership/?waiting=approval")

    assert list(response.context["cl"].result_list) == [friend_application]
    assert "lena@example.de" in response.content.decode()
    assert (
        reverse("memberships:proof", args=[friend_application.pk])
        in client.get(f"/admin/memberships/membership/{friend_application.pk}/change/").content.decode()
    )


def test_admin_approve_action(client, friend_application, staff_user):
    client.force_login(staff_user)

    client.post(
        "/admin/memberships/membership/", {"action": "approve", "_selected_action": [friend_application.pk]}
    )

    friend_application.refresh_from_db()
    assert friend_application.status == MembershipStatus.ACTIVE
    assert friend_application.approved_by == staff_user


def test_admin_reject_action_asks_for_the_reason(client, friend_application, staff_user):
    client.force_login(staff_user)
    data = {"action": "reject", "_selected_action": [friend_application.pk]}

    form = client.post("/admin/memberships/membership/", data)
    client.post("/admin/memberships/membership/", {**data, "reason": "Please send a current student card."})

    assert "The members below are told by e-mail" in form.content.decode()
    friend_application.refresh_from_db()
    assert friend_application.status == MembershipStatus.REJECTED
    assert "Please send a current student card." in mail.outbox[0].body


def test_admin_mark_paid_action(client, types, radiographer_in_austria, staff_user):
    membership = services.membership_apply(user=radiographer_in_austria, membership_type=types["full-allied"])
    client.force_login(staff_user)

    client.post(
        "/admin/memberships/membership/", {"action": "mark_paid", "_selected_action": [membership.pk]}
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_admin_membership_types_page(client, types, staff_user):
    client.force_login(staff_user)

    page = client.get("/admin/memberships/membershiptype/").content.decode()

    assert "Full Membership for Professionals of Allied Sciences" in page
    assert "€11.00 per year" in page


def test_data_download_holds_my_memberships(client, friend_application):
    client.force_login(friend_application.user)

    data = json.loads(client.get(reverse("accounts:data")).content)

    assert [(m["type"], m["status"], m["proof_uploaded"]) for m in data["memberships"]] == [
        ("ESR Friend", "pending_approval", True)
    ]


def test_account_deletion_removes_memberships_and_proofs(friend_application, private_media):
    user = friend_application.user
    proof_path = private_media / friend_application.proof.name
    assert proof_path.exists()

    user_account_delete(user, by=user)

    assert Membership.objects.filter(user=user).count() == 0
    assert not proof_path.exists()


def test_pages_render_for_staff(client, types, staff_user):
    client.force_login(staff_user)

    assert client.get("/memberships/").status_code == 200
    assert client.get("/account/memberships/").status_code == 200
    assert client.get("/admin/memberships/membership/").status_code == 200
