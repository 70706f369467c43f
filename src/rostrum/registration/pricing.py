"""What a product costs one buyer now: member prices, date windows, free-for-holders rules, availability.

The rules, in the order a buyer meets them:
- Inactive products are not sold; a product sells inside its sales window [available_from, available_until).
- A buyer never orders a product twice: one they hold (a paid order) or have ordered (a pending order) is
  refused. Membership fees are the exception for paid orders: a member pays the fee again to renew.
- The price is the lowest of the prices that apply now: the prices for everyone and those of the membership
  types the buyer holds active, each inside its window [starts_at, ends_at). None applies: not for sale to
  them ("No price is set for you", or which members it is for).
- Free for holders: a buyer holding a paid order of a product in `free_for_holders_of` pays nothing (a
  Highlight Week pass is free for congress registrants).
- A product with no seat left is sold out, except for the buyer a freed seat is offered to (waitlist).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import dateformat, timezone

from rostrum.memberships.enums import MembershipStatus
from rostrum.memberships.models import Membership
from rostrum.registration.enums import SEAT_HOLDING_STATUSES, OrderStatus, ProductKind, WaitlistStatus
from rostrum.registration.models import OrderItem, Price, Product, WaitlistEntry


@dataclass(frozen=True)
class Quote:
    """A product as one buyer sees it now.

    `amount` is what they would pay before vouchers, VAT included (None when no price applies to them);
    `label` says which price it is ("Early · Full Membership", "Free for congress registrants");
    `available` is False when they cannot order it now, and `reason` says why ("Sold out: join the
    waitlist", "Sales open on 1 March 2026", "You already hold it", "Only for members of …").
    `sold_out` is True when the product has a capacity and no seat is left (the page offers the waitlist).
    """

    product: Product
    amount: Decimal | None
    label: str
    available: bool
    reason: str
    sold_out: bool


@dataclass(frozen=True)
class _Buyer:
    """What decides one buyer's prices, read once for any number of products."""

    membership_types: frozenset[int] = frozenset()
    paid: frozenset[int] = frozenset()  # products of their paid orders
    pending: frozenset[int] = frozenset()  # products of their orders awaiting payment
    offers: dict[int, dt.datetime] = field(default_factory=dict)  # product → until when a seat is offered


def _buyer(user, at: dt.datetime, *, seats: bool = True) -> _Buyer:
    """Three queries for a signed-in buyer (memberships, order items, waitlist offers: only when `seats`, some
    product has a seat limit); none for a visitor."""
    if not getattr(user, "is_authenticated", False):
        return _Buyer()
    day = timezone.localdate(at)
    types = Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        user=user,
        status=MembershipStatus.ACTIVE,
    ).values_list("membership_type_id", flat=True)
    held = OrderItem.objects.filter(order__buyer=user, order__status__in=SEAT_HOLDING_STATUSES).values_list(
        "product_id", "order__status"
    )
    paid, pending = set(), set()
    for product_id, status in held:
        (paid if status == OrderStatus.PAID else pending).add(product_id)
    offers = (
        WaitlistEntry.objects.filter(
            user=user, status=WaitlistStatus.OFFERED, offer_expires_at__gt=at
        ).values_list("product_id", "offer_expires_at")
        if seats
        else ()
    )
    return _Buyer(frozenset(types), frozenset(paid), frozenset(pending), dict(offers))


def _when(moment: dt.datetime, product: Product) -> str:
    """“1 March 2026” (with the time when it is not midnight), in the event's time zone."""
    local = timezone.localtime(moment, product.event.tz if product.event_id else None)
    text = dateformat.format(local, "j F Y")
    return text if local.time() == dt.time(0) else f"{text}, {dateformat.format(local, 'H:i')}"


def _in_window(price: Price, at: dt.datetime) -> bool:
    return (price.starts_at is None or price.starts_at <= at) and (
        price.ends_at is None or at < price.ends_at
    )


