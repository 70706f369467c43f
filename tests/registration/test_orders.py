from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from rostrum.core.models import ActivityLog
from rostrum.memberships.enums import MembershipStatus
from rostrum.registration import orders
from rostrum.registration.enums import (
    InvoiceKind,
    OrderStatus,
    PaymentProviderCode,
    PaymentStatus,
    ProductKind,
    VatCategory,
)
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import CartItem, Entitlement, Order, OrderItem, Payment, Price, Product
from rostrum.registration.payments import PROVIDERS, PaymentProvider, payment_instructions, provider_get
from rostrum.registration.signals import order_ended, order_paid
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory
from tests.factories.programme import EventFactory
from tests.registration.orders_support import AT, buyer, holding, priced, workshop
from tests.threads import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def signals_sent():
    sent = []

    def on_paid(sender, order, **kwargs):
        sent.append(("paid", order.code))

    def on_ended(sender, order, status, **kwargs):
        sent.append((f"ended:{status}", order.code))

    order_paid.connect(on_paid)
    order_ended.connect(on_ended)
    yield sent
    order_paid.disconnect(on_paid)
    order_ended.disconnect(on_ended)


def refused(fn, **kwargs) -> RegistrationError:
    with pytest.raises(RegistrationError) as error:
        fn(**kwargs)
    return error.value


def seats(product) -> int:
    return Product.objects.get(pk=product.pk).seats_taken


# Placing an order ------------------------------------------------------------------------------------------


def test_order_place_bank_transfer_waits_for_payment(settings):
    settings.ROSTRUM_ORDER_EXPIRY_HOURS = 48
    user = buyer(email="eva@example.at")
    product = priced("120.00", name="ECR 2030 congress registration")

    order = orders.order_place(buyer=user, products=[product], at=AT)

    assert (order.status, order.total, order.payment_provider) == (
        OrderStatus.PENDING,
        Decimal("120.00"),
        PaymentProviderCode.BANK_TRANSFER,
    )
    assert order.expires_at == AT + orders.dt.timedelta(hours=48)
    assert (order.buyer_name, order.buyer_email, order.buyer_country) == (
        user.display_name,
        "eva@example.at",
        "AT",
    )
    item = order.items.get()
    assert (item.price_label, item.list_amount, item.amount, item.vat_rate, item.vat_amount) == (
        "Regular",
        Decimal("120.00"),
        Decimal("120.00"),
        Decimal("20.00"),
        Decimal("20.00"),
    )
    payment = order.payments.get()
    assert (payment.provider, payment.status, payment.amount, payment.reference) == (
        PaymentProviderCode.BANK_TRANSFER,
        PaymentStatus.PENDING,
        Decimal("120.00"),
        order.code,
    )
    assert order.invoices.count() == 0
    assert ActivityLog.objects.filter(action="registration.order.placed", actor=user).count() == 1


def test_order_place_mails_bank_details_and_the_order_code_as_reference(settings):
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "bank": "IBAN AT12 3456 · BIC TESTATWW"}
    order = orders.order_place(buyer=buyer(email="eva@example.at"), products=[priced("120.00")], at=AT)

    message = mail.outbox[-1]
    assert message.to == ["eva@example.at"]
    assert message.subject == f"Your order {order.code}: please pay by bank transfer"
    assert "IBAN AT12 3456 · BIC TESTATWW" in message.body
    assert f"Reference: {order.code}" in message.body
    assert "Please transfer €120.00" in message.body
    assert f"/account/orders/{order.code}/" in message.body
    assert len(mail.outbox) == 1


def test_order_place_payment_instructions_for_the_order_page(settings):
    order = orders.order_place(buyer=buyer(), products=[priced("120.00")], at=AT)

    instructions = payment_instructions(order)

    assert (instructions.payee, instructions.bank, instructions.reference, instructions.amount) == (
        settings.ROSTRUM_SELLER["name"],
        settings.ROSTRUM_SELLER["bank"],
        order.code,
        "€120.00",
    )
    assert instructions.due == order.expires_at


