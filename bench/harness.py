"""Shared set-up of the benchmarks: a fresh database and production-like settings (DEBUG off).

SQLite in a temporary directory by default; `--database-url postgres://...` (or DATABASE_URL) uses PostgreSQL,
where the named database is dropped and created anew.
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure(database_url: str | None = None) -> dict[str, str]:
    """Point Rostrum at a fresh database in production mode; return the environment for server processes."""
    var_dir = tempfile.mkdtemp(prefix="rostrum-bench-")
    database_url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir}/bench.sqlite3"
    if database_url.startswith("postgres"):
        fresh_postgres(database_url)
    env = {
        "DATABASE_URL": database_url,
        "ROSTRUM_VAR_DIR": var_dir,
        "ROSTRUM_DEBUG": "0",
        "ROSTRUM_HTTPS": "0",
        "ROSTRUM_SECRET_KEY": secrets.token_urlsafe(50),
        "ROSTRUM_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ROSTRUM_TASKS": "immediate",
        "DJANGO_SETTINGS_MODULE": "rostrum.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    return env


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)
