"""Checkout benchmark: buyers racing for the last seats of a hands-on workshop, then sustained checkouts of a
congress registration, all through the API (POST /api/v1/me/orders/) of Rostrum under gunicorn against a
fresh, migrated PostgreSQL database.

    .venv/bin/python bench/checkout.py [--database-url URL] [--buyers 200] [--seats 30] [--seconds 25]
        [--concurrency 48] [--workers N] [--threads T] [--port P] [--profile N]

1. Race: `--buyers` signed-in buyers wait at a barrier, then all order one seat of a `--seats`-seat workshop
   at once (bank transfer). Exactly `--seats` must get 201 and the rest 400 "sold out", and the database must
   hold exactly that many seats; anything else fails the bench.
2. Throughput: `--concurrency` buyers at a time order a congress registration (no capacity, bank transfer),
   each buyer once, for `--seconds`. Orders per minute = completed orders / elapsed minutes, where elapsed
   runs until the last request started inside the window has been answered.

Buyers and their sessions are written straight into the database before the server starts (signing 10,000
people in through allauth is not what is measured); each request carries the buyer's session cookie and the
CSRF cookie and header, as a browser's fetch() would. E-mails are rendered and handed to Django's dummy
backend (production would hand them to SMTP). `--profile N` then checks out N more buyers in-process under
cProfile (CPU time) and prints the queries of one checkout and where the time goes.

Prints `seats sold`, `race p95`, `orders per minute`, `checkout p50`, `checkout p95` (throughput phase) and
`cpu per order` (server workers, database backends and client together, read from /proc: on a machine busy
with other work it tells what the orders cost apart from the waiting).
PostgreSQL by default (DATABASE_URL or --database-url, else postgres://postgres@127.0.0.1:5432/
rostrum_bench_checkout); the named database is dropped and created anew.
"""

import argparse
import asyncio
import collections
import datetime as dt
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from harness import ROOT, configure, percentile
from http_load import free_port, wait_for

DEFAULT_REDIS = "redis://127.0.0.1:6379/7"


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/rostrum_bench_checkout"
ORDERS = "/api/v1/me/orders/"
WORKSHOP, CONGRESS = "bench-hands-on-workshop", "bench-congress-registration"
# Every order is one bank transfer for a buyer in Austria: VAT, a pending order, a payment, no invoice yet.
BUYER = {"country": "AT"}
TLS = ssl.create_default_context()


class BenchFailure(Exception):
    """The bench cannot give a figure: the message says why."""


@dataclass(frozen=True)
class Buyer:
    email: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Answer:
    seconds: float
    status: int
    detail: str


# -- set-up, in the bench process, straight into the database -----------------------------------------------


def catalogue(seats: int):
    """An event with a workshop of `seats` seats and a congress registration without a limit."""
    from rostrum.programme.services import event_create
    from rostrum.registration.catalogue import product_update_or_create

    today = dt.date.today()
    event = event_create(
        slug="bench-congress",
        title="Bench Congress",
        start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=34),
        timezone="Europe/Vienna",
    )
    common = {"event": event, "available_from": None, "available_until": None}
    product_update_or_create(
        code=WORKSHOP,
        kind="workshop_seat",
        name="Hands-on Workshop: Vascular Ultrasound, one seat",
        capacity=seats,
        grants_on_demand=False,
        prices=[{"window": "regular", "amount": Decimal("80.00")}],
        **common,
    )
    product_update_or_create(
        code=CONGRESS,
        kind="congress_registration",
        name="Bench Congress registration",
        prices=[{"window": "regular", "amount": Decimal("550.00")}],
        **common,
    )
    return event


def buyers(prefix: str, count: int) -> list[Buyer]:
    """`count` verified users with a signed-in session each; their cookies and CSRF header."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from rostrum.accounts.models import User

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        raise BenchFailure(
            f"The bench writes sessions to the database; SESSION_ENGINE is {settings.SESSION_ENGINE}."
        )
    password = make_password(None)  # unusable: nobody signs in with a password here
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}-{index}@bench.example.org",
                first_name="Bench",
                last_name=f"Buyer {index}",
                country="AT",
                password=password,
            )
            for index in range(count)
        ],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users],
        batch_size=2000,
    )
    store, expires = SessionStore(), timezone.now() + dt.timedelta(days=1)
    sessions, result = [], []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        csrf = get_random_string(32)  # the unmasked secret is a valid token for the header too
        header = settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        result.append(Buyer(user.email, {"Cookie": cookie, header: csrf}))
    Session.objects.bulk_create(sessions, batch_size=2000)
    return result


# -- the server ---------------------------------------------------------------------------------------------


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, threads: int, port: int, log: Path):
    """Rostrum under gunicorn (gthread, as bench/http_load.py runs it) on 127.0.0.1:`port`, its output in
    `log`; yields the base URL and the master's process id."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "rostrum.wsgi:application",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--keep-alive=60",
        "--backlog=2048",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env={**env, "PATH": "/usr/bin:/bin"}, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        try:
            wait_for(f"http://127.0.0.1:{port}/")
        except RuntimeError as error:
            raise BenchFailure(f"the server did not start: {error}") from error
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def log_tail(path: Path, lines: int = 25) -> str:
    with path.open(encoding="utf-8", errors="replace") as file:
        return "".join(collections.deque(file, maxlen=lines))


