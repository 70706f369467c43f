"""`rostrum load_session_types`: the session-type catalogue from data, created or updated by code."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rostrum.programme.catalogue import SESSION_TYPES, session_types_load
from rostrum.programme.errors import ProgrammeError


class Command(BaseCommand):
    help = "Load the session-type catalogue (RC, NH, SA, ...) from JSON; a second run updates by code."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(SESSION_TYPES),
            help="A JSON list of {code, slug, name, description}.",
        )

    def handle(self, *args, file: str, **options):
        try:
            total, created = session_types_load(path=Path(file))
        except ProgrammeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Session types: {total} in the catalogue, {created} new.")
