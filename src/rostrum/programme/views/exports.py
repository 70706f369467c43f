"""Programme files at stable URLs, cached under the event's programme version and served conditionally.

`/events/<event>/schedule.xml|schedule.json|schedule.ics|programme.csv|programme.json` and
`/events/<event>/sessions/<session>.ics`. The warm path is one query (the event's programme version) and
a file handed to the server (sendfile); the version names both the cached file and the ETag (see
`exporters.cached`).
"""

from django.http import FileResponse, HttpResponse
from django.urls import path, register_converter
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from rostrum.programme import selectors
from rostrum.programme.exporters import EXPORTERS, programme_export
from rostrum.programme.exporters.cached import cached_export, programme_stamp
from rostrum.programme.exporters.ical import render_ics

# The file names of an event's exports and the registry's format behind each.
EXPORT_FILES = {
    "schedule.xml": "frab-xml",
    "schedule.json": "frab-json",
    "schedule.ics": "ics",
    "programme.csv": "csv",
    "programme.json": "native",
}
# Clients and proxies may reuse a file for a minute, then revalidate with If-None-Match (a cheap 304).
MAX_AGE_SECONDS = 60


class ExportFileConverter:
    regex = "|".join(name.replace(".", r"\.") for name in EXPORT_FILES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFileConverter, "export_file")


@require_safe
def event_export(request, event, file):
    format = EXPORT_FILES[file]
    return _serve(
        request,
        slug=event,
        tag=format,
        content_type=EXPORTERS[format].content_type,
        filename=f"{event}-{file}",
        render=lambda event: programme_export(event, format=format),
    )


@require_safe
def session_ics(request, event, session):
    def render(event):
        found = selectors.session_get(event=event, slug=session)
        return render_ics(calendar_name=str(found), sessions=[found], event=event)

    return _serve(
        request,
        slug=event,
        tag=f"session-{session}.ics",
        content_type=EXPORTERS["ics"].content_type,
        filename=f"{event}-{session}.ics",
        render=render,
    )


def _serve(request, *, slug: str, tag: str, content_type: str, filename: str, render) -> HttpResponse:
    """Answer 304, the cached bytes, or freshly rendered ones; 404 for an unknown or unpublished event."""
    stamp = programme_stamp(slug=slug)
    etag = quote_etag(stamp.key(tag))
    last_modified = int(stamp.changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        path = cached_export(stamp, tag=tag, render=lambda: render(selectors.event_get(slug=slug)))
        response = FileResponse(path.open("rb"), content_type=content_type, filename=filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


urlpatterns = [
    path("events/<slug:event>/<export_file:file>", event_export, name="export"),
    path("events/<slug:event>/sessions/<slug:session>.ics", session_ics, name="session-ics"),
]
