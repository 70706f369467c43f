"""`rostrum load_membership_types`: the society's membership types from data, created or updated by code."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rostrum.memberships.catalogue import MEMBERSHIP_TYPES, membership_types_load
from rostrum.memberships.errors import MembershipError


class Command(BaseCommand):
    help = "Load the membership types (Full, In Training, Corresponding, Friend) from JSON; reruns update."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(MEMBERSHIP_TYPES), help="A JSON list of membership types."
        )

    def handle(self, *args, file: str, **options):
        try:
            total, created = membership_types_load(path=Path(file))
        except MembershipError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Membership types: {total} in the file, {created} new.")