def test_order_place_free_is_paid_at_once(signals_sent):
    event = EventFactory()
    product = priced("0.00", event=event)
    user = buyer()

    order = orders.order_place(buyer=user, products=[product], payment_provider="bank_transfer", at=AT)

    assert (order.status, order.paid_at, order.payment_provider, order.expires_at) == (
        OrderStatus.PAID,
        AT,
        PaymentProviderCode.FREE,
        None,
    )
    assert order.payments.get().status == PaymentStatus.CONFIRMED
    assert order.invoices.count() == 0
    assert Entitlement.objects.filter(user=user, event=event, revoked_at=None).count() == 1
    assert signals_sent == [("paid", order.code)]
    assert [m.subject for m in mail.outbox] == [f"Your order {order.code} is confirmed"]


def test_order_place_from_the_cart_empties_it():
    user = buyer()
    event = EventFactory()
    first, second = priced("10.00", event=event), priced("20.00", event=event)
    orders.cart_add(user=user, product=first)
    orders.cart_add(user=user, product=second)

    order = orders.order_place(buyer=user, at=AT)

    assert [item.product for item in order.items.all()] == [first, second]
    assert order.total == Decimal("30.00")
    assert CartItem.objects.filter(user=user).count() == 0


def test_order_place_accepts_product_codes():
    priced("10.00", code="ecr2030-congress")

    order = orders.order_place(buyer=buyer(), products=["ecr2030-congress"], at=AT)

    assert order.items.get().product.code == "ecr2030-congress"


def test_order_place_holds_seats_of_products_with_a_capacity():
    seat, unlimited = workshop(seats=2), priced()

    order = orders.order_place(buyer=buyer(), products=[seat, unlimited], at=AT)

    assert [(i.product, i.holds_seat) for i in order.items.all()] == [(seat, True), (unlimited, False)]
    assert seats(seat) == 1


def test_order_place_query_count_stays_small(django_assert_max_num_queries):
    # Checkout speed is what the bench measures: keep a seat's order to a fixed, small number of queries.
    seat = workshop(seats=30, code="ws-1")
    orders.order_place(buyer=buyer(), products=["ws-1"], at=AT)  # content types and the like are cached
    user = buyer()

    with django_assert_max_num_queries(17):
        orders.order_place(buyer=user, products=["ws-1"], at=AT)

    assert seats(seat) == 2


def test_order_place_sold_out_names_the_product_and_writes_nothing():
    free_seat = workshop(seats=5, name="Cardiac MR hands-on")
    full = workshop(seats=1, name="Breast ultrasound hands-on")
    full.seats_taken = 1
    Product.objects.filter(pk=full.pk).update(seats_taken=1)  # only capacity.py moves it
    user = buyer()

    error = refused(orders.order_place, buyer=user, products=[free_seat, full], at=AT)

    assert (error.message, error.field) == (
        "Breast ultrasound hands-on is sold out: join the waitlist.",
        "products",
    )
    assert Order.objects.count() == OrderItem.objects.count() == Payment.objects.count() == 0
    assert seats(free_seat) == 0
    assert mail.outbox == []


def test_order_place_losing_the_last_seat_at_hold_time_rolls_everything_back(monkeypatch):
    # The quote saw a seat, but another checkout took it before ours held it: the hold decides.
    first, last = workshop(seats=5), workshop(seats=1, name="Last seat workshop")
    real_quotes = orders.quotes_for

    def quotes_then_someone_else_buys(products, **kwargs):
        quotes = real_quotes(products, **kwargs)
        Product.objects.filter(pk=last.pk).update(seats_taken=1)
        return quotes

    monkeypatch.setattr(orders, "quotes_for", quotes_then_someone_else_buys)

    error = refused(orders.order_place, buyer=buyer(), products=[first, last], at=AT)

    assert error.message == "Last seat workshop is sold out: join the waitlist."
    assert Order.objects.count() == 0
    assert seats(first) == 0


