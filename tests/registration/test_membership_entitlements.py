"""Memberships grant access through their type's benefits: the registration app's receivers of
membership_activated and membership_ended, driven by the memberships services themselves."""

import datetime as dt
import logging
from decimal import Decimal

import pytest

from rostrum.memberships.enums import GrantKind, MembershipStatus
from rostrum.memberships.services import (
    membership_apply,
    membership_cancel,
    membership_expire_due,
    membership_renew,
)
from rostrum.memberships.signals import membership_activated
from rostrum.registration.entitlements import can_watch, entitlements_of
from rostrum.registration.enums import EntitlementScope, EntitlementSource
from rostrum.registration.models import Entitlement
from rostrum.registration.orders import membership_fee_order_place, order_mark_paid, order_refund
from tests.factories.accounts import UserFactory
from tests.factories.memberships import BenefitFactory, MembershipFactory, MembershipTypeFactory
from tests.factories.programme import EventFactory, SessionFactory, SessionTypeFactory, vienna

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def friend_type():
    """Like ESR Friend: free, and it opens Highlight Weeks, Refresher Courses and e-learning."""
    EventFactory(slug="highlight-week-2030", title="Highlight Week 2030")
    SessionTypeFactory(code="RC", slug="refresher-course", name="Refresher Course")
    membership_type = MembershipTypeFactory(code="friend", name="ESR Friend", annual_fee=0)
    BenefitFactory(membership_type=membership_type, text="Free e-learning")  # no grant: text only
    BenefitFactory(
        membership_type=membership_type, grant_kind=GrantKind.EVENT, grant_reference="highlight-week-2030"
    )
    BenefitFactory(membership_type=membership_type, grant_kind=GrantKind.SESSION_TYPE, grant_reference="RC")
    BenefitFactory(
        membership_type=membership_type, grant_kind=GrantKind.ELEARNING, grant_reference="education-on-demand"
    )
    return membership_type


@pytest.fixture
def member():
    return UserFactory(profession="radiographer", country="AT")


def held(user):
    return sorted(
        (e.scope, e.event.slug if e.event else e.session_type.code if e.session_type else e.catalogue)
        for e in Entitlement.objects.filter(user=user, revoked_at__isnull=True).select_related(
            "event", "session_type"
        )
    )


def test_activation_grants_each_benefit(friend_type, member):
    membership = membership_apply(user=member, membership_type=friend_type)

    assert membership.status == MembershipStatus.ACTIVE
    assert held(member) == [
        (EntitlementScope.CATALOGUE, "education-on-demand"),
        (EntitlementScope.EVENT, "highlight-week-2030"),
        (EntitlementScope.SESSION_TYPE, "RC"),
    ]
    entitlement = Entitlement.objects.filter(user=member).first()
    assert entitlement.source == EntitlementSource.MEMBERSHIP
    assert entitlement.membership == membership
    assert (entitlement.live, entitlement.on_demand) == (True, True)
    assert entitlement.valid_from == dt.datetime.combine(membership.valid_from, dt.time.min, tzinfo=UTC)
    assert entitlement.valid_until == dt.datetime.combine(membership.valid_until, dt.time.max, tzinfo=UTC)


def test_activation_session_type_by_slug(friend_type, member):
    friend_type.benefits.filter(grant_kind=GrantKind.SESSION_TYPE).update(grant_reference="refresher-course")

    membership_apply(user=member, membership_type=friend_type)

    assert (EntitlementScope.SESSION_TYPE, "RC") in held(member)


def test_activation_opens_sessions_until_the_last_day(friend_type, member):
    membership = MembershipFactory(
        user=member,
        membership_type=friend_type,
        valid_from=dt.date(2030, 1, 1),
        valid_until=dt.date(2030, 3, 4),
    )
    membership_activated.send(sender=type(membership), membership=membership)
    session = SessionFactory()
    rc = SessionFactory(session_type=SessionTypeFactory(code="RC"))

    assert can_watch(member, session, at=vienna(4, 11)).allowed is False  # another type, another event
    assert can_watch(member, rc, at=vienna(4, 11)).allowed is True
    assert can_watch(member, rc, at=dt.datetime(2030, 3, 4, 23, 59, tzinfo=UTC)).allowed is True
    access = can_watch(member, rc, at=dt.datetime(2030, 3, 5, 0, 1, tzinfo=UTC))
    assert access.allowed is False
    assert (
        access.reason == "Your access ended on 5 March 2030."
    )  # the end of 4 March (UTC) is past midnight in Vienna


def test_activation_of_an_inactive_membership_grants_nothing(friend_type, member):
    membership = MembershipFactory(user=member, membership_type=friend_type, status=MembershipStatus.EXPIRED)

    membership_activated.send(sender=type(membership), membership=membership)

    assert held(member) == []


