"""Warm programme exports answered in front of Django's URL resolver and middleware (a WSGI wrapper).

Calendar apps poll schedule.ics and conference apps fetch schedule.xml again and again, and almost every such
request asks for a file that is already cached (`exporters.cached`). It needs one query (the programme
version) and a sendfile, yet Django's request handling around it (a request object, URL resolution and eleven
middleware each way) costs several times as much. `ExportFastPath` answers these plain requests itself,
with the status, headers and body that `views.exports` and the middleware would give (tests compare them), and
hands everything else to Django unchanged:

- anything but a GET of an export URL without a query string;
- a request carrying cookies (sessions, CSRF and messages may answer those by setting or deleting cookies);
- a host Django would refuse, a plain-HTTP request Django would redirect to HTTPS, settings that make
  CommonMiddleware or LocaleMiddleware answer differently, a middleware this module does not know;
- an unknown or unpublished event, a file not cached yet for the current version, a failing precondition
  (If-Match, If-Unmodified-Since) and a database error: Django gives its own 404, rendering, 412 or 500.

The programme version is read from the database on every request, as the view does, so a programme change
shows at once in every process. Only the middleware's headers are kept, per settings and the few request
headers they depend on.
"""

import functools
import io
import os
import re
from types import SimpleNamespace

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import Http404
from django.utils.cache import get_conditional_response
from django.utils.csp import CSP, build_policy
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language_from_request

from rostrum.programme.exporters import EXPORTERS
from rostrum.programme.exporters.cached import programme_stamp
from rostrum.programme.views.exports import EXPORT_FILES, MAX_AGE_SECONDS

# The URLs of views.exports (`slug` path converters), matched against PATH_INFO as Django's resolver does.
EXPORT_PATH = re.compile(
    r"/events/(?P<event>[-a-zA-Z0-9_]+)/(?:(?P<file>"
    + "|".join(re.escape(name) for name in EXPORT_FILES)
    + r")|sessions/(?P<session>[-a-zA-Z0-9_]+)\.ics)"
)
# The middleware whose effect on an export's response `_middleware_headers` reproduces. Any other one in
# settings.MIDDLEWARE turns the fast path off: it might add headers or answer differently.
KNOWN_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "allauth.account.middleware.AccountMiddleware",
    }
)
# What the host check, the scheme (with SECURE_PROXY_SSL_HEADER) and the language of a request depend on.
REQUEST_KEYS = (
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_ACCEPT_LANGUAGE",
)
# What FileWrapper hands to sendfile per call when the server has no wsgi.file_wrapper of its own.
BLOCK_SIZE = 64 * 1024


class ExportFastPath:
    """WSGI application: answers warm export requests itself, passes every other one to `application`."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        answer = self.answer(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return body

    def answer(self, environ) -> tuple[str, list[tuple[str, str]], object] | None:
        """(status, headers, body) for a warm export request, or None to leave the request to Django."""
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return None
        if "HTTP_COOKIE" in environ or "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
            return None
        match = EXPORT_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        middleware_headers = _middleware_headers(
            tuple(environ.get(name) for name in REQUEST_KEYS),
            environ.get(proxy_ssl_header[0]) if proxy_ssl_header else None,
        )
        if middleware_headers is None:
            return None
        # As Django's handler does, so that its receivers close a database connection that is broken or past
        # CONN_MAX_AGE. Not request_finished: it would close the connection again and caches that the fast
        # path does not use, and costs as much as the query (the next request_started closes it anyway).
        signals.request_started.send(sender=type(self), environ=environ)
        try:
            return self._answer(environ, middleware_headers, **match.groupdict())
        except (Http404, DatabaseError):
            return None

    def _answer(self, environ, middleware_headers, *, event: str, file: str | None, session: str | None):
        if file:
            format = EXPORT_FILES[file]
            tag, content_type, filename = format, EXPORTERS[format].content_type, f"{event}-{file}"
        else:
            tag, content_type = f"session-{session}.ics", EXPORTERS["ics"].content_type
            filename = f"{event}-{session}.ics"
        stamp = programme_stamp(slug=event)
        etag = quote_etag(stamp.key(tag))
        last_modified = int(stamp.changed_at.timestamp())
        validators = [
            ("ETag", etag),
            ("Last-Modified", http_date(last_modified)),
            ("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}"),
        ]
        # Without If-Match and If-Unmodified-Since (left to Django) a GET can only be answered 304 or 200.
        conditional = SimpleNamespace(method="GET", META=environ)
        if get_conditional_response(conditional, etag=etag, last_modified=last_modified) is not None:
            # CommonMiddleware gives Django's empty 304 a Content-Length.
            headers = [("Content-Length", "0"), *validators, *middleware_headers]
            return "304 Not Modified", headers, []
        # The file of a version never changes once in place; a missing one was never rendered or was removed
        # two versions later, and Django renders it (again).
        path = os.path.join(settings.ROSTRUM_EXPORT_CACHE_DIR, stamp.key(tag))  # noqa: PTH118 - cheaper than a Path
        try:
            body = open(path, "rb")  # noqa: PTH123, SIM115 - the server closes it once sent
        except OSError:
            return None
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(_size(body))),
            # Slugs are ASCII without quotes, so FileResponse writes the name as it is.
            ("Content-Disposition", f'inline; filename="{filename}"'),
            *validators,
            *middleware_headers,
        ]
        file_wrapper = environ.get("wsgi.file_wrapper") or _FileWrapper
        return "200 OK", headers, file_wrapper(body, BLOCK_SIZE)


def _size(file) -> int:
    return os.fstat(file.fileno()).st_size


class _FileWrapper:
    """PEP 3333's fallback for servers without wsgi.file_wrapper: the file in blocks, closed afterwards."""

    def __init__(self, file, block_size: int):
        self.file, self.block_size = file, block_size

    def __iter__(self):
        return iter(lambda: self.file.read(self.block_size), b"")

    def close(self):
        self.file.close()