def test_order_place_product_already_held_is_refused():
    product = priced(name="ECR 2030 congress registration")
    user = buyer()
    holding(user, product)

    error = refused(orders.order_place, buyer=user, products=[product], at=AT)

    assert (error.message, error.field) == (
        "ECR 2030 congress registration: You already hold it.",
        "products",
    )


def test_order_place_second_order_while_the_first_is_pending_is_refused():
    product = priced(name="Course")
    user = buyer()
    orders.order_place(buyer=user, products=[product], at=AT)

    error = refused(orders.order_place, buyer=user, products=[product], at=AT)

    assert error.message == "Course: You have already ordered it; the order awaits payment."
    assert Order.objects.count() == 1


def test_order_place_same_product_twice_is_refused():
    product = priced(name="Course")

    error = refused(orders.order_place, buyer=buyer(), products=[product, product], at=AT)

    assert error.message == "Course is in the order twice; each product is ordered once."


def test_order_place_unknown_product_code_is_refused():
    error = refused(orders.order_place, buyer=buyer(), products=["nothing"], at=AT)

    assert (error.message, error.field) == ("There is no product “nothing”.", "products")


def test_order_place_empty_cart_is_refused():
    error = refused(orders.order_place, buyer=buyer(), at=AT)

    assert error.message == "Your cart is empty: add what you want to order first."


def test_order_place_anonymous_is_asked_to_sign_in():
    assert (
        refused(orders.order_place, buyer=AnonymousUser(), products=[priced()]).message
        == "Please sign in to order."
    )


def test_order_place_product_not_for_sale_says_why():
    product = priced(is_active=False, name="Old course")

    assert (
        refused(orders.order_place, buyer=buyer(), products=[product], at=AT).message
        == "Old course: Not on sale."
    )


def test_order_place_membership_fee_outside_its_membership_is_refused():
    membership_type = MembershipTypeFactory(name="Full")
    product = priced(
        "11.00", kind=ProductKind.MEMBERSHIP_FEE, membership_type=membership_type, name="Full fee"
    )

    error = refused(orders.order_place, buyer=buyer(), products=[product], at=AT)

    assert error.message == "Full fee is paid from your membership page (My memberships)."


def test_order_place_in_person_congress_keeps_the_vat_of_its_place_for_a_business_abroad():
    congress = priced("120.00", kind=ProductKind.CONGRESS_REGISTRATION)

    order = orders.order_place(
        buyer=buyer(),
        products=[congress],
        buyer_details={"country": "DE", "vat_id": "DE136695976"},
        at=AT,
    )

    item = order.items.get()
    assert (item.amount, item.vat_rate, item.vat_amount, item.tax_note) == (
        Decimal("120.00"),
        Decimal("20"),
        Decimal("20.00"),
        "Admission to an event: VAT where it is held",
    )


def test_order_place_congress_with_highlight_week_pays_only_the_congress():
    congress = priced("400.00", name="ECR 2030 congress registration")
    highlight_week = priced("90.00", kind=ProductKind.HIGHLIGHT_WEEK_PASS)
    highlight_week.free_for_holders_of.add(congress)

    order = orders.order_place(buyer=buyer(), products=[congress, highlight_week], at=AT)

    assert order.total == Decimal("400.00")
    assert [item.amount for item in order.items.order_by("product__pk")] == [
        Decimal("400.00"),
        Decimal("0.00"),
    ]


def test_order_place_free_provider_for_a_paid_order_is_refused():
    error = refused(orders.order_place, buyer=buyer(), products=[priced()], payment_provider="free", at=AT)

    assert (error.message, error.field) == (
        "This order is not free of charge; please choose how to pay.",
        "payment_provider",
    )


