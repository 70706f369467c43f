"""The buyer's pages: an event's products at the visitor's own price, one product, the cart and checkout,
"My orders", one order, "My access", and paying a membership fee by order.

Every write goes through a service; every read of a person's own rows takes that person explicitly
(listings.order_of, the filters on request.user below), so one buyer's order, waitlist entry or membership
answers 404 to anybody else, exactly as one that does not exist.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rostrum.core.errors import RostrumError
from rostrum.memberships.models import Membership
from rostrum.programme import selectors as programme_selectors
from rostrum.registration import listings, payments, pricing, selectors, services
from rostrum.registration.enums import (
    OPEN_WAITLIST_STATUSES,
    SEAT_HOLDING_STATUSES,
    OrderStatus,
    WaitlistStatus,
)
from rostrum.registration.forms import CheckoutForm
from rostrum.registration.models import CartItem, Order, OrderItem, Product, WaitlistEntry


# ---- Reads of the visitor's own rows -------------------------------------------------------------------
def _held_items(user, products) -> dict[int, OrderItem]:
    """The user's pending or paid order items of `products`, by product id: what they already hold."""
    if not user.is_authenticated:
        return {}
    items = OrderItem.objects.filter(
        order__buyer=user, order__status__in=SEAT_HOLDING_STATUSES, product__in=products
    ).select_related("order")
    return {item.product_id: item for item in items}


def _cart_product_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(CartItem.objects.filter(user=user).values_list("product_id", flat=True))


def _open_waitlist_entries(user, products) -> dict[int, WaitlistEntry]:
    if not user.is_authenticated:
        return {}
    entries = WaitlistEntry.objects.filter(user=user, product__in=products, status__in=OPEN_WAITLIST_STATUSES)
    return {entry.product_id: entry for entry in entries}


def _product(code: str) -> Product:
    """A product on sale: active, of a published event (or of none, like a membership fee)."""
    products = Product.objects.select_related("event", "session").filter(is_active=True)
    product = get_object_or_404(products, code=code)
    if product.event_id and not product.event.is_published:
        raise Http404(f"No product {code}.")
    return product


def _on_sale(product: Product) -> bool:
    now = timezone.now()
    return (product.available_from is None or product.available_from <= now) and (
        product.available_until is None or now < product.available_until
    )


def _offer(quote, *, user, held, in_cart, entry) -> dict:
    """What the visitor can do with one product (`action`, which _offer_action.html shows): what they hold,
    have in their cart or wait for first, then what the quote allows."""
    # A full product with a price for them, while it is on sale: the waitlist is worth joining.
    waitlist = quote.sold_out and quote.amount is not None and _on_sale(quote.product)
    if held is not None:
        action = "held"
    elif in_cart:
        action = "in_cart"
    elif entry is not None and entry.status == WaitlistStatus.OFFERED:
        action = "offered"  # a seat is held for them: they may order although the product is sold out
    elif entry is not None:
        action = "waiting"
    elif waitlist:
        action = "waitlist" if user.is_authenticated else "sign_in_waitlist"
    elif not quote.available:
        action = "unavailable"
    elif not user.is_authenticated:
        action = "sign_in"
    else:
        action = "add"
    return {"quote": quote, "product": quote.product, "action": action, "held": held, "entry": entry}


def _offers(quotes, *, user) -> list[dict]:
    products = [quote.product for quote in quotes]
    held = _held_items(user, products)
    cart = _cart_product_ids(user)
    entries = _open_waitlist_entries(user, products)
    return [
        _offer(
            quote,
            user=user,
            held=held.get(quote.product.pk),
            in_cart=quote.product.pk in cart,
            entry=entries.get(quote.product.pk),
        )
        for quote in quotes
    ]


# ---- Products --------------------------------------------------------------------------------------------
@require_GET
def event_products(request, event: str):
    event = programme_selectors.event_get(slug=event)
    quotes = selectors.product_quotes(event=event, user=request.user)
    # The cards name a workshop's session: one query for all of them, not one per card.
    prefetch_related_objects([quote.product for quote in quotes], "session")
    offers = _offers(quotes, user=request.user)
    context = {
        "event": event,
        "offers": offers,
        "day": None,
        "cart_count": len(_cart_product_ids(request.user)),
    }
    return render(request, "registration/event.html", context)


@require_GET
def product_detail(request, code: str):
    product = _product(code)
    quote = selectors.product_quote(product, user=request.user)
    offer = _offers([quote], user=request.user)[0]
    return render(request, "registration/product.html", {"product": product, "offer": offer})


@login_required
@require_POST
def cart_add(request, code: str):
    product = _product(code)
    try:
        services.cart_add(user=request.user, product=product)
    except RostrumError as error:
        messages.error(request, error.message)
        return redirect("registration:product", code=product.code)
    messages.success(request, f"{product.name} is in your cart.")
    return redirect("registration:cart")


@login_required
@require_POST
def waitlist_join(request, code: str):
    product = _product(code)
    try:
        services.waitlist_join(user=request.user, product=product)
    except RostrumError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"You are on the waitlist for {product.name}. We e-mail you as soon as a seat is free."
        )
    return redirect("registration:product", code=product.code)


# ---- Cart and checkout -----------------------------------------------------------------------------------
def _checkout_initial(user) -> dict:
    """The buyer's details of their last order, else what the profile says."""
    last = Order.objects.filter(buyer=user).order_by("-created", "-pk").first()
    if last is not None:
        return {
            "country": last.buyer_country,
            "vat_id": last.buyer_vat_id,
            "organisation": last.buyer_organisation,
            "address": last.buyer_address,
        }
    return {"country": str(user.country or ""), "organisation": user.institution}