# -- the client ---------------------------------------------------------------------------------------------


def client(base: str) -> httpx.AsyncClient:
    """One browser: one keep-alive connection."""
    return httpx.AsyncClient(
        base_url=base,
        timeout=120,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        verify=TLS,  # plain HTTP on loopback; one shared context instead of loading the CA bundle per client
    )


async def order(browser: httpx.AsyncClient, buyer: Buyer, code: str) -> Answer:
    body = {"products": [code], "payment_provider": "bank_transfer", "buyer": BUYER}
    start = time.perf_counter()
    response = await browser.post(ORDERS, json=body, headers=buyer.headers)
    seconds = time.perf_counter() - start
    # Our own cookie header goes with every request; nothing the server sets may leak into another buyer's.
    browser.cookies.clear()
    try:
        detail = str(response.json().get("detail", "")) if response.status_code != 201 else ""
    except ValueError:
        detail = response.text[:200]
    return Answer(seconds, response.status_code, detail)


async def probe(base: str, buyer: Buyer) -> None:
    """Fail clearly when the orders API is missing or does not take the bench's sessions."""
    async with client(base) as browser:
        response = await browser.get(ORDERS, headers=buyer.headers)
    if response.status_code == 404:
        raise BenchFailure(f"GET {ORDERS} answered 404: the registration API (me/orders) is not there yet.")
    if response.status_code in (401, 403):
        raise BenchFailure(f"GET {ORDERS} answered {response.status_code}: the bench's session was refused.")
    if response.status_code != 200:
        raise BenchFailure(f"GET {ORDERS} answered {response.status_code}: {response.text[:300]}")


async def race(base: str, racers: list[Buyer]) -> tuple[list[Answer], float]:
    """All racers connect, wait at one barrier, then order a workshop seat at once."""
    gate = asyncio.Event()
    browsers = [client(base) for _ in racers]

    async def connect(browser, buyer):
        (await browser.get(ORDERS, headers=buyer.headers)).raise_for_status()
        browser.cookies.clear()

    async def racer(browser, buyer):
        await gate.wait()
        return await order(browser, buyer, WORKSHOP)

    try:
        await asyncio.gather(
            *(connect(browser, buyer) for browser, buyer in zip(browsers, racers, strict=True))
        )
        tasks = [asyncio.create_task(racer(b, buyer)) for b, buyer in zip(browsers, racers, strict=True)]
        await asyncio.sleep(0.2)  # every racer is waiting at the gate
        start = time.perf_counter()
        gate.set()
        answers = await asyncio.gather(*tasks)
        return answers, time.perf_counter() - start
    finally:
        await asyncio.gather(*(browser.aclose() for browser in browsers))


async def throughput(base: str, pool: list[Buyer], *, seconds: float, concurrency: int):
    """`concurrency` browsers order the congress registration, each buyer once, for `seconds`; returns the
    answers and the elapsed time until the last request started in the window was answered."""
    queue = iter(pool)
    answers: list[Answer] = []
    browsers = [client(base) for _ in range(concurrency)]

    async def connect(browser, buyer):
        await browser.get(ORDERS, headers=buyer.headers)  # opens the connection before the clock starts
        browser.cookies.clear()

    async def worker(browser, deadline):
        while time.perf_counter() < deadline:
            buyer = next(queue, None)
            if buyer is None:
                return
            answers.append(await order(browser, buyer, CONGRESS))

    try:
        await asyncio.gather(*(connect(browser, pool[0]) for browser in browsers))
        start = time.perf_counter()
        await asyncio.gather(*(worker(browser, start + seconds) for browser in browsers))
        return answers, time.perf_counter() - start, next(queue, None) is None
    finally:
        await asyncio.gather(*(browser.aclose() for browser in browsers))


