"""Servers and load for the HTTP benchmarks: gunicorn running Rostrum, nginx serving static bytes, and wrk
(or a small threaded Python client when wrk is not installed) measuring requests per second. Loopback only."""

import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - loopback URL we built
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2):
    """Rostrum under gunicorn (WSGI, `workers` processes) on a free loopback port; yields the base URL."""
    port = free_port()
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "rostrum.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--worker-class=gthread",
        "--threads=8",
        "--keep-alive=5",
        "--backlog=2048",
    ]
    process = subprocess.Popen(command, env={**env, "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def _nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@contextmanager
def _run_nginx(server_block: str):
    """nginx with 2 workers and `server_block` (with {port} and {root}); yields (base URL, root) or None."""
    binary = _nginx_binary()
    if not binary:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="rostrum-nginx-"))
    root.chmod(0o755)  # nginx's workers run as an unprivileged user
    (root / "www").mkdir()
    port = free_port()
    (root / "nginx.conf").write_text(
        f"""worker_processes 2; daemon off; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; sendfile on; tcp_nopush on;
types {{ application/xml xml; application/json json; text/calendar ics; }}
{server_block.format(port=port, root=root)} }}
"""
    )
    process = subprocess.Popen([binary, "-c", str(root / "nginx.conf"), "-p", str(root)])
    try:
        yield f"http://127.0.0.1:{port}", root
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def nginx(files: dict[str, bytes]):
    """nginx serving `files` as static files; yields the base URL, or None without nginx."""
    server = "server {{ listen 127.0.0.1:{port}; root {root}/www; }}"
    with _run_nginx(server) as running:
        if running is None:
            yield None
            return
        base, root = running
        for name, body in files.items():
            (root / "www" / name).write_bytes(body)
        wait_for(f"{base}/{next(iter(files))}")
        yield base


@contextmanager
def nginx_proxy_cache(upstream: str, *, probe: str):
    """nginx caching Rostrum's exports in front of `upstream`, as the README's deployment notes say."""
    server = (
        "proxy_cache_path {root}/cache keys_zone=exports:10m max_size=1g; "
        "server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass " + upstream + "; "
        'proxy_http_version 1.1; proxy_set_header Connection ""; proxy_cache exports; '
        "proxy_cache_revalidate on; proxy_cache_lock on; proxy_cache_use_stale updating; "
        "proxy_ignore_headers Vary; }} }}"
    )
    with _run_nginx(server) as running:
        if running is None:
            yield None
            return
        base, _ = running
        wait_for(f"{base}{probe}")
        yield base


def requests_per_second(url: str, *, seconds: int = 5, connections: int = 16, headers=None) -> float:
    """Sustained requests per second against `url` (wrk with 2 threads, else a threaded Python client)."""
    headers = headers or {}
    wrk = shutil.which("wrk")
    if wrk:
        command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non_2xx:
            raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses under load")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return _python_load(url, seconds=seconds, connections=connections, headers=headers)


def _python_load(url: str, *, seconds: int, connections: int, headers: dict) -> float:
    count, lock, stop = [0], threading.Lock(), time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback URL we built
            try:
                urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
            except urllib.error.HTTPError as error:
                if error.code != 304:
                    raise
            with lock:
                count[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / seconds
