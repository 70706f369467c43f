"""Programme exports, one module per format, all behind `programme_export()`.

Every exporter has the signature `def export_<format>(event) -> bytes` and reads through selectors with a
fixed number of queries. HTTP views cache the bytes under the event's programme version.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from rostrum.programme.errors import ProgrammeError


@dataclass(frozen=True)
class ExportFormat:
    function: str
    content_type: str
    extension: str


EXPORTERS = {
    "native": ExportFormat("rostrum.programme.exporters.native.export_native", "application/json", "json"),
    "frab-xml": ExportFormat("rostrum.programme.exporters.frab.export_frab_xml", "application/xml", "xml"),
    "frab-json": ExportFormat(
        "rostrum.programme.exporters.frab.export_frab_json", "application/json", "json"
    ),
    "ics": ExportFormat("rostrum.programme.exporters.ical.export_ics", "text/calendar; charset=utf-8", "ics"),
    "csv": ExportFormat("rostrum.programme.exporters.csv.export_csv", "text/csv; charset=utf-8", "csv"),
}


def programme_export(event, *, format: str) -> bytes:
    if format not in EXPORTERS:
        raise ProgrammeError(f"Unknown export format '{format}'; expected one of {', '.join(EXPORTERS)}.")
    return import_string(EXPORTERS[format].function)(event)
