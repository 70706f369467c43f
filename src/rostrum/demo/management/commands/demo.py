"""`rostrum demo`: migrate, load the session types and the demo, print the logins, serve on 127.0.0.1:8000."""

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import setting_changed
from django.utils import timezone

from rostrum.demo.loader import Stage, demo_load
from rostrum.demo.users import demo_users_load
from rostrum.programme.catalogue import session_types_load
from rostrum.programme.errors import ProgrammeError

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Load the demo (three events from the society's texts, three users) and serve it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stage",
            choices=[stage.value for stage in Stage],
            default=Stage.LIVE.value,
            help="before: all upcoming; live (default): a session started 10 minutes ago; after: all over.",
        )
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop; do not serve.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, stage: str, no_serve: bool, host: str, port: int, **options):
        run_tasks_inline()
        call_command("migrate", interactive=False, verbosity=0)
        try:
            total, _created = session_types_load()
            events = demo_load(stage=stage)
        except (ProgrammeError, ValueError) as error:
            raise CommandError(f"The demo could not be loaded: {error}") from error
        users = demo_users_load()
        now = timezone.now()
        self.stdout.write(f"Session types: {total}. Demo loaded at stage '{stage}':")
        for event in events:
            self.describe(event, now=now)
        base = f"http://{host}:{port}"
        self.stdout.write(
            f"\nOpen {base}/  (staff pages: {base}/admin/)\nSign in at {base}/accounts/login/ as:"
        )
        for user in users:
            self.stdout.write(f"  {user.email:<22} password {user.password:<14} {user.role}")
        if no_serve:
            return
        import uvicorn  # only the serving demo needs it

        # Static files come from the apps through whitenoise's finders; it warns when this folder is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

        from rostrum.asgi import application

        self.stdout.write(f"\nServing {base}/ (Ctrl+C stops).")
        uvicorn.run(application, host=host, port=port, log_level="warning")

    def describe(self, event, *, now: dt.datetime) -> None:
        """One line per event, then what is live now and what comes next, in the event's local time."""
        sessions = event.sessions.order_by("starts_at")
        self.stdout.write(
            f"- {event.title} ({event.get_kind_display()}, {event.start_date} to {event.end_date}, "
            f"{sessions.count()} sessions): /events/{event.slug}/"
        )
        live = list(sessions.filter(starts_at__lte=now, ends_at__gt=now))
        for session in live:
            ends = f"{session.ends_at.astimezone(event.tz):%H:%M}"
            self.stdout.write(f"    LIVE NOW: {session.title}, {local(session.starts_at, event)} to {ends}")
        upcoming = sessions.filter(starts_at__gt=now).first()
        if upcoming:
            self.stdout.write(f"    next: {upcoming.title}, {local(upcoming.starts_at, event)}")
        elif not live:
            self.stdout.write("    over")
        if event.on_demand_until and event.on_demand_until > now:
            self.stdout.write(f"    on demand until {local(event.on_demand_until, event)}")


def local(moment: dt.datetime, event) -> str:
    return f"{moment.astimezone(event.tz):%Y-%m-%d %H:%M} {event.timezone}"


def run_tasks_inline() -> None:
    """The demo is one process: background work runs inline unless ROSTRUM_TASKS chose otherwise."""
    if "ROSTRUM_TASKS" in os.environ or settings.TASKS == IMMEDIATE_TASKS:
        return
    os.environ["ROSTRUM_TASKS"] = "immediate"
    settings.TASKS = IMMEDIATE_TASKS
    # django.tasks rebuilds its backends on this signal, as it does for override_settings.
    setting_changed.send(sender=Command, setting="TASKS", value=IMMEDIATE_TASKS, enter=True)
