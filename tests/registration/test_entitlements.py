import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from rostrum.core.models import ActivityLog
from rostrum.programme.enums import ProgrammeStatus
from rostrum.registration.entitlements import (
    can_watch,
    entitlement_grant,
    entitlement_revoke,
    entitlements_grant_for_order,
    entitlements_of,
    entitlements_revoke_for_order,
)
from rostrum.registration.enums import EntitlementScope, EntitlementSource, OrderStatus, ProductKind
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Entitlement
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipTypeFactory
from tests.factories.programme import EventFactory, SessionFactory, SessionTypeFactory, vienna
from tests.factories.registration import (
    EntitlementFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

# The factories' session: Monday 4 March 2030, 10:30 to 11:30 in Vienna.
BEFORE = vienna(4, 9)
DURING = vienna(4, 11)
AFTER = vienna(5, 9)


@pytest.fixture
def event():
    return EventFactory(slug="ecr-2030", title="ECR 2030", on_demand_until=vienna(31, 23))


@pytest.fixture
def session(event):
    return SessionFactory(event=event, session_type=SessionTypeFactory(code="RC"))


def paid_order(*products, buyer=None):
    order = OrderFactory(status=OrderStatus.PAID, **({"buyer": buyer} if buyer else {}))
    for product in products:
        OrderItemFactory(order=order, product=product)
    return order


# Grants from orders ----------------------------------------------------------------------------------------


def test_grant_for_order_event_product_opens_the_event(event):
    product = ProductFactory(event=event, name="ECR 2030 congress registration")
    order = paid_order(product)

    [entitlement] = entitlements_grant_for_order(order)

    entitlement.refresh_from_db()
    assert entitlement.user == order.buyer
    assert entitlement.source == EntitlementSource.ORDER
    assert entitlement.scope == EntitlementScope.EVENT
    assert entitlement.event == event
    assert entitlement.order_item == order.items.get()
    assert (entitlement.live, entitlement.on_demand) == (True, True)
    assert entitlement.valid_from is None
    assert entitlement.valid_until == event.on_demand_until
    assert ActivityLog.objects.filter(action="registration.entitlements.granted").count() == 1


def test_grant_for_order_session_product_opens_only_the_session(event, session):
    product = ProductFactory(
        event=event,
        session=session,
        kind=ProductKind.WORKSHOP_SEAT,
        grants_on_demand=False,
        on_demand_until=vienna(20, 0),
    )

    [entitlement] = entitlements_grant_for_order(paid_order(product))

    assert entitlement.scope == EntitlementScope.SESSION
    assert entitlement.session == session
    assert entitlement.event is None
    assert (entitlement.live, entitlement.on_demand) == (True, False)
    assert entitlement.valid_until == vienna(20, 0)


def test_grant_for_order_session_product_without_event_takes_the_sessions_event_date(event, session):
    product = ProductFactory(event=None, session=session, kind=ProductKind.COURSE_TICKET)

    [entitlement] = entitlements_grant_for_order(paid_order(product))

    assert entitlement.valid_until == event.on_demand_until


def test_grant_for_order_query_count_does_not_grow_with_items(event, django_assert_max_num_queries):
    order = paid_order(*(ProductFactory(event=event) for _ in range(5)))

    # Held already, items with products, the insert, the activity log (and its content type, when not
    # cached yet), the savepoint and its release.
    with django_assert_max_num_queries(7):
        assert len(entitlements_grant_for_order(order)) == 5


def test_grant_for_order_without_any_on_demand_date_is_open(event):
    event.on_demand_until = None
    event.save()

    [entitlement] = entitlements_grant_for_order(paid_order(ProductFactory(event=event)))

    assert entitlement.valid_until is None


def test_grant_for_order_membership_fee_grants_nothing():
    fee = ProductFactory(event=None, kind=ProductKind.MEMBERSHIP_FEE, membership_type=MembershipTypeFactory())

    assert entitlements_grant_for_order(paid_order(fee)) == []
    assert Entitlement.objects.count() == 0


def test_grant_for_order_twice_grants_once(event):
    order = paid_order(ProductFactory(event=event), ProductFactory(event=event))

    assert len(entitlements_grant_for_order(order)) == 2
    assert entitlements_grant_for_order(order) == []
    assert Entitlement.objects.count() == 2


def test_revoke_for_order_withdraws_its_entitlements_only(event):
    order = paid_order(ProductFactory(event=event))
    other = paid_order(ProductFactory(event=event))
    entitlements_grant_for_order(order)
    entitlements_grant_for_order(other)

    assert entitlements_revoke_for_order(order, reason="Refunded") == 1
    assert entitlements_revoke_for_order(order, reason="Refunded") == 0

    assert Entitlement.objects.get(order_item__order=order).revoked_at is not None
    assert Entitlement.objects.get(order_item__order=other).revoked_at is None
    log = ActivityLog.objects.get(action="registration.entitlements.revoked")
    assert log.data == {"count": 1, "reason": "Refunded"}


def test_revoke_for_order_then_grant_again_gives_new_access(event):
    order = paid_order(ProductFactory(event=event))
    entitlements_grant_for_order(order)
    entitlements_revoke_for_order(order, reason="Cancelled by mistake")

    assert len(entitlements_grant_for_order(order)) == 1
    assert Entitlement.objects.filter(revoked_at__isnull=True).count() == 1


# Staff grants and revocation -------------------------------------------------------------------------------


def test_entitlement_grant_by_staff_session_type_of_one_event(staff_user, user, event):
    session_type = SessionTypeFactory(code="NH")

    entitlement = entitlement_grant(
        user=user,
        by=staff_user,
        scope=EntitlementScope.SESSION_TYPE,
        session_type=session_type,
        event=event,
        on_demand=False,
        note="Speaker",
    )

    assert entitlement.source == EntitlementSource.STAFF
    assert entitlement.granted_by == staff_user
    assert (entitlement.session_type, entitlement.event, entitlement.live) == (session_type, event, True)
    assert ActivityLog.objects.filter(action="registration.entitlement.granted", actor=staff_user).exists()


def test_entitlement_grant_catalogue(staff_user, user):
    entitlement = entitlement_grant(
        user=user, by=staff_user, scope=EntitlementScope.CATALOGUE, catalogue=" education-on-demand "
    )

    assert entitlement.catalogue == "education-on-demand"


def test_entitlement_grant_by_non_staff_is_refused(user, event):
    with pytest.raises(RegistrationError, match="Only staff may grant access"):
        entitlement_grant(user=user, by=user, scope=EntitlementScope.EVENT, event=event)


@pytest.mark.parametrize(
    "case",
    [
        (EntitlementScope.EVENT, {}, "must name the event", "event"),
        (EntitlementScope.SESSION, {"event": "E"}, "must name the session", "session"),
        (EntitlementScope.SESSION_TYPE, {"catalogue": "x"}, "must name the session type", "session_type"),
        (EntitlementScope.EVENT, {"event": "E", "session": "S"}, "not a session", "session"),
        (EntitlementScope.SESSION, {"session": "S", "event": "E"}, "not an event", "event"),
        (EntitlementScope.CATALOGUE, {"catalogue": "x", "event": "E"}, "not an event", "event"),
        (EntitlementScope.EVENT, {"event": "E", "live": False, "on_demand": False}, "or both", "live"),
        (
            EntitlementScope.CATALOGUE,
            {},
            "Access to an e-learning catalogue must name the catalogue",
            "catalogue",
        ),
        ("everything", {"event": "E"}, "not a kind of access", "scope"),
    ],
)
def test_entitlement_grant_content_not_matching_scope_is_refused(staff_user, user, event, session, case):
    scope, content, message, field = case
    objects = {"E": event, "S": session}
    content = {name: objects.get(value, value) for name, value in content.items()}

    with pytest.raises(RegistrationError, match=message) as error:
        entitlement_grant(user=user, by=staff_user, scope=scope, **content)

    assert error.value.field == field
    assert Entitlement.objects.count() == 0


def test_entitlement_grant_ending_before_it_starts_is_refused(staff_user, user, event):
    with pytest.raises(RegistrationError, match="end after it starts"):
        entitlement_grant(
            user=user,
            by=staff_user,
            scope=EntitlementScope.EVENT,
            event=event,
            valid_from=vienna(5, 0),
            valid_until=vienna(4, 0),
        )


def test_entitlement_grant_unknown_field_is_refused(staff_user, user, event):
    with pytest.raises(RegistrationError, match="no field colour"):
        entitlement_grant(user=user, by=staff_user, scope=EntitlementScope.EVENT, event=event, colour="red")


def test_entitlement_revoke_by_staff(staff_user):
    entitlement = EntitlementFactory()

    entitlement_revoke(entitlement, by=staff_user, reason="Granted to the wrong person")

    entitlement.refresh_from_db()
    assert entitlement.revoked_at is not None
    log = ActivityLog.objects.get(action="registration.entitlement.revoked")
    assert log.data == {"reason": "Granted to the wrong person"}


def test_entitlement_revoke_twice_or_by_non_staff_is_refused(staff_user, user):
    entitlement = EntitlementFactory()

    with pytest.raises(RegistrationError, match="Only staff"):
        entitlement_revoke(entitlement, by=user)
    entitlement_revoke(entitlement, by=staff_user)
    with pytest.raises(RegistrationError, match="already withdrawn"):
        entitlement_revoke(entitlement, by=staff_user)


# can_watch -------------------------------------------------------------------------------------------------


def test_can_watch_anonymous_is_asked_to_sign_in(session):
    access = can_watch(AnonymousUser(), session, at=DURING)

    assert (access.allowed, access.reason) == (False, "Sign in to watch this session.")
    assert can_watch(None, session, at=DURING).allowed is False


def test_can_watch_staff_always(session, staff_user):
    session.status = ProgrammeStatus.CANCELLED
    session.save()

    assert can_watch(staff_user, session, at=DURING) == can_watch(staff_user, session, at=BEFORE)
    access = can_watch(staff_user, session, at=AFTER)
    assert (access.allowed, access.reason, access.mode) == (True, "Staff access.", "on_demand")


def test_can_watch_cancelled_session_is_refused(session):
    entitlement = EntitlementFactory(event=session.event)
    session.status = ProgrammeStatus.CANCELLED
    session.save()

    access = can_watch(entitlement.user, session, at=DURING)

    assert (access.allowed, access.reason) == (False, "This session was cancelled.")


def test_can_watch_before_start_says_when_in_event_time(session):
    entitlement = EntitlementFactory(event=session.event)

    access = can_watch(entitlement.user, session, at=BEFORE)

    assert access.allowed is False
    assert access.reason == "This session starts on Monday 4 March 2030 at 10:30 CET."
    assert access.entitlement == entitlement  # the page can say the viewer will be able to watch
    assert access.mode is None


def test_can_watch_before_start_with_recording_only_access_says_so(session):
    entitlement = EntitlementFactory(event=session.event, live=False)

    access = can_watch(entitlement.user, session, at=BEFORE)

    assert access.reason == (
        "This session starts on Monday 4 March 2030 at 10:30 CET. "
        "Your access covers its recording, on demand once it ends."
    )


def test_can_watch_before_start_without_access_names_what_to_buy(session, user):
    ProductFactory(event=session.event, name="ECR 2030 congress registration")

    access = can_watch(user, session, at=BEFORE)

    assert access.reason == (
        "This session starts on Monday 4 March 2030 at 10:30 CET. "
        "To watch it, buy the ECR 2030 congress registration."
    )
    assert access.entitlement is None


@pytest.mark.parametrize("at", [vienna(4, 10, 30), DURING, vienna(4, 11, 30)])
def test_can_watch_live_with_event_entitlement(session, at):
    entitlement = EntitlementFactory(event=session.event)

    access = can_watch(entitlement.user, session, at=at)

    assert access == can_watch(entitlement.user, session, at=at)
    assert (access.allowed, access.reason, access.entitlement, access.mode) == (
        True,
        "Live now.",
        entitlement,
        "live",
    )


def test_can_watch_live_with_session_entitlement(session):
    entitlement = EntitlementFactory(scope=EntitlementScope.SESSION, event=None, session=session)

    assert can_watch(entitlement.user, session, at=DURING).allowed is True


def test_can_watch_session_entitlement_does_not_open_another_session(session):
    entitlement = EntitlementFactory(scope=EntitlementScope.SESSION, event=None, session=session)
    other = SessionFactory(event=session.event)

    assert can_watch(entitlement.user, other, at=DURING).allowed is False


def test_can_watch_event_entitlement_does_not_open_another_event(session):
    entitlement = EntitlementFactory(event=EventFactory())

    access = can_watch(entitlement.user, session, at=DURING)

    assert access.allowed is False
    assert (
        access.reason
        == "You have no access to the live stream of this session. Ask the organisers about access."
    )


def test_can_watch_session_type_of_any_event(session):
    entitlement = EntitlementFactory(
        scope=EntitlementScope.SESSION_TYPE, event=None, session_type=session.session_type
    )
    other_type = SessionFactory(event=session.event, session_type=SessionTypeFactory(code="NH"))

    assert can_watch(entitlement.user, session, at=DURING).allowed is True
    assert can_watch(entitlement.user, other_type, at=DURING).allowed is False


def test_can_watch_session_type_narrowed_to_an_event(session):
    entitlement = EntitlementFactory(
        scope=EntitlementScope.SESSION_TYPE, event=session.event, session_type=session.session_type
    )
    same_type_elsewhere = SessionFactory(session_type=session.session_type)

    assert can_watch(entitlement.user, session, at=DURING).allowed is True
    assert can_watch(entitlement.user, same_type_elsewhere, at=DURING).allowed is False


def test_can_watch_revoked_entitlement_is_ignored(session):
    entitlement = EntitlementFactory(event=session.event, revoked_at=vienna(1, 0))

    assert can_watch(entitlement.user, session, at=DURING).allowed is False
    assert can_watch(entitlement.user, session, at=AFTER).allowed is False


def test_can_watch_other_users_entitlement_is_ignored(session, user):
    EntitlementFactory(event=session.event)

    assert can_watch(user, session, at=DURING).allowed is False


def test_can_watch_live_without_live_access_says_recording_comes(session):
    entitlement = EntitlementFactory(event=session.event, live=False)

    access = can_watch(entitlement.user, session, at=DURING)

    assert access.allowed is False
    assert access.reason == "Your access covers the recording, which opens on demand when the session ends."


def test_can_watch_live_outside_the_entitlements_validity_is_refused(session):
    entitlement = EntitlementFactory(event=session.event, valid_from=vienna(4, 11, 15))
    ended = EntitlementFactory(event=session.event, valid_until=vienna(4, 10, 45))

    access = can_watch(entitlement.user, session, at=DURING)
    assert (access.allowed, access.reason) == (
        False,
        "Your access begins on Monday 4 March 2030 at 11:15 CET.",
    )
    assert can_watch(entitlement.user, session, at=vienna(4, 11, 20)).allowed is True
    access = can_watch(ended.user, session, at=DURING)
    assert (access.allowed, access.reason) == (False, "Your access ended on 4 March 2030.")


def test_can_watch_live_without_access_names_the_session_ticket_first(session, user):
    ProductFactory(event=session.event, name="ECR 2030 congress registration", position=0)
    ProductFactory(event=session.event, session=session, name="RC ticket", position=9)
    ProductFactory(event=session.event, session=SessionFactory(event=session.event), name="Other ticket")

    access = can_watch(user, session, at=DURING)

    assert (
        access.reason
        == "You have no access to the live stream of this session. To watch it, buy the RC ticket."
    )


def test_can_watch_suggests_the_waitlist_of_a_sold_out_seat(session, user):
    ProductFactory(event=session.event, session=session, name="RC workshop seat", capacity=2, seats_taken=2)

    access = can_watch(user, session, at=BEFORE)

    assert access.reason.endswith("The RC workshop seat is sold out: join its waitlist.")


def test_can_watch_suggests_only_products_on_sale_that_open_the_mode(session, user):
    ProductFactory(event=session.event, name="Closed", available_until=vienna(1, 0))
    ProductFactory(event=session.event, name="Inactive", is_active=False)
    ProductFactory(event=session.event, name="Recordings only", grants_live=False)
    ProductFactory(event=None, kind=ProductKind.MEMBERSHIP_FEE, membership_type=MembershipTypeFactory())

    assert can_watch(user, session, at=DURING).reason.endswith("Ask the organisers about access.")
    assert can_watch(user, session, at=AFTER).reason.endswith("To watch it, buy the Recordings only.")


def test_can_watch_on_demand_after_the_end(session):
    entitlement = EntitlementFactory(event=session.event)

    access = can_watch(entitlement.user, session, at=AFTER)

    assert (access.allowed, access.reason, access.entitlement, access.mode) == (
        True,
        "On demand.",
        entitlement,
        "on_demand",
    )


def test_can_watch_on_demand_without_on_demand_access_is_refused(session):
    entitlement = EntitlementFactory(event=session.event, on_demand=False)

    access = can_watch(entitlement.user, session, at=AFTER)

    assert (access.allowed, access.reason) == (
        False,
        "Your access covers the live stream only, not the recording.",
    )


def test_can_watch_on_demand_until_the_entitlements_end(session):
    entitlement = EntitlementFactory(event=session.event, valid_until=vienna(10, 12))

    assert can_watch(entitlement.user, session, at=vienna(10, 12)).allowed is True
    access = can_watch(entitlement.user, session, at=vienna(10, 13))
    assert (access.allowed, access.reason) == (False, "Your access ended on 10 March 2030.")


def test_can_watch_on_demand_until_the_events_end(session):
    session.event.on_demand_until = vienna(20, 23)
    session.event.save()
    entitlement = EntitlementFactory(event=session.event, valid_until=None)

    assert can_watch(entitlement.user, session, at=vienna(20, 23)).allowed is True
    access = can_watch(entitlement.user, session, at=vienna(21, 0))
    assert (access.allowed, access.reason) == (
        False,
        "The recordings of ECR 2030 were on demand until 20 March 2030.",
    )


def test_can_watch_defaults_to_now(session):
    entitlement = EntitlementFactory(event=session.event)

    with time_machine.travel(DURING, tick=False):
        assert can_watch(entitlement.user, session).mode == "live"
    with time_machine.travel(AFTER, tick=False):
        assert can_watch(entitlement.user, session).mode == "on_demand"


def test_can_watch_from_a_paid_order_until_its_refund(session):
    order = paid_order(ProductFactory(event=session.event))
    buyer = order.buyer

    assert can_watch(buyer, session, at=DURING).allowed is False
    entitlements_grant_for_order(order)
    assert can_watch(buyer, session, at=DURING).allowed is True
    entitlements_revoke_for_order(order, reason="Refunded")
    assert can_watch(buyer, session, at=DURING).allowed is False


def test_can_watch_query_count_is_bounded(session, django_assert_num_queries):
    session_type = session.session_type
    entitlement = EntitlementFactory(event=session.event)
    EntitlementFactory(
        user=entitlement.user, scope=EntitlementScope.SESSION_TYPE, event=None, session_type=session_type
    )
    EntitlementFactory(user=entitlement.user, scope=EntitlementScope.SESSION, event=None, session=session)
    ProductFactory(event=session.event)
    stranger = UserFactory()
    loaded = type(session).objects.select_related("event").get(pk=session.pk)

    with django_assert_num_queries(1):
        assert can_watch(entitlement.user, loaded, at=DURING).allowed is True
    with django_assert_num_queries(1):
        assert can_watch(entitlement.user, loaded, at=AFTER).allowed is True
    with django_assert_num_queries(2):  # and one more for what to buy
        assert can_watch(stranger, loaded, at=DURING).allowed is False
    fresh = type(session).objects.get(pk=session.pk)
    with django_assert_num_queries(3):  # the event too, when the caller did not load it
        assert can_watch(stranger, fresh, at=AFTER).allowed is False


# entitlements_of -------------------------------------------------------------------------------------------


def test_entitlements_of_lists_own_current_access(user, django_assert_num_queries):
    current = EntitlementFactory(user=user, valid_until=vienna(10, 0))
    open_ended = EntitlementFactory(user=user)
    upcoming = EntitlementFactory(user=user, valid_from=vienna(20, 0))
    EntitlementFactory(user=user, valid_until=vienna(1, 0))  # ended
    EntitlementFactory(user=user, revoked_at=vienna(1, 0))  # withdrawn
    EntitlementFactory()  # someone else's

    with django_assert_num_queries(1):
        found = entitlements_of(user, at=vienna(4, 0))
        assert [e.event.title for e in found] == [
            current.event.title,
            open_ended.event.title,
            upcoming.event.title,
        ]


def test_entitlements_of_anonymous_is_empty():
    assert entitlements_of(AnonymousUser()) == []


def test_entitlements_of_defaults_to_now(user):
    entitlement = EntitlementFactory(user=user, valid_until=dt.datetime(2030, 3, 10, tzinfo=dt.UTC))

    with time_machine.travel(dt.datetime(2030, 3, 9, tzinfo=dt.UTC), tick=False):
        assert entitlements_of(user) == [entitlement]
    with time_machine.travel(dt.datetime(2030, 3, 11, tzinfo=dt.UTC), tick=False):
        assert entitlements_of(user) == []
