import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from rostrum.core.models import ActivityLog
from rostrum.memberships import services
from rostrum.memberships.catalogue import membership_types_load
from rostrum.memberships.enums import MembershipStatus
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.models import Membership, MembershipReminder, MembershipType
from rostrum.memberships.selectors import active_membership, memberships_of
from rostrum.memberships.signals import membership_activated, membership_ended
from rostrum.memberships.tasks import membership_daily
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory


@pytest.fixture
def signals_sent():
    sent = []

    def on_activated(sender, membership, **kwargs):
        sent.append(("activated", membership.pk))

    def on_ended(sender, membership, reason, **kwargs):
        sent.append((f"ended:{reason}", membership.pk))

    membership_activated.connect(on_activated)
    membership_ended.connect(on_ended)
    yield sent
    membership_activated.disconnect(on_activated)
    membership_ended.disconnect(on_ended)


def test_apply_free_type_without_proof_is_active_at_once(types, student_in_kenya, signals_sent):
    membership = services.membership_apply(user=student_in_kenya, membership_type=types["corresponding"])

    today = timezone.localdate()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.valid_from == today
    assert membership.valid_until == today.replace(year=today.year + 1) - dt.timedelta(days=1)
    assert signals_sent == [("activated", membership.pk)]
    assert active_membership(student_in_kenya) == membership
    assert (
        ActivityLog.objects.filter(action="memberships.membership.applied", actor=student_in_kenya).count()
        == 1
    )


def test_apply_paid_type_is_pending_payment(types, radiographer_in_austria, signals_sent):
    membership = services.membership_apply(user=radiographer_in_austria, membership_type=types["full-allied"])

    assert membership.status == MembershipStatus.PENDING_PAYMENT
    assert membership.valid_until is None
    assert signals_sent == []
    assert active_membership(radiographer_in_austria) is None


def test_apply_type_with_proof_is_pending_approval(types, make_proof):
    student = UserFactory(profession="student", country="DE")

    membership = services.membership_apply(user=student, membership_type=types["friend"], proof=make_proof())

    assert membership.status == MembershipStatus.PENDING_APPROVAL
    assert membership.proof.name.startswith("memberships/proofs/")
    assert "student-card" not in membership.proof.name
    assert membership.proof.read() == b"%PDF-1.4 proof of training"


def test_apply_without_required_proof_is_refused(types):
    student = UserFactory(profession="student", country="DE")

    with pytest.raises(MembershipError) as error:
        services.membership_apply(user=student, membership_type=types["friend"])

    assert error.value.field == "proof"
    assert Membership.objects.count() == 0


def test_apply_ineligible_is_refused_with_the_reason(types):
    user = UserFactory(profession="radiographer", country="BR")

    with pytest.raises(MembershipError) as error:
        services.membership_apply(user=user, membership_type=types["full-allied"])

    assert error.value.message == (
        "Full Membership for Professionals of Allied Sciences is for radiographers residing in Europe; "
        "your profile says you live in Brazil."
    )


def test_apply_twice_for_the_same_type_is_refused(types, student_in_kenya):
    services.membership_apply(user=student_in_kenya, membership_type=types["corresponding"])

    with pytest.raises(MembershipError, match="already hold or have applied"):
        services.membership_apply(user=student_in_kenya, membership_type=types["corresponding"])

    assert Membership.objects.filter(user=student_in_kenya).count() == 1


def test_database_keeps_one_open_membership_per_type(db):
    first = MembershipFactory()

    with pytest.raises(IntegrityError):
        MembershipFactory(user=first.user, membership_type=first.membership_type)


def test_database_allows_a_new_membership_after_an_expired_one(db):
    first = MembershipFactory(status=MembershipStatus.EXPIRED)

    second = MembershipFactory(user=first.user, membership_type=first.membership_type)

    assert memberships_of(first.user).count() == 2
    assert second.is_active


def test_apply_inactive_type_is_refused(db, radiographer_in_austria):
    closed = MembershipTypeFactory(is_active=False, name="Old Membership")

    with pytest.raises(MembershipError, match="Old Membership takes no new applications"):
        services.membership_apply(user=radiographer_in_austria, membership_type=closed)


def test_approve_free_type_activates(types, make_proof, staff_user, signals_sent):
    student = UserFactory(profession="student", country="DE")
    membership = services.membership_apply(user=student, membership_type=types["friend"], proof=make_proof())

    services.membership_approve(membership, by=staff_user)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.approved_by == staff_user
    assert signals_sent == [("activated", membership.pk)]


