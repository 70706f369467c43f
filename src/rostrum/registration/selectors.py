"""Reads of registration: prices as a buyer sees them, access, and a user's own orders."""

from rostrum.registration.entitlements import Access, can_watch, entitlements_of
from rostrum.registration.pricing import Quote, product_quote, product_quotes

__all__ = ["Access", "Quote", "can_watch", "entitlements_of", "product_quote", "product_quotes"]
