"""Registration's part of the data download and of account deletion (accounts' signals): the member's
cart, orders, invoices, waitlist entries and entitlements; invoices and what they invoice are kept."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rostrum.accounts import selectors
from rostrum.accounts.services import user_account_delete
from rostrum.core.models import ActivityLog
from rostrum.registration.entitlements import entitlements_grant_for_order
from rostrum.registration.enums import (
    EntitlementScope,
    OrderStatus,
    PaymentProviderCode,
    ProductKind,
    WaitlistStatus,
)
from rostrum.registration.invoices import invoice_issue
from rostrum.registration.models import CartItem, Entitlement, Invoice, Order, Product, WaitlistEntry
from rostrum.registration.receivers import export_registration
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory
from tests.factories.registration import (
    EntitlementFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def registration_of(user, *, prefix: str) -> dict:
    """A member with one of everything: a cart item, a paid and invoiced order, a free paid order, a pending
    order holding a workshop seat, a waitlist entry and a staff-granted entitlement."""
    event = EventFactory(slug=f"{prefix}-congress", title=f"{prefix} congress")
    congress = ProductFactory(event=event, code=f"{prefix}-congress", name=f"{prefix} congress registration")
    week = ProductFactory(event=event, code=f"{prefix}-week", name=f"{prefix} Highlight Week pass")
    workshop = ProductFactory(
        event=event, code=f"{prefix}-workshop", kind=ProductKind.WORKSHOP_SEAT, capacity=1, seats_taken=1
    )
    full = ProductFactory(
        event=event, code=f"{prefix}-full", kind=ProductKind.WORKSHOP_SEAT, capacity=1, seats_taken=1
    )
    CartItem.objects.create(user=user, product=ProductFactory(event=event, code=f"{prefix}-course"))

    paid = OrderFactory(
        buyer=user,
        status=OrderStatus.PAID,
        total=Decimal("100.00"),
        buyer_organisation=f"{prefix} hospital",
        buyer_address=f"{prefix} street 1",
    )
    OrderItemFactory(order=paid, product=congress)
    invoice = invoice_issue(paid)
    entitlements_grant_for_order(paid)

    free = OrderFactory(
        buyer=user,
        status=OrderStatus.PAID,
        payment_provider=PaymentProviderCode.FREE,
        buyer_organisation=f"{prefix} hospital",
    )
    OrderItemFactory(order=free, product=week, amount=Decimal("0.00"), discount=Decimal("100.00"))
    entitlements_grant_for_order(free)

    pending = OrderFactory(buyer=user, total=Decimal("50.00"), buyer_vat_id="ATU12345678")
    OrderItemFactory(order=pending, product=workshop, amount=Decimal("50.00"), holds_seat=True)

    WaitlistEntryFactory(user=user, product=full)
    EntitlementFactory(user=user, event=event, note=f"{prefix} speaker")
    return {"paid": paid, "free": free, "pending": pending, "invoice": invoice, "workshop": workshop}


@pytest.fixture
def anna():
    return UserFactory(email="anna@example.org", first_name="Anna", last_name="Berg", country="AT")


@pytest.fixture
def ben():
    return UserFactory(email="ben@example.org", first_name="Ben", last_name="Olsen", country="NO")


def download(user) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:data"))
    assert response.status_code == 200
    return json.loads(response.content)


# The data download -----------------------------------------------------------------------------------------


def test_data_download_includes_registration(anna):
    rows = registration_of(anna, prefix="anna")

    data = download(anna)["registration"]

    assert [item["product"] for item in data["cart"]] == ["anna-course"]
    orders = {order["code"]: order for order in data["orders"]}
    assert set(orders) == {rows["paid"].code, rows["free"].code, rows["pending"].code}
    paid = orders[rows["paid"].code]
    assert (paid["status"], paid["total"], paid["currency"]) == ("paid", "100.00", "EUR")
    assert paid["buyer"]["organisation"] == "anna hospital"
    assert paid["items"][0]["product"] == "anna-congress"
    assert paid["items"][0]["amount"] == "100.00"
    assert paid["created"] is not None
    assert orders[rows["pending"].code]["buyer"]["vat_id"] == "ATU12345678"
    [invoice] = data["invoices"]
    assert invoice["number"] == rows["invoice"].number
    assert invoice["order"] == rows["paid"].code
    assert invoice["gross_total"] == "100.00"
    assert invoice["issued"] == rows["invoice"].issued_at.isoformat()
    assert [(entry["product"], entry["status"]) for entry in data["waitlist"]] == [("anna-full", "waiting")]
    assert sorted((e["source"], e["scope"], e["event"]) for e in data["entitlements"]) == [
        ("order", "event", "anna-congress"),
        ("order", "event", "anna-congress"),
        ("staff", "event", "anna-congress"),
    ]


def test_data_download_of_a_member_without_registration_is_empty(anna):
    assert download(anna)["registration"] == {
        "cart": [],
        "orders": [],
        "invoices": [],
        "waitlist": [],
        "entitlements": [],
    }


def test_data_download_never_contains_another_members_registration(anna, ben):
    registration_of(anna, prefix="anna")
    ben_rows = registration_of(ben, prefix="ben")

    text = json.dumps(download(ben))

    assert "anna" not in text.lower()
    assert ben_rows["paid"].code in text
    for order in Order.objects.filter(buyer=anna):
        assert order.code not in text
    for invoice in Invoice.objects.filter(order__buyer=anna):
        assert invoice.number not in text


def test_data_download_query_count_does_not_grow_with_orders(anna, django_assert_num_queries):
    registration_of(anna, prefix="anna")
    for _ in range(5):
        OrderItemFactory(order=OrderFactory(buyer=anna), product=ProductFactory())

    # Cart, orders, their items, products, payments, invoices, waitlist, entitlements: one query each.
    with django_assert_num_queries(8):
        data = export_registration(sender=None, user=anna)
    assert len(data["registration"]["orders"]) == 8


# Account deletion ------------------------------------------------------------------------------------------


def test_account_delete_keeps_invoiced_order_and_invoice_as_issued(anna):
    rows = registration_of(anna, prefix="anna")
    issued_buyer = Invoice.objects.get(pk=rows["invoice"].pk).buyer

    user_account_delete(anna, by=anna)

    paid = Order.objects.get(pk=rows["paid"].pk)
    assert paid.status == OrderStatus.PAID
    assert (paid.buyer_name, paid.buyer_email, paid.buyer_organisation) == (
        rows["paid"].buyer_name,
        "anna@example.org",
        "anna hospital",
    )
    invoice = Invoice.objects.get(pk=rows["invoice"].pk)
    assert invoice.buyer == issued_buyer
    assert invoice.number == rows["invoice"].number


def test_account_delete_anonymises_orders_without_invoice(anna):
    rows = registration_of(anna, prefix="anna")

    user_account_delete(anna, by=anna)

    for key in ("free", "pending"):
        order = Order.objects.get(pk=rows[key].pk)
        assert (order.buyer_name, order.buyer_email) == ("Deleted user", f"deleted-{anna.pk}@deleted.invalid")
        assert (order.buyer_organisation, order.buyer_address, order.buyer_vat_id) == ("", "", "")
        assert order.buyer_country == "AT"
    assert Order.objects.get(pk=rows["free"].pk).status == OrderStatus.PAID


def test_account_delete_cancels_pending_orders_and_frees_their_seats(anna):
    rows = registration_of(anna, prefix="anna")

    user_account_delete(anna, by=anna)

    pending = Order.objects.get(pk=rows["pending"].pk)
    assert pending.status == OrderStatus.CANCELLED
    assert pending.reason == "The buyer deleted their account."
    assert Product.objects.get(pk=rows["workshop"].pk).seats_taken == 0
    assert pending.items.get().holds_seat is False


def test_account_delete_removes_cart_waitlist_and_entitlements(anna):
    registration_of(anna, prefix="anna")

    user_account_delete(anna, by=anna)

    assert CartItem.objects.filter(user=anna).count() == 0
    assert WaitlistEntry.objects.filter(user=anna).count() == 0
    assert Entitlement.objects.filter(user=anna).count() == 0
    log = ActivityLog.objects.get(action="registration.account.anonymised")
    assert log.data == {
        "orders_cancelled": 1,
        "orders_anonymised": 2,
        "waitlist_entries_deleted": 1,
        "cart_items_deleted": 1,
        "entitlements_deleted": 3,
    }


def test_account_delete_moves_an_offered_seat_on_to_the_next_person(anna, ben):
    workshop = ProductFactory(kind=ProductKind.WORKSHOP_SEAT, capacity=1, seats_taken=1, offer_hours=24)
    WaitlistEntryFactory(user=anna, product=workshop, status=WaitlistStatus.OFFERED)
    next_in_line = WaitlistEntryFactory(user=ben, product=workshop)
    mail.outbox.clear()

    user_account_delete(anna, by=anna)

    next_in_line.refresh_from_db()
    assert next_in_line.status == WaitlistStatus.OFFERED
    assert next_in_line.offer_expires_at is not None
    assert Product.objects.get(pk=workshop.pk).seats_taken == 1
    assert [message.to for message in mail.outbox] == [["ben@example.org"]]


def test_account_delete_leaves_another_members_registration_alone(anna, ben):
    registration_of(anna, prefix="anna")
    ben_rows = registration_of(ben, prefix="ben")
    before = json.dumps(selectors.user_personal_data(user=ben)["registration"], sort_keys=True)

    user_account_delete(anna, by=anna)

    after = json.dumps(selectors.user_personal_data(user=ben)["registration"], sort_keys=True)
    assert after == before
    assert Order.objects.get(pk=ben_rows["pending"].pk).status == OrderStatus.PENDING
    assert Entitlement.objects.filter(user=ben, scope=EntitlementScope.EVENT).count() == 3
