"""Staff pages of registration under /staff/registration/: orders (find, mark paid, refund, cancel), products
with their seats, the seat list and the waitlist of a product, and CSV exports of each list.

Only staff with the permission to view orders see them (`registration.view_order`); the actions need the
permission to change them (`registration.change_order`). Visitors are sent to sign in; anybody else gets a
404, as for a page that does not exist, so the back office does not show itself to members. The actions call
the same services as the API; a broken rule is shown on the order's page.
"""

import csv
import datetime as dt
import io
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from rostrum.programme import selectors as programme_selectors
from rostrum.registration import listings, services
from rostrum.registration.enums import OrderStatus, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Product

PER_PAGE = 50
VIEW_ORDERS = "registration.view_order"
CHANGE_ORDERS = "registration.change_order"


def staff_with(permission: str):
    """Signed-in staff holding `permission` only: visitors sign in first, everybody else gets a 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def check(request, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return check

    return decorator


# ---- Forms (staff only; they parse, the services decide) ---------------------------------------------------


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *OrderStatus.choices], required=False)
    event = forms.ChoiceField(required=False)
    product = forms.ChoiceField(required=False)
    q = forms.CharField(
        label="Code or e-mail",
        max_length=200,
        required=False,
        help_text="An order code or part of an e-mail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        events = programme_selectors.event_list(include_unpublished=True).order_by("-start_date")
        self.events = {event.slug: event for event in events}
        self.products = {product.code: product for product in Product.objects.order_by("code")}
        self.fields["event"].choices = [("", "Any event")] + [
            (slug, str(e)) for slug, e in self.events.items()
        ]
        self.fields["product"].choices = [("", "Any product")] + [
            (code, f"{product.name} ({code})") for code, product in self.products.items()
        ]

    def filters(self) -> dict:
        """The arguments of listings.order_list; no filter for a value the form refused."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status", ""),
            "event": self.events.get(data.get("event", "")),
            "product": self.products.get(data.get("product", "")),
            "q": data.get("q", ""),
        }


class MarkPaidForm(forms.Form):
    reference = forms.CharField(
        max_length=200, required=False, help_text="The bank's reference of the transfer, if any."
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="The buyer reads it.",
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, help_text="The buyer reads it."
    )


# ---- CSV ------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Dates in ISO 8601 (UTC), nothing for None; a cell a spreadsheet would run as a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """UTF-8 with a byte-order mark (how Excel recognises UTF-8), a header row, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


ORDER_COLUMNS = [
    "code",
    "status",
    "created",
    "paid_at",
    "cancelled_at",
    "refunded_at",
    "expires_at",
    "buyer_name",
    "buyer_email",
    "buyer_organisation",
    "buyer_country",
    "buyer_vat_id",
    "products",
    "currency",
    "total",
    "voucher",
    "payment_provider",
    "invoices",
    "reason",
]


def _order_row(order) -> list:
    return [
        order.code,
        order.status,
        order.created,
        order.paid_at,
        order.cancelled_at,
        order.refunded_at,
        order.expires_at,
        order.buyer_name,
        order.buyer_email,
        order.buyer_organisation,
        order.buyer_country,
        order.buyer_vat_id,
        "; ".join(item.product.code for item in order.items.all()),
        order.currency,
        order.total,
        order.voucher.code if order.voucher_id else "",
        order.payment_provider,
        "; ".join(invoice.number for invoice in order.invoices.all()),
        order.reason,
    ]


# ---- Orders ---------------------------------------------------------------------------------------------


@require_GET
@staff_with(VIEW_ORDERS)
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page = Paginator(listings.order_list(**filters), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registration/staff/orders.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": listings.order_counts(),
            "statuses": OrderStatus,
        },
    )


@require_GET
@staff_with(VIEW_ORDERS)
def order_list_csv(request):
    form = OrderFilterForm(request.GET or None)
    orders = listings.order_list(**(form.filters() if form.is_bound else {}))
    return csv_response("orders.csv", ORDER_COLUMNS, (_order_row(order) for order in orders))


def _order_page(request, order, *, failed: dict | None = None, status: int = 200):
    """The order with the forms of the actions its status allows; `failed` brings back a refused form."""
    can_change = request.user.has_perm(CHANGE_ORDERS)
    allowed = {
        "mark_paid": (MarkPaidForm, order.status == OrderStatus.PENDING),
        "cancel": (CancelForm, order.status == OrderStatus.PENDING),
        "refund": (RefundForm, order.status == OrderStatus.PAID),
    }
    failed = failed or {}
    action_forms = {
        f"{name}_form": failed.get(name) or (form_class() if can_change and ok else None)
        for name, (form_class, ok) in allowed.items()
    }
    context = {"order": order, "payments": order.payments.select_related("confirmed_by"), **action_forms}
    return render(request, "registration/staff/order.html", context, status=status)


@require_GET
@staff_with(VIEW_ORDERS)
def order_detail(request, code):
    return _order_page(request, listings.order_get(code=code))


