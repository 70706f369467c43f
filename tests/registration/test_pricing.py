import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from rostrum.memberships.enums import MembershipStatus
from rostrum.registration.enums import OrderStatus, PriceWindow, ProductKind, WaitlistStatus
from rostrum.registration.models import Product
from rostrum.registration.pricing import product_quote, product_quotes, quotes_for
from tests.factories.memberships import MembershipTypeFactory
from tests.factories.programme import EventFactory
from tests.factories.registration import PriceFactory, ProductFactory, WaitlistEntryFactory
from tests.registration.orders_support import AT, buyer, holding, member_of, priced, workshop

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def windowed_product(full):
    """Early until AT + 10 days, regular until AT + 30 days, late after; members of `full` pay less."""
    product = ProductFactory()
    early_end, regular_end = AT + 10 * DAY, AT + 30 * DAY
    for window, starts, ends, everyone, members in (
        (PriceWindow.EARLY, None, early_end, "300.00", "200.00"),
        (PriceWindow.REGULAR, early_end, regular_end, "400.00", "250.00"),
        (PriceWindow.LATE, regular_end, None, "500.00", "350.00"),
    ):
        PriceFactory(product=product, window=window, starts_at=starts, ends_at=ends, amount=Decimal(everyone))
        PriceFactory(
            product=product,
            window=window,
            starts_at=starts,
            ends_at=ends,
            amount=Decimal(members),
            membership_type=full,
        )
    return product


def test_quote_visitor_sees_the_price_for_everyone():
    full = MembershipTypeFactory(name="Full Membership")
    product = windowed_product(full)

    quote = product_quote(product, user=AnonymousUser(), at=AT)

    assert (quote.amount, quote.label, quote.available, quote.reason) == (
        Decimal("300.00"),
        "Early",
        True,
        "",
    )


def test_quote_active_member_gets_the_member_price_named_in_the_label():
    full = MembershipTypeFactory(name="Full Membership")
    product = windowed_product(full)
    user = buyer()
    member_of(user, full)

    quote = product_quote(product, user=user, at=AT)

    assert (quote.amount, quote.label) == (Decimal("200.00"), "Early · Full Membership")


@pytest.mark.parametrize(
    "status", [MembershipStatus.PENDING_PAYMENT, MembershipStatus.EXPIRED, MembershipStatus.CANCELLED]
)
def test_quote_membership_not_active_gets_the_price_for_everyone(status):
    full = MembershipTypeFactory()
    product = windowed_product(full)
    user = buyer()
    member_of(user, full, status=status)

    assert product_quote(product, user=user, at=AT).amount == Decimal("300.00")


def test_quote_membership_past_its_last_day_gets_the_price_for_everyone():
    full = MembershipTypeFactory()
    product = windowed_product(full)
    user = buyer()
    member_of(user, full)

    assert product_quote(product, user=user, at=dt.datetime(2031, 1, 2, tzinfo=dt.UTC)).amount == Decimal(
        "500.00"
    )


@pytest.mark.parametrize(
    ("moment", "everyone", "members", "label"),
    [
        (AT, "300.00", "200.00", "Early"),
        (AT + 10 * DAY - dt.timedelta(seconds=1), "300.00", "200.00", "Early"),
        (AT + 10 * DAY, "400.00", "250.00", "Regular"),  # a window ends before its end: [starts, ends)
        (AT + 29 * DAY, "400.00", "250.00", "Regular"),
        (AT + 30 * DAY, "500.00", "350.00", "Late"),
    ],
)
def test_quote_date_windows_early_regular_late(moment, everyone, members, label):
    full = MembershipTypeFactory(name="Full")
    product = windowed_product(full)
    user = buyer()
    member_of(user, full)

    visitor = product_quote(product, user=AnonymousUser(), at=moment)
    member = product_quote(product, user=user, at=moment)

    assert (visitor.amount, visitor.label) == (Decimal(everyone), label)
    assert (member.amount, member.label) == (Decimal(members), f"{label} · Full")


