"""Formatting filters of the buyer's pages: money as babel writes it, percentages of VAT."""

from decimal import Decimal

from django import template
from django_countries import countries

from rostrum.registration.models import Order, money_display

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """“€120.00”; an empty string when there is no amount (no price applies)."""
    return "" if amount is None else money_display(amount, currency or "EUR")


@register.filter
def percent(rate: Decimal) -> str:
    """A VAT rate as printed: “20%”, “5.5%”."""
    return f"{rate.normalize():f}%"


@register.filter
def zone(obj):
    """The time zone the dates of a product, an entitlement or an order are shown in: its event's (its
    session's event's; an order's first event's); None, which is the site's, when it has none."""
    if isinstance(obj, Order):
        events = (item.product.event for item in obj.items.all() if item.product.event_id)
        event = next(events, None)
    else:
        event = getattr(obj, "event", None) or getattr(getattr(obj, "session", None), "event", None)
    return event.tz if event is not None else None


@register.filter
def country_name(code: str) -> str:
    """“Austria” for “AT”; the code itself when it is none we know."""
    return countries.name(code) or code
