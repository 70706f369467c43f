"""The waitlist of sold-out seats: joining, the order of offers, taking an offer, leaving, expiry, e-mails."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from rostrum.core.models import ActivityLog
from rostrum.registration import orders
from rostrum.registration.capacity import (
    seat_hold,
    seat_release,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_expire_due,
    waitlist_offer_free_seats,
    waitlist_position,
)
from rostrum.registration.enums import OrderStatus, ProductKind, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Product, WaitlistEntry
from tests.factories.accounts import UserFactory
from tests.factories.registration import OrderItemFactory, ProductFactory, WaitlistEntryFactory
from tests.registration import orders_support
from tests.threads import race

pytestmark = pytest.mark.django_db


def sold_out(capacity: int = 1, **fields) -> Product:
    fields.setdefault("name", "Hands-on: cardiac MRI")
    return ProductFactory(kind=ProductKind.WORKSHOP_SEAT, capacity=capacity, seats_taken=capacity, **fields)


def seats_taken(product: Product) -> int:
    return Product.objects.values_list("seats_taken", flat=True).get(pk=product.pk)


def status(entry: WaitlistEntry) -> str:
    return WaitlistEntry.objects.values_list("status", flat=True).get(pk=entry.pk)


def joined(product: Product, n: int) -> list[WaitlistEntry]:
    return [waitlist_join(user=UserFactory(), product=product) for _ in range(n)]


def actions() -> list[str]:
    return list(ActivityLog.objects.order_by("pk").values_list("action", flat=True))


# Joining


def test_waitlist_join_sold_out_queues_and_mails_the_place(user, mailoutbox):
    product = sold_out()
    first = WaitlistEntryFactory(product=product)

    entry = waitlist_join(user=user, product=product)

    assert (entry.user, entry.product, entry.status) == (user, product, WaitlistStatus.WAITING)
    assert waitlist_position(entry) == 2
    assert waitlist_position(first) == 1
    assert [message.to for message in mailoutbox] == [[user.email]]
    assert mailoutbox[0].subject == "You are on the waitlist for Hands-on: cardiac MRI"
    assert "You are number 2 on its waitlist." in mailoutbox[0].body
    assert "http://127.0.0.1:8000/account/access/" in mailoutbox[0].body
    assert actions() == ["registration.waitlist.joined"]
    assert ActivityLog.objects.get().actor == user


def test_waitlist_join_seats_left_refused(user):
    product = ProductFactory(kind=ProductKind.WORKSHOP_SEAT, capacity=2, seats_taken=1, name="Ultrasound")

    with pytest.raises(RegistrationError, match="Ultrasound still has seats left: order one instead"):
        waitlist_join(user=user, product=product)

    assert not WaitlistEntry.objects.exists()


def test_waitlist_join_without_capacity_refused(user):
    product = ProductFactory(capacity=None, name="Congress registration")

    with pytest.raises(RegistrationError, match="has no seat limit, so there is no waitlist"):
        waitlist_join(user=user, product=product)


def test_waitlist_join_twice_refused(user):
    product = sold_out()
    waitlist_join(user=user, product=product)

    with pytest.raises(RegistrationError, match="You are already on this waitlist"):
        waitlist_join(user=user, product=product)

    assert WaitlistEntry.objects.count() == 1


def test_waitlist_join_with_open_offer_refused(user):
    product = sold_out()
    entry = waitlist_join(user=user, product=product)
    seat_release(product)

    with pytest.raises(RegistrationError, match="already on this waitlist"):
        waitlist_join(user=user, product=product)

    assert status(entry) == WaitlistStatus.OFFERED


@pytest.mark.parametrize("order_status", [OrderStatus.PENDING, OrderStatus.PAID])
def test_waitlist_join_product_already_held_refused(user, order_status):
    product = sold_out()
    item = OrderItemFactory(product=product, order__buyer=user, order__status=order_status)

    with pytest.raises(RegistrationError, match=f"You already hold .* \\(order {item.order.code}\\)"):
        waitlist_join(user=user, product=product)


@pytest.mark.parametrize("order_status", [OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED])
def test_waitlist_join_after_an_ended_order_allowed(user, order_status):
    product = sold_out()
    OrderItemFactory(product=product, order__buyer=user, order__status=order_status)

    assert waitlist_join(user=user, product=product).status == WaitlistStatus.WAITING


def test_waitlist_join_anonymous_refused():
    with pytest.raises(RegistrationError, match="Please sign in to join the waitlist"):
        waitlist_join(user=AnonymousUser(), product=sold_out())


def test_waitlist_join_product_not_on_sale_refused(user):
    with pytest.raises(RegistrationError, match="is not on sale"):
        waitlist_join(user=user, product=sold_out(is_active=False))
    with pytest.raises(RegistrationError, match="is not on sale"):
        waitlist_join(user=user, product=sold_out(available_until=timezone.now() - dt.timedelta(hours=1)))


def test_waitlist_entry_one_open_per_product_and_user_constraint(user):
    product = sold_out()
    WaitlistEntryFactory(product=product, user=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistEntryFactory(product=product, user=user)

    # Closed entries do not count: the history stays while the person joins again.
    WaitlistEntry.objects.update(status=WaitlistStatus.LEFT)
    WaitlistEntryFactory(product=product, user=user)
    assert WaitlistEntry.objects.count() == 2


def test_waitlist_join_again_after_leaving_goes_to_the_end(user):
    product = sold_out()
    entry = waitlist_join(user=user, product=product)
    others = joined(product, 2)

    waitlist_leave(entry, by=user)
    again = waitlist_join(user=user, product=product)

    assert waitlist_position(again) == 3
    assert [waitlist_position(other) for other in others] == [1, 2]


# Offers, in order of joining


def test_seat_release_offers_the_first_person_waiting_in_order_of_joining():
    product = sold_out(capacity=4)
    start = timezone.now()
    late, early, same_time_first, same_time_second = (WaitlistEntryFactory(product=product) for _ in range(4))
    WaitlistEntry.objects.filter(pk=late.pk).update(joined_at=start + dt.timedelta(minutes=5))
    WaitlistEntry.objects.filter(pk=early.pk).update(joined_at=start - dt.timedelta(minutes=5))
    WaitlistEntry.objects.filter(pk__in=[same_time_first.pk, same_time_second.pk]).update(joined_at=start)

    offered = [seat_release(product) for _ in range(4)]

    assert offered == [early, same_time_first, same_time_second, late]
    assert seats_taken(product) == 4


def test_seat_release_offer_keeps_the_seat_and_mails_deadline_and_link(mailoutbox):
    product = sold_out(capacity=3, code="mri-hands-on", offer_hours=24)
    entry = WaitlistEntryFactory(product=product)
    mailoutbox.clear()

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC), tick=False):
        assert seat_release(product) == entry

    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert entry.offered_at == dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert entry.offer_expires_at == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    assert seats_taken(product) == 3
    assert [message.to for message in mailoutbox] == [[entry.user.email]]
    assert mailoutbox[0].subject == "A seat is free for you: Hands-on: cardiac MRI"
    assert "we hold it for you until 2 March 2026, 09:30 UTC" in mailoutbox[0].body
    assert "http://127.0.0.1:8000/registration/products/mri-hands-on/" in mailoutbox[0].body
    assert actions() == ["registration.waitlist.offered"]


def test_seat_hold_with_offer_takes_the_offered_seat(user):
    product = sold_out(capacity=2)
    entry = WaitlistEntryFactory(product=product, user=user)
    seat_release(product)

    with transaction.atomic():
        assert seat_hold(product, user=user) is True

    assert status(entry) == WaitlistStatus.ACCEPTED
    assert seats_taken(product) == 2
    assert actions()[-1] == "registration.waitlist.accepted"


def test_seat_hold_others_refused_while_the_seat_is_offered(user):
    product = sold_out()
    WaitlistEntryFactory(product=product, user=user)
    seat_release(product)

    assert seat_hold(product, user=UserFactory()) is False
    assert seats_taken(product) == 1


def test_seat_hold_still_waiting_refused_when_sold_out(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)

    assert seat_hold(product, user=user) is False
    assert status(entry) == WaitlistStatus.WAITING


def test_seat_hold_waiting_person_with_a_free_seat_leaves_the_queue(user):
    # Staff added seats: whoever is waiting and orders one is no longer waiting for one.
    product = ProductFactory(kind=ProductKind.WORKSHOP_SEAT, capacity=2, seats_taken=1)
    entry = WaitlistEntryFactory(product=product, user=user)

    assert seat_hold(product, user=user) is True

    assert status(entry) == WaitlistStatus.ACCEPTED
    assert seats_taken(product) == 2


def test_seat_hold_offer_past_its_time_not_honoured(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    seat_release(product)
    entry.refresh_from_db()

    with time_machine.travel(entry.offer_expires_at + dt.timedelta(seconds=1)):
        assert seat_hold(product, user=user) is False

    assert status(entry) == WaitlistStatus.OFFERED  # the expiry task hands it on
    assert seats_taken(product) == 1


def test_seat_hold_rolled_back_keeps_the_offer(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    seat_release(product)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert seat_hold(product, user=user) is True
        raise RuntimeError

    assert status(entry) == WaitlistStatus.OFFERED


def test_seat_release_of_an_accepted_seat_goes_to_the_next_person(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    following = WaitlistEntryFactory(product=product)
    seat_release(product)
    seat_hold(product, user=user)

    assert seat_release(product) == following  # e.g. the order that took the offered seat was cancelled

    assert (status(entry), status(following)) == (WaitlistStatus.ACCEPTED, WaitlistStatus.OFFERED)
    assert seats_taken(product) == 1


def test_waitlist_offer_free_seats_after_capacity_raised_offers_in_order():
    product = sold_out(capacity=2)
    first, second, third = (WaitlistEntryFactory(product=product) for _ in range(3))
    Product.objects.filter(pk=product.pk).update(capacity=4)  # staff added two seats

    assert waitlist_offer_free_seats(product) == [first, second]

    assert [status(first), status(second), status(third)] == [
        WaitlistStatus.OFFERED,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    ]
    assert seats_taken(product) == 4
    assert seat_hold(product, user=UserFactory()) is False


def test_waitlist_offer_free_seats_nobody_waiting_leaves_them_on_sale():
    product = ProductFactory(kind=ProductKind.WORKSHOP_SEAT, capacity=3, seats_taken=1)

    assert waitlist_offer_free_seats(product) == []
    assert seats_taken(product) == 1


# Leaving


def test_waitlist_leave_waiting_person(user):
    product = sold_out()
    entry = waitlist_join(user=user, product=product)
    following = WaitlistEntryFactory(product=product)

    assert waitlist_leave(entry, by=user).status == WaitlistStatus.LEFT

    assert status(entry) == WaitlistStatus.LEFT
    assert waitlist_position(following) == 1
    assert seats_taken(product) == 1
    log = ActivityLog.objects.get(action="registration.waitlist.left")
    assert (log.actor, log.data) == (user, {"had_offer": False, "by_staff": False})


def test_waitlist_leave_with_offer_moves_it_on(user, mailoutbox):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    following = WaitlistEntryFactory(product=product)
    seat_release(product)
    mailoutbox.clear()

    waitlist_leave(entry, by=user)

    assert (status(entry), status(following)) == (WaitlistStatus.LEFT, WaitlistStatus.OFFERED)
    assert seats_taken(product) == 1
    assert [message.to for message in mailoutbox] == [[following.user.email]]


def test_waitlist_leave_with_offer_nobody_waiting_frees_the_seat(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    seat_release(product)

    waitlist_leave(entry, by=user)

    assert seats_taken(product) == 0


def test_waitlist_leave_by_staff(staff_user):
    entry = WaitlistEntryFactory(product=sold_out())

    waitlist_leave(entry, by=staff_user)

    assert status(entry) == WaitlistStatus.LEFT
    log = ActivityLog.objects.get(action="registration.waitlist.left")
    assert (log.actor, log.data["by_staff"]) == (staff_user, True)


def test_waitlist_leave_by_someone_else_refused():
    entry = WaitlistEntryFactory(product=sold_out())

    with pytest.raises(RegistrationError, match="Only the person waiting or staff"):
        waitlist_leave(entry, by=UserFactory())

    assert status(entry) == WaitlistStatus.WAITING


def test_waitlist_leave_closed_entry_refused(user):
    entry = WaitlistEntryFactory(product=sold_out(), user=user)
    waitlist_leave(entry, by=user)

    with pytest.raises(RegistrationError, match=r"already closed \(left the waitlist\)"):
        waitlist_leave(entry, by=user)


# Expiry of offers


def test_waitlist_offer_expire_due_moves_the_seat_on(mailoutbox):
    product = sold_out(offer_hours=48)
    first, second, third = (WaitlistEntryFactory(product=product) for _ in range(3))
    seat_release(product)
    first.refresh_from_db()
    mailoutbox.clear()
    later = first.offer_expires_at + dt.timedelta(minutes=10)

    assert waitlist_offer_expire_due(now=later) == 1

    second.refresh_from_db()
    assert [status(first), second.status, status(third)] == [
        WaitlistStatus.EXPIRED,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    ]
    assert (second.offered_at, second.offer_expires_at) == (later, later + dt.timedelta(hours=48))
    assert seats_taken(product) == 1
    assert [(message.to[0], message.subject) for message in mailoutbox] == [
        (first.user.email, "Your seat offer for Hands-on: cardiac MRI has expired"),
        (second.user.email, "A seat is free for you: Hands-on: cardiac MRI"),
    ]
    assert actions()[-2:] == ["registration.waitlist.expired", "registration.waitlist.offered"]


def test_waitlist_offer_expire_due_nobody_waiting_frees_the_seat():
    product = sold_out(capacity=3)
    entry = WaitlistEntryFactory(product=product)
    seat_release(product)
    entry.refresh_from_db()

    assert waitlist_offer_expire_due(now=entry.offer_expires_at) == 1

    assert status(entry) == WaitlistStatus.EXPIRED
    assert seats_taken(product) == 2


def test_waitlist_offer_expire_due_leaves_running_offers_alone():
    product = sold_out()
    entry = WaitlistEntryFactory(product=product)
    seat_release(product)
    entry.refresh_from_db()

    assert waitlist_offer_expire_due(now=entry.offer_expires_at - dt.timedelta(seconds=1)) == 0
    assert waitlist_offer_expire_due() == 0

    assert status(entry) == WaitlistStatus.OFFERED


def test_waitlist_offer_expire_due_skips_taken_offers(user):
    product = sold_out()
    entry = WaitlistEntryFactory(product=product, user=user)
    seat_release(product)
    seat_hold(product, user=user)
    entry.refresh_from_db()

    assert waitlist_offer_expire_due(now=entry.offer_expires_at + dt.timedelta(days=1)) == 0
    assert status(entry) == WaitlistStatus.ACCEPTED
    assert seats_taken(product) == 1


def test_waitlist_offer_expire_due_runs_down_the_whole_queue():
    product = sold_out(offer_hours=1)
    entries = [WaitlistEntryFactory(product=product) for _ in range(3)]
    seat_release(product)
    now = timezone.now()

    for hour in range(1, 4):
        assert waitlist_offer_expire_due(now=now + dt.timedelta(hours=hour, seconds=1)) == 1

    assert [status(entry) for entry in entries] == [WaitlistStatus.EXPIRED] * 3
    assert seats_taken(product) == 0


def test_waitlist_whole_story_is_logged(user):
    product = sold_out()
    entry = waitlist_join(user=user, product=product)
    seat_release(product)
    seat_hold(product, user=user)

    assert actions() == [
        "registration.waitlist.joined",
        "registration.waitlist.offered",
        "registration.waitlist.accepted",
    ]
    assert {log.object_id for log in ActivityLog.objects.all()} == {str(entry.pk)}


# Through orders (helper A's orders.py): cancelled and expired orders hand their seat to the waitlist


def test_order_cancel_offers_the_seat_and_the_offered_person_orders_it(mailoutbox):
    seat = orders_support.workshop(seats=1, name="Hands-on: cardiac MRI")
    first_buyer, waiting, latecomer = (orders_support.buyer() for _ in range(3))
    order = orders.order_place(buyer=first_buyer, products=[seat])
    entry = waitlist_join(user=waiting, product=seat)
    mailoutbox.clear()

    orders.order_cancel(order, by=first_buyer)

    assert status(entry) == WaitlistStatus.OFFERED
    assert seats_taken(seat) == 1
    assert waiting.email in [message.to[0] for message in mailoutbox]
    with pytest.raises(RegistrationError, match="sold out"):
        orders.order_place(buyer=latecomer, products=[seat])

    taken = orders.order_place(buyer=waiting, products=[seat])

    assert taken.items.get().holds_seat is True
    assert status(entry) == WaitlistStatus.ACCEPTED
    assert seats_taken(seat) == 1


def test_order_expire_due_offers_the_seat_to_the_waitlist():
    seat = orders_support.workshop(seats=1)
    order = orders.order_place(buyer=orders_support.buyer(), products=[seat])
    entry = waitlist_join(user=orders_support.buyer(), product=seat)

    assert orders.order_expire_due(now=order.expires_at + dt.timedelta(minutes=1)) == 1

    assert status(entry) == WaitlistStatus.OFFERED
    assert seats_taken(seat) == 1


def test_waitlist_offer_expired_seat_goes_back_on_sale_when_nobody_waits():
    seat = orders_support.workshop(seats=1)
    order = orders.order_place(buyer=orders_support.buyer(), products=[seat])
    entry = waitlist_join(user=orders_support.buyer(), product=seat)
    orders.order_cancel(order, by=order.buyer)
    entry.refresh_from_db()

    assert waitlist_offer_expire_due(now=entry.offer_expires_at) == 1

    assert seats_taken(seat) == 0
    orders.order_place(buyer=orders_support.buyer(), products=[seat])
    assert seats_taken(seat) == 1


# Races (tests/threads.py): each thread has its own connection


@pytest.mark.django_db(transaction=True)
def test_waitlist_join_same_person_racing_joins_once(user):
    product = sold_out()

    outcome = race(5, lambda _: waitlist_join(user=user, product=product).pk)

    assert len(outcome.results) == 1
    assert [error.message for error in outcome.errors] == ["You are already on this waitlist."] * 4
    assert WaitlistEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_waitlist_join_many_racing_get_distinct_places():
    product = sold_out()
    users = UserFactory.create_batch(12)

    outcome = race(12, lambda i: waitlist_position(waitlist_join(user=users[i], product=product)))

    assert outcome.errors == []
    assert sorted(outcome.results) == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_waitlist_offer_expire_due_racing_runs_move_each_offer_once(mailoutbox):
    product = sold_out()
    first, second, third = (WaitlistEntryFactory(product=product) for _ in range(3))
    seat_release(product)
    first.refresh_from_db()
    later = first.offer_expires_at + dt.timedelta(seconds=1)
    mailoutbox.clear()

    outcome = race(4, lambda _: waitlist_offer_expire_due(now=later))

    assert outcome.errors == []
    assert sum(outcome.results) == 1
    assert [status(first), status(second), status(third)] == [
        WaitlistStatus.EXPIRED,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    ]
    assert len(mailoutbox) == 2
    assert seats_taken(product) == 1