def test_quote_is_the_lowest_price_of_the_types_held():
    cheap, dear = MembershipTypeFactory(name="Cheap"), MembershipTypeFactory(name="Dear")
    product = priced("100.00")
    PriceFactory(product=product, membership_type=cheap, amount=Decimal("20.00"))
    PriceFactory(product=product, membership_type=dear, amount=Decimal("60.00"))
    user = buyer()
    member_of(user, cheap)
    member_of(user, dear)

    quote = product_quote(product, user=user, at=AT)

    assert (quote.amount, quote.label) == (Decimal("20.00"), "Regular · Cheap")


def test_quote_member_price_above_the_price_for_everyone_is_not_taken():
    full = MembershipTypeFactory()
    product = priced("100.00")
    PriceFactory(product=product, membership_type=full, amount=Decimal("150.00"))
    user = buyer()
    member_of(user, full)

    assert product_quote(product, user=user, at=AT).amount == Decimal("100.00")


def test_quote_without_any_price_is_not_available():
    product = ProductFactory()

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.amount, quote.available, quote.reason) == (None, False, "No price is set for you.")


def test_quote_only_member_prices_names_the_membership_to_hold():
    full = MembershipTypeFactory(name="Full Membership")
    product = ProductFactory()
    PriceFactory(product=product, membership_type=full, amount=Decimal("10.00"))

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.available, quote.reason) == (False, "Only for members of Full Membership.")


def test_quote_price_outside_its_window_does_not_apply():
    product = ProductFactory()
    PriceFactory(product=product, starts_at=AT + DAY, amount=Decimal("10.00"))

    assert product_quote(product, user=buyer(), at=AT).reason == "No price is set for you."


def test_quote_free_for_holders_of_a_paid_congress_registration():
    event = EventFactory()
    congress = priced("400.00", event=event, name="ECR 2030 congress registration")
    highlight_week = priced("90.00", event=event, kind=ProductKind.HIGHLIGHT_WEEK_PASS)
    highlight_week.free_for_holders_of.add(congress)
    user = buyer()
    holding(user, congress)

    quote = product_quote(highlight_week, user=user, at=AT)

    assert (quote.amount, quote.label, quote.available) == (
        Decimal("0.00"),
        "Free for holders of ECR 2030 congress registration",
        True,
    )
    assert product_quote(highlight_week, user=buyer(), at=AT).amount == Decimal("90.00")


def test_quote_free_for_holders_needs_the_order_paid():
    congress = priced("400.00")
    highlight_week = priced("90.00")
    highlight_week.free_for_holders_of.add(congress)
    user = buyer()
    holding(user, congress, status=OrderStatus.PENDING)

    assert product_quote(highlight_week, user=user, at=AT).amount == Decimal("90.00")


def test_quotes_for_an_order_holding_the_qualifying_product_make_it_free():
    congress = priced("400.00", name="ECR 2030 congress registration")
    highlight_week = priced("90.00", kind=ProductKind.HIGHLIGHT_WEEK_PASS)
    highlight_week.free_for_holders_of.add(congress)

    together = quotes_for([congress, highlight_week], user=buyer(), at=AT)
    alone = quotes_for([highlight_week], user=buyer(), at=AT)

    assert [(quote.amount, quote.label) for quote in together] == [
        (Decimal("400.00"), "Regular"),
        (Decimal("0.00"), "Free with ECR 2030 congress registration"),
    ]
    assert alone[0].amount == Decimal("90.00")


def test_quote_before_sales_open_says_when_in_event_time():
    product = priced(available_from=dt.datetime(2030, 2, 28, 23, 0, tzinfo=dt.UTC))  # 1 March in Vienna

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.available, quote.reason) == (False, "Sales open on 1 March 2030.")
    assert quote.amount == Decimal("100.00")


def test_quote_after_sales_close_is_not_available():
    product = priced(available_until=dt.datetime(2030, 1, 31, 17, 30, tzinfo=dt.UTC))

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.available, quote.reason) == (False, "Sales closed on 31 January 2030, 18:30.")


def test_quote_inside_the_sales_window_is_available():
    product = priced(available_from=AT - DAY, available_until=AT + DAY)

    assert product_quote(product, user=buyer(), at=AT).available