def _settings_are_plain() -> bool:
    """Whether the middleware would treat an export exactly as `_middleware_headers` assumes."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    return (
        KNOWN_MIDDLEWARE.issuperset(settings.MIDDLEWARE)
        and not settings.PREPEND_WWW
        and not settings.DISALLOWED_USER_AGENTS
        and not is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]
    )


@functools.lru_cache(maxsize=256)
def _middleware_headers(values: tuple, proxy_ssl: str | None) -> tuple[tuple[str, str], ...] | None:
    """The headers settings.MIDDLEWARE adds to an export's response, or None when Django would not serve it.

    `values` are the request's REQUEST_KEYS and `proxy_ssl` its SECURE_PROXY_SSL_HEADER: all that the host
    check, the scheme and the language depend on. None for a host Django refuses (a 400), a plain-HTTP
    request it redirects to HTTPS, or settings under which the middleware might answer otherwise. Session,
    CSRF, messages, authentication, allauth and WhiteNoise add nothing to a cookie-less export,
    CommonMiddleware only the Content-Length of an empty 304. Kept per such request: deciding costs more
    than the answer.
    """
    if not _settings_are_plain():
        return None
    environ = {name: value for name, value in zip(REQUEST_KEYS, values, strict=True) if value is not None}
    if proxy_ssl is not None:
        environ[settings.SECURE_PROXY_SSL_HEADER[0]] = proxy_ssl
    request = WSGIRequest({**environ, "REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO()})
    try:
        request.get_host()  # CommonMiddleware's check of ALLOWED_HOSTS
    except DisallowedHost:
        return None
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    middleware = settings.MIDDLEWARE
    headers = []
    if "django.middleware.clickjacking.XFrameOptionsMiddleware" in middleware:
        headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()))
    if "django.middleware.locale.LocaleMiddleware" in middleware:
        headers += [("Vary", "Accept-Language"), ("Content-Language", get_language_from_request(request))]
    if "django.middleware.csp.ContentSecurityPolicyMiddleware" in middleware:
        # No nonce: an export renders no template that could use one, and build_policy leaves it out then.
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config:
                headers.append((str(header), build_policy(config)))
    if "django.middleware.security.SecurityMiddleware" in middleware:
        headers += _security_headers(secure=secure)
    return tuple(headers)


def _security_headers(*, secure: bool) -> list[tuple[str, str]]:
    headers = []
    if settings.SECURE_HSTS_SECONDS and secure:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if policy := settings.SECURE_REFERRER_POLICY:
        values = [value.strip() for value in policy.split(",")] if isinstance(policy, str) else policy
        headers.append(("Referrer-Policy", ",".join(values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers


@receiver(setting_changed)
def _forget_settings(**kwargs):
    # Tests change settings; a server's settings never change.
    _middleware_headers.cache_clear()