def test_order_place_unknown_provider_is_refused():
    error = refused(orders.order_place, buyer=buyer(), products=[priced()], payment_provider="card", at=AT)

    assert (error.message, error.field) == ("“card” is not a way of paying here.", "payment_provider")


def test_order_place_products_in_different_currencies_are_refused():
    error = refused(orders.order_place, buyer=buyer(), products=[priced(), priced(currency="USD")], at=AT)

    assert error.message == "Products in different currencies are ordered separately."


def test_order_place_buyer_details_are_copied_and_reverse_charge_applies():
    user = buyer()

    order = orders.order_place(
        buyer=user,
        products=[priced("120.00", kind=ProductKind.HIGHLIGHT_WEEK_PASS)],
        buyer_details={
            "country": "de",
            "vat_id": "DE 136 695 976",
            "organisation": "Radiologie Nord GmbH",
            "address": "Hafenstraße 1\n20095 Hamburg",
        },
        at=AT,
    )

    assert (order.buyer_country, order.buyer_vat_id, order.buyer_organisation, order.buyer_address) == (
        "DE",
        "DE136695976",
        "Radiologie Nord GmbH",
        "Hafenstraße 1\n20095 Hamburg",
    )
    item = order.items.get()
    assert (item.amount, item.vat_rate, item.tax_note) == (
        Decimal("100.00"),
        Decimal("0"),
        "Reverse charge: VAT due by the recipient",
    )
    assert order.total == Decimal("100.00")


def test_order_place_exempt_product_carries_no_vat():
    order = orders.order_place(
        buyer=buyer(), products=[priced("50.00", vat_category=VatCategory.EXEMPT)], at=AT
    )

    assert (order.items.get().vat_amount, order.total) == (Decimal("0.00"), Decimal("50.00"))


@pytest.mark.parametrize(
    ("details", "message", "field"),
    [
        ({"country": "XX"}, "“XX” is not a country code such as AT or DE.", "country"),
        ({"country": "DE", "vat_id": "DE123"}, "DE123 is not a valid EU VAT number.", "vat_id"),
        (
            {"country": "AT", "vat_id": "DE136695976"},
            "The VAT number DE136695976 is not one of Austria.",
            "vat_id",
        ),
        ({"colour": "red"}, "Unknown buyer details: colour.", "buyer"),
    ],
)
def test_order_place_wrong_buyer_details_are_refused(details, message, field):
    error = refused(orders.order_place, buyer=buyer(), products=[priced()], buyer_details=details, at=AT)

    assert (error.message, error.field) == (message, field)
    assert Order.objects.count() == 0


# Cart ------------------------------------------------------------------------------------------------------


def test_cart_add_once_and_remove():
    user, product = buyer(), priced()

    first = orders.cart_add(user=user, product=product)
    again = orders.cart_add(user=user, product=product)
    orders.cart_remove(user=user, product=product)

    assert first == again
    assert CartItem.objects.filter(user=user).count() == 0
    assert ActivityLog.objects.filter(action="registration.cart.added").count() == 1
    assert ActivityLog.objects.filter(action="registration.cart.removed").count() == 1


def test_cart_add_sold_out_is_refused():
    product = workshop(seats=1, name="Hands-on")
    product.seats_taken = 1
    Product.objects.filter(pk=product.pk).update(seats_taken=1)  # only capacity.py moves it

    error = refused(orders.cart_add, user=buyer(), product=product)

    assert (error.message, error.field) == ("Hands-on is sold out: join the waitlist.", "product")


def test_cart_add_anonymous_is_refused():
    assert (
        refused(orders.cart_add, user=AnonymousUser(), product=priced()).message == "Please sign in to order."
    )


def test_cart_remove_leaves_other_users_carts_alone():
    product, mine, theirs = priced(), buyer(), buyer()
    orders.cart_add(user=theirs, product=product)

    orders.cart_remove(user=mine, product=product)

    assert CartItem.objects.filter(user=theirs).count() == 1


