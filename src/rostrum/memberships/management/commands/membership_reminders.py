"""`rostrum membership_reminders`: the daily membership run for cron (expire what ended, send reminders)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from rostrum.memberships.tasks import membership_daily_run


class Command(BaseCommand):
    help = (
        "Mark memberships whose last day has passed as expired, then e-mail the reminders due "
        "(30 days and 7 days before the end, and on expiry), each once. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this day (YYYY-MM-DD); default: today.")

    def handle(self, *args, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date must be a day such as 2026-11-23, not {date!r}.") from error
        expired, reminded = membership_daily_run(today)
        self.stdout.write(f"Memberships expired: {expired}. Reminders sent: {reminded}.")