# -- CPU time, to tell the work per order from the waiting on a shared machine ------------------------------


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def cpu_snapshot(master: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the server's workers, the bench database's backends, and this client."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return {
        "server": {pid: _cpu_of(pid) for pid in _children(master)},
        "database": {pid: _cpu_of(pid) for pid in backends},
        "client": {0: time.process_time()},
    }


def report_cpu(before: dict, after: dict, orders: int) -> None:
    """CPU milliseconds per order by part, and the orders per minute the machine's CPUs would allow idle."""
    used = {
        part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items())
        for part in after
    }
    if not orders or not sum(used.values()):
        return
    per_order = {part: seconds / orders * 1000 for part, seconds in used.items()}
    total = sum(per_order.values())
    parts = ", ".join(f"{part} {ms:.1f}" for part, ms in per_order.items())
    print(
        # Not "orders per minute": the check reads the last line with that label, the measured one.
        f"cpu per order: {total:.1f} ms ({parts}); {os.cpu_count()} otherwise idle CPUs would allow about "
        f"{(os.cpu_count() or 1) * 60_000 / total:.0f} orders/min"
    )


# -- checks and figures -------------------------------------------------------------------------------------


def held_seats() -> tuple[int, int]:
    """(seats_taken of the workshop, its order items that hold a seat in a pending or paid order)."""
    from rostrum.registration.enums import SEAT_HOLDING_STATUSES
    from rostrum.registration.models import OrderItem, Product

    workshop = Product.objects.get(code=WORKSHOP)
    items = OrderItem.objects.filter(product=workshop, order__status__in=SEAT_HOLDING_STATUSES).count()
    return workshop.seats_taken, items


def congress_orders() -> int:
    from rostrum.registration.models import OrderItem

    return OrderItem.objects.filter(product__code=CONGRESS).count()


def report_race(answers: list[Answer], wall: float, seats: int) -> None:
    statuses = collections.Counter(answer.status for answer in answers)
    sold_out = sum(1 for a in answers if a.status == 400 and "sold out" in a.detail.lower())
    others = [
        a for a in answers if a.status != 201 and not (a.status == 400 and "sold out" in a.detail.lower())
    ]
    taken, items = held_seats()
    print(
        f"race: {len(answers)} buyers for {seats} seats in {wall:.2f} s: {statuses[201]} x 201, "
        f"{sold_out} x 400 sold out, {len(others)} other answers; database: seats_taken {taken}, "
        f"{items} order items holding a seat"
    )
    print(f"race p50: {percentile([a.seconds for a in answers], 50) * 1000:.0f} ms")
    print(f"race p95: {percentile([a.seconds for a in answers], 95) * 1000:.0f} ms")
    if others:
        shown = collections.Counter((a.status, a.detail[:120]) for a in others).most_common(3)
        raise BenchFailure(f"the race had unexpected answers: {shown}")
    if not statuses[201] == taken == items:
        raise BenchFailure(
            f"{statuses[201]} buyers were told they got a seat, the database holds {taken}/{items}"
        )
    # The one figure the check reads: the seats the database holds, once they agree with the answers.
    print(f"seats sold: {items}")


def report_throughput(answers: list[Answer], elapsed: float, *, ran_out: bool, concurrency: int) -> None:
    done = [a for a in answers if a.status == 201]
    failed = [a for a in answers if a.status != 201]
    stored = congress_orders()
    print(
        f"throughput: {len(done)} orders by {concurrency} concurrent buyers in {elapsed:.1f} s; "
        f"{len(failed)} failed; database: {stored} congress orders"
        + ("; the buyers ran out before the time was up: raise --pool" if ran_out else "")
    )
    if failed:
        shown = collections.Counter((a.status, a.detail[:120]) for a in failed).most_common(3)
        raise BenchFailure(f"{len(failed)} checkouts failed: {shown}")
    if stored != len(done):
        raise BenchFailure(f"{len(done)} orders were answered 201 but the database holds {stored}")
    seconds = [a.seconds for a in done]
    print(f"orders per minute: {len(done) / elapsed * 60:.0f}")
    print(f"checkout p50: {percentile(seconds, 50) * 1000:.0f} ms")
    print(f"checkout p95: {percentile(seconds, 95) * 1000:.0f} ms")


