"""Background work of memberships: the daily run, also queued as a django.tasks task."""

import datetime as dt

from django.tasks import task

from rostrum.memberships.services import membership_expire_due, membership_send_reminders


def membership_daily_run(today: dt.date | None = None) -> tuple[int, int]:
    """Expire what ended, then send the reminders due; return (expired, reminded)."""
    return membership_expire_due(today=today), membership_send_reminders(today=today)


@task
def membership_daily(today: str | None = None) -> dict[str, int]:
    """The daily run as a task; `today` is an ISO date (task arguments must be JSON)."""
    expired, reminded = membership_daily_run(dt.date.fromisoformat(today) if today else None)
    return {"expired": expired, "reminded": reminded}
