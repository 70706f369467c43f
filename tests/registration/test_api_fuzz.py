"""Schemathesis against registration's part of the API, signed in (a buyer, then staff): whatever a client
sends, reads and writes answer without a server error and as the schema says.

The anonymous reads run in tests/test_api_robustness.py with the rest of the API; here the requests carry a
session cookie and the CSRF token, and often name real events, products and orders, so the generated input
reaches the services (checkout, mark paid, refund, cancel) rather than stopping at a 403 or a 404.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rostrum.registration import services
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory, SessionFactory
from tests.factories.registration import VoucherFactory
from tests.registration.orders_support import buyer, priced, workshop

SCHEMA_URL = "/api/v1/schema/?format=json"
REGISTRATION = r"^/api/v1/(products|me/orders|me/entitlements|me/access|staff/orders)/"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CSRF_TOKEN = "rostrumfuzzrostrumfuzzrostrumfuz"  # 32 letters: the form of a token Django accepts


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def shop(db):
    """An event with a congress registration, a one-seat workshop, a free webinar and a voucher; a buyer with
    a paid and a pending order; a staff member."""
    event = EventFactory(slug="ecr-2030")
    SessionFactory(event=event, slug="rc-1")
    congress = priced("450.00", event=event, code="ecr2030-congress")
    seat = workshop(1, "80.00", event=event, code="ecr2030-ultrasound")
    priced("0.00", event=event, code="ecr2030-webinar")
    VoucherFactory(code="HALF")
    staff = UserFactory(is_staff=True, is_superuser=True)
    member = buyer()
    paid = services.order_place(buyer=member, products=[congress])
    services.order_mark_paid(paid, by=staff)
    pending = services.order_place(buyer=buyer(), products=[seat])
    return {"member": member, "staff": staff, "codes": [paid.code, pending.code], "event": event}


@pytest.fixture
def wsgi_app(db):
    # As in tests/test_api_robustness.py: keep the test's connection open between requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def session_cookie(user) -> str:
    browser = Client()
    browser.force_login(user)
    return browser.cookies["sessionid"].value


def registration_schema(wsgi_app, shop):
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        return st.sampled_from([path_parameters, *({**path_parameters, "code": c} for c in shop["codes"])])

    @loaded.hook
    def flatmap_query(context, query):
        query = query or {}
        names = {parameter.name for parameter in context.operation.query}
        real = {name: value for name, value in (("event", "ecr-2030"), ("session", "rc-1")) if name in names}
        first_page = {name: value for name, value in query.items() if name != "page"}
        return st.sampled_from([query, {**query, **real}, {**first_page, **real}])

    @loaded.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict) or "products" not in body:
            return st.just(body)
        real = st.lists(
            st.sampled_from(["ecr2030-congress", "ecr2030-ultrasound", "ecr2030-webinar"]),
            min_size=1,
            max_size=3,
        )
        return st.one_of(st.just(body), real.map(lambda codes: {**body, "products": codes}))

    return loaded


@pytest.fixture
def buyer_schema(wsgi_app, shop):
    return registration_schema(wsgi_app, shop)


@pytest.fixture
def staff_schema(wsgi_app, shop):
    return registration_schema(wsgi_app, shop)


fuzzing = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def signed_in(case, user):
    cookies = {"sessionid": session_cookie(user), "csrftoken": CSRF_TOKEN}
    return case.call(headers={"X-CSRFToken": CSRF_TOKEN}, cookies=cookies)


as_buyer = schemathesis.pytest.from_fixture("buyer_schema").include(path_regex=REGISTRATION)
as_staff = schemathesis.pytest.from_fixture("staff_schema").include(path_regex=REGISTRATION)


@as_buyer.parametrize()
@fuzzing
def test_a_signed_in_buyer_never_gets_a_server_error(case, shop):
    response = signed_in(case, shop["member"])

    case.validate_response(response, checks=CHECKS)
    if case.path.startswith("/api/v1/staff/"):
        # A body that is not JSON (415) or not valid JSON (400, field null) is refused while the CSRF check
        # reads it, before permissions; either way no order is shown or touched.
        assert response.status_code in {400, 403, 415}
        if response.status_code == 400:
            assert response.json()["field"] is None
        assert all(code not in response.text for code in shop["codes"][1:])


@as_staff.parametrize()
@fuzzing
def test_staff_never_get_a_server_error(case, shop):
    response = signed_in(case, shop["staff"])

    case.validate_response(response, checks=CHECKS)
