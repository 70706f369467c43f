"""The staff pages of registration (/staff/registration/), their CSV exports and the back office (admin)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostrum.core.models import ActivityLog
from rostrum.registration import services
from rostrum.registration.enums import (
    EntitlementScope,
    EntitlementSource,
    InvoiceKind,
    OrderStatus,
    PaymentProviderCode,
    WaitlistStatus,
)
from rostrum.registration.models import Entitlement, Invoice, Order, Product
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory
from tests.factories.registration import EntitlementFactory, VoucherFactory, WaitlistEntryFactory
from tests.registration.orders_support import buyer, priced, workshop


@pytest.fixture
def seat(event):
    return workshop(2, "80.00", event=event, code="ecr2030-ultrasound", name="Hands-on ultrasound")


def place(user, *products, **kwargs):
    return services.order_place(
        buyer=user, products=list(products), payment_provider=PaymentProviderCode.BANK_TRANSFER, **kwargs
    )


def staff_with(*codenames: str):
    """A staff member holding only these permissions of registration (no superuser)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="registration", codename__in=codenames)
    )
    return user


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def staff_urls(order: Order, product: Product) -> list[str]:
    return [
        "/staff/registration/",
        "/staff/registration/orders/",
        "/staff/registration/orders.csv",
        f"/staff/registration/orders/{order.code}/",
        "/staff/registration/products/",
        f"/staff/registration/products/{product.code}/seats/",
        f"/staff/registration/products/{product.code}/seats.csv",
        f"/staff/registration/products/{product.code}/waitlist/",
        f"/staff/registration/products/{product.code}/waitlist.csv",
    ]


def action_urls(order: Order) -> list[str]:
    return [
        f"/staff/registration/orders/{order.code}/{action}/" for action in ("mark-paid", "cancel", "refund")
    ]


# ---- Who may see them -------------------------------------------------------------------------------------


def test_staff_pages_send_visitors_to_sign_in(client, seat):
    order = place(buyer(), seat)

    for url in staff_urls(order, seat) + action_urls(order):
        response = client.post(url) if url in action_urls(order) else client.get(url)

        assert (url, response.status_code) == (url, 302)
        assert response["Location"].startswith(reverse("account_login"))


def test_staff_pages_answer_404_to_members(client, seat):
    member = buyer()
    order = place(member, seat)
    client.force_login(member)

    for url in staff_urls(order, seat):
        assert (url, client.get(url).status_code) == (url, 404)
    for url in action_urls(order):
        assert (url, client.post(url, {"reason": "mine"}).status_code) == (url, 404)
    assert Order.objects.get().status == OrderStatus.PENDING


def test_staff_pages_answer_404_to_staff_without_the_order_permission(client, seat):
    order = place(buyer(), seat)
    client.force_login(staff_with("view_product"))

    for url in staff_urls(order, seat) + action_urls(order):
        response = client.post(url) if url in action_urls(order) else client.get(url)
        assert (url, response.status_code) == (url, 404)


