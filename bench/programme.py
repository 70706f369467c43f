"""Programme benchmark: import an ECR-size programme, export it, and time the day page and the API.

    .venv/bin/python bench/programme.py [--scale N] [--database-url URL] [--runs R]

Prints `import time`, `re-import time`, `export time`, `day page p50` (the room-by-time grid of the
busiest day), `day list p50`, `api first page p50` (cold: nothing cached) and `api first page warm p50`.
Pages are requested in-process through Django's test client with DEBUG off, so the figures are the
server's own time without network.
"""

import argparse
import datetime as dt

import ecr
from harness import configure, median, timed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    configure(args.database_url)
    from django.db import connection
    from django.test import Client

    from rostrum.programme.exporters import programme_export
    from rostrum.programme.importers import programme_import
    from rostrum.programme.models import Event, Presentation, Session

    data = ecr.programme_bytes(args.scale)
    seconds, _ = timed(programme_import, data, format="native", event_slug="ecr-bench")
    event = Event.objects.get(slug="ecr-bench")
    print(
        f"programme: scale {args.scale}, {Session.objects.filter(event=event).count()} sessions, "
        f"{Presentation.objects.filter(event=event).count()} presentations, {event.people.count()} people "
        f"on {connection.vendor}"
    )
    print(f"import time: {seconds:.2f} s")
    seconds, _ = timed(programme_import, data, format="native", event_slug="ecr-bench")
    print(f"re-import time: {seconds:.2f} s")
    event.refresh_from_db()
    seconds, exported = timed(programme_export, event, format="native")
    print(f"export time: {seconds:.2f} s ({len(exported) / 1e6:.1f} MB native JSON)")

    client = Client()
    day = (event.start_date + dt.timedelta(days=1)).isoformat()
    pages = {
        "day page": f"/events/{event.slug}/?day={day}&view=grid",
        "day list": f"/events/{event.slug}/?day={day}&view=list",
        "api first page": f"/api/v1/sessions/?event={event.slug}",
    }
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        # Cold: nothing cached (the API caches responses under the programme version; pages do not).
        samples = [timed(cold_get, client, url)[0] for _ in range(args.runs)]
        print(f"{label} p50: {median(samples) * 1000:.1f} ms ({len(response.content) / 1e3:.0f} kB)")
    url = pages["api first page"]
    samples = [timed(client.get, url)[0] for _ in range(args.runs)]
    print(f"api first page warm p50: {median(samples) * 1000:.1f} ms (served from the cache)")


def cold_get(client, url):
    from django.core.cache import cache

    cache.clear()
    return client.get(url)


if __name__ == "__main__":
    main()
