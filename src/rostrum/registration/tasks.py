"""Background work of registration: expiring unpaid orders and waitlist offers, also queued as a task."""

import datetime as dt

from django.tasks import task

from rostrum.registration.capacity import waitlist_offer_expire_due
from rostrum.registration.orders import order_expire_due


def registration_expire_run(now: dt.datetime | None = None) -> tuple[int, int]:
    """Expire unpaid orders past their time (their seats go to the waitlist or back on sale), then waitlist
    offers past theirs (they move on to the next person); return (orders, offers) expired."""
    return order_expire_due(now=now), waitlist_offer_expire_due(now=now)


@task
def registration_expire(now: str | None = None) -> dict[str, int]:
    """The expiry run as a task; `now` is an ISO date-time (task arguments must be JSON)."""
    orders, offers = registration_expire_run(dt.datetime.fromisoformat(now) if now else None)
    return {"orders": orders, "offers": offers}