# Paying ----------------------------------------------------------------------------------------------------


def test_order_mark_paid_issues_the_invoice_grants_access_and_tells_the_buyer(staff_user, signals_sent):
    event = EventFactory()
    user = buyer(email="eva@example.at")
    order = orders.order_place(buyer=user, products=[priced("120.00", event=event)], at=AT)

    returned = orders.order_mark_paid(order, by=staff_user, reference="BANK-2030-17")

    assert returned.status == order.status == OrderStatus.PAID
    assert order.paid_at is not None
    payment = order.payments.get()
    assert (payment.status, payment.reference, payment.confirmed_by) == (
        PaymentStatus.CONFIRMED,
        "BANK-2030-17",
        staff_user,
    )
    invoice = order.invoices.get()
    assert (invoice.kind, invoice.gross_total) == (InvoiceKind.INVOICE, Decimal("120.00"))
    assert Entitlement.objects.filter(user=user, event=event, revoked_at=None).count() == 1
    assert signals_sent == [("paid", order.code)]
    message = mail.outbox[-1]
    assert message.subject == f"Payment received: order {order.code}"
    assert f"Your invoice {invoice.number}" in message.body
    assert f"/account/invoices/{invoice.number}.pdf" in message.body
    assert ActivityLog.objects.filter(action="registration.order.paid", actor=staff_user).count() == 1