def test_activation_twice_grants_once(friend_type, member):
    membership = membership_apply(user=member, membership_type=friend_type)

    membership_activated.send(sender=type(membership), membership=membership)

    assert Entitlement.objects.filter(user=member).count() == 3


def test_renewal_extends_the_same_entitlements(friend_type, member, staff_user):
    membership = membership_apply(user=member, membership_type=friend_type)
    before = {e.pk: e.valid_until for e in Entitlement.objects.filter(user=member)}

    membership = membership_renew(membership, by=staff_user)

    after = {e.pk: e.valid_until for e in Entitlement.objects.filter(user=member)}
    assert set(after) == set(before)
    expected_end = dt.datetime.combine(membership.valid_until, dt.time.max, tzinfo=UTC)
    assert set(after.values()) == {expected_end}
    assert expected_end > max(before.values())


def test_renewal_after_a_benefit_was_removed_withdraws_it(friend_type, member, staff_user):
    membership = membership_apply(user=member, membership_type=friend_type)
    friend_type.benefits.filter(grant_kind=GrantKind.EVENT).delete()

    membership_renew(membership, by=staff_user)

    assert held(member) == [
        (EntitlementScope.CATALOGUE, "education-on-demand"),
        (EntitlementScope.SESSION_TYPE, "RC"),
    ]


def test_two_benefits_granting_the_same_event_grant_it_once(friend_type, member):
    BenefitFactory(
        membership_type=friend_type, grant_kind=GrantKind.EVENT, grant_reference="highlight-week-2030"
    )

    membership_apply(user=member, membership_type=friend_type)

    assert Entitlement.objects.filter(user=member, scope=EntitlementScope.EVENT).count() == 1


def test_cancelled_membership_revokes_its_entitlements(friend_type, member):
    membership = membership_apply(user=member, membership_type=friend_type)
    other = EventFactory()
    staff_granted = Entitlement.objects.create(
        user=member, source=EntitlementSource.STAFF, scope=EntitlementScope.EVENT, event=other
    )

    membership_cancel(membership, by=member, reason="Moving on")

    assert held(member) == [(EntitlementScope.EVENT, other.slug)]
    assert Entitlement.objects.filter(membership=membership, revoked_at__isnull=False).count() == 3
    assert entitlements_of(member) == [staff_granted]


def test_expired_membership_revokes_and_renewal_grants_again(friend_type, member, staff_user):
    membership = MembershipFactory(
        user=member,
        membership_type=friend_type,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    membership_activated.send(sender=type(membership), membership=membership)

    assert membership_expire_due(today=dt.date(2026, 1, 1)) == 1
    assert held(member) == []

    membership.refresh_from_db()
    membership_renew(membership, by=staff_user, today=dt.date(2026, 1, 5))
    assert len(held(member)) == 3
    assert Entitlement.objects.filter(user=member).count() == 6  # the withdrawn ones stay, as history


def test_unknown_reference_is_skipped_with_a_warning(friend_type, member, caplog):
    BenefitFactory(membership_type=friend_type, grant_kind=GrantKind.EVENT, grant_reference="no-such-event")
    BenefitFactory(membership_type=friend_type, grant_kind=GrantKind.SESSION_TYPE, grant_reference="XX")

    with caplog.at_level(logging.WARNING, logger="rostrum.registration.entitlements"):
        membership = membership_apply(user=member, membership_type=friend_type)

    assert membership.status == MembershipStatus.ACTIVE
    assert len(held(member)) == 3
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "“no-such-event”, which does not exist" in warnings[0]
    assert "“XX”, which does not exist" in warnings[1]


def test_membership_grants_only_its_own_member(friend_type, member):
    membership_apply(user=member, membership_type=friend_type)
    other = UserFactory(profession="radiographer", country="AT")

    assert held(other) == []
    assert entitlements_of(other) == []


def test_membership_paid_by_an_order_grants_its_benefits_and_refund_withdraws_them(
    friend_type, member, staff_user
):
    friend_type.annual_fee = Decimal("11.00")
    friend_type.save()
    membership = membership_apply(user=member, membership_type=friend_type)
    assert membership.status == MembershipStatus.PENDING_PAYMENT
    assert held(member) == []

    order = order_mark_paid(membership_fee_order_place(membership, by=member), by=staff_user)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert len(held(member)) == 3
    assert (
        Entitlement.objects.filter(order_item__order=order).count() == 0
    )  # the membership grants, not the fee
    order_refund(order, by=staff_user, reason="Paid twice")
    assert held(member) == []