def _order_action(request, code, *, name: str, form_class, act, done: str):
    """Run `act(order, cleaned_data)`; on success back to the order with a message, else the form again."""
    order = listings.order_get(code=code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(order, form.cleaned_data)
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Order {order.code} {done}.")
            return redirect("registration:staff-order", code=order.code)
    return _order_page(request, order, failed={name: form}, status=400)


@require_POST
@staff_with(CHANGE_ORDERS)
def order_mark_paid(request, code):
    def act(order, data):
        services.order_mark_paid(order, by=request.user, reference=data["reference"])

    return _order_action(request, code, name="mark_paid", form_class=MarkPaidForm, act=act, done="is paid")


@require_POST
@staff_with(CHANGE_ORDERS)
def order_cancel(request, code):
    def act(order, data):
        services.order_cancel(order, by=request.user, reason=data["reason"])

    return _order_action(request, code, name="cancel", form_class=CancelForm, act=act, done="is cancelled")


@require_POST
@staff_with(CHANGE_ORDERS)
def order_refund(request, code):
    def act(order, data):
        services.order_refund(order, by=request.user, reason=data["reason"])

    return _order_action(request, code, name="refund", form_class=RefundForm, act=act, done="is refunded")


# ---- Products, seats and waitlists ----------------------------------------------------------------------


@require_GET
@staff_with(VIEW_ORDERS)
def product_list(request):
    return render(request, "registration/staff/products.html", {"products": listings.product_list()})


SEAT_COLUMNS = ["order", "order_status", "name", "email", "organisation", "country", "since", "paid_at"]


@require_GET
@staff_with(VIEW_ORDERS)
def seat_list(request, code):
    product = listings.product_get(code=code)
    offers = listings.waitlist(product).filter(status=WaitlistStatus.OFFERED)
    context = {"product": product, "seats": listings.seat_list(product), "offers": offers}
    return render(request, "registration/staff/seats.html", context)


@require_GET
@staff_with(VIEW_ORDERS)
def seat_list_csv(request, code):
    """Seats held by orders, then seats offered to the waitlist (order empty, status "offered")."""
    product = listings.product_get(code=code)
    rows = [
        [
            item.order.code,
            item.order.status,
            item.order.buyer_name,
            item.order.buyer_email,
            item.order.buyer_organisation,
            item.order.buyer_country,
            item.order.created,
            item.order.paid_at,
        ]
        for item in listings.seat_list(product)
    ]
    rows += [
        ["", "offered", entry.user.display_name, entry.user.email, "", "", entry.offered_at, None]
        for entry in listings.waitlist(product).filter(status=WaitlistStatus.OFFERED)
    ]
    return csv_response(f"{product.code}-seats.csv", SEAT_COLUMNS, rows)


WAITLIST_COLUMNS = ["position", "status", "name", "email", "joined_at", "offered_at", "offer_expires_at"]


def _waitlist_rows(product):
    """Every entry in joining order; those still waiting are numbered in the order they get a seat."""
    position = 0
    for entry in listings.waitlist(product):
        if entry.status == WaitlistStatus.WAITING:
            position += 1
            yield position, entry
        else:
            yield None, entry


@require_GET
@staff_with(VIEW_ORDERS)
def waitlist(request, code):
    product = listings.product_get(code=code)
    context = {"product": product, "entries": list(_waitlist_rows(product))}
    return render(request, "registration/staff/waitlist.html", context)


@require_GET
@staff_with(VIEW_ORDERS)
def waitlist_csv(request, code):
    product = listings.product_get(code=code)
    rows = [
        [
            position,
            entry.status,
            entry.user.display_name,
            entry.user.email,
            entry.joined_at,
            entry.offered_at,
            entry.offer_expires_at,
        ]
        for position, entry in _waitlist_rows(product)
    ]
    return csv_response(f"{product.code}-waitlist.csv", WAITLIST_COLUMNS, rows)


@require_GET
@staff_with(VIEW_ORDERS)
def staff_home(request):
    return redirect("registration:staff-orders")


urlpatterns = [
    path("staff/registration/", staff_home, name="staff-home"),
    path("staff/registration/orders/", order_list, name="staff-orders"),
    path("staff/registration/orders.csv", order_list_csv, name="staff-orders-csv"),
    path("staff/registration/orders/<str:code>/", order_detail, name="staff-order"),
    path("staff/registration/orders/<str:code>/mark-paid/", order_mark_paid, name="staff-order-mark-paid"),
    path("staff/registration/orders/<str:code>/cancel/", order_cancel, name="staff-order-cancel"),
    path("staff/registration/orders/<str:code>/refund/", order_refund, name="staff-order-refund"),
    path("staff/registration/products/", product_list, name="staff-products"),
    path("staff/registration/products/<slug:code>/seats/", seat_list, name="staff-seats"),
    path("staff/registration/products/<slug:code>/seats.csv", seat_list_csv, name="staff-seats-csv"),
    path("staff/registration/products/<slug:code>/waitlist/", waitlist, name="staff-waitlist"),
    path("staff/registration/products/<slug:code>/waitlist.csv", waitlist_csv, name="staff-waitlist-csv"),
]