def test_staff_who_may_only_view_see_the_pages_but_no_action(client, seat):
    order = place(buyer(), seat)
    client.force_login(staff_with("view_order"))

    for url in staff_urls(order, seat)[1:]:
        assert (url, client.get(url).status_code) == (url, 200)
    page = client.get(f"/staff/registration/orders/{order.code}/")
    assert page.context["mark_paid_form"] is None
    assert page.context["cancel_form"] is None
    assert "Mark as paid" not in page.content.decode()
    for url in action_urls(order):
        assert (url, client.post(url, {"reason": "x"}).status_code) == (url, 404)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_staff_home_leads_to_the_orders(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/staff/registration/")

    assert response.status_code == 302
    assert response["Location"] == "/staff/registration/orders/"


# ---- Orders -----------------------------------------------------------------------------------------------


def test_order_list_shows_every_order_newest_first(client, staff_user, congress, seat):
    first = place(buyer(email="anna@example.org"), congress)
    second = place(buyer(email="ben@example.org"), seat)
    client.force_login(staff_user)

    response = client.get("/staff/registration/orders/")

    assert response.status_code == 200
    assert [order.code for order in response.context["page"]] == [second.code, first.code]
    html = response.content.decode()
    assert "anna@example.org" in html
    assert "Hands-on ultrasound" in html
    assert response.context["counts"][OrderStatus.PENDING] == 2


def test_order_list_filters_by_status_event_product_and_search(client, staff_user, congress, seat):
    paid = place(buyer(email="anna@example.org"), congress)
    services.order_mark_paid(paid, by=staff_user)
    pending = place(buyer(email="ben@example.org"), seat)
    other_event = priced("10.00", code="other-pass", event=EventFactory(slug="other-2030"))
    elsewhere = place(buyer(email="carla@example.org"), other_event)
    client.force_login(staff_user)

    def codes(**query) -> list[str]:
        return [order.code for order in client.get("/staff/registration/orders/", query).context["page"]]

    assert codes(status="paid") == [paid.code]
    assert codes(status="pending") == [elsewhere.code, pending.code]
    assert codes(event="ecr-2030") == [pending.code, paid.code]
    assert codes(product="ecr2030-ultrasound") == [pending.code]
    assert codes(q=pending.code.lower()) == [pending.code]
    assert codes(q="CARLA@") == [elsewhere.code]
    assert codes(q="nobody") == []
    assert codes(status="", event="", product="", q="") == [elsewhere.code, pending.code, paid.code]


def test_order_list_ignores_an_unknown_filter_value(client, staff_user, congress):
    order = place(buyer(), congress)
    client.force_login(staff_user)

    response = client.get("/staff/registration/orders/", {"status": "lost", "event": "nope"})

    assert response.status_code == 200
    assert [o.code for o in response.context["page"]] == [order.code]
    assert response.context["form"].errors


def test_order_list_is_paginated(client, staff_user, congress, settings):
    for _ in range(3):
        place(buyer(), congress)
    client.force_login(staff_user)

    from rostrum.registration.views import staff as staff_views

    staff_views.PER_PAGE, before = 2, staff_views.PER_PAGE
    try:
        first = client.get("/staff/registration/orders/")
        second = client.get("/staff/registration/orders/", {"page": 2})
    finally:
        staff_views.PER_PAGE = before

    assert len(first.context["page"]) == 2
    assert len(second.context["page"]) == 1
    assert "page=2" in first.content.decode()


def test_order_list_costs_a_fixed_number_of_queries(client, staff_user, congress, django_assert_num_queries):
    seat = workshop(10, event=congress.event)
    client.force_login(staff_user)
    place(buyer(), congress, seat)
    client.get("/staff/registration/orders/")  # warm the session and content types

    with CaptureQueriesContext(connection) as few:
        client.get("/staff/registration/orders/")
    assert len(few) <= 10
    for _ in range(5):
        place(buyer(), congress, seat)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/staff/registration/orders/")


def test_order_detail_shows_items_buyer_and_the_actions_of_a_pending_order(client, staff_user, seat):
    order = place(buyer(email="anna@example.org"), seat, buyer_details={"organisation": "Klinikum Wien"})
    client.force_login(staff_user)

    response = client.get(f"/staff/registration/orders/{order.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hands-on ultrasound" in html
    assert "Klinikum Wien" in html
    assert "anna@example.org" in html
    assert response.context["mark_paid_form"] is not None
    assert response.context["cancel_form"] is not None
    assert response.context["refund_form"] is None


def test_order_detail_of_an_unknown_order_is_404(client, staff_user):
    client.force_login(staff_user)

    assert client.get("/staff/registration/orders/NOSUCH23/").status_code == 404


def test_mark_paid_from_the_page_pays_the_order_and_issues_the_invoice(client, staff_user, seat, mailoutbox):
    order = place(buyer(), seat)
    client.force_login(staff_user)

    response = client.post(
        f"/staff/registration/orders/{order.code}/mark-paid/", {"reference": "BANK-42"}, follow=True
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payments.get().reference == "BANK-42"
    assert Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).count() == 1
    assert f"Order {order.code} is paid." in response.content.decode()
    assert response.context["refund_form"] is not None
    assert ActivityLog.objects.filter(actor=staff_user, action__startswith="registration.order").exists()


def test_cancel_from_the_page_releases_the_seat(client, staff_user, seat):
    order = place(buyer(), seat)
    seat.refresh_from_db()
    assert seat.seats_taken == 1
    client.force_login(staff_user)

    response = client.post(f"/staff/registration/orders/{order.code}/cancel/", {"reason": "Duplicate order"})

    assert response.status_code == 302
    order.refresh_from_db()
    seat.refresh_from_db()
    assert (order.status, order.reason, seat.seats_taken) == (OrderStatus.CANCELLED, "Duplicate order", 0)


def test_refund_from_the_page_issues_a_credit_note(client, staff_user, seat):
    order = place(buyer(), seat)
    services.order_mark_paid(order, by=staff_user)
    client.force_login(staff_user)

    response = client.post(f"/staff/registration/orders/{order.code}/refund/", {"reason": "Cannot travel"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Invoice.objects.filter(order=order, kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_refund_without_a_reason_shows_the_form_again(client, staff_user, seat):
    order = place(buyer(), seat)
    services.order_mark_paid(order, by=staff_user)
    client.force_login(staff_user)

    response = client.post(f"/staff/registration/orders/{order.code}/refund/", {"reason": ""})

    assert response.status_code == 400
    assert response.context["refund_form"].errors["reason"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_an_action_the_status_forbids_shows_the_rule_on_the_page(client, staff_user, seat):
    order = place(buyer(), seat)
    client.force_login(staff_user)

    response = client.post(f"/staff/registration/orders/{order.code}/refund/", {"reason": "Too early"})

    assert response.status_code == 400
    errors = response.context["refund_form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0] in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_actions_refuse_get(client, staff_user, seat):
    order = place(buyer(), seat)
    client.force_login(staff_user)

    for url in action_urls(order):
        assert (url, client.get(url).status_code) == (url, 405)


def test_orders_csv_has_a_header_and_one_row_per_order(client, staff_user, congress, seat):
    anna = buyer(email="anna@example.org", first_name="Ánna", last_name="Müller", certificate_name="")
    order = place(anna, congress, seat, voucher_code="")
    services.order_mark_paid(order, by=staff_user)
    place(buyer(), seat)
    client.force_login(staff_user)

    response = client.get("/staff/registration/orders.csv", {"status": "paid"})

    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    header, *rows = read_csv(response)
    assert header[:3] == ["code", "status", "created"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    order.refresh_from_db()
    assert row["code"] == order.code
    assert row["status"] == "paid"
    assert row["buyer_name"] == "Ánna Müller"
    assert row["buyer_email"] == "anna@example.org"
    assert row["products"] == "ecr2030-congress; ecr2030-ultrasound"
    assert row["total"] == "530.00"
    assert row["paid_at"] == order.paid_at.isoformat()
    assert row["created"].endswith("+00:00")
    assert row["invoices"] == order.invoices.get().number


def test_orders_csv_quotes_a_cell_a_spreadsheet_would_run(client, staff_user, congress):
    place(buyer(), congress, buyer_details={"organisation": "=HYPERLINK(1)"})
    client.force_login(staff_user)

    header, row = read_csv(client.get("/staff/registration/orders.csv"))

    assert dict(zip(header, row, strict=True))["buyer_organisation"] == "'=HYPERLINK(1)"


def test_orders_csv_with_a_voucher_names_it(client, staff_user, congress):
    VoucherFactory(code="SPEAKER", value=Decimal("100.00"))
    place(buyer(), congress, voucher_code="speaker")
    client.force_login(staff_user)

    header, row = read_csv(client.get("/staff/registration/orders.csv"))

    assert dict(zip(header, row, strict=True))["voucher"] == "SPEAKER"


# ---- Products, seats and waitlists ------------------------------------------------------------------------


def test_products_page_shows_seats_taken_capacity_and_waitlist_counts(client, staff_user, congress, seat):
    place(buyer(), seat)
    WaitlistEntryFactory(product=seat)
    WaitlistEntryFactory(product=seat)
    WaitlistEntryFactory(product=seat, status=WaitlistStatus.LEFT)
    client.force_login(staff_user)

    response = client.get("/staff/registration/products/")

    rows = {product.code: product for product in response.context["products"]}
    assert (rows[seat.code].seats_taken, rows[seat.code].capacity, rows[seat.code].waiting_count) == (1, 2, 2)
    assert rows[congress.code].waiting_count == 0
    html = response.content.decode()
    assert "1 / 2" in html
    assert f"/staff/registration/products/{seat.code}/seats/" in html


def test_products_page_costs_a_fixed_number_of_queries(
    client, staff_user, congress, seat, django_assert_max_num_queries
):
    for n in range(10):
        workshop(3, event=congress.event, code=f"workshop-{n}")
    client.force_login(staff_user)

    with django_assert_max_num_queries(4):
        client.get("/staff/registration/products/")


def test_seat_list_names_who_holds_a_seat(client, staff_user, seat):
    anna = buyer(email="anna@example.org")
    held = place(anna, seat)
    cancelled = place(buyer(email="ben@example.org"), seat)
    services.order_cancel(cancelled, by=staff_user, reason="")
    paid = place(buyer(email="carla@example.org"), seat)
    services.order_mark_paid(paid, by=staff_user)
    client.force_login(staff_user)

    response = client.get(f"/staff/registration/products/{seat.code}/seats/")

    assert [item.order.code for item in response.context["seats"]] == [held.code, paid.code]
    html = response.content.decode()
    assert "anna@example.org" in html
    assert "ben@example.org" not in html
    assert "2 of 2 seats taken" in html


def test_seats_csv_lists_the_holders(client, staff_user, seat):
    held = place(buyer(email="anna@example.org", institution="Klinikum Wien"), seat)
    client.force_login(staff_user)

    response = client.get(f"/staff/registration/products/{seat.code}/seats.csv")

    assert response["Content-Disposition"] == f'attachment; filename="{seat.code}-seats.csv"'
    header, row = read_csv(response)
    assert header == ["order", "order_status", "name", "email", "organisation", "country", "since", "paid_at"]
    assert row[:6] == [held.code, "pending", held.buyer_name, "anna@example.org", "Klinikum Wien", "AT"]
    assert row[6] == held.created.isoformat()
    assert row[7] == ""


def test_waitlist_page_numbers_those_still_waiting(client, staff_user, seat):
    gone = WaitlistEntryFactory(product=seat, status=WaitlistStatus.LEFT)
    first = WaitlistEntryFactory(product=seat, user=buyer(email="first@example.org"))
    second = WaitlistEntryFactory(product=seat, user=buyer(email="second@example.org"))
    client.force_login(staff_user)

    response = client.get(f"/staff/registration/products/{seat.code}/waitlist/")

    assert response.context["entries"] == [(None, gone), (1, first), (2, second)]
    assert "first@example.org" in response.content.decode()


def test_waitlist_csv_has_a_header_and_iso_dates(client, staff_user, seat):
    entry = WaitlistEntryFactory(product=seat, user=buyer(email="first@example.org", first_name="Zoë"))
    client.force_login(staff_user)

    response = client.get(f"/staff/registration/products/{seat.code}/waitlist.csv")

    header, row = read_csv(response)
    assert header == ["position", "status", "name", "email", "joined_at", "offered_at", "offer_expires_at"]
    assert row == [
        "1",
        "waiting",
        entry.user.display_name,
        "first@example.org",
        entry.joined_at.isoformat(),
        "",
        "",
    ]
    assert "Zoë" in row[2]


def test_seat_and_waitlist_pages_of_an_unknown_product_are_404(client, staff_user):
    client.force_login(staff_user)

    for url in ("/staff/registration/products/nope/seats/", "/staff/registration/products/nope/waitlist.csv"):
        assert (url, client.get(url).status_code) == (url, 404)


# ---- Back office (admin) ----------------------------------------------------------------------------------


def test_admin_lists_and_pages_of_registration_load(admin_client, seat, staff_user):
    order = place(buyer(), seat)
    services.order_mark_paid(order, by=staff_user)
    WaitlistEntryFactory(product=seat)
    VoucherFactory()
    pages = [
        "/admin/registration/product/",
        f"/admin/registration/product/{seat.pk}/change/",
        "/admin/registration/product/add/",
        "/admin/registration/voucher/",
        "/admin/registration/order/",
        f"/admin/registration/order/{order.pk}/change/",
        "/admin/registration/invoice/",
        f"/admin/registration/invoice/{order.invoices.get().pk}/change/",
        "/admin/registration/waitlistentry/",
        "/admin/registration/entitlement/",
        f"/admin/registration/entitlement/{order.items.get().entitlements.get().pk}/change/",
        "/admin/registration/entitlement/add/",
    ]
    for url in pages:
        assert (url, admin_client.get(url).status_code) == (url, 200)
    assert admin_client.get("/admin/registration/order/add/").status_code == 403


def test_admin_product_form_keeps_seats_taken_read_only(admin_client, seat):
    place(buyer(), seat)

    response = admin_client.get(f"/admin/registration/product/{seat.pk}/change/")

    assert "seats_taken" not in response.context["adminform"].form.fields
    assert "seats_taken" in response.context["adminform"].readonly_fields


def test_admin_order_is_read_only(admin_client, seat):
    order = place(buyer(), seat)

    response = admin_client.post(f"/admin/registration/order/{order.pk}/change/", {"status": "paid"})

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert response.status_code in {200, 302}


def test_admin_mark_paid_action_calls_the_service(admin_client, seat, congress):
    pending = place(buyer(), seat)
    paid = place(buyer(), congress)
    services.order_mark_paid(paid, by=UserFactory(is_staff=True))

    admin_client.post(
        "/admin/registration/order/",
        {"action": "mark_paid", "_selected_action": [pending.pk, paid.pk]},
    )

    pending.refresh_from_db()
    assert pending.status == OrderStatus.PAID
    assert pending.invoices.count() == 1


def test_admin_refund_action_asks_for_the_reason_first(admin_client, seat, staff_user):
    order = place(buyer(), seat)
    services.order_mark_paid(order, by=staff_user)
    selected = {"action": "refund", "_selected_action": [order.pk]}

    asked = admin_client.post("/admin/registration/order/", selected)
    order.refresh_from_db()
    assert asked.status_code == 200
    assert order.status == OrderStatus.PAID
    assert "reason" in asked.context["form"].fields

    admin_client.post("/admin/registration/order/", {**selected, "reason": "Visa refused"})
    order.refresh_from_db()
    assert (order.status, order.reason) == (OrderStatus.REFUNDED, "Visa refused")


def test_admin_cancel_action_reports_a_refused_order(admin_client, seat, staff_user):
    order = place(buyer(), seat)
    services.order_mark_paid(order, by=staff_user)

    response = admin_client.post(
        "/admin/registration/order/",
        {"action": "cancel", "_selected_action": [order.pk], "reason": "Oops"},
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.code in " ".join(str(m) for m in response.context["messages"])


def test_admin_grants_access_through_the_service(admin_client, event):
    member = buyer()
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_client.force_login(admin)

    response = admin_client.post(
        "/admin/registration/entitlement/add/",
        {
            "user": member.pk,
            "scope": EntitlementScope.EVENT,
            "event": event.pk,
            "live": "on",
            "on_demand": "on",
        },
    )

    assert response.status_code == 302
    granted = Entitlement.objects.get(user=member)
    assert (granted.source, granted.granted_by, granted.event) == (EntitlementSource.STAFF, admin, event)
    assert ActivityLog.objects.filter(action="registration.entitlement.granted", actor=admin).count() == 1


def test_admin_grant_shows_the_services_refusal(admin_client, event):
    member = buyer()

    response = admin_client.post(
        "/admin/registration/entitlement/add/",
        {"user": member.pk, "scope": EntitlementScope.SESSION, "event": event.pk, "live": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Entitlement.objects.exists()


def test_admin_revoke_action_withdraws_access(admin_client):
    entitlement = EntitlementFactory()

    admin_client.post(
        "/admin/registration/entitlement/", {"action": "revoke", "_selected_action": [entitlement.pk]}
    )

    entitlement.refresh_from_db()
    assert entitlement.revoked_at is not None


def test_a_seat_offered_to_the_waitlist_shows_on_the_seat_list_and_in_its_csv(client, staff_user, event):
    full = workshop(1, event=event, code="ecr2030-mri")
    holder = place(buyer(email="anna@example.org"), full)
    services.waitlist_join(user=buyer(email="next@example.org"), product=full)
    services.order_cancel(holder, by=staff_user, reason="Cannot come")
    client.force_login(staff_user)

    page = client.get(f"/staff/registration/products/{full.code}/seats/")
    products = {p.code: p for p in client.get("/staff/registration/products/").context["products"]}
    header, row = read_csv(client.get(f"/staff/registration/products/{full.code}/seats.csv"))

    assert list(page.context["seats"]) == []
    assert [entry.user.email for entry in page.context["offers"]] == ["next@example.org"]
    assert (products[full.code].seats_taken, products[full.code].offered_count) == (1, 1)
    assert dict(zip(header, row, strict=True))["order_status"] == "offered"
    assert dict(zip(header, row, strict=True))["email"] == "next@example.org"


def test_admin_takes_people_off_a_waitlist_through_the_service(admin_client, seat):
    waiting = WaitlistEntryFactory(product=seat)
    left = WaitlistEntryFactory(product=seat, status=WaitlistStatus.LEFT)

    admin_client.post(
        "/admin/registration/waitlistentry/", {"action": "remove", "_selected_action": [waiting.pk, left.pk]}
    )

    waiting.refresh_from_db()
    assert waiting.status == WaitlistStatus.LEFT
    assert ActivityLog.objects.filter(action="registration.waitlist.left").count() == 1


def _product_form_data(admin_client, product, **changes) -> dict:
    """The admin change form of `product` as the page fills it, with `changes`."""
    response = admin_client.get(f"/admin/registration/product/{product.pk}/change/")
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(getattr(value, "pk", value))
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{name}": str(value) for name, value in management.initial.items()})
        for inline_form in formset.formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if value is not None:
                    data[f"{inline_form.prefix}-{name}"] = str(getattr(value, "pk", value))
            data[f"{inline_form.prefix}-id"] = str(inline_form.instance.pk)
    data.update({name: str(value) for name, value in changes.items()})
    return data


def test_admin_raising_capacity_offers_the_new_seats_to_the_waitlist_first(admin_client, seat):
    place(buyer(), seat)
    place(buyer(), seat)
    first, second = buyer(), buyer()
    services.waitlist_join(user=first, product=seat)
    services.waitlist_join(user=second, product=seat)

    response = admin_client.post(
        f"/admin/registration/product/{seat.pk}/change/", _product_form_data(admin_client, seat, capacity=3)
    )

    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.capacity, seat.seats_taken) == (3, 3)
    statuses = [entry.status for entry in seat.waitlist.order_by("joined_at", "pk")]
    assert statuses == [WaitlistStatus.OFFERED, WaitlistStatus.WAITING]


def test_admin_capacity_below_seats_taken_is_refused_with_the_reason(admin_client, seat):
    place(buyer(), seat)
    place(buyer(), seat)

    response = admin_client.post(
        f"/admin/registration/product/{seat.pk}/change/", _product_form_data(admin_client, seat, capacity=1)
    )

    assert response.status_code == 200
    assert "2 seats are taken or offered to the waitlist" in str(response.context["adminform"].form.errors)
    seat.refresh_from_db()
    assert (seat.capacity, seat.seats_taken) == (2, 2)


def test_product_save_never_writes_back_a_stale_seat_count(seat):
    stale = Product.objects.get(pk=seat.pk)
    place(buyer(), seat)

    stale.name = "Hands-on ultrasound (morning)"
    stale.save()

    seat.refresh_from_db()
    assert (seat.name, seat.seats_taken) == ("Hands-on ultrasound (morning)", 1)
