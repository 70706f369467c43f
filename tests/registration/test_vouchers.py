import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from rostrum.registration import orders
from rostrum.registration.enums import OrderStatus, PaymentProviderCode, VoucherKind
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Order, Product, Voucher
from tests.factories.programme import EventFactory
from tests.factories.registration import VoucherFactory
from tests.registration.orders_support import AT, buyer, priced, workshop
from tests.threads import race


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


def place(product_list, code, **kwargs):
    return orders.order_place(
        buyer=kwargs.pop("user", None) or buyer(), products=product_list, voucher_code=code, at=AT, **kwargs
    )


def refusal(product_list, code) -> str:
    with pytest.raises(RegistrationError) as error:
        place(product_list, code)
    assert error.value.field == "voucher"
    return error.value.message


@pytest.mark.django_db
def test_voucher_percentage_lowers_each_covered_item():
    product = priced("100.00")
    VoucherFactory(code="HALF", kind=VoucherKind.PERCENTAGE, value=Decimal("25.00"))

    order = place([product], "HALF")

    item = order.items.get()
    assert (item.list_amount, item.discount, item.amount) == (
        Decimal("100.00"),
        Decimal("25.00"),
        Decimal("75.00"),
    )
    assert order.total == Decimal("75.00")
    assert order.voucher.code == "HALF"


@pytest.mark.django_db
def test_voucher_percentage_rounds_to_the_cent():
    product = priced("33.33")
    VoucherFactory(code="THIRD", kind=VoucherKind.PERCENTAGE, value=Decimal("33.00"))

    assert place([product], "THIRD").items.get().discount == Decimal("11.00")


@pytest.mark.django_db
def test_voucher_code_is_case_insensitive_and_trimmed():
    product = priced("100.00")
    VoucherFactory(code="spring", kind=VoucherKind.PERCENTAGE, value=Decimal("10.00"))

    assert place([product], "  Spring ").total == Decimal("90.00")


@pytest.mark.django_db
def test_voucher_fixed_amount_is_taken_once_and_never_below_zero():
    event = EventFactory()
    first, second = priced("30.00", event=event), priced("50.00", event=event)
    VoucherFactory(code="FIFTY", kind=VoucherKind.FIXED, value=Decimal("50.00"))

    order = place([first, second], "FIFTY")

    assert [(i.discount, i.amount) for i in order.items.all()] == [
        (Decimal("30.00"), Decimal("0.00")),
        (Decimal("20.00"), Decimal("30.00")),
    ]
    assert order.total == Decimal("30.00")


@pytest.mark.django_db
def test_voucher_fixed_amount_above_the_price_makes_it_free():
    product = priced("30.00")
    VoucherFactory(code="BIG", kind=VoucherKind.FIXED, value=Decimal("100.00"))

    order = place([product], "BIG")

    assert (order.total, order.status, order.payment_provider) == (
        Decimal("0.00"),
        OrderStatus.PAID,
        PaymentProviderCode.FREE,
    )


@pytest.mark.django_db
def test_voucher_free_makes_the_order_free_and_paid_at_once():
    product = priced("400.00")
    VoucherFactory(code="SPEAKER", kind=VoucherKind.FREE)

    order = place([product], "SPEAKER", payment_provider=PaymentProviderCode.BANK_TRANSFER)

    assert (order.total, order.status, order.payment_provider) == (
        Decimal("0.00"),
        OrderStatus.PAID,
        PaymentProviderCode.FREE,
    )
    assert order.invoices.count() == 0


@pytest.mark.django_db
def test_voucher_limited_to_products_lowers_only_those():
    event = EventFactory()
    covered, other = priced("100.00", event=event), priced("100.00", event=event)
    voucher = VoucherFactory(code="WS", kind=VoucherKind.FREE, event=event)
    voucher.products.add(covered)

    order = place([covered, other], "WS")

    assert [(i.product, i.amount) for i in order.items.all()] == [
        (covered, Decimal("0.00")),
        (other, Decimal("100.00")),
    ]


@pytest.mark.django_db
def test_voucher_of_one_event_covers_all_its_products_only():
    event = EventFactory()
    own, foreign = priced("100.00", event=event, name="Congress"), priced("100.00", name="Other congress")
    VoucherFactory(code="ECR", event=event)

    assert place([own], "ECR").total == Decimal("50.00")
    assert refusal([foreign], "ECR") == "The voucher “ECR” does not apply to Other congress."


