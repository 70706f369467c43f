"""Seats: holding and releasing them, the database guard against overselling, and N threads racing for the
last seat on SQLite and PostgreSQL (see tests/threads.py)."""

import pytest
from django.db import IntegrityError, connection, transaction

from rostrum.registration import orders
from rostrum.registration.capacity import seat_hold, seat_release
from rostrum.registration.enums import ProductKind, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Order, OrderItem, Product, WaitlistEntry
from tests.factories.accounts import UserFactory
from tests.factories.registration import ProductFactory, WaitlistEntryFactory
from tests.registration import orders_support
from tests.threads import race


def workshop(capacity: int | None = 1, seats_taken: int = 0, **fields) -> Product:
    return ProductFactory(
        kind=ProductKind.WORKSHOP_SEAT, capacity=capacity, seats_taken=seats_taken, **fields
    )


def seats_taken(product: Product) -> int:
    return Product.objects.values_list("seats_taken", flat=True).get(pk=product.pk)


def hold_in_transaction(product: Product, user) -> bool:
    with transaction.atomic():
        return seat_hold(product, user=user)


@pytest.mark.django_db
def test_seat_hold_free_seat_counts_it(user):
    product = workshop(capacity=2)

    assert seat_hold(product, user=user) is True
    assert seats_taken(product) == 1


@pytest.mark.django_db
def test_seat_hold_sold_out_returns_false(user):
    product = workshop(capacity=2, seats_taken=2)

    assert seat_hold(product, user=user) is False
    assert seats_taken(product) == 2


@pytest.mark.django_db
def test_seat_hold_without_capacity_always_holds_nothing(user):
    product = ProductFactory(capacity=None)

    assert seat_hold(product, user=user) is True
    assert seats_taken(product) == 0


@pytest.mark.django_db
def test_seat_hold_rolled_back_gives_the_seat_back(user):
    product = workshop(capacity=1)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert seat_hold(product, user=user) is True
        raise RuntimeError

    assert seats_taken(product) == 0


@pytest.mark.django_db
def test_seat_release_nobody_waiting_frees_the_seat():
    product = workshop(capacity=3, seats_taken=3)

    assert seat_release(product) is None
    assert seats_taken(product) == 2


@pytest.mark.django_db
def test_seat_release_nothing_held_stays_at_zero():
    product = workshop(capacity=3, seats_taken=0)
    WaitlistEntryFactory(product=product)

    assert seat_release(product) is None
    assert seats_taken(product) == 0
    assert WaitlistEntry.objects.get().status == WaitlistStatus.WAITING


@pytest.mark.django_db
def test_seat_release_without_capacity_does_nothing():
    product = ProductFactory(capacity=None)

    assert seat_release(product) is None
    assert seats_taken(product) == 0


@pytest.mark.django_db
def test_product_never_oversold_constraint_rejects_update_beyond_capacity():
    product = workshop(capacity=2, seats_taken=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(seats_taken=3)

    assert seats_taken(product) == 2


@pytest.mark.django_db
def test_product_never_oversold_constraint_exists_in_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Product._meta.db_table)

    assert "product_never_oversold" in constraints


@pytest.mark.django_db(transaction=True)
def test_seat_hold_twenty_racers_for_last_seat_exactly_one_wins():
    product = workshop(capacity=5, seats_taken=4)
    users = UserFactory.create_batch(20)

    outcome = race(20, lambda i: hold_in_transaction(product, users[i]))

    assert outcome.errors == []
    assert outcome.count(True) == 1
    assert outcome.count(False) == 19
    assert seats_taken(product) == 5


@pytest.mark.django_db(transaction=True)
def test_seat_hold_forty_racers_for_thirty_seats_sells_thirty():
    product = workshop(capacity=30)
    users = UserFactory.create_batch(40)

    outcome = race(40, lambda i: hold_in_transaction(product, users[i]))

    assert outcome.errors == []
    assert outcome.count(True) == 30
    assert outcome.count(False) == 10
    assert seats_taken(product) == 30


@pytest.mark.django_db(transaction=True)
def test_seat_release_racing_releases_offer_each_person_once_in_order(mailoutbox):
    # Ten seats are given back at once while six people wait: each of the six is offered exactly one seat,
    # nobody is skipped or offered twice, and the four seats left over are freed.
    product = workshop(capacity=10, seats_taken=10)
    waiting = [WaitlistEntryFactory(product=product) for _ in range(6)]

    def release(_):
        with transaction.atomic():
            return seat_release(product)

    outcome = race(10, release)

    assert outcome.errors == []
    offered = [entry.pk for entry in outcome.results if entry is not None]
    assert sorted(offered) == [entry.pk for entry in waiting]
    assert set(WaitlistEntry.objects.values_list("status", flat=True)) == {WaitlistStatus.OFFERED}
    assert seats_taken(product) == 6
    assert sorted(message.to[0] for message in mailoutbox) == sorted(entry.user.email for entry in waiting)


@pytest.mark.django_db(transaction=True)
def test_seat_hold_racers_never_take_a_seat_offered_to_someone_else():
    product = workshop(capacity=1, seats_taken=1)
    entry = WaitlistEntryFactory(product=product)
    assert seat_release(product) == entry  # the seat stays held, offered to the person waiting
    racers = [entry.user, *UserFactory.create_batch(19)]

    outcome = race(20, lambda i: (i, hold_in_transaction(product, racers[i])))

    assert outcome.errors == []
    assert [index for index, held in outcome.results if held] == [0]
    assert seats_taken(product) == 1
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.ACCEPTED


# Through checkout: order_place holds the seats (helper A's orders.py)


@pytest.mark.django_db(transaction=True)
def test_order_place_twenty_buyers_for_last_seat_one_order():
    seat = orders_support.workshop(seats=3, name="Last seat workshop")
    Product.objects.filter(pk=seat.pk).update(seats_taken=2)
    buyers = [orders_support.buyer() for _ in range(20)]

    outcome = race(20, lambda i: orders.order_place(buyer=buyers[i], products=[seat]).code)

    assert len(outcome.results) == 1
    assert {str(error) for error in outcome.errors} == {
        "products: Last seat workshop is sold out: join the waitlist."
    }
    assert seats_taken(seat) == 3
    assert list(Order.objects.values_list("code", flat=True)) == outcome.results


@pytest.mark.django_db(transaction=True)
def test_order_place_forty_buyers_for_thirty_seats_thirty_orders():
    seat = orders_support.workshop(seats=30)
    buyers = [orders_support.buyer() for _ in range(40)]

    outcome = race(40, lambda i: orders.order_place(buyer=buyers[i], products=[seat]).code)

    assert len(outcome.results) == 30
    assert len(outcome.errors) == 10
    assert all(isinstance(error, RegistrationError) for error in outcome.errors)
    assert seats_taken(seat) == 30
    assert OrderItem.objects.filter(product=seat, holds_seat=True).count() == 30


@pytest.mark.django_db(transaction=True)
def test_order_place_racers_never_take_a_seat_offered_to_someone_else():
    seat = orders_support.workshop(seats=1)
    Product.objects.filter(pk=seat.pk).update(seats_taken=1)
    entry = WaitlistEntryFactory(product=seat, user=orders_support.buyer())
    seat_release(seat)
    buyers = [entry.user, *(orders_support.buyer() for _ in range(19))]

    outcome = race(20, lambda i: orders.order_place(buyer=buyers[i], products=[seat]).buyer_id)

    assert outcome.results == [entry.user.pk]
    assert len(outcome.errors) == 19
    assert seats_taken(seat) == 1
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.ACCEPTED