def test_order_mark_paid_by_non_staff_is_refused():
    user = buyer()
    order = orders.order_place(buyer=user, products=[priced()], at=AT)

    assert (
        refused(orders.order_mark_paid, order=order, by=user).message
        == "Only staff may mark an order as paid."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_order_mark_paid_twice_is_refused(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    orders.order_mark_paid(order, by=staff_user)

    error = refused(orders.order_mark_paid, order=order, by=staff_user)

    assert (
        error.message == f"Only an order awaiting payment can be marked as paid; order {order.code} is paid."
    )
    assert order.invoices.count() == 1


def test_order_mark_paid_stale_object_sees_the_current_state(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    stale = Order.objects.get(pk=order.pk)
    orders.order_cancel(order, by=order.buyer)

    error = refused(orders.order_mark_paid, order=stale, by=staff_user)

    assert error.message.endswith("is cancelled.")


# Cancelling ------------------------------------------------------------------------------------------------


def test_order_cancel_by_buyer_releases_seats_and_tells_them(signals_sent):
    user = buyer()
    seat = workshop(seats=3)
    order = orders.order_place(buyer=user, products=[seat], at=AT)

    orders.order_cancel(order, by=user, reason="  Changed my plans. ")

    assert (order.status, order.reason) == (OrderStatus.CANCELLED, "Changed my plans.")
    assert order.cancelled_at is not None
    assert seats(seat) == 0
    assert order.items.get().holds_seat is False
    assert order.payments.get().status == PaymentStatus.FAILED
    assert signals_sent == [("ended:cancelled", order.code)]
    assert mail.outbox[-1].subject == f"Your order {order.code} is cancelled"
    assert "Changed my plans." in mail.outbox[-1].body
    assert ActivityLog.objects.filter(action="registration.order.cancelled", actor=user).count() == 1


def test_order_cancel_by_staff(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)

    orders.order_cancel(order, by=staff_user, reason="Duplicate order.")

    assert order.status == OrderStatus.CANCELLED


def test_order_cancel_by_another_user_is_refused():
    order = orders.order_place(buyer=buyer(), products=[workshop(seats=2)], at=AT)

    error = refused(orders.order_cancel, order=order, by=buyer())

    assert error.message == "Only the buyer or staff may cancel an order."
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_order_cancel_paid_order_is_refused(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    orders.order_mark_paid(order, by=staff_user)

    error = refused(orders.order_cancel, order=order, by=staff_user)

    assert error.message == f"Order {order.code} is paid: staff refund it rather than cancel it."


def test_order_cancel_twice_releases_the_seat_once(staff_user):
    seat = workshop(seats=2)
    other = orders.order_place(buyer=buyer(), products=[seat], at=AT)
    order = orders.order_place(buyer=buyer(), products=[seat], at=AT)
    orders.order_cancel(order, by=staff_user)

    error = refused(orders.order_cancel, order=order, by=staff_user)

    assert (
        error.message == f"Only an order awaiting payment can be cancelled; order {order.code} is cancelled."
    )
    assert seats(seat) == 1
    assert other.status == OrderStatus.PENDING


def test_order_cancelled_product_may_be_ordered_again():
    user, product = buyer(), priced()
    orders.order_cancel(orders.order_place(buyer=user, products=[product], at=AT), by=user)

    assert orders.order_place(buyer=user, products=[product], at=AT).status == OrderStatus.PENDING


# Refunds ---------------------------------------------------------------------------------------------------


def test_order_refund_credits_the_invoice_revokes_access_and_releases_seats(staff_user, signals_sent):
    event = EventFactory()
    user = buyer()
    seat = workshop(seats=2, event=event, amount="80.00")
    order = orders.order_place(buyer=user, products=[seat], at=AT)
    orders.order_mark_paid(order, by=staff_user)

    orders.order_refund(order, by=staff_user, reason="The workshop was cancelled.")

    assert (order.status, order.reason) == (OrderStatus.REFUNDED, "The workshop was cancelled.")
    assert order.refunded_at is not None
    invoice = order.invoices.get(kind=InvoiceKind.INVOICE)
    credit_note = order.invoices.get(kind=InvoiceKind.CREDIT_NOTE)
    assert (credit_note.credits, credit_note.gross_total) == (invoice, Decimal("-80.00"))
    assert Entitlement.objects.filter(user=user, revoked_at=None).count() == 0
    assert Entitlement.objects.filter(user=user).count() == 1
    assert seats(seat) == 0
    assert order.payments.get().status == PaymentStatus.REFUNDED
    assert signals_sent == [("paid", order.code), ("ended:refunded", order.code)]
    message = mail.outbox[-1]
    assert message.subject == f"Your order {order.code} is refunded"
    assert "The workshop was cancelled." in message.body
    assert f"Credit note {credit_note.number} (for invoice {invoice.number})" in message.body


def test_order_refund_of_a_free_order_issues_no_credit_note(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced("0.00")], at=AT)

    orders.order_refund(order, by=staff_user, reason="Registered by mistake.")

    assert order.status == OrderStatus.REFUNDED
    assert order.invoices.count() == 0


def test_order_refund_needs_staff_a_reason_and_a_paid_order(staff_user):
    user = buyer()
    order = orders.order_place(buyer=user, products=[priced()], at=AT)

    assert (
        refused(orders.order_refund, order=order, by=user, reason="x").message
        == "Only staff may refund an order."
    )
    error = refused(orders.order_refund, order=order, by=staff_user, reason="  ")
    assert (error.message, error.field) == ("Please give the reason; the buyer reads it.", "reason")
    error = refused(orders.order_refund, order=order, by=staff_user, reason="Asked for it.")
    assert error.message == f"Only a paid order can be refunded; order {order.code} is awaiting payment."


def test_order_refund_failing_credit_note_leaves_the_order_paid(staff_user, monkeypatch):
    order = orders.order_place(buyer=buyer(), products=[workshop(seats=1)], at=AT)
    orders.order_mark_paid(order, by=staff_user)

    def broken(*args, **kwargs):
        raise RegistrationError("The credit note could not be numbered.")

    monkeypatch.setattr(orders.invoices, "credit_note_issue", broken)

    refused(orders.order_refund, order=order, by=staff_user, reason="Asked for it.")

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert seats(order.items.get().product) == 1


# Payment providers -----------------------------------------------------------------------------------------


def test_payment_providers_are_registered_by_code():
    assert set(PROVIDERS) == {PaymentProviderCode.FREE, PaymentProviderCode.BANK_TRANSFER}
    assert provider_get("bank_transfer").label == "Bank transfer / invoice"
    assert refused(provider_get, code="card").field == "payment_provider"


def test_payment_provider_added_to_the_registry_is_used_by_checkout(monkeypatch, signals_sent):
    class CardProvider(PaymentProvider):
        code = "card"
        label = "Card"
        pays_at_once = True  # the provider's page confirmed the payment before the order is placed

    monkeypatch.setitem(PROVIDERS, "card", CardProvider())

    order = orders.order_place(buyer=buyer(), products=[priced("120.00")], payment_provider="card", at=AT)

    assert (order.status, order.payment_provider) == (OrderStatus.PAID, "card")
    assert (order.payments.get().provider, order.payments.get().status) == ("card", PaymentStatus.CONFIRMED)
    assert order.invoices.get().gross_total == Decimal("120.00")
    assert signals_sent == [("paid", order.code)]


# Memberships paid by orders --------------------------------------------------------------------------------


@pytest.fixture
def pending_membership():
    membership_type = MembershipTypeFactory(
        code="full-allied", name="Full Membership", annual_fee=Decimal("11.00")
    )
    return MembershipFactory(
        user=buyer(),
        membership_type=membership_type,
        status=MembershipStatus.PENDING_PAYMENT,
        valid_from=None,
        valid_until=None,
    )


def test_membership_fee_order_place_creates_the_fee_product_and_orders_it(pending_membership):
    order = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)

    product = Product.objects.get(code="membership-full-allied")
    assert (product.kind, product.membership_type, product.vat_category) == (
        ProductKind.MEMBERSHIP_FEE,
        pending_membership.membership_type,
        VatCategory.EXEMPT,
    )
    assert list(Price.objects.filter(product=product).values_list("amount", flat=True)) == [Decimal("11.00")]
    item = order.items.get()
    assert (item.product, item.membership, item.amount) == (product, pending_membership, Decimal("11.00"))
    assert (order.status, order.total, order.payment_provider) == (
        OrderStatus.PENDING,
        Decimal("11.00"),
        PaymentProviderCode.BANK_TRANSFER,
    )


def test_membership_fee_order_place_twice_returns_the_pending_order(pending_membership):
    first = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)

    assert orders.membership_fee_order_place(pending_membership, by=pending_membership.user) == first
    assert Order.objects.count() == 1


def test_membership_fee_price_follows_the_types_fee(pending_membership):
    orders.membership_fee_order_place(pending_membership, by=pending_membership.user)
    membership_type = pending_membership.membership_type
    membership_type.annual_fee = Decimal("15.00")
    membership_type.save()
    other = MembershipFactory(
        user=buyer(), membership_type=membership_type, status=MembershipStatus.PENDING_PAYMENT
    )

    assert orders.membership_fee_order_place(other, by=other.user).total == Decimal("15.00")
    assert Product.objects.filter(kind=ProductKind.MEMBERSHIP_FEE).count() == 1


def test_membership_paid_by_order_becomes_active(pending_membership, staff_user):
    order = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)

    orders.order_mark_paid(order, by=staff_user)

    pending_membership.refresh_from_db()
    assert pending_membership.status == MembershipStatus.ACTIVE
    assert pending_membership.paid_at is not None
    assert pending_membership.valid_until is not None
    log = ActivityLog.objects.get(action="memberships.membership.paid")
    assert log.data == {"status": "active", "order": order.code}
    assert order.invoices.get().gross_total == Decimal("11.00")