def test_approve_paid_type_waits_for_payment_then_mark_paid_activates(types, make_proof, staff_user):
    trainee = UserFactory(profession="student", country="PT")
    membership = services.membership_apply(
        user=trainee, membership_type=types["in-training-allied"], proof=make_proof()
    )

    services.membership_approve(membership, by=staff_user)
    assert membership.status == MembershipStatus.PENDING_PAYMENT
    services.membership_mark_paid(membership, by=staff_user)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.paid_at is not None


def test_paid_before_approval_activates_on_approval(types, make_proof, staff_user):
    trainee = UserFactory(profession="student", country="PT")
    membership = services.membership_apply(
        user=trainee, membership_type=types["in-training-allied"], proof=make_proof()
    )

    services.membership_mark_paid(membership, by=staff_user)
    assert membership.status == MembershipStatus.PENDING_APPROVAL
    services.membership_approve(membership, by=staff_user)

    assert membership.status == MembershipStatus.ACTIVE


def test_approve_by_a_member_is_refused(types, make_proof):
    student = UserFactory(profession="student", country="DE")
    membership = services.membership_apply(user=student, membership_type=types["friend"], proof=make_proof())

    with pytest.raises(MembershipError, match="Only staff may approve"):
        services.membership_approve(membership, by=student)

    assert membership.status == MembershipStatus.PENDING_APPROVAL


def test_approve_an_active_membership_is_refused(db, staff_user):
    membership = MembershipFactory()

    with pytest.raises(MembershipError, match="this one is active"):
        services.membership_approve(membership, by=staff_user)


def test_reject_needs_a_reason_and_tells_the_member(types, make_proof, staff_user):
    student = UserFactory(profession="student", country="DE", email="lena@example.de")
    membership = services.membership_apply(user=student, membership_type=types["friend"], proof=make_proof())

    with pytest.raises(MembershipError, match="give the reason"):
        services.membership_reject(membership, by=staff_user, reason="  ")
    services.membership_reject(membership, by=staff_user, reason="The student card has expired.")

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    assert membership.reason == "The student card has expired."
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]
    assert "The student card has expired." in mail.outbox[0].body


def test_mark_paid_on_a_free_type_is_refused(types, student_in_kenya, staff_user):
    membership = services.membership_apply(user=student_in_kenya, membership_type=types["corresponding"])

    with pytest.raises(MembershipError, match="free of charge"):
        services.membership_mark_paid(membership, by=staff_user)


def test_renew_free_type_extends_from_the_current_end(db, signals_sent):
    membership_type = MembershipTypeFactory(annual_fee=0)
    membership = MembershipFactory(membership_type=membership_type, valid_until=dt.date(2030, 12, 31))

    services.membership_renew(membership, by=membership.user, today=dt.date(2030, 12, 1))

    membership.refresh_from_db()
    assert membership.valid_from == dt.date(2030, 1, 1)
    assert membership.valid_until == dt.date(2031, 12, 31)
    assert signals_sent == [("activated", membership.pk)]


def test_renew_expired_membership_starts_today(db):
    membership_type = MembershipTypeFactory(annual_fee=0)
    membership = MembershipFactory(
        membership_type=membership_type, status=MembershipStatus.EXPIRED, valid_until=dt.date(2030, 12, 31)
    )

    services.membership_renew(membership, by=membership.user, today=dt.date(2031, 2, 10))

    assert membership.status == MembershipStatus.ACTIVE
    assert (membership.valid_from, membership.valid_until) == (dt.date(2031, 2, 10), dt.date(2032, 2, 9))


def test_renew_paid_type_by_member_waits_for_the_fee(db, staff_user):
    membership = MembershipFactory(valid_until=dt.date(2030, 12, 31))

    services.membership_renew(membership, by=membership.user, today=dt.date(2030, 12, 20))
    assert membership.valid_until == dt.date(2030, 12, 31)
    assert membership.renewal_requested_at is not None
    services.membership_mark_paid(membership, by=staff_user)

    membership.refresh_from_db()
    assert membership.valid_until == dt.date(2031, 12, 31)
    assert membership.renewal_requested_at is None


def test_renew_by_another_member_is_refused(db):
    membership = MembershipFactory()

    with pytest.raises(MembershipError, match="Only the member or staff"):
        services.membership_renew(membership, by=UserFactory())


def test_renew_a_rejected_membership_is_refused(db, staff_user):
    membership = MembershipFactory(status=MembershipStatus.REJECTED)

    with pytest.raises(MembershipError, match="this one is rejected"):
        services.membership_renew(membership, by=staff_user)