@login_required
@require_http_methods(["GET", "POST"])
def cart(request):
    items = list(
        CartItem.objects.filter(user=request.user).select_related("product", "product__event").order_by("pk")
    )
    quotes = pricing.quotes_for([item.product for item in items], user=request.user, at=timezone.now())
    lines = [{"item": item, "quote": quote} for item, quote in zip(items, quotes, strict=True)]
    form = CheckoutForm(request.POST or None, initial=_checkout_initial(request.user))
    if request.method == "POST" and form.is_valid():
        if not items:
            messages.error(request, "Your cart is empty: add a product first.")
            return redirect("registration:cart")
        try:
            order = services.order_place(
                buyer=request.user,
                voucher_code=form.cleaned_data["voucher"],
                payment_provider=form.cleaned_data["payment_provider"],
                buyer_details=form.buyer_details(),
            )
        except RostrumError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _placed_message(order))
            return redirect("registration:order", code=order.code)
    amounts = [line["quote"].amount for line in lines]
    total = sum(amounts) if amounts and None not in amounts else None
    events = [item.product.event for item in items if item.product.event_id]
    context = {
        "lines": lines,
        "form": form,
        # "Continue shopping" leads back to the registration page the buyer came from, as far as we can tell.
        "shop_url": reverse("registration:products", args=[events[-1].slug])
        if events
        else reverse("programme:front"),
        "total": total,
        "currency": items[0].product.currency if items else "EUR",
    }
    return render(request, "registration/cart.html", context)


def _placed_message(order: Order) -> str:
    if order.status == OrderStatus.PAID:
        return f"Thank you! Your order {order.code} is complete."
    return f"Thank you! Your order {order.code} is placed; it is confirmed once we receive your payment."


@login_required
@require_POST
def cart_remove(request, code: str):
    item = get_object_or_404(
        CartItem.objects.select_related("product"), user=request.user, product__code=code
    )
    try:
        services.cart_remove(user=request.user, product=item.product)
    except RostrumError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{item.product.name} is no longer in your cart.")
    return redirect("registration:cart")


# ---- Orders ----------------------------------------------------------------------------------------------
@login_required
@require_GET
def order_list(request):
    orders = listings.orders_of(request.user).prefetch_related("items__product__event")
    return render(request, "registration/orders.html", {"orders": orders})


@login_required
@require_GET
def order_detail(request, code: str):
    order = listings.order_of(request.user, code=code)
    context = {
        "order": order,
        "instructions": payments.payment_instructions(order),
        "seller": settings.ROSTRUM_SELLER,
        "is_pending": order.status == OrderStatus.PENDING,
        "net_total": sum((item.net_amount for item in order.items.all()), start=Decimal("0.00")),
        "vat_total": sum((item.vat_amount for item in order.items.all()), start=Decimal("0.00")),
    }
    return render(request, "registration/order.html", context)


@login_required
@require_POST
def order_cancel(request, code: str):
    order = listings.order_of(request.user, code=code)
    try:
        services.order_cancel(order, by=request.user, reason="Cancelled by the buyer.")
    except RostrumError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Your order {order.code} is cancelled.")
    return redirect("registration:order", code=order.code)


@login_required
@require_POST
def membership_pay(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.select_related("membership_type"), pk=pk, user=request.user
    )
    try:
        order = services.membership_fee_order_place(membership, by=request.user)
    except RostrumError as error:
        messages.error(request, error.message)
        return redirect("memberships:mine")
    messages.success(request, _placed_message(order))
    return redirect("registration:order", code=order.code)


# ---- Access ----------------------------------------------------------------------------------------------
@login_required
@require_GET
def my_access(request):
    entries = list(
        WaitlistEntry.objects.filter(user=request.user)
        .select_related("product", "product__event")
        .order_by("-joined_at", "-pk")
    )
    for entry in entries:  # a person waits in a handful of queues at most
        entry.position = selectors.waitlist_position(entry)
    context = {
        "entitlements": selectors.entitlements_of(request.user),
        "entries": entries,
        "open_statuses": list(OPEN_WAITLIST_STATUSES),
    }
    return render(request, "registration/access.html", context)


@login_required
@require_POST
def waitlist_leave(request, pk: int):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("product"),
        pk=pk,
        user=request.user,
        status__in=OPEN_WAITLIST_STATUSES,
    )
    try:
        services.waitlist_leave(entry, by=request.user)
    except RostrumError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You left the waitlist for {entry.product.name}.")
    return redirect("registration:access")


urlpatterns = [
    path("events/<slug:event>/registration/", event_products, name="products"),
    path("registration/products/<slug:code>/", product_detail, name="product"),
    path("registration/products/<slug:code>/add/", cart_add, name="cart-add"),
    path("registration/products/<slug:code>/waitlist/", waitlist_join, name="waitlist-join"),
    path("registration/cart/", cart, name="cart"),
    path("registration/cart/<slug:code>/remove/", cart_remove, name="cart-remove"),
    path("registration/memberships/<int:pk>/pay/", membership_pay, name="membership-pay"),
    path("account/orders/", order_list, name="orders"),
    path("account/orders/<str:code>/", order_detail, name="order"),
    path("account/orders/<str:code>/cancel/", order_cancel, name="order-cancel"),
    path("account/access/", my_access, name="access"),
    path("account/access/waitlist/<int:pk>/leave/", waitlist_leave, name="waitlist-leave"),
]
