"""My programme: stars, the personal programme page and its private calendar feed.

The star and calendar forms post here (CSRF-protected, signed-in users only); agenda.js enhances the star
buttons and keeps a visitor's stars in the browser until they sign in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rostrum.programme import agenda, services
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.exporters.ical import render_ics
from rostrum.programme.models import Presentation, Session


def _back(request) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe else reverse("programme:my-programme")


@login_required
def my_programme(request):
    subscription = agenda.calendar_subscription_active(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("programme:agenda-feed", kwargs={"token": subscription.token}))
        if subscription
        else ""
    )
    context = {"agendas": agenda.agenda_by_event(user=request.user), "feed_url": feed_url}
    return render(request, "programme/my_programme.html", context)


@require_POST
def star(request):
    """Star (`action=star`) or unstar (`action=unstar`) the posted `session` or `presentation` id.

    A visitor without JavaScript is sent to sign in and back to the page they were on.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(_back(request))
    item = {}
    if request.POST.get("session"):
        item["session"] = get_object_or_404(Session, pk=_id(request.POST["session"]))
    elif request.POST.get("presentation"):
        item["presentation"] = get_object_or_404(Presentation, pk=_id(request.POST["presentation"]))
    try:
        if request.POST.get("action") == "unstar":
            services.agenda_unstar(request.user, **item)
        else:
            services.agenda_star(request.user, **item)
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(_back(request))


def _id(value: str) -> int:
    return int(value) if value.isdigit() else 0


@require_POST
@login_required
def calendar_create(request):
    services.calendar_subscription_create(request.user)
    messages.success(request, "Your calendar link is ready. Any earlier link has stopped working.")
    return redirect("programme:my-programme")


@require_POST
@login_required
def calendar_revoke(request):
    subscription = agenda.calendar_subscription_active(user=request.user)
    if subscription:
        services.calendar_subscription_revoke(subscription, by=request.user)
        messages.success(
            request, "Your calendar link has stopped working. Calendars subscribed to it stop updating."
        )
    return redirect("programme:my-programme")


def calendar_feed(request, token):
    """The private iCal feed: whoever holds the token gets the programme, so the token is all it checks."""
    subscription, sessions, presentations = agenda.calendar_feed_items(token=token)
    body = render_ics(
        calendar_name=f"My programme ({subscription.user.display_name})",
        sessions=sessions,
        presentations=presentations,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="my-programme.ics"'
    return response


urlpatterns = [
    path("my/programme/", my_programme, name="my-programme"),
    path("my/programme/star/", star, name="agenda-star"),
    path("my/programme/calendar/new/", calendar_create, name="agenda-calendar-create"),
    path("my/programme/calendar/revoke/", calendar_revoke, name="agenda-calendar-revoke"),
    path("my/programme/<str:token>.ics", calendar_feed, name="agenda-feed"),
]
