"""The buyer's pages: prices as each visitor sees them, the cart and checkout, "My orders", an order, "My
access" and paying a membership fee; every page for its user, and the flow end to end through the client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from rostrum.memberships.enums import MembershipStatus
from rostrum.registration import services
from rostrum.registration.enums import (
    EntitlementScope,
    EntitlementSource,
    OrderStatus,
    ProductKind,
    VoucherKind,
    WaitlistStatus,
)
from rostrum.registration.models import CartItem, Order, WaitlistEntry
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory
from tests.factories.programme import EventFactory, SessionFactory
from tests.factories.registration import EntitlementFactory, PriceFactory, ProductFactory, VoucherFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Invoice PDFs are written outside MEDIA_ROOT; each test gets its own folder.
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def congress(db):
    return EventFactory(slug="ecr-2030", title="European Congress of Radiology 2030")


@pytest.fixture
def full_member_type(db):
    return MembershipTypeFactory(code="full", name="Full Membership")


@pytest.fixture
def registration(congress, full_member_type):
    product = ProductFactory(
        event=congress, code="ecr2030-congress", name="Congress registration", position=1
    )
    PriceFactory(product=product, amount=Decimal("400.00"))
    PriceFactory(product=product, amount=Decimal("250.00"), membership_type=full_member_type)
    return product


@pytest.fixture
def workshop(congress):
    session = SessionFactory(event=congress, code="HW 104", slug="hw-104", title="Ultrasound-guided biopsy")
    product = ProductFactory(
        event=congress,
        code="ecr2030-hw104",
        name="Hands-on workshop: ultrasound-guided biopsy",
        kind=ProductKind.WORKSHOP_SEAT,
        capacity=1,
        session=session,
        position=2,
    )
    PriceFactory(product=product, amount=Decimal("60.00"))
    return product


@pytest.fixture
def buyer(db):
    return UserFactory(
        email="anna@example.at",
        country="AT",
        institution="Medical University of Vienna",
        certificate_name="Dr. Anna Berg",
    )


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# ---- Products ---------------------------------------------------------------------------------------------


def test_event_page_for_anonymous_shows_price_for_everyone_and_sign_in(client, registration, workshop):
    page = page_of(client.get("/events/ecr-2030/registration/"))

    assert "<h1>European Congress of Radiology 2030</h1>" in page
    assert "Congress registration" in page
    assert "€400.00" in page
    assert "€250.00" not in page
    assert "Sign in for member prices" in page
    assert "1 of 1 seat left" in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_event_page_costs_the_same_for_more_products(
    client, buyer, congress, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(buyer)
    for _ in range(2):
        PriceFactory(product=ProductFactory(event=congress, session=SessionFactory(event=congress)))
    with django_assert_max_num_queries(20) as few:
        page_of(client.get("/events/ecr-2030/registration/"))
    for _ in range(4):
        PriceFactory(product=ProductFactory(event=congress, session=SessionFactory(event=congress)))

    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(client.get("/events/ecr-2030/registration/"))


def test_event_page_for_member_shows_member_price(buyer_client, buyer, registration, full_member_type):
    MembershipFactory(user=buyer, membership_type=full_member_type, valid_from=None, valid_until=None)

    page = page_of(buyer_client.get("/events/ecr-2030/registration/"))

    assert "€250.00" in page
    assert "Full Membership" in page
    assert "Add to cart" in page
    assert "Sign in for member prices" not in page


def test_event_page_without_products_says_registration_is_not_open(client, congress):
    page = page_of(client.get("/events/ecr-2030/registration/"))

    assert "Registration for European Congress of Radiology 2030 is not open yet." in page


def test_event_page_of_unknown_event_is_404(client, db):
    assert client.get("/events/nothing/registration/").status_code == 404


def test_programme_page_links_registration_when_event_has_products(client, registration):
    page = page_of(client.get("/events/ecr-2030/"))

    assert 'href="/events/ecr-2030/registration/"' in page


def test_programme_page_has_no_registration_link_without_products(client, congress):
    page = page_of(client.get("/events/ecr-2030/"))

    assert "/registration/" not in page


def test_product_page_for_anonymous_asks_to_sign_in(client, registration):
    page = page_of(client.get("/registration/products/ecr2030-congress/"))

    assert "<h1>Congress registration</h1>" in page
    assert "Sign in to order" in page
    assert "/accounts/login/?next=/registration/products/ecr2030-congress/" in page


def test_product_page_of_inactive_product_is_404(client, registration):
    registration.is_active = False
    registration.save()

    assert client.get("/registration/products/ecr2030-congress/").status_code == 404


# ---- Sign-in required -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/registration/cart/", "/account/orders/", "/account/orders/ABCDEFGH/", "/account/access/"]
)
def test_buyer_pages_send_anonymous_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    "url",
    [
        "/registration/products/ecr2030-congress/add/",
        "/registration/products/ecr2030-congress/waitlist/",
        "/registration/memberships/1/pay/",
    ],
)
def test_buyer_actions_send_anonymous_to_sign_in(client, registration, url):
    response = client.post(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert CartItem.objects.count() == 0


# ---- Cart and checkout ------------------------------------------------------------------------------------


def test_empty_cart_says_so(buyer_client):
    page = page_of(buyer_client.get("/registration/cart/"))

    assert "<h1>Your cart</h1>" in page
    assert "Your cart is empty." in page


def test_cart_prefills_buyer_details_from_profile(buyer_client, buyer, registration):
    CartItem.objects.create(user=buyer, product=registration)

    page = page_of(buyer_client.get("/registration/cart/"))

    assert 'value="Medical University of Vienna"' in page
    assert '<option value="AT" selected>Austria</option>' in page
    assert "€400.00" in page
    assert "Place the order" in page


def test_cart_remove_takes_the_product_out(buyer_client, buyer, registration):
    CartItem.objects.create(user=buyer, product=registration)

    response = buyer_client.post("/registration/cart/ecr2030-congress/remove/", follow=True)

    assert "Your cart is empty." in page_of(response)
    assert CartItem.objects.count() == 0


def test_checkout_with_voucher_by_bank_transfer_end_to_end(buyer_client, buyer, registration, workshop):
    VoucherFactory(code="HALF", kind=VoucherKind.PERCENTAGE, value=Decimal("50.00"), event=registration.event)

    added = buyer_client.post("/registration/products/ecr2030-congress/add/", follow=True)
    assert added.redirect_chain == [("/registration/cart/", 302)]
    assert "Congress registration is in your cart." in page_of(added)
    buyer_client.post("/registration/products/ecr2030-hw104/add/")
    response = buyer_client.post(
        "/registration/cart/",
        {
            "voucher": "half",
            "payment_provider": "bank_transfer",
            "organisation": "Medical University of Vienna",
            "address": "Spitalgasse 23\n1090 Vienna",
            "country": "AT",
            "vat_id": "",
        },
        follow=True,
    )

    order = Order.objects.get(buyer=buyer)
    assert response.redirect_chain == [(f"/account/orders/{order.code}/", 302)]
    page = page_of(response)
    assert order.status == OrderStatus.PENDING
    assert order.total == Decimal("230.00")
    assert f'<h1 class="auth-title">Order {order.code}</h1>' in page
    assert "Awaiting payment" in page
    assert "€230.00" in page
    assert "IBAN AT00 0000 0000 0000 0000" in page
    assert f'<strong class="code">{order.code}</strong>' in page
    assert "Spitalgasse 23<br>1090 Vienna" in page
    assert f"Cancel order {order.code}" in page
    assert CartItem.objects.filter(user=buyer).count() == 0
    assert [m.to for m in mail.outbox] == [["anna@example.at"]]

    orders = page_of(buyer_client.get("/account/orders/"))
    assert f'href="/account/orders/{order.code}/"' in orders
    assert "Hands-on workshop: ultrasound-guided biopsy" in orders
    held = page_of(buyer_client.get("/registration/products/ecr2030-congress/"))
    assert "You hold this" in held


def test_checkout_with_unknown_voucher_shows_the_error_in_the_form(buyer_client, buyer, registration):
    CartItem.objects.create(user=buyer, product=registration)

    response = buyer_client.post(
        "/registration/cart/", {"voucher": "NOSUCHCODE", "payment_provider": "bank_transfer", "country": "AT"}
    )

    page = page_of(response)
    assert 'class="field field-invalid"' in page
    assert "NOSUCHCODE" in page
    assert Order.objects.count() == 0
    assert CartItem.objects.filter(user=buyer).count() == 1


def test_checkout_with_free_voucher_completes_at_once(buyer_client, buyer, registration):
    VoucherFactory(code="SPEAKER", kind=VoucherKind.FREE)
    CartItem.objects.create(user=buyer, product=registration)

    response = buyer_client.post(
        "/registration/cart/",
        {"voucher": "speaker", "payment_provider": "bank_transfer", "country": "AT"},
        follow=True,
    )

    order = Order.objects.get(buyer=buyer)
    page = page_of(response)
    assert order.status == OrderStatus.PAID
    assert f"Thank you! Your order {order.code} is complete." in page
    assert "How to pay" not in page
    assert "Cancel order" not in page
    access = page_of(buyer_client.get("/account/access/"))
    assert "European Congress of Radiology 2030" in access
    assert f'href="/account/orders/{order.code}/"' in access


def test_paid_order_links_its_invoice(buyer_client, buyer, registration, staff_user):
    order = services.order_place(buyer=buyer, products=[registration], payment_provider="bank_transfer")
    services.order_mark_paid(order, by=staff_user)
    invoice = order.invoices.get()

    page = page_of(buyer_client.get(f"/account/orders/{order.code}/"))

    download = buyer_client.get(f"/account/invoices/{invoice.number}.pdf")
    assert f'href="/account/invoices/{invoice.number}.pdf"' in page
    assert "Paid" in page
    assert "How to pay" not in page
    assert "Cancel order" not in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_sold_out_workshop_offers_the_waitlist_to_join_and_leave(buyer_client, buyer, workshop):
    services.order_place(buyer=UserFactory(), products=[workshop], payment_provider="bank_transfer")
    services.waitlist_join(user=UserFactory(), product=workshop)

    product = page_of(buyer_client.get("/registration/products/ecr2030-hw104/"))
    assert "Sold out" in product
    assert "Join the waitlist" in product
    assert "Add to cart" not in product

    joined = buyer_client.post("/registration/products/ecr2030-hw104/waitlist/", follow=True)
    assert "You are on the waitlist for Hands-on workshop" in page_of(joined)
    assert "On the waitlist" in page_of(joined)
    entry = WaitlistEntry.objects.get(user=buyer)
    access = page_of(buyer_client.get("/account/access/"))
    assert "Waiting" in access
    assert "you are number 2 in the queue" in access
    assert "Leave the waitlist" in access

    left = buyer_client.post(f"/account/access/waitlist/{entry.pk}/leave/", follow=True)
    assert "You left the waitlist for Hands-on workshop" in page_of(left)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT


def test_add_sold_out_product_to_cart_shows_why_not(buyer_client, buyer, workshop):
    services.order_place(buyer=UserFactory(), products=[workshop], payment_provider="bank_transfer")

    response = buyer_client.post("/registration/products/ecr2030-hw104/add/", follow=True)

    page = page_of(response)
    assert 'class="message message-error"' in page
    assert CartItem.objects.filter(user=buyer).count() == 0


def test_cancel_pending_order_releases_the_seat(buyer_client, buyer, workshop):
    order = services.order_place(buyer=buyer, products=[workshop], payment_provider="bank_transfer")

    response = buyer_client.post(f"/account/orders/{order.code}/cancel/", follow=True)

    page = page_of(response)
    order.refresh_from_db()
    workshop.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert workshop.seats_taken == 0
    assert f"Your order {order.code} is cancelled." in page
    assert "Cancel order" not in page


# ---- Orders and access ------------------------------------------------------------------------------------


def test_my_orders_without_orders_says_so(buyer_client):
    page = page_of(buyer_client.get("/account/orders/"))

    assert '<h1 class="auth-title">My orders</h1>' in page
    assert "You have no orders yet." in page
    assert 'aria-current="page">Orders</a>' in page


def test_my_access_lists_entitlements_with_source_and_end(buyer_client, buyer, congress):
    session = SessionFactory(
        event=congress, code="RC 101", slug="rc-101", title="Imaging of the acute abdomen"
    )
    EntitlementFactory(
        user=buyer,
        event=congress,
        live=False,
        on_demand=True,
        valid_until=dt.datetime(2030, 12, 31, 23, 59, tzinfo=congress.tz),
    )
    EntitlementFactory(user=buyer, scope=EntitlementScope.SESSION, session=session, event=None, live=True)

    page = page_of(buyer_client.get("/account/access/"))

    assert '<h1 class="auth-title">My access</h1>' in page
    assert "European Congress of Radiology 2030" in page
    assert "RC 101 Imaging of the acute abdomen" in page
    assert "Until 31 December 2030" in page
    assert "On demand" in page
    assert "Live" in page
    assert "Granted by staff" in page
    assert "You are on no waitlist." in page


def test_my_access_without_anything_says_so(buyer_client):
    page = page_of(buyer_client.get("/account/access/"))

    assert "You have no access to recordings or live streams yet." in page
    assert "You are on no waitlist." in page


def test_my_access_shows_membership_source(buyer_client, buyer, congress):
    membership = MembershipFactory(user=buyer, valid_from=None, valid_until=None)
    EntitlementFactory(user=buyer, source=EntitlementSource.MEMBERSHIP, membership=membership, event=congress)

    page = page_of(buyer_client.get("/account/access/"))

    assert f"With your {membership.membership_type.name}" in page


# ---- Membership fee ---------------------------------------------------------------------------------------


def test_membership_pending_payment_is_paid_by_order(buyer_client, buyer, full_member_type):
    membership = MembershipFactory(
        user=buyer,
        membership_type=full_member_type,
        status=MembershipStatus.PENDING_PAYMENT,
        valid_from=None,
        valid_until=None,
    )
    mine = page_of(buyer_client.get("/account/memberships/"))
    assert f'action="/registration/memberships/{membership.pk}/pay/"' in mine

    response = buyer_client.post(f"/registration/memberships/{membership.pk}/pay/", follow=True)

    order = Order.objects.get(buyer=buyer)
    assert response.redirect_chain == [(f"/account/orders/{order.code}/", 302)]
    page = page_of(response)
    assert order.items.get().membership == membership
    assert "€11.00" in page
    assert "How to pay" in page


def test_membership_already_active_cannot_be_paid(buyer_client, buyer):
    membership = MembershipFactory(user=buyer, valid_from=None, valid_until=None)

    response = buyer_client.post(f"/registration/memberships/{membership.pk}/pay/", follow=True)

    assert response.redirect_chain == [("/account/memberships/", 302)]
    assert 'class="message message-error"' in page_of(response)
    assert Order.objects.count() == 0


def test_refunded_order_links_invoice_and_credit_note(buyer_client, buyer, registration, staff_user):
    order = services.order_place(buyer=buyer, products=[registration], payment_provider="bank_transfer")
    services.order_mark_paid(order, by=staff_user)
    services.order_refund(order, by=staff_user, reason="The congress moved online; we refund in full.")
    invoice, credit_note = order.invoices.order_by("pk")

    page = page_of(buyer_client.get(f"/account/orders/{order.code}/"))

    assert "Refunded" in page
    assert "The congress moved online; we refund in full." in page
    assert f'href="/account/invoices/{invoice.number}.pdf"' in page
    assert f'href="/account/invoices/{credit_note.number}.pdf"' in page
    assert f"Credit note {credit_note.number}" in page


def test_seat_offered_from_the_waitlist_is_taken_through_checkout(buyer_client, buyer, workshop, staff_user):
    first = services.order_place(buyer=UserFactory(), products=[workshop], payment_provider="bank_transfer")
    buyer_client.post("/registration/products/ecr2030-hw104/waitlist/")
    services.order_cancel(first, by=staff_user, reason="Unpaid.")

    product = page_of(buyer_client.get("/registration/products/ecr2030-hw104/"))
    assert "A seat is held for you" in product
    access = page_of(buyer_client.get("/account/access/"))
    assert "Seat offered" in access
    buyer_client.post("/registration/products/ecr2030-hw104/add/")
    response = buyer_client.post(
        "/registration/cart/", {"payment_provider": "bank_transfer", "country": "AT"}
    )

    order = Order.objects.get(buyer=buyer)
    workshop.refresh_from_db()
    assert response.status_code == 302
    assert order.items.get().product == workshop
    assert workshop.seats_taken == 1
    assert WaitlistEntry.objects.get(user=buyer).status == WaitlistStatus.ACCEPTED


def test_sold_out_product_after_sales_closed_offers_no_waitlist(buyer_client, workshop):
    services.order_place(buyer=UserFactory(), products=[workshop], payment_provider="bank_transfer")
    workshop.available_until = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    workshop.save()

    page = page_of(buyer_client.get("/registration/products/ecr2030-hw104/"))

    assert "Join the waitlist" not in page
    assert "Sales closed on 1 January 2026" in page