def test_membership_renewal_paid_by_order_extends_it(staff_user):
    import datetime as dt

    from django.utils import timezone

    membership = MembershipFactory(
        user=buyer(),
        membership_type=MembershipTypeFactory(annual_fee=Decimal("11.00")),
        valid_from=dt.date(2030, 1, 1),
        valid_until=dt.date(2030, 12, 31),
        renewal_requested_at=timezone.now(),
    )
    first = orders.membership_fee_order_place(membership, by=membership.user)
    orders.order_mark_paid(first, by=staff_user)

    membership.refresh_from_db()
    assert (membership.valid_until, membership.renewal_requested_at) == (dt.date(2031, 12, 31), None)


def test_membership_fee_paid_again_next_year_is_not_refused_as_already_held(staff_user, pending_membership):
    from django.utils import timezone

    orders.order_mark_paid(
        orders.membership_fee_order_place(pending_membership, by=pending_membership.user), by=staff_user
    )
    pending_membership.refresh_from_db()
    pending_membership.renewal_requested_at = timezone.now()
    pending_membership.save()

    renewal = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)

    assert renewal.status == OrderStatus.PENDING


def test_membership_fee_order_by_someone_else_is_refused(pending_membership):
    error = refused(orders.membership_fee_order_place, membership=pending_membership, by=buyer())

    assert error.message == "Only the member may order their membership fee."


