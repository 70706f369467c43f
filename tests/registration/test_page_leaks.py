"""Leak tests of the buyer's pages: user A never sees, changes or learns of user B's order, invoice, cart,
waitlist entry, membership or access; B's rows answer 404 to A, exactly as rows that do not exist."""

from decimal import Decimal

import pytest

from rostrum.memberships.enums import MembershipStatus
from rostrum.registration import services
from rostrum.registration.enums import OrderStatus, ProductKind, WaitlistStatus
from rostrum.registration.models import CartItem, Order, WaitlistEntry
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory
from tests.factories.programme import EventFactory
from tests.factories.registration import (
    EntitlementFactory,
    PriceFactory,
    ProductFactory,
    WaitlistEntryFactory,
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def product(db):
    product = ProductFactory(event=EventFactory(slug="ecr-2030"), code="ecr2030-congress", name="Congress")
    PriceFactory(product=product, amount=Decimal("400.00"))
    return product


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.at")


@pytest.fixture
def bruno(db):
    return UserFactory(email="bruno@example.it", institution="Ospedale San Raffaele")


@pytest.fixture
def bruno_order(bruno, product):
    return services.order_place(
        buyer=bruno,
        products=[product],
        payment_provider="bank_transfer",
        buyer_details={"organisation": "Ospedale San Raffaele", "address": "Via Olgettina 60, Milano"},
    )


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


def test_order_page_of_another_buyer_is_404(anna_client, bruno_order):
    assert anna_client.get(f"/account/orders/{bruno_order.code}/").status_code == 404
    assert anna_client.get(f"/account/orders/{bruno_order.code.lower()}/").status_code == 404


def test_cancel_of_another_buyers_order_is_404_and_changes_nothing(anna_client, bruno_order):
    response = anna_client.post(f"/account/orders/{bruno_order.code}/cancel/")

    bruno_order.refresh_from_db()
    assert response.status_code == 404
    assert bruno_order.status == OrderStatus.PENDING


def test_my_orders_lists_only_my_orders(anna_client, anna, product, bruno_order):
    other = ProductFactory(event=product.event, code="ecr2030-hw", name="Workshop")
    PriceFactory(product=other, amount=Decimal("50.00"))
    mine = services.order_place(buyer=anna, products=[other], payment_provider="bank_transfer")

    page = anna_client.get("/account/orders/").content.decode()

    assert mine.code in page
    assert bruno_order.code not in page
    assert "Congress" not in page


def test_invoice_of_another_buyer_is_neither_linked_nor_served(anna_client, anna, bruno_order, staff_user):
    services.order_mark_paid(bruno_order, by=staff_user)
    invoice = bruno_order.invoices.get()

    orders = anna_client.get("/account/orders/").content.decode()
    download = anna_client.get(f"/account/invoices/{invoice.number}.pdf")

    assert invoice.number not in orders
    assert download.status_code == 404


def test_cart_shows_neither_another_users_cart_nor_their_details(anna_client, bruno, product, bruno_order):
    CartItem.objects.create(user=bruno, product=ProductFactory(event=product.event, name="Bruno's pass"))

    page = anna_client.get("/registration/cart/").content.decode()

    assert "Your cart is empty." in page
    assert "Bruno's pass" not in page
    assert "Ospedale San Raffaele" not in page
    assert "Via Olgettina" not in page


def test_remove_from_another_users_cart_is_404(anna_client, bruno, product):
    CartItem.objects.create(user=bruno, product=product)

    response = anna_client.post(f"/registration/cart/{product.code}/remove/")

    assert response.status_code == 404
    assert CartItem.objects.filter(user=bruno).count() == 1


def test_product_page_does_not_tell_of_another_buyers_order(anna_client, product, bruno_order):
    page = anna_client.get(f"/registration/products/{product.code}/").content.decode()

    assert "You hold this" not in page
    assert bruno_order.code not in page
    assert "Add to cart" in page


def test_access_page_shows_only_my_entitlements_and_waitlists(anna_client, bruno):
    EntitlementFactory(user=bruno, event=EventFactory(title="Bruno's Highlight Week"))
    WaitlistEntryFactory(
        user=bruno, product__name="Bruno's workshop", product__kind=ProductKind.WORKSHOP_SEAT
    )

    page = anna_client.get("/account/access/").content.decode()

    assert "Bruno's Highlight Week" not in page
    assert "Bruno's workshop" not in page
    assert "You have no access to recordings or live streams yet." in page
    assert "You are on no waitlist." in page


def test_leave_of_another_users_waitlist_entry_is_404(anna_client, bruno):
    entry = WaitlistEntryFactory(user=bruno)

    response = anna_client.post(f"/account/access/waitlist/{entry.pk}/leave/")

    entry.refresh_from_db()
    assert response.status_code == 404
    assert entry.status == WaitlistStatus.WAITING
    assert WaitlistEntry.objects.count() == 1


def test_pay_of_another_members_membership_is_404(anna_client, bruno):
    membership = MembershipFactory(user=bruno, status=MembershipStatus.PENDING_PAYMENT)

    response = anna_client.post(f"/registration/memberships/{membership.pk}/pay/")

    assert response.status_code == 404
    assert Order.objects.count() == 0