def profile(pool: list[Buyer], count: int) -> None:
    """Check out `count` buyers in-process through the full stack (middleware, DRF, services) under cProfile;
    print the queries of one checkout and the functions where the time goes."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()  # one handler, as in a server process: its middleware is set up once

    def checkout(buyer: Buyer) -> None:
        body = {"products": [CONGRESS], "payment_provider": "bank_transfer", "buyer": BUYER}
        response = browser.post(ORDERS, body, content_type="application/json", headers=buyer.headers)
        browser.cookies.clear()
        if response.status_code != 201:
            raise BenchFailure(
                f"in-process checkout answered {response.status_code}: {response.content[:300]}"
            )

    checkout(pool[0])  # warm: URL resolver, templates
    with CaptureQueriesContext(connection) as queries:
        checkout(pool[1])
    print(f"profile: one checkout through the API makes {len(queries)} queries:")
    for query in queries.captured_queries:
        print(f"  {query['time']}s {query['sql'][:150]}")
    start, cpu = time.perf_counter(), time.process_time()
    for buyer in pool[2 : 2 + count // 2]:
        checkout(buyer)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time is this process's own work; the rest of the wall time is waiting for PostgreSQL (or the CPU).
    print(
        f"profile: {count // 2} in-process checkouts, {wall / (count // 2) * 1000:.1f} ms each, of which "
        f"{cpu / (count // 2) * 1000:.1f} ms CPU in Django and the services"
    )
    # Timed by CPU, not the clock: waiting for PostgreSQL or for a busy machine's CPU does not count.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for buyer in pool[2 + count // 2 : 2 + count]:
        checkout(buyer)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"rostrum|django|rest_framework|psycopg", 70)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL (default: DATABASE_URL, else local)"
    )
    parser.add_argument("--buyers", type=int, default=200, help="buyers racing for the workshop seats")
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=25, help="length of the throughput phase")
    parser.add_argument("--concurrency", type=int, default=48, help="buyers checking out at once")
    parser.add_argument(
        "--pool", type=int, default=0, help="buyers for the throughput phase (default: enough)"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: two per CPU)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument(
        "--redis-url",
        default=None,
        help="REDIS_URL for the server (cache and sessions), as in production; default: "
        f"{DEFAULT_REDIS} when it answers, '' for none",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then profile N checkouts in-process"
    )
    args = parser.parse_args()

    database_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    if not database_url.startswith("postgres"):
        sys.exit(f"bench/checkout.py measures PostgreSQL; {database_url} is not.")
    # Mail is rendered and handed to a backend that drops it: no SMTP server in the loop.
    os.environ["ROSTRUM_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env = configure(database_url)
    env["ROSTRUM_EMAIL_BACKEND"] = os.environ["ROSTRUM_EMAIL_BACKEND"]
    redis_url = DEFAULT_REDIS if args.redis_url is None and redis_answers() else (args.redis_url or "")
    if redis_url:
        env["REDIS_URL"] = redis_url
    # Two processes per CPU (fewer threads fighting over each interpreter lock), threads to overlap the waits
    # for PostgreSQL: the best of 2-6 workers x 2-16 threads on the 2-CPU machine of the README.
    workers = args.workers or 2 * (os.cpu_count() or 1)
    pool_size = args.pool or max(2000, int(args.seconds * 400))
    from django.db import connection

    catalogue(args.seats)
    start = time.perf_counter()
    racers = buyers("racer", args.buyers)
    pool = buyers("buyer", pool_size)
    extra = buyers("profiled", args.profile + 2) if args.profile else []
    took = time.perf_counter() - start
    print(
        f"set-up: {len(racers) + len(pool) + len(extra)} buyers with sessions in {took:.1f} s "
        f"on PostgreSQL {connection.cursor().connection.info.server_version}; gunicorn {workers} workers x "
        f"{args.threads} threads on {os.cpu_count()} CPUs; sessions and cache in {redis_url or 'no Redis'}"
    )
    connection.close()  # the server's workers are the ones to talk to the database now

    log = Path(tempfile.mkdtemp(prefix="rostrum-checkout-")) / "gunicorn.log"
    port = args.port or free_port()
    try:
        with gunicorn(env, workers=workers, threads=args.threads, port=port, log=log) as (base, master):
            asyncio.run(probe(base, racers[0]))
            answers, wall = asyncio.run(race(base, racers))
            report_race(answers, wall, args.seats)
            before = cpu_snapshot(master)
            answers, elapsed, ran_out = asyncio.run(
                throughput(base, pool, seconds=args.seconds, concurrency=args.concurrency)
            )
            after = cpu_snapshot(master)
            report_throughput(answers, elapsed, ran_out=ran_out, concurrency=args.concurrency)
            report_cpu(before, after, sum(1 for answer in answers if answer.status == 201))
    except (BenchFailure, httpx.HTTPError) as error:
        print(f"server log {log} (last lines):\n{log_tail(log)}", file=sys.stderr)
        sys.exit(f"bench/checkout.py failed: {error}")
    if args.profile:
        profile(extra, args.profile)


if __name__ == "__main__":
    main()
