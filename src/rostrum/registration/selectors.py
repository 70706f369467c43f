"""Reads of registration: prices as a buyer sees them (pricing.py), access (entitlements.py), orders,
products, seat lists and waitlists (listings.py), invoices (invoices.py)."""

from rostrum.registration.capacity import waitlist_position
from rostrum.registration.entitlements import Access, can_watch, entitlements_of
from rostrum.registration.invoices import invoice_of
from rostrum.registration.listings import (
    order_counts,
    order_get,
    order_list,
    order_of,
    orders_of,
    product_get,
    product_list,
    seat_list,
    waitlist,
)
from rostrum.registration.pricing import Quote, product_quote, product_quotes, quotes_for

__all__ = [
    "Access",
    "Quote",
    "can_watch",
    "entitlements_of",
    "invoice_of",
    "order_counts",
    "order_get",
    "order_list",
    "order_of",
    "orders_of",
    "product_get",
    "product_list",
    "product_quote",
    "product_quotes",
    "quotes_for",
    "seat_list",
    "waitlist",
    "waitlist_position",
]