def test_quote_inactive_product_is_not_sold():
    quote = product_quote(priced(is_active=False), user=buyer(), at=AT)

    assert (quote.available, quote.reason) == (False, "Not on sale.")


def test_quote_product_held_is_not_sold_again():
    product = priced()
    paid, pending = buyer(), buyer()
    holding(paid, product)
    holding(pending, product, status=OrderStatus.PENDING)

    assert product_quote(product, user=paid, at=AT).reason == "You already hold it."
    assert (
        product_quote(product, user=pending, at=AT).reason
        == "You have already ordered it; the order awaits payment."
    )


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED])
def test_quote_product_of_an_ended_order_may_be_bought_again(status):
    product = priced()
    user = buyer()
    holding(user, product, status=status)

    assert product_quote(product, user=user, at=AT).available


def test_quote_sold_out_offers_the_waitlist():
    product = workshop(seats=2)
    product.seats_taken = 2
    Product.objects.filter(pk=product.pk).update(seats_taken=2)  # only capacity.py moves it

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.available, quote.sold_out, quote.reason) == (False, True, "Sold out: join the waitlist.")


def test_quote_seats_left_is_not_sold_out():
    product = workshop(seats=2)

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.available, quote.sold_out) == (True, False)


def test_quote_seat_offered_from_the_waitlist_is_available_to_that_person_only():
    product = workshop(seats=1)
    product.seats_taken = 1
    Product.objects.filter(pk=product.pk).update(seats_taken=1)  # only capacity.py moves it
    offered = buyer()
    WaitlistEntryFactory(
        product=product,
        user=offered,
        status=WaitlistStatus.OFFERED,
        offered_at=AT - DAY,
        offer_expires_at=AT + DAY,
    )

    mine = product_quote(product, user=offered, at=AT)
    theirs = product_quote(product, user=buyer(), at=AT)
    late = product_quote(product, user=offered, at=AT + 2 * DAY)

    assert (mine.available, mine.sold_out) == (True, False)
    assert mine.reason.startswith("A seat is held for you until 2 February 2030")
    assert (theirs.available, theirs.sold_out) == (False, True)
    assert (late.available, late.sold_out) == (False, True)


def test_product_quotes_lists_active_products_of_the_event_in_order(django_assert_num_queries):
    event = EventFactory()
    full = MembershipTypeFactory()
    second = priced("20.00", event=event, position=2, name="B")
    first = priced("10.00", event=event, position=1, name="A")
    PriceFactory(product=first, membership_type=full, amount=Decimal("5.00"))
    third = priced("30.00", event=event, position=3, name="C")
    third.free_for_holders_of.add(first)
    priced(event=event, is_active=False)
    priced()  # another event
    user = buyer()
    member_of(user, full)

    with django_assert_num_queries(5):  # no product with seats: no waitlist offers to read
        quotes = product_quotes(event=event, user=user, at=AT)
    with django_assert_num_queries(3):
        visitor = product_quotes(event=event, user=AnonymousUser(), at=AT)

    assert [(q.product, q.amount) for q in quotes] == [
        (first, Decimal("5.00")),
        (second, Decimal("20.00")),
        (third, Decimal("30.00")),
    ]
    assert [q.amount for q in visitor] == [Decimal("10.00"), Decimal("20.00"), Decimal("30.00")]


def test_product_quotes_query_count_does_not_grow_with_products(django_assert_num_queries):
    event = EventFactory()
    for _ in range(10):
        product = priced(event=event)
        product.free_for_holders_of.add(priced())
    user = buyer()
    holding(user, product)

    with django_assert_num_queries(5):  # no product with seats: no waitlist offers to read
        quotes = product_quotes(event=event, user=user, at=AT)

    assert len(quotes) == 10
    assert quotes[-1].reason == "You already hold it."


def test_quote_other_users_holdings_and_memberships_do_not_count():
    full = MembershipTypeFactory()
    product = priced("100.00")
    PriceFactory(product=product, membership_type=full, amount=Decimal("10.00"))
    other = buyer()
    member_of(other, full)
    holding(other, product)

    quote = product_quote(product, user=buyer(), at=AT)

    assert (quote.amount, quote.available) == (Decimal("100.00"), True)
