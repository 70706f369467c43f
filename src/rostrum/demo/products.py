"""What the demo sells (data/products.json): a congress registration with early, regular and late prices for
non-members and members, the Highlight Week pass (free for congress registrants), the ESOR course ticket, a
hands-on workshop seat for twelve, and a voucher; loaded through registration's catalogue services.

Times in the file are local times of the product's event, as the seeds print its dates. They move with the
event's stage shift in whole days, like the event's on-demand date, so a window that ends at midnight still
ends at midnight. Loading again updates the same products (by code): orders placed on them stay valid.
"""

import dataclasses
import datetime as dt
import json
from pathlib import Path

from rostrum.memberships.catalogue import membership_types_load
from rostrum.memberships.models import MembershipType
from rostrum.programme.models import Event
from rostrum.registration.catalogue import product_update_or_create, voucher_update_or_create
from rostrum.registration.models import Product, Voucher

PRODUCTS = Path(__file__).resolve().parent / "data" / "products.json"


def demo_products_detach(event_slugs: list[str]) -> None:
    """Let the demo events be deleted and loaded anew: their products and vouchers, which orders may point at,
    lose their event and session until `demo_products_load` links them to the new ones."""
    # Plain updates rather than a service: nothing is sold between the two steps (one transaction).
    Product.objects.filter(event__slug__in=event_slugs).update(event=None, session=None)
    Voucher.objects.filter(event__slug__in=event_slugs).update(event=None)


def demo_products_load(events: dict[str, Event], *, shifts: dict, path: Path = PRODUCTS) -> list[Product]:
    """Create or update the demo's products and vouchers for the loaded `events` (by slug), with the times
    shifted like their event (`shifts` by slug, from loader.stage_shifts); return the products.

    Loads seed 002's membership types first: member prices name them. Side effects: those of
    `product_update_or_create` and `voucher_update_or_create`.
    """
    membership_types_load()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    types = {membership_type.code: membership_type for membership_type in MembershipType.objects.all()}
    products: dict[str, Product] = {}
    for position, spec in enumerate(data["products"]):
        event = events[spec["event"]]
        at = _clock(event, shifts[event.slug])
        session = None
        if spec.get("session"):
            # The last of that title: the demo congress runs each workshop twice, and the later one is still
            # ahead at stage "live" (the congress's middle day).
            session = event.sessions.filter(title=spec["session"]).order_by("starts_at").last()
            if session is None:
                raise ValueError(f"{spec['code']}: {event.slug} has no session '{spec['session']}'.")
        products[spec["code"]], _ = product_update_or_create(
            code=spec["code"],
            event=event,
            session=session,
            kind=spec["kind"],
            name=spec["name"],
            description=spec.get("description", ""),
            capacity=spec.get("capacity"),
            available_from=at(spec.get("available_from")),
            # A workshop seat is sold until its session starts.
            available_until=at(spec.get("available_until")) or (session.starts_at if session else None),
            grants_live=spec.get("grants_live", True),
            grants_on_demand=spec.get("grants_on_demand", True),
            offer_hours=spec.get("offer_hours", 48),
            is_active=True,
            position=position,
            free_for_holders_of=[products[code] for code in spec.get("free_for_holders_of", [])],
            prices=[
                {
                    "membership_type": types[price["membership_type"]]
                    if price.get("membership_type")
                    else None,
                    "window": price["window"],
                    "starts_at": at(price.get("starts_at")),
                    "ends_at": at(price.get("ends_at")),
                    "amount": price["amount"],
                }
                for price in spec["prices"]
            ],
        )
    for spec in data.get("vouchers", []):
        event = events[spec["event"]]
        voucher_update_or_create(
            code=spec["code"],
            event=event,
            products=[products[code] for code in spec.get("products", [])],
            kind=spec["kind"],
            value=spec.get("value", "0"),
            max_uses=spec.get("max_uses"),
            valid_until=_clock(event, shifts[event.slug])(spec.get("valid_until")),
            is_active=True,
            comment=spec.get("comment", ""),
        )
    return list(products.values())


def _clock(event: Event, shift):
    """Local times of `event` in the file → shifted UTC instants (None stays None)."""
    whole_days = dataclasses.replace(shift, remainder=dt.timedelta(0))
    return lambda local: whole_days.at(local, event.tz) if local else None