def _price(
    product: Product, buyer: _Buyer, at: dt.datetime, together: frozenset[int] = frozenset()
) -> tuple[Decimal | None, str, str]:
    """(amount, label, why there is none) for this buyer now; `together`: the products ordered with it."""
    # Only a buyer with paid products, or an order of several, can meet a free rule: the others never read
    # the rule (a checkout of one product saves the query).
    holdings = product.free_for_holders_of.all() if buyer.paid or len(together) > 1 else ()
    for holding in holdings:
        if holding.pk in buyer.paid:
            return Decimal("0.00"), f"Free for holders of {holding.name}", ""
        if holding.pk in together:
            # Ordered in the same order, the two share its fate: paid together, cancelled together.
            return Decimal("0.00"), f"Free with {holding.name}", ""
    current = [price for price in product.prices.all() if _in_window(price, at)]
    applicable = [
        price
        for price in current
        if price.membership_type_id is None or price.membership_type_id in buyer.membership_types
    ]
    if not applicable:
        member_types = list(dict.fromkeys(p.membership_type.name for p in current if p.membership_type_id))
        if member_types:
            return None, "", f"Only for members of {' or '.join(member_types)}."
        return None, "", "No price is set for you."
    # On a tie the price for everyone wins: its label is the simpler one.
    best = min(applicable, key=lambda price: (price.amount, price.membership_type_id is not None))
    label = best.get_window_display()
    if best.membership_type_id:
        label = f"{label} · {best.membership_type.name}"
    return best.amount, label, ""


def _quote(product: Product, buyer: _Buyer, at: dt.datetime, together: frozenset[int] = frozenset()) -> Quote:
    amount, label, no_price = _price(product, buyer, at, together)
    offered_until = buyer.offers.get(product.pk)
    # The seat freed for the first person on the waitlist stays held for them: for them it is not sold out.
    sold_out = product.seats_left == 0 and offered_until is None
    renewable = product.kind == ProductKind.MEMBERSHIP_FEE
    if not product.is_active:
        reason = "Not on sale."
    elif product.available_from and at < product.available_from:
        reason = f"Sales open on {_when(product.available_from, product)}."
    elif product.available_until and at >= product.available_until:
        reason = f"Sales closed on {_when(product.available_until, product)}."
    elif product.pk in buyer.paid and not renewable:
        reason = "You already hold it."
    elif product.pk in buyer.pending:
        reason = "You have already ordered it; the order awaits payment."
    elif amount is None:
        reason = no_price
    elif sold_out:
        reason = "Sold out: join the waitlist."
    elif offered_until:
        return Quote(
            product,
            amount,
            label,
            True,
            f"A seat is held for you until {_when(offered_until, product)}.",
            False,
        )
    else:
        reason = ""
    return Quote(product, amount, label, not reason, reason, sold_out)


def _with_prices(products, *, holders: bool = True):
    """Products with their event and prices (and their free rules, for lists that show many products)."""
    products = products.select_related("event").prefetch_related(
        Prefetch("prices", queryset=Price.objects.select_related("membership_type"))
    )
    return products.prefetch_related("free_for_holders_of") if holders else products


def products_for_checkout(*, codes=(), pks=()) -> dict:
    """The products of a checkout by code and by key, read with their prices in two queries; free rules are
    read only for the buyers they can concern (see _price)."""
    found = _with_prices(Product.objects.filter(Q(code__in=codes) | Q(pk__in=pks)), holders=False)
    by_key = {}
    for product in found:
        by_key[product.code] = by_key[product.pk] = product
    return by_key


def product_quote(product: Product, *, user, at: dt.datetime | None = None) -> Quote:
    """The quote of one product for `user` (a visitor: the price for everyone) at `at` (now).

    Reads the product afresh (seats, prices), so a quote taken inside a checkout sees the current state.
    """
    at = at or timezone.now()
    fresh = _with_prices(Product.objects.filter(pk=product.pk)).get()
    return _quote(fresh, _buyer(user, at, seats=fresh.capacity is not None), at)


def quotes_for(products, *, user, at: dt.datetime, fresh: bool = False) -> list[Quote]:
    """Quotes of `products` (a list: one order or cart) for one buyer, in a bounded number of queries. A
    product free for holders of another one in the list is free here too. The products are read afresh
    unless `fresh` says they were just read by products_for_checkout."""
    together = frozenset(product.pk for product in products)
    if not fresh:
        by_pk = {product.pk: product for product in _with_prices(Product.objects.filter(pk__in=together))}
        products = [by_pk[product.pk] for product in products]
    buyer = _buyer(user, at, seats=any(product.capacity is not None for product in products))
    return [_quote(product, buyer, at, together) for product in products]


def product_quotes(*, event, user, at: dt.datetime | None = None) -> list[Quote]:
    """Quotes for the active products of `event`, in their order, in a bounded number of queries.

    Six queries at most for a signed-in buyer, three for a visitor, whatever the number of products.
    """
    at = at or timezone.now()
    products = list(_with_prices(Product.objects.filter(event=event, is_active=True)))
    buyer = _buyer(user, at, seats=any(product.capacity is not None for product in products))
    return [_quote(product, buyer, at) for product in products]
