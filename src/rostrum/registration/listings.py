"""Reads behind the staff pages, the CSV exports and the API: orders, seats and waitlists.

Each list costs a fixed number of queries whatever its length: orders come with their items and products in
one prefetch, products with their waitlist counts as annotations. A buyer's reads take the buyer explicitly,
so no view can hand one person's order to another.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from rostrum.registration.enums import SEAT_HOLDING_STATUSES, OrderStatus, WaitlistStatus
from rostrum.registration.models import Invoice, Order, OrderItem, Product, WaitlistEntry


def _with_items(orders: QuerySet[Order]) -> QuerySet[Order]:
    items = OrderItem.objects.select_related("product").order_by("pk")
    invoices = Invoice.objects.order_by("issued_at", "pk")
    return orders.select_related("voucher").prefetch_related(
        Prefetch("items", queryset=items), Prefetch("invoices", queryset=invoices)
    )


def order_list(
    *,
    status: str = "",
    event=None,
    product: Product | None = None,
    q: str = "",
) -> QuerySet[Order]:
    """Every order, newest first, for staff; filtered by status, event, product, and code or e-mail.

    `q` finds an order by its code (exactly, any case) or its buyer's e-mail (any part of it).
    """
    orders = Order.objects.all()
    if status:
        orders = orders.filter(status=status)
    if event is not None:
        orders = orders.filter(items__product__event=event)
    if product is not None:
        orders = orders.filter(items__product=product)
    if q := q.strip():
        orders = orders.filter(Q(code=q.upper()) | Q(buyer_email__icontains=q))
    if event is not None or product is not None:
        # One row per order even when several of its items match.
        orders = orders.distinct()
    return _with_items(orders.order_by("-created", "-pk"))


def _plausible(code: str) -> str:
    """The code in capitals; Http404 at once for what no order code looks like (a NUL byte in a URL would
    otherwise reach PostgreSQL, which refuses it with an error rather than finding nothing)."""
    if not (code.isalnum() and len(code) <= Order._meta.get_field("code").max_length):
        raise Http404(f"No order {code!r}.")
    return code.upper()


def order_get(*, code: str) -> Order:
    """One order by its code, for staff; Http404 when there is none."""
    code = _plausible(code)
    try:
        return _with_items(Order.objects.select_related("buyer")).get(code=code)
    except Order.DoesNotExist as error:
        raise Http404(f"No order {code}.") from error


def orders_of(buyer) -> QuerySet[Order]:
    """The buyer's own orders, newest first (none for an anonymous visitor)."""
    if not buyer.is_authenticated:
        return Order.objects.none()
    return _with_items(Order.objects.filter(buyer=buyer).order_by("-created", "-pk"))


def order_of(buyer, *, code: str) -> Order:
    """One of the buyer's own orders; Http404 for another person's order as for one that does not exist."""
    code = _plausible(code)
    try:
        return orders_of(buyer).get(code=code)
    except Order.DoesNotExist as error:
        raise Http404(f"You have no order {code}.") from error


def product_list(*, event=None) -> QuerySet[Product]:
    """Products (all of them, or one event's) with how many wait for a seat and how many seats are offered."""
    products = Product.objects.select_related("event", "session").annotate(
        waiting_count=Count("waitlist", filter=Q(waitlist__status=WaitlistStatus.WAITING)),
        offered_count=Count("waitlist", filter=Q(waitlist__status=WaitlistStatus.OFFERED)),
    )
    if event is not None:
        products = products.filter(event=event)
    return products.order_by("event__start_date", "event__pk", "position", "name")


def product_get(*, code: str) -> Product:
    """One product by its code, active or not, for staff; Http404 when there is none."""
    try:
        return Product.objects.select_related("event", "session").get(code=code)
    except Product.DoesNotExist as error:
        raise Http404(f"No product {code}.") from error


def seat_list(product: Product) -> QuerySet[OrderItem]:
    """Who holds a seat of `product` through an order (pending or paid), in the order they took it.

    Seats offered to the waitlist are held too; `waitlist` lists them (status "offered").
    """
    return (
        OrderItem.objects.filter(product=product, holds_seat=True, order__status__in=SEAT_HOLDING_STATUSES)
        .select_related("order", "order__buyer")
        .order_by("order__created", "pk")
    )


def waitlist(product: Product) -> QuerySet[WaitlistEntry]:
    """Everyone who joined the waitlist of `product`, in the order they joined, whatever became of it."""
    return WaitlistEntry.objects.filter(product=product).select_related("user").order_by("joined_at", "pk")


def order_counts() -> dict[str, int]:
    """How many orders are in each status, for the filter of the staff list."""
    counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in OrderStatus.values}