def test_expire_due_ends_only_past_memberships(db, signals_sent):
    ended = MembershipFactory(valid_until=dt.date(2030, 6, 30))
    last_day = MembershipFactory(valid_until=dt.date(2030, 7, 1))

    assert services.membership_expire_due(today=dt.date(2030, 7, 1)) == 1

    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert (ended.status, last_day.status) == (MembershipStatus.EXPIRED, MembershipStatus.ACTIVE)
    assert signals_sent == [("ended:expired", ended.pk)]
    assert active_membership(last_day.user, at=dt.date(2030, 7, 1)) == last_day
    assert active_membership(last_day.user, at=dt.date(2030, 7, 2)) is None


def test_cancel_active_membership_sends_ended(db, signals_sent):
    membership = MembershipFactory()

    services.membership_cancel(membership, by=membership.user, reason="Moved to another society.")

    assert membership.status == MembershipStatus.CANCELLED
    assert signals_sent == [("ended:cancelled", membership.pk)]


def test_reminders_are_sent_once_each(db):
    membership = MembershipFactory(valid_until=dt.date(2030, 12, 31), user__email="eva@example.at")
    days = [dt.date(2030, 12, 1), dt.date(2030, 12, 2), dt.date(2030, 12, 24), dt.date(2030, 12, 25)]

    sent = [services.membership_send_reminders(today=day) for day in days]
    services.membership_expire_due(today=dt.date(2031, 1, 1))
    sent += [services.membership_send_reminders(today=dt.date(2031, 1, 1))]
    sent += [services.membership_send_reminders(today=dt.date(2031, 1, 2))]

    assert sent == [1, 0, 1, 0, 1, 0]
    assert [m.subject for m in mail.outbox] == [
        f"Your {membership.membership_type.name} ends on 31 December 2030",
        f"Your {membership.membership_type.name} ends on 31 December 2030",
        f"Your {membership.membership_type.name} has ended",
    ]
    assert "in 30 days" in mail.outbox[0].body
    assert "only 7 days left" in mail.outbox[1].body
    assert {tuple(m.to) for m in mail.outbox} == {("eva@example.at",)}
    assert sorted(MembershipReminder.objects.values_list("kind", flat=True)) == [
        "30_days",
        "7_days",
        "expired",
    ]


def test_reminders_after_a_missed_run_send_only_the_most_urgent(db):
    MembershipFactory(valid_until=dt.date(2030, 12, 31))

    assert services.membership_send_reminders(today=dt.date(2030, 12, 26)) == 1
    assert services.membership_send_reminders(today=dt.date(2030, 12, 27)) == 0

    assert list(MembershipReminder.objects.values_list("kind", flat=True)) == ["7_days"]


def test_reminders_start_again_after_a_renewal(db, staff_user):
    membership = MembershipFactory(valid_until=dt.date(2030, 12, 31))
    services.membership_send_reminders(today=dt.date(2030, 12, 1))

    services.membership_renew(membership, by=staff_user, today=dt.date(2030, 12, 2))

    assert services.membership_send_reminders(today=dt.date(2031, 12, 1)) == 1
    assert len(mail.outbox) == 2


def test_reminders_skip_long_expired_and_pending(db):
    MembershipFactory(status=MembershipStatus.EXPIRED, valid_until=dt.date(2029, 1, 31))
    MembershipFactory(status=MembershipStatus.PENDING_PAYMENT, valid_from=None, valid_until=None)

    assert services.membership_send_reminders(today=dt.date(2030, 12, 1)) == 0
    assert mail.outbox == []


def test_reminder_command_expires_and_reminds(db):
    MembershipFactory(valid_until=dt.date(2030, 6, 30))
    MembershipFactory(valid_until=dt.date(2030, 7, 31))
    out = io.StringIO()

    call_command("membership_reminders", "--date", "2030-07-01", stdout=out)

    assert out.getvalue() == "Memberships expired: 1. Reminders sent: 2.\n"


def test_daily_task_runs_inline(db):
    MembershipFactory(valid_until=dt.date(2030, 6, 30))

    result = membership_daily.enqueue("2030-07-01")

    assert result.return_value == {"expired": 1, "reminded": 1}


def test_load_membership_types_twice_updates_by_code(db):
    assert membership_types_load() == (4, 4)
    MembershipType.objects.filter(code="friend").update(name="Renamed")

    assert membership_types_load() == (4, 0)

    assert MembershipType.objects.get(code="friend").name == "ESR Friend"
    assert MembershipType.objects.get(code="friend").benefits.count() == 6


def test_load_membership_types_rejects_unknown_professions(db, tmp_path):
    path = tmp_path / "types.json"
    path.write_text('[{"code": "x", "name": "X", "for_whom": "anyone", "professions": ["pilot"]}]')

    with pytest.raises(MembershipError, match="unknown professions: pilot"):
        membership_types_load(path=path)
