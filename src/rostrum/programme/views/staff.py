"""Staff pages of the back office: importing a programme (a pasted agenda previewed first, or a file)."""

import zoneinfo
from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from rostrum.programme import selectors
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.forms import ProgrammeImportForm
from rostrum.programme.importers import programme_import
from rostrum.programme.importers.agenda_parse import parse_agenda
from rostrum.programme.importers.agenda_text import DEFAULT_TIMEZONE


def staff_required(view):
    """Signed-in staff only: visitors are sent to sign in, members are refused (403)."""

    @wraps(view)
    @login_required
    def check(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Only staff may import programmes.")
        return view(request, *args, **kwargs)

    return check


def _preview(form, target):
    """What the pasted agenda says, read in the zone the import would use; nothing is written."""
    zone = form.cleaned_data["timezone"] or (target.timezone if target else DEFAULT_TIMEZONE)
    return parse_agenda(form.cleaned_data["text"], default_timezone=zoneinfo.ZoneInfo(zone))


@staff_required
def programme_import_page(request, event=None):
    """GET: the form. POST of a text agenda: what was understood, nothing saved; POST "confirmed" from that
    preview, or of a file: import, and show the report."""
    fixed = selectors.event_get(slug=event, include_unpublished=True) if event else None
    form = ProgrammeImportForm(request.POST or None, request.FILES or None, event=fixed)
    context = {
        **admin.site.each_context(request),
        "title": f"Import a programme into {fixed}" if fixed else "Import a programme",
        "form": form,
        "event": fixed,
        "event_slugs": selectors.event_list(include_unpublished=True).values_list("slug", flat=True),
    }
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["event"]
        target = fixed or selectors.event_list(include_unpublished=True).filter(slug=slug).first()
        context.update(target=target, target_slug=slug)
        try:
            # A pasted agenda is always shown as understood first; its preview's button sends "confirmed".
            if form.is_text and "confirmed" not in request.POST:
                context["preview"] = _preview(form, target)
            else:
                context["report"] = programme_import(
                    form.cleaned_data["data"],
                    format=form.cleaned_data["format"],
                    event_slug=slug,
                    by=request.user,
                    title=form.cleaned_data["title"] or None,
                    timezone=form.cleaned_data["timezone"] or None,
                )
        except ProgrammeError as error:
            form.add_error(None, str(error))
    return render(request, "programme/staff/import.html", context)


urlpatterns = [
    path("staff/import/", programme_import_page, name="staff-import"),
    path("staff/events/<slug:event>/import/", programme_import_page, name="staff-import-event"),
]
