"""What a product costs one buyer now: member prices, date windows, free-for-holders rules, availability.

OWNER: helper A (orders). CONTRACT STUB: replace the bodies, keep the names and signatures.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rostrum.registration.models import Product


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


def product_quote(product: Product, *, user, at: dt.datetime | None = None) -> Quote:
    raise NotImplementedError


def product_quotes(*, event, user, at: dt.datetime | None = None) -> list[Quote]:
    """Quotes for the active products of `event`, in their order, in a bounded number of queries."""
    raise NotImplementedError
