"""A buyer's way through registration in headless Chromium: sign in, open an event's registration page, add
a product to the cart, check out by bank transfer and see the order with the bank details; every page passes
axe-core's WCAG 2.1 A and AA rules and runs under the site's strict CSP without a console error.

Screenshots go to var/screenshots/registration-*.png for a person to look at.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe

from rostrum.registration.enums import OrderStatus, ProductKind
from rostrum.registration.models import Order
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory
from tests.factories.programme import EventFactory, SessionFactory, vienna
from tests.factories.registration import PriceFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
PASSWORD = "correct horse battery staple"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"registration-{name}.png", full_page=True)


def watch_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def axe_problems(page) -> list[str]:
    """Serious or critical axe violations of the page as it is now, a line each."""
    results = Axe().run(page, options=WCAG_AA).response
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def congress(live_server):
    event = EventFactory(
        slug="ecr-2030",
        title="European Congress of Radiology 2030",
        acronym="ECR 2030",
        start_date=dt.date(2030, 3, 4),
        end_date=dt.date(2030, 3, 8),
    )
    member_type = MembershipTypeFactory(code="full", name="Full Membership")
    registration = ProductFactory(
        event=event,
        code="ecr2030-congress",
        name="Congress registration",
        description="Five days of the congress in Vienna, and every session on demand until 31 December.",
        position=1,
    )
    PriceFactory(product=registration, amount=Decimal("400.00"))
    PriceFactory(product=registration, amount=Decimal("250.00"), membership_type=member_type)
    session = SessionFactory(
        event=event,
        code="HW 104",
        slug="hw-104",
        title="Ultrasound-guided biopsy",
        starts_at=vienna(5, 8, 0),
        ends_at=vienna(5, 10, 0),
    )
    workshop = ProductFactory(
        event=event,
        code="ecr2030-hw104",
        name="Hands-on workshop: ultrasound-guided biopsy",
        kind=ProductKind.WORKSHOP_SEAT,
        capacity=12,
        session=session,
        position=2,
    )
    PriceFactory(product=workshop, amount=Decimal("60.00"))
    return event


def sign_in(page, base_url: str):
    user = UserFactory(
        email="anna@example.at", certificate_name="Dr. Zoë Ødegård", country="AT", institution="MedUni Wien"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    MembershipFactory(user=user, membership_type__code="full", valid_from=None, valid_until=None)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return user


def test_buyer_checks_out_by_bank_transfer_and_sees_the_order(page, live_server, congress):
    errors = watch_errors(page)
    base = live_server.url
    user = sign_in(page, base)
    problems = []

    page.goto(f"{base}/events/ecr-2030/")
    page.get_by_role("link", name="Registration", exact=True).click()
    page.wait_for_url("**/events/ecr-2030/registration/")
    card = page.locator("#product-ecr2030-congress")
    price = card.locator(".price").inner_text()
    problems += axe_problems(page)
    shoot(page, "event")

    card.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/registration/cart/")
    assert page.locator(".message").inner_text() == "Congress registration is in your cart."
    assert page.locator("#id_organisation").input_value() == "MedUni Wien"
    assert page.locator("#id_country").input_value() == "AT"
    assert page.get_by_label("Bank transfer / invoice").is_checked()
    problems += axe_problems(page)
    shoot(page, "cart")

    page.fill("#id_address", "Spitalgasse 23\n1090 Wien")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/account/orders/*/")
    order = Order.objects.get(buyer=user)
    heading = page.get_by_role("heading", level=1).inner_text()
    bank = page.locator(".bank-details").inner_text()
    problems += axe_problems(page)
    shoot(page, "order")

    page.get_by_role("link", name="My orders").click()
    page.wait_for_url("**/account/orders/")
    listed = page.locator("table.order-table tbody tr").all_inner_texts()
    problems += axe_problems(page)
    shoot(page, "orders")
    page.goto(f"{base}/account/access/")
    problems += axe_problems(page)
    shoot(page, "access")

    assert "€250.00" in price  # the member price: the buyer holds a Full Membership
    assert "Full Membership" in price
    assert order.status == OrderStatus.PENDING
    assert order.total == Decimal("250.00")
    assert heading == f"Order {order.code}"
    assert order.code in bank
    assert "IBAN AT00" in bank
    assert "€250.00" in bank
    assert len(listed) == 1
    assert order.code in listed[0]
    assert problems == []
    assert errors == []


def test_registration_pages_do_not_scroll_sideways_on_a_phone(page, live_server, congress):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/registration/products/ecr2030-hw104/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/registration/cart/")

    sideways = {}
    for url in [
        "/events/ecr-2030/registration/",
        "/registration/products/ecr2030-hw104/",
        "/registration/cart/",
    ]:
        page.goto(f"{live_server.url}{url}")
        sideways[url] = page.evaluate(
            "Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
        )
        shoot(page, "phone-" + url.strip("/").split("/")[-1])

    assert sideways == dict.fromkeys(sideways, 0)
