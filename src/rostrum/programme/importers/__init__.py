"""Programme imports, one module per format, all behind `programme_import()`.

Every importer has the signature

    def import_<format>(data: bytes, *, event_slug: str, by=None, title: str | None = None,
                        timezone: str | None = None) -> ImportReport

runs in one transaction inside `programme_batch()` (nothing is written on error), raises `ProgrammeError`
whose message names the place (JSON path or line number) and what was expected, and updates in place by
stable keys, so importing the same file twice changes nothing.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from rostrum.programme.errors import ProgrammeError

if TYPE_CHECKING:
    from rostrum.programme.models import Event

IMPORTERS = {
    "native": "rostrum.programme.importers.native.import_native",
    "frab-xml": "rostrum.programme.importers.frab.import_frab_xml",
    "text": "rostrum.programme.importers.agenda_text.import_agenda_text",
}


@dataclass
class ImportReport:
    """What an import did, for the command line and the back office."""

    event: "Event"
    created: dict[str, int] = field(default_factory=dict)  # e.g. {"sessions": 2, "presentations": 18}
    updated: dict[str, int] = field(default_factory=dict)
    conflicts: list = field(default_factory=list)  # from rostrum.programme.conflicts
    warnings: list[str] = field(default_factory=list)  # e.g. lines of an agenda that were not understood

    def count(self, kind: str, *, created: bool) -> None:
        counts = self.created if created else self.updated
        counts[kind] = counts.get(kind, 0) + 1

    def summary(self) -> str:
        def phrase(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()) if n) or "nothing"

        return f"{self.event.slug}: created {phrase(self.created)}; updated {phrase(self.updated)}"


def programme_import(data: bytes, *, format: str, event_slug: str, by=None, **options) -> ImportReport:
    """Import `data` in `format` into the event `event_slug`; see the module docstring."""
    if format not in IMPORTERS:
        raise ProgrammeError(f"Unknown import format '{format}'; expected one of {', '.join(IMPORTERS)}.")
    return import_string(IMPORTERS[format])(data, event_slug=event_slug, by=by, **options)
