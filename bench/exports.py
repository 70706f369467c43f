"""Exports benchmark: cold generation of schedule.xml/.json/.ics, warm requests per second over HTTP
against gunicorn (2 workers, DEBUG off) compared with nginx serving the same bytes, the frab import,
and search latency.

    .venv/bin/python bench/exports.py [--database-url URL] [--seconds S] [--no-scale-10]

Scale 1 (ECR size) is measured first, then scale 10 (30,000 presentations) for the cold times and search.
Figures: `schedule.xml cold`, `schedule.json cold`, `schedule.ics cold`, `frab import time`, warm requests per
second per export (200 and 304) with nginx's figure beside them, `search p50`, `search p95` (scale 10).
"""

import argparse
import random
import urllib.request

import ecr
from harness import configure, median, percentile, timed
from http_load import gunicorn, nginx, nginx_proxy_cache, requests_per_second

FORMATS = {"schedule.xml": "frab-xml", "schedule.json": "frab-json", "schedule.ics": "ics"}
QUERIES = [
    "cardiac",
    "paediatric imaging",
    "Müller",
    "neuro update",
    "pitfalls",
    "Kraków",
    "breast 12",
    "Q&A",
    "interventional",
    "what the radiologist",
    "Álvarez",
    "MR-guided",
    "chest",
    "radiographers",
    "vascul",
]


def cold_times(event, suffix: str, runs: int = 3) -> None:
    from django.core.cache import cache

    from rostrum.programme.exporters import programme_export

    for name, format in FORMATS.items():
        samples = []
        for _ in range(runs):
            cache.clear()
            samples.append(timed(programme_export, event, format=format)[0])
        print(f"{name}{suffix} cold: {median(samples):.3f} s")


def search_latency(event, label: str) -> None:
    from rostrum.programme import selectors

    samples = []
    for query in QUERIES * 4:
        samples.append(timed(lambda q=query: selectors.search(q=q, event=event).hits)[0])
        samples.append(timed(lambda q=query: selectors.search(q=q).hits)[0])
    print(f"{label}search p50: {percentile(samples, 50) * 1000:.1f} ms")
    print(f"{label}search p95: {percentile(samples, 95) * 1000:.1f} ms")


def warm_http(env, event, seconds: int) -> None:
    """Warm requests per second, 200 and 304, from Django alone and behind nginx's proxy cache, each beside
    nginx serving the same bytes as static files."""
    from rostrum.programme.exporters import programme_export

    bodies = {name: programme_export(event, format=format) for name, format in FORMATS.items()}
    probe = f"/events/{event.slug}/schedule.xml"
    with gunicorn(env) as base, nginx(bodies) as static, nginx_proxy_cache(base, probe=probe) as proxy:
        for name in FORMATS:
            static_rps = requests_per_second(f"{static}/{name}", seconds=seconds) if static else None
            for label, origin in (("", base), (" behind proxy", proxy)):
                if origin is None:
                    continue
                url = f"{origin}/events/{event.slug}/{name}"
                with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback
                    etag = response.headers["ETag"]
                ours = requests_per_second(url, seconds=seconds)
                ours_304 = requests_per_second(url, seconds=seconds, headers={"If-None-Match": etag})
                line = f"{name} warm{label}: {ours:.0f} requests/s, 304: {ours_304:.0f} requests/s"
                if static_rps:
                    line += f"; nginx static: {static_rps:.0f} requests/s (ratio {ours / static_rps:.2f})"
                print(line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=int, default=5, help="duration of each HTTP load run")
    parser.add_argument("--no-scale-10", action="store_true")
    args = parser.parse_args()

    env = configure(args.database_url)
    from rostrum.programme.exporters import programme_export
    from rostrum.programme.importers import programme_import
    from rostrum.programme.models import Event, Presentation

    programme_import(ecr.programme_bytes(1), format="native", event_slug="ecr-bench")
    event = Event.objects.get(slug="ecr-bench")
    print(f"scale 1: {Presentation.objects.filter(event=event).count()} presentations")
    cold_times(event, "")

    frab = programme_export(event, format="frab-xml")
    seconds, _ = timed(programme_import, frab, format="frab-xml", event_slug="ecr-frab")
    print(f"frab import time: {seconds:.2f} s ({len(frab) / 1e6:.1f} MB, {frab.count(b'<event ')} events)")

    warm_http(env, event, args.seconds)
    random.seed(1)
    search_latency(event, "scale 1 ")

    if not args.no_scale_10:
        seconds, _ = timed(
            programme_import,
            ecr.programme_bytes(10, slug="ecr-bench-10"),
            format="native",
            event_slug="ecr-bench-10",
        )
        big = Event.objects.get(slug="ecr-bench-10")
        count = Presentation.objects.filter(event=big).count()
        print(f"scale 10: {count} presentations, imported in {seconds:.1f} s")
        cold_times(big, " (scale 10)")
        search_latency(big, "")


if __name__ == "__main__":
    main()