@pytest.mark.django_db
def test_voucher_without_event_covers_every_product():
    VoucherFactory(code="ALL")

    assert place([priced("100.00")], "ALL").total == Decimal("50.00")


@pytest.mark.django_db
def test_voucher_for_other_products_is_refused():
    product, other = priced(name="Congress"), priced()
    voucher = VoucherFactory(code="WS")
    voucher.products.add(other)

    assert refusal([product], "ws") == "The voucher “WS” does not apply to Congress."


@pytest.mark.django_db
def test_voucher_unknown_is_refused():
    assert refusal([priced()], "nope") == "There is no voucher “NOPE”; please check the code."


@pytest.mark.django_db
def test_voucher_inactive_is_refused():
    VoucherFactory(code="OLD", is_active=False)

    assert refusal([priced()], "OLD") == "The voucher “OLD” is no longer valid."


@pytest.mark.django_db
def test_voucher_expired_is_refused():
    VoucherFactory(code="EARLY", valid_until=AT)

    assert refusal([priced()], "EARLY") == "The voucher “EARLY” expired on 1 February 2030."


@pytest.mark.django_db
def test_voucher_valid_until_later_is_accepted():
    VoucherFactory(code="EARLY", valid_until=AT + dt.timedelta(minutes=1))

    assert place([priced("100.00")], "EARLY").total == Decimal("50.00")


@pytest.mark.django_db
def test_voucher_max_uses_counts_orders():
    event = EventFactory()
    voucher = VoucherFactory(code="ONCE", max_uses=1)

    place([priced(event=event), priced(event=event)], "ONCE")

    voucher.refresh_from_db()
    assert voucher.times_used == 1
    assert refusal([priced()], "ONCE") == "The voucher “ONCE” has been used up."


@pytest.mark.django_db
def test_voucher_refused_leaves_nothing_written():
    product = workshop(seats=3)
    VoucherFactory(code="OLD", is_active=False)
    user = buyer()
    orders.cart_add(user=user, product=product)

    with pytest.raises(RegistrationError):
        orders.order_place(buyer=user, voucher_code="OLD", at=AT)

    assert Order.objects.count() == 0
    assert Product.objects.get(pk=product.pk).seats_taken == 0
    assert user.cart_items.count() == 1


@pytest.mark.django_db
def test_voucher_use_rolled_back_when_a_seat_is_sold_out():
    product = workshop(seats=1)
    product.seats_taken = 1
    Product.objects.filter(pk=product.pk).update(seats_taken=1)  # only capacity.py moves it
    voucher = VoucherFactory(code="ONCE", max_uses=1)

    with pytest.raises(RegistrationError):
        place([product], "ONCE")

    voucher.refresh_from_db()
    assert voucher.times_used == 0


@pytest.mark.django_db
@pytest.mark.parametrize("end", ["cancel", "expire"])
def test_voucher_use_is_given_back_when_the_order_is_cancelled_or_expires(end):
    voucher = VoucherFactory(code="ONCE", max_uses=1)
    user = buyer()
    order = place([priced()], "ONCE", user=user)

    if end == "cancel":
        orders.order_cancel(order, by=user)
    else:
        orders.order_expire_due(now=order.expires_at)

    voucher.refresh_from_db()
    assert voucher.times_used == 0
    assert place([priced()], "ONCE").voucher == voucher


@pytest.mark.django_db
def test_voucher_use_is_kept_when_the_order_is_refunded(staff_user):
    voucher = VoucherFactory(code="ONCE", max_uses=1)
    order = place([priced()], "ONCE")
    orders.order_mark_paid(order, by=staff_user)

    orders.order_refund(order, by=staff_user, reason="Could not travel.")

    voucher.refresh_from_db()
    assert voucher.times_used == 1


@pytest.mark.django_db(transaction=True)
def test_voucher_last_use_goes_to_exactly_one_of_racing_buyers():
    product = priced("100.00")
    voucher = VoucherFactory(code="LAST", max_uses=1)
    buyers = [buyer() for _ in range(8)]

    def checkout(index):
        with transaction.atomic():
            return orders.order_place(
                buyer=buyers[index], products=[product], voucher_code="LAST", at=AT
            ).total

    outcome = race(len(buyers), checkout)

    assert outcome.results == [Decimal("50.00")]
    assert {str(e) for e in outcome.errors} == {"voucher: The voucher “LAST” has been used up."}
    assert Voucher.objects.get(pk=voucher.pk).times_used == 1
    assert Order.objects.filter(voucher=voucher).count() == 1
