"""Leaks through the API: user A never sees user B's orders, entitlements, invoices or profile, and nobody
but staff allowed to manage orders reaches the staff endpoints."""

import json

import pytest
from django.contrib.auth.models import Permission

from rostrum.registration import services
from rostrum.registration.enums import PaymentProviderCode
from rostrum.registration.models import Order
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory, SessionFactory
from tests.factories.registration import EntitlementFactory
from tests.registration.orders_support import buyer, priced, workshop

API = "/api/v1"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def event(db):
    return EventFactory(slug="ecr-2030")


@pytest.fixture
def two_buyers(event, staff_user):
    """Anna and Bruno, each with a paid order (invoice, entitlement), a pending one and a staff grant."""
    congress = priced("450.00", event=event, code="ecr2030-congress")
    seat = workshop(5, "80.00", event=event, code="ecr2030-ultrasound")
    people = {}
    for name, email, institution in (
        ("anna", "anna@example.org", "Klinikum Wien"),
        ("bruno", "bruno.secret@example.org", "Ospedale Segreto"),
    ):
        user = buyer(
            email=email, first_name=name.title(), last_name=f"{name.title()}son", institution=institution
        )
        paid = services.order_place(
            buyer=user,
            products=[congress],
            payment_provider=PaymentProviderCode.BANK_TRANSFER,
            buyer_details={"address": f"{name} street 1"},
        )
        services.order_mark_paid(paid, by=staff_user)
        pending = services.order_place(
            buyer=user, products=[seat], payment_provider=PaymentProviderCode.BANK_TRANSFER
        )
        grant = EntitlementFactory(user=user, event=event, note=f"granted to {name}")
        people[name] = {"user": user, "orders": [paid, pending], "grant": grant}
    return people


def secrets_of(person) -> list[str]:
    """Everything of a person's that must not appear in another person's answers."""
    user = person["user"]
    paid = person["orders"][0]
    return [
        user.email,
        user.last_name,
        user.institution,
        *[order.code for order in person["orders"]],
        paid.invoices.get().number,
        paid.buyer_address,
        str(person["grant"].pk),
        *[str(entitlement.pk) for entitlement in paid.items.get().entitlements.all()],
    ]


def me_urls(person) -> list[str]:
    return [
        f"{API}/me/orders/",
        f"{API}/me/entitlements/",
        f"{API}/products/?event=ecr-2030",
        *[f"{API}/me/orders/{order.code}/" for order in person["orders"]],
    ]


def test_a_buyer_sees_only_their_own_orders_entitlements_and_invoices(client, two_buyers):
    anna, bruno = two_buyers["anna"], two_buyers["bruno"]
    client.force_login(anna["user"])

    seen = ""
    for url in me_urls(anna):
        response = client.get(url)
        assert (url, response.status_code) == (url, 200)
        seen += response.content.decode()

    for secret in secrets_of(bruno):
        assert secret not in seen
    orders = client.get(f"{API}/me/orders/").json()["results"]
    assert sorted(order["code"] for order in orders) == sorted(order.code for order in anna["orders"])
    entitlements = client.get(f"{API}/me/entitlements/").json()["results"]
    assert {e["id"] for e in entitlements} >= {str(anna["grant"].pk)}
    assert len(entitlements) == 2


def test_another_buyers_order_answers_404_as_an_unknown_one(client, two_buyers):
    client.force_login(two_buyers["anna"]["user"])

    unknown = client.get(f"{API}/me/orders/NOSUCH23/")
    for order in two_buyers["bruno"]["orders"]:
        for code in (order.code, order.code.lower()):
            response = client.get(f"{API}/me/orders/{code}/")
            # The same answer as for a code nobody has: only the code asked is echoed.
            assert response.status_code == unknown.status_code == 404
            assert response.content.decode().replace(order.code, "NOSUCH23") == unknown.content.decode()


def test_ordering_never_orders_for_somebody_else(client, two_buyers, event):
    anna, bruno = two_buyers["anna"], two_buyers["bruno"]
    priced("20.00", event=event, code="ecr2030-course")
    client.force_login(anna["user"])

    response = client.post(
        f"{API}/me/orders/",
        {
            "products": ["ecr2030-course"],
            "buyer": {"email": bruno["user"].email, "name": "Bruno", "user": bruno["user"].pk},
            "buyer_id": bruno["user"].pk,
            "user": bruno["user"].pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    order = Order.objects.get(code=response.json()["code"])
    assert order.buyer == anna["user"]
    assert order.buyer_email == anna["user"].email
    assert bruno["user"].email not in response.content.decode()


def test_access_answers_only_from_the_askers_entitlements(client, two_buyers, event):
    session = SessionFactory(event=event)
    stranger = buyer()
    client.force_login(stranger)

    body = client.get(f"{API}/me/access/", {"event": "ecr-2030", "session": session.slug}).json()

    assert body["allowed"] is False
    for secret in secrets_of(two_buyers["anna"]):
        assert secret not in json.dumps(body)


def test_a_buyer_with_nothing_sees_nothing(client, two_buyers):
    client.force_login(buyer())

    assert client.get(f"{API}/me/orders/").json()["count"] == 0
    assert client.get(f"{API}/me/entitlements/").json()["count"] == 0


def staff_requests(order) -> list[tuple[str, str]]:
    return [
        ("get", f"{API}/staff/orders/"),
        ("get", f"{API}/staff/orders/?q={order.buyer_email}"),
        ("get", f"{API}/staff/orders/{order.code}/"),
        ("post", f"{API}/staff/orders/{order.code}/mark-paid/"),
        ("post", f"{API}/staff/orders/{order.code}/refund/"),
        ("post", f"{API}/staff/orders/{order.code}/cancel/"),
    ]


@pytest.mark.parametrize(
    "who",
    ["anonymous", "member", "staff without permissions", "superuser not staff", "viewer without staff flag"],
)
def test_only_staff_allowed_to_manage_orders_reach_the_staff_endpoints(client, two_buyers, who):
    pending = two_buyers["bruno"]["orders"][1]
    users = {
        "member": lambda: two_buyers["anna"]["user"],
        "staff without permissions": lambda: UserFactory(is_staff=True),
        "superuser not staff": lambda: UserFactory(is_superuser=True),
        "viewer without staff flag": lambda: with_order_permissions(UserFactory()),
    }
    if who in users:
        client.force_login(users[who]())

    for method, url in staff_requests(pending):
        if method == "post":
            response = client.post(url, {"reason": "x"}, content_type="application/json")
        else:
            response = client.get(url)
        assert (method, url, response.status_code) == (method, url, 403)
        assert pending.code not in response.content.decode()
        assert pending.buyer_email not in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def with_order_permissions(user):
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="registration", codename__in=["view_order", "change_order"]
        )
    )
    return user


def test_staff_allowed_to_manage_orders_see_every_buyers_orders(client, two_buyers):
    client.force_login(with_order_permissions(UserFactory(is_staff=True)))

    codes = {order["code"] for order in client.get(f"{API}/staff/orders/").json()["results"]}

    assert codes == {order.code for person in two_buyers.values() for order in person["orders"]}
