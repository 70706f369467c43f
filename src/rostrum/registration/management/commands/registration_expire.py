"""`rostrum registration_expire`: expire unpaid orders and waitlist offers whose time has passed (cron)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rostrum.registration.errors import RegistrationError
from rostrum.registration.tasks import registration_expire_run


class Command(BaseCommand):
    help = (
        "Expire orders still awaiting payment past their time (their seats are released, the buyers told) "
        "and waitlist offers past theirs (the seat goes to the next person). Run it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Run as if it were this moment (ISO, e.g. 2026-11-23T18:00+00:00); default: now."
        )

    def handle(self, *args, now: str | None = None, **options):
        try:
            moment = dt.datetime.fromisoformat(now) if now else None
        except ValueError as error:
            raise CommandError(
                f"--now must be a moment such as 2026-11-23T18:00+00:00, not {now!r}."
            ) from error
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        try:
            orders, offers = registration_expire_run(moment)
        except RegistrationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Orders expired: {orders}. Waitlist offers expired: {offers}.")