def test_membership_fee_order_of_a_free_type_is_refused():
    membership = MembershipFactory(
        user=buyer(),
        membership_type=MembershipTypeFactory(name="Corresponding", annual_fee=0),
        status=MembershipStatus.PENDING_PAYMENT,
    )

    error = refused(orders.membership_fee_order_place, membership=membership, by=membership.user)

    assert error.message == "Corresponding is free of charge; there is nothing to pay."


def test_membership_fee_order_of_an_active_membership_is_refused():
    membership = MembershipFactory(user=buyer())

    error = refused(orders.membership_fee_order_place, membership=membership, by=membership.user)

    assert error.message == "Only a membership waiting for its fee can be paid."


def test_membership_cancelled_meanwhile_keeps_its_order_pending(pending_membership, staff_user):
    order = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)
    pending_membership.status = MembershipStatus.CANCELLED
    pending_membership.save()

    error = refused(orders.order_mark_paid, order=order, by=staff_user)

    assert error.message == (
        f"Order {order.code} pays a membership fee that cannot be recorded: This membership is cancelled; "
        "it is no longer waiting for its fee. Refund or cancel the order instead."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.invoices.count() == 0


def test_membership_fee_refund_cancels_the_membership(pending_membership, staff_user):
    order = orders.membership_fee_order_place(pending_membership, by=pending_membership.user)
    orders.order_mark_paid(order, by=staff_user)

    orders.order_refund(order, by=staff_user, reason="Joined by mistake.")

    pending_membership.refresh_from_db()
    assert pending_membership.status == MembershipStatus.CANCELLED
    assert pending_membership.reason == f"Its fee was refunded (order {order.code}): Joined by mistake."


def test_membership_fee_product_is_never_in_a_cart(pending_membership):
    orders.membership_fee_order_place(pending_membership, by=pending_membership.user)
    product = Product.objects.get(code="membership-full-allied")

    error = refused(orders.cart_add, user=buyer(), product=product)

    assert error.field == "product"


# Races -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_order_place_racing_for_the_last_seat_sells_it_once():
    seat = workshop(seats=1, name="Last seat workshop")
    buyers = [buyer() for _ in range(10)]

    outcome = race(len(buyers), lambda i: orders.order_place(buyer=buyers[i], products=[seat]).code)

    assert len(outcome.results) == 1
    assert {str(e) for e in outcome.errors} == {
        "products: Last seat workshop is sold out: join the waitlist."
    }
    assert seats(seat) == 1
    assert Order.objects.count() == OrderItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_order_place_double_click_orders_once():
    user, product = buyer(), priced(name="Course")

    outcome = race(2, lambda i: orders.order_place(buyer=user, products=[product]).code)

    assert len(outcome.results) == 1
    assert [str(e) for e in outcome.errors] == [
        "products: Course: You have already ordered it; the order awaits payment."
    ]
    assert Order.objects.count() == 1
