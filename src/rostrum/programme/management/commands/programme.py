"""`rostrum programme import|export`: a whole programme in or out, in any registered format.

rostrum programme import ecr2030.json --event ecr-2030
rostrum programme import schedule.xml --event c31            # frab-xml, guessed from .xml
rostrum programme import agenda.txt --event pcc --timezone Europe/Vienna --title "Course"
rostrum programme export --event ecr-2030 --format ics -o ecr-2030.ics
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from rostrum.programme import selectors
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.exporters import EXPORTERS, programme_export
from rostrum.programme.importers import IMPORTERS, programme_import

FORMAT_BY_EXTENSION = {".xml": "frab-xml", ".txt": "text"}


class Command(BaseCommand):
    help = "Import or export an event's whole programme (native JSON, frab, plain-text agenda, iCal, CSV)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import", help="Make the event's programme the file's (created if missing)."
        )
        load.add_argument("file", help="The programme file.")
        load.add_argument("--event", required=True, help="The event's slug, e.g. ecr-2030.")
        load.add_argument(
            "--format",
            choices=list(IMPORTERS),
            help="Default: frab-xml for .xml, text for .txt, native JSON otherwise.",
        )
        load.add_argument("--title", help="The event's title (replaces the file's).")
        load.add_argument("--timezone", help="The event's IANA time zone, e.g. Europe/Vienna.")
        dump = actions.add_parser("export", help="Write the event's programme.")
        dump.add_argument("--event", required=True, help="The event's slug.")
        dump.add_argument("--format", choices=list(EXPORTERS), default="native")
        dump.add_argument("-o", "--output", help="The file to write; standard output without it.")

    def handle(self, *args, action: str, **options):
        try:
            if action == "import":
                self.import_programme(**options)
            else:
                self.export_programme(**options)
        except ProgrammeError as error:
            raise CommandError(str(error)) from error

    def import_programme(self, *, file: str, event: str, format: str | None, title, timezone, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        format = format or FORMAT_BY_EXTENSION.get(path.suffix.lower(), "native")
        extra = {key: value for key, value in {"title": title, "timezone": timezone}.items() if value}
        report = programme_import(data, format=format, event_slug=event, **extra)
        self.stdout.write(report.summary())
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        if report.conflicts:
            self.stdout.write(f"{len(report.conflicts)} conflicts:")
            for conflict in report.conflicts:
                self.stdout.write(f"  {conflict.label}: {conflict.message}")
        else:
            self.stdout.write("No conflicts.")

    def export_programme(self, *, event: str, format: str, output: str | None, **options):
        try:
            found = selectors.event_get(slug=event, include_unpublished=True)
        except Http404 as error:
            raise CommandError(f"There is no event '{event}'.") from error
        data = programme_export(found, format=format)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Wrote {len(data)} bytes to {output}.")
        else:
            self.stdout.write(data.decode(), ending="")
