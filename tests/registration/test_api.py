"""Registration's API: products with the visitor's own price, a buyer's orders, entitlements and access, and
the staff's orders with their actions. Broken rules answer 400 {"detail", "field"}; the schema lists all."""

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rostrum.registration import services
from rostrum.registration.enums import EntitlementScope, OrderStatus, PaymentProviderCode
from rostrum.registration.models import Order
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory
from tests.factories.programme import EventFactory, SessionFactory
from tests.factories.registration import EntitlementFactory, PriceFactory, ProductFactory, VoucherFactory
from tests.registration.orders_support import buyer, priced, workshop

API = "/api/v1"


@pytest.fixture
def seat(event):
    return workshop(1, "80.00", event=event, code="ecr2030-ultrasound", name="Hands-on ultrasound")


@pytest.fixture
def member(db):
    return buyer(email="anna@example.org")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def place(user, *products, **kwargs):
    return services.order_place(
        buyer=user, products=list(products), payment_provider=PaymentProviderCode.BANK_TRANSFER, **kwargs
    )


def staff_with(*codenames: str):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="registration", codename__in=codenames)
    )
    return user


def csrf_client(user) -> tuple[Client, dict]:
    """A client that checks CSRF as a browser's would, and the header that passes the check."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(f"{API}/me/orders/")
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        browser.cookies["csrftoken"] = token
    return browser, {"HTTP_X_CSRFTOKEN": token}


# ---- Products ---------------------------------------------------------------------------------------------


def test_products_for_a_visitor_show_the_price_for_everyone(client, congress, seat):
    response = client.get(f"{API}/products/", {"event": "ecr-2030"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "code": "ecr2030-congress",
        "name": "ECR 2030 congress registration",
        "kind": "congress_registration",
        "description": "",
        "event": "ecr-2030",
        "session": None,
        "currency": "EUR",
        "amount": "450.00",
        "amount_display": first["amount_display"],
        "label": first["label"],
        "available": True,
        "reason": "",
        "sold_out": False,
        "capacity": None,
        "seats_left": None,
        "available_from": None,
        "available_until": None,
    }
    assert "450" in first["amount_display"]
    assert body["results"][1]["seats_left"] == 1


def test_products_for_a_member_show_the_member_price(member_client, member, event):
    full = MembershipTypeFactory(name="Full Membership")
    today = timezone.localdate()
    MembershipFactory(
        user=member,
        membership_type=full,
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=300),
    )
    product = ProductFactory(event=event, code="ecr2030-congress")
    PriceFactory(product=product, amount=Decimal("450.00"))
    PriceFactory(product=product, membership_type=full, amount=Decimal("300.00"))

    [quote] = member_client.get(f"{API}/products/", {"event": "ecr-2030"}).json()["results"]

    assert quote["amount"] == "300.00"
    assert "Full Membership" in quote["label"]


def test_products_show_a_sold_out_seat(member_client, seat):
    place(buyer(), seat)

    [quote] = member_client.get(f"{API}/products/", {"event": "ecr-2030"}).json()["results"]

    assert (quote["sold_out"], quote["available"], quote["seats_left"]) == (True, False, 0)
    assert quote["reason"]


def test_products_need_an_event(client, db):
    response = client.get(f"{API}/products/")

    assert response.status_code == 400
    assert response.json() == {"detail": "This field is required.", "field": "event"}


def test_products_of_an_unknown_or_unpublished_event_are_404(client, db):
    EventFactory(slug="draft-2031", is_published=False)

    assert client.get(f"{API}/products/", {"event": "ecr-2099"}).status_code == 404
    assert client.get(f"{API}/products/", {"event": "draft-2031"}).status_code == 404


def test_products_cost_a_fixed_number_of_queries(member_client, event, django_assert_max_num_queries):
    session = SessionFactory(event=event)
    for n in range(8):
        priced("10.00", event=event, code=f"course-{n}", session=session if n % 2 else None)

    with django_assert_max_num_queries(10):
        response = member_client.get(f"{API}/products/", {"event": "ecr-2030"})
    assert response.json()["count"] == 8
    assert response.json()["results"][1]["session"] == session.slug


# ---- My orders --------------------------------------------------------------------------------------------


def test_placing_an_order_answers_201_with_the_order(member_client, member, congress, seat):
    response = member_client.post(
        f"{API}/me/orders/",
        {
            "products": ["ecr2030-congress", "ecr2030-ultrasound"],
            "payment_provider": "bank_transfer",
            "buyer": {"country": "AT", "organisation": "Klinikum Wien", "address": "Spitalgasse 23"},
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get(buyer=member)
    assert body["code"] == order.code
    assert body["status"] == "pending"
    assert body["total"] == "530.00"
    assert body["payment_provider"] == "bank_transfer"
    assert [item["product"] for item in body["items"]] == ["ecr2030-congress", "ecr2030-ultrasound"]
    assert body["buyer"]["organisation"] == "Klinikum Wien"
    assert body["buyer"]["email"] == "anna@example.org"
    assert body["invoices"] == []
    assert body["expires_at"] is not None
    assert body["url"] == f"http://testserver/account/orders/{order.code}/"


def test_a_free_order_is_paid_at_once(member_client, event):
    priced("0.00", event=event, code="free-webinar")

    body = member_client.post(
        f"{API}/me/orders/", {"products": ["free-webinar"]}, content_type="application/json"
    ).json()

    assert (body["status"], body["total"], body["payment_provider"]) == ("paid", "0.00", "free")


def test_a_voucher_lowers_the_total(member_client, congress):
    VoucherFactory(code="HALF", value=Decimal("50.00"))

    body = member_client.post(
        f"{API}/me/orders/",
        {"products": ["ecr2030-congress"], "voucher": "half"},
        content_type="application/json",
    ).json()

    assert (body["total"], body["voucher"]) == ("225.00", "HALF")
    assert body["items"][0]["discount"] == "225.00"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "products"),
        ({"products": []}, "products"),
        ({"products": "ecr2030-congress"}, "products"),
        ({"products": ["no-such-product"]}, "products"),
        ({"products": ["ecr2030-congress", "ecr2030-congress"]}, "products"),
        ({"products": ["ecr2030-congress"], "voucher": "NOSUCH"}, "voucher"),
        ({"products": ["ecr2030-congress"], "payment_provider": "card"}, "payment_provider"),
        ({"products": ["ecr2030-congress"], "buyer": {"country": "XX"}}, "buyer.country"),
        ({"products": ["ecr2030-congress"], "buyer": {"country": "Austria"}}, "buyer.country"),
        ({"products": ["ecr2030-congress"], "buyer": {"country": "AT", "vat_id": "DE123"}}, "buyer.vat_id"),
        ({"products": ["ecr2030-congress"], "buyer": "Anna"}, "buyer"),
    ],
)
def test_an_order_the_rules_refuse_answers_400_with_detail_and_field(member_client, congress, payload, field):
    response = member_client.post(f"{API}/me/orders/", payload, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "field"}
    assert body["field"] == field
    assert body["detail"]
    assert not Order.objects.exists()


def test_ordering_a_sold_out_seat_answers_400(member_client, seat):
    place(buyer(), seat)

    response = member_client.post(
        f"{API}/me/orders/", {"products": ["ecr2030-ultrasound"]}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "products"
    assert "sold out" in response.json()["detail"]


def test_ordering_what_i_already_hold_answers_400(member_client, member, congress):
    place(member, congress)

    response = member_client.post(
        f"{API}/me/orders/", {"products": ["ecr2030-congress"]}, content_type="application/json"
    )

    assert response.status_code == 400
    assert Order.objects.filter(buyer=member).count() == 1


def test_ordering_needs_sign_in(client, congress):
    response = client.post(
        f"{API}/me/orders/", {"products": ["ecr2030-congress"]}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_ordering_needs_the_csrf_token(member, congress):
    browser, header = csrf_client(member)
    payload = {"products": ["ecr2030-congress"]}

    refused = browser.post(f"{API}/me/orders/", payload, content_type="application/json")
    accepted = browser.post(f"{API}/me/orders/", payload, content_type="application/json", **header)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_my_orders_list_newest_first_with_invoices(member_client, member, congress, seat, staff_user):
    first = place(member, congress)
    services.order_mark_paid(first, by=staff_user)
    second = place(member, seat)

    body = member_client.get(f"{API}/me/orders/").json()

    assert body["count"] == 2
    assert [order["code"] for order in body["results"]] == [second.code, first.code]
    [invoice] = body["results"][1]["invoices"]
    assert invoice["kind"] == "invoice"
    assert invoice["number"] == first.invoices.get().number
    assert invoice["pdf"] == f"http://testserver/account/invoices/{invoice['number']}.pdf"
    assert body["results"][1]["paid_at"] is not None


def test_my_orders_cost_a_fixed_number_of_queries(member_client, member, event, django_assert_num_queries):
    products = [priced("10.00", event=event, code=f"course-{n}") for n in range(6)]
    place(member, products[0])
    member_client.get(f"{API}/me/orders/")

    with CaptureQueriesContext(connection) as few:
        member_client.get(f"{API}/me/orders/")
    assert len(few) <= 7
    for product in products[1:]:
        place(member, product)
    with django_assert_num_queries(len(few.captured_queries)):
        response = member_client.get(f"{API}/me/orders/")
    assert response.json()["count"] == 6


def test_my_orders_are_paginated(member_client, member, event):
    for n in range(3):
        place(member, priced("10.00", event=event, code=f"course-{n}"))

    from rest_framework.pagination import PageNumberPagination

    PageNumberPagination.page_size, before = 2, PageNumberPagination.page_size
    try:
        first = member_client.get(f"{API}/me/orders/").json()
        second = member_client.get(f"{API}/me/orders/", {"page": 2}).json()
        past = member_client.get(f"{API}/me/orders/", {"page": 9})
    finally:
        PageNumberPagination.page_size = before

    assert (first["count"], len(first["results"]), len(second["results"])) == (3, 2, 1)
    assert first["next"].endswith("/api/v1/me/orders/?page=2")
    assert past.status_code == 404


def test_my_order_detail(member_client, member, congress):
    order = place(member, congress)

    response = member_client.get(f"{API}/me/orders/{order.code.lower()}/")

    assert response.status_code == 200
    assert response.json()["code"] == order.code


def test_my_orders_need_sign_in(client, congress):
    order = place(buyer(), congress)

    assert client.get(f"{API}/me/orders/").status_code == 403
    assert client.get(f"{API}/me/orders/{order.code}/").status_code == 403


# ---- Entitlements and access ------------------------------------------------------------------------------


def test_my_entitlements_come_from_paid_orders(member_client, member, seat, staff_user):
    order = place(member, seat)
    assert member_client.get(f"{API}/me/entitlements/").json()["results"] == []

    services.order_mark_paid(order, by=staff_user)
    body = member_client.get(f"{API}/me/entitlements/").json()

    [entitlement] = body["results"]
    assert entitlement["source"] == "order"
    assert entitlement["scope"] == "event"
    assert entitlement["event"] == "ecr-2030"
    assert (entitlement["live"], entitlement["on_demand"]) == (True, True)
    assert entitlement["id"] == str(order.items.get().entitlements.get().pk)


def test_my_entitlements_leave_out_withdrawn_access(member_client, member, event):
    EntitlementFactory(user=member, event=event)
    EntitlementFactory(user=member, event=event, revoked_at=timezone.now())

    assert member_client.get(f"{API}/me/entitlements/").json()["count"] == 1


def test_my_entitlements_name_their_content(member_client, member, event, django_assert_max_num_queries):
    session = SessionFactory(event=event)
    for _ in range(3):
        EntitlementFactory(user=member, scope=EntitlementScope.SESSION, event=None, session=session)
    EntitlementFactory(
        user=member, scope=EntitlementScope.CATALOGUE, event=None, catalogue="education-on-demand"
    )

    with django_assert_max_num_queries(8):
        results = member_client.get(f"{API}/me/entitlements/").json()["results"]

    assert [(r["scope"], r["event"], r["session"], r["catalogue"]) for r in results] == [
        ("session", "ecr-2030", session.slug, ""),
        ("session", "ecr-2030", session.slug, ""),
        ("session", "ecr-2030", session.slug, ""),
        ("catalogue", None, None, "education-on-demand"),
    ]


def test_my_entitlements_need_sign_in(client, db):
    assert client.get(f"{API}/me/entitlements/").status_code == 403


@pytest.fixture
def live_session(event):
    now = timezone.now()
    return SessionFactory(
        event=event, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=1)
    )


def test_access_during_a_session_with_an_entitlement_is_live(member_client, member, event, live_session):
    EntitlementFactory(user=member, event=event)

    response = member_client.get(f"{API}/me/access/", {"event": "ecr-2030", "session": live_session.slug})

    assert response.status_code == 200
    assert response.json() == {"allowed": True, "reason": "Live now.", "mode": "live"}


def test_access_without_an_entitlement_says_what_to_buy(member_client, congress, live_session):
    body = member_client.get(f"{API}/me/access/", {"event": "ecr-2030", "session": live_session.slug}).json()

    assert body["allowed"] is False
    assert body["mode"] is None
    assert congress.name in body["reason"]


def test_access_for_a_visitor_asks_to_sign_in(client, live_session):
    body = client.get(f"{API}/me/access/", {"event": "ecr-2030", "session": live_session.slug}).json()

    assert body["allowed"] is False
    assert "Sign in" in body["reason"]


def test_access_needs_event_and_session(member_client, live_session):
    missing = member_client.get(f"{API}/me/access/", {"event": "ecr-2030"})
    unknown = member_client.get(f"{API}/me/access/", {"event": "ecr-2030", "session": "nope"})

    assert (missing.status_code, missing.json()) == (
        400,
        {"detail": "This field is required.", "field": "session"},
    )
    assert unknown.status_code == 404


# ---- Staff ------------------------------------------------------------------------------------------------


def test_staff_list_orders_with_filters(client, staff_user, congress, seat):
    paid = place(buyer(email="anna@example.org"), congress)
    services.order_mark_paid(paid, by=staff_user)
    pending = place(buyer(email="ben@example.org"), seat)
    client.force_login(staff_user)

    def codes(**query):
        response = client.get(f"{API}/staff/orders/", query)
        assert response.status_code == 200
        return [order["code"] for order in response.json()["results"]]

    assert codes() == [pending.code, paid.code]
    assert codes(status="paid") == [paid.code]
    assert codes(event="ecr-2030", status="pending") == [pending.code]
    assert codes(product="ecr2030-congress") == [paid.code]
    assert codes(q="ben@") == [pending.code]


def test_staff_order_filters_refuse_unknown_values(client, staff_user):
    client.force_login(staff_user)

    bad_status = client.get(f"{API}/staff/orders/", {"status": "lost"})
    unknown_event = client.get(f"{API}/staff/orders/", {"event": "ecr-2099"})

    assert bad_status.status_code == 400
    assert bad_status.json()["field"] == "status"
    assert unknown_event.status_code == 404


def test_staff_order_list_costs_a_fixed_number_of_queries(
    client, staff_user, event, django_assert_num_queries
):
    products = [priced("10.00", event=event, code=f"course-{n}") for n in range(5)]
    place(buyer(), products[0])
    client.force_login(staff_user)
    client.get(f"{API}/staff/orders/")

    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/staff/orders/")
    assert len(few) <= 8
    for product in products[1:]:
        place(buyer(), product)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"{API}/staff/orders/")


def test_staff_order_detail(client, staff_user, congress):
    order = place(buyer(email="anna@example.org"), congress)
    client.force_login(staff_user)

    body = client.get(f"{API}/staff/orders/{order.code}/").json()

    assert (body["code"], body["buyer"]["email"]) == (order.code, "anna@example.org")
    assert client.get(f"{API}/staff/orders/NOSUCH23/").status_code == 404


def test_staff_mark_paid_pays_the_order(client, staff_user, congress):
    order = place(buyer(), congress)
    client.force_login(staff_user)

    response = client.post(
        f"{API}/staff/orders/{order.code}/mark-paid/",
        {"reference": "BANK-7"},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "paid"
    assert len(body["invoices"]) == 1
    order.refresh_from_db()
    assert order.payments.get().reference == "BANK-7"


def test_staff_cancel_releases_the_seat(client, staff_user, seat):
    order = place(buyer(), seat)
    client.force_login(staff_user)

    response = client.post(
        f"{API}/staff/orders/{order.code}/cancel/",
        {"reason": "Asked by phone"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("cancelled", "Asked by phone")
    seat.refresh_from_db()
    assert seat.seats_taken == 0


def test_staff_refund_needs_a_reason_and_issues_a_credit_note(client, staff_user, congress):
    order = place(buyer(), congress)
    services.order_mark_paid(order, by=staff_user)
    client.force_login(staff_user)
    url = f"{API}/staff/orders/{order.code}/refund/"

    missing = client.post(url, {}, content_type="application/json")
    refunded = client.post(url, {"reason": "Visa refused"}, content_type="application/json")

    assert (missing.status_code, missing.json()["field"]) == (400, "reason")
    assert refunded.status_code == 200
    assert refunded.json()["status"] == "refunded"
    assert [invoice["kind"] for invoice in refunded.json()["invoices"]] == ["invoice", "credit_note"]


def test_staff_action_the_status_forbids_answers_400(client, staff_user, congress):
    order = place(buyer(), congress)
    client.force_login(staff_user)

    response = client.post(
        f"{API}/staff/orders/{order.code}/refund/", {"reason": "x"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "field"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_staff_who_may_only_view_cannot_act(client, congress):
    order = place(buyer(), congress)
    client.force_login(staff_with("view_order"))

    assert client.get(f"{API}/staff/orders/").status_code == 200
    response = client.post(f"{API}/staff/orders/{order.code}/mark-paid/", {}, content_type="application/json")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


# ---- The schema -------------------------------------------------------------------------------------------


def test_schema_lists_every_registration_endpoint(client, db):
    schema = yaml.safe_load(client.get(f"{API}/schema/").content)

    paths = schema["paths"]
    assert {
        "/api/v1/products/",
        "/api/v1/me/orders/",
        "/api/v1/me/orders/{code}/",
        "/api/v1/me/entitlements/",
        "/api/v1/me/access/",
        "/api/v1/staff/orders/",
        "/api/v1/staff/orders/{code}/",
        "/api/v1/staff/orders/{code}/mark-paid/",
        "/api/v1/staff/orders/{code}/refund/",
        "/api/v1/staff/orders/{code}/cancel/",
    } <= set(paths)
    assert set(paths["/api/v1/me/orders/"]) >= {"get", "post"}
    assert set(paths["/api/v1/me/orders/"]["post"]["responses"]) == {"201", "400", "403"}
    assert {p["name"] for p in paths["/api/v1/staff/orders/"]["get"]["parameters"]} == {
        "status",
        "event",
        "product",
        "q",
        "page",
    }
    error = schema["components"]["schemas"]["Error"]["properties"]
    assert set(error) == {"detail", "field"}
    assert set(schema["components"]["schemas"]["Order"]["properties"]) >= {
        "code",
        "status",
        "items",
        "invoices",
    }
