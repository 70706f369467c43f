"""The search page: one box across sessions, presentations, people and topics of published events."""

from django.shortcuts import render
from django.urls import path

from rostrum.programme import selectors

PER_PAGE = 20


def page_number(value: str | None) -> int:
    """The page asked for; anything that is not a positive number is the first page."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def search_page(request):
    q = request.GET.get("q", "")[:200]
    event_slug = request.GET.get("event", "")
    event = selectors.event_get(slug=event_slug) if event_slug else None
    page = page_number(request.GET.get("page"))
    results = selectors.search(q=q, event=event, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    pages = -(-results.total // PER_PAGE)
    context = {
        "q": q,
        "event": event,
        "events": selectors.event_list(),
        "hits": results.hits,
        "total": results.total,
        "capped": results.total_capped,
        "page": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
    }
    return render(request, "programme/search.html", context)


urlpatterns = [path("search/", search_page, name="search")]
