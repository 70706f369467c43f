"""Answers of the read API kept in Django's cache under the programme versions they were made from.

Every programme change bumps its event's `programme_version` in the same transaction as the change
(programme/receivers.py), so data stored under (request, versions) can never be staler than its key: nothing
is invalidated, and a change simply makes the next request miss once. The versions are read before the data,
so a change landing in between stores newer data under the older key, never older data under the newer one.

A warm request costs one query (the versions) and builds no model objects. The same key is the ETag: a client
sending If-None-Match gets a 304 for that one query. Only the public, user-independent reads use this; the
key carries the scheme and host because the answers hold absolute URLs.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.core.cache import cache
from django.db import connection
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from rest_framework.response import Response

from rostrum.programme.exporters.cached import programme_stamp
from rostrum.programme.models import Event, SessionType

# Keys name a version, so entries never go stale; the timeout only lets old versions leave the cache.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ProgrammeState:
    """What an answer depends on: a tag naming its versions, and since when they hold (if exactly known)."""

    tag: str
    changed_at: dt.datetime | None = None


def event_state(*, slug: str) -> ProgrammeState:
    """The programme version of one published event; Http404 when there is none (the request's own 404)."""
    stamp = programme_stamp(slug=slug)
    return ProgrammeState(tag=stamp.key("api"), changed_at=stamp.changed_at)


def _digest(rows: list) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]


def _rows(model, fields: tuple[str, ...], *, published_only: bool = False) -> list[tuple]:
    """Plain SQL, as `programme_stamp`: building the query through the ORM would cost more than running it."""
    meta, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    where = f"WHERE {quote(meta.get_field('is_published').column)} = %s" if published_only else ""
    # Only the model's own table and column names are put into the text; values are parameters.
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} {where} ORDER BY {quote(meta.pk.column)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [True] if published_only else [])
        return cursor.fetchall()


def published_events_state() -> ProgrammeState:
    """The versions of every published event, for the lists across events.

    Every published event's (id, version, change time) rather than an aggregate: a sum or a maximum can stay
    the same when one event is unpublished or deleted and another changes. A congress society has tens of
    events, so this is still one small query. No Last-Modified: deleting an event leaves no change time.
    """
    rows = _rows(Event, ("id", "programme_version", "programme_changed_at"), published_only=True)
    return ProgrammeState(tag=f"events-{_digest(rows)}")


def session_types_state() -> ProgrammeState:
    """The session-type catalogue itself: a rename of a type no session uses bumps no event's version."""
    rows = _rows(SessionType, ("id", "code", "slug", "name", "description", "position"))
    return ProgrammeState(tag=f"session-types-{_digest(rows)}")


def _key(request, state: ProgrammeState) -> str:
    # Sorted, as DRF writes the next/previous links; blank values kept, as those links keep them.
    query = sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    return _digest([request.build_absolute_uri("/"), request.path, query, state.tag])


class CachedRead:
    """For a public read view: answer 304, the cached data, or fresh data kept under `programme_state()`."""

    def programme_state(self) -> ProgrammeState:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        state = self.programme_state()
        key = _key(request, state)
        # JSON and the browsable HTML are two representations of one resource, each with its own ETag.
        etag = quote_etag(f"{key}.{request.accepted_renderer.format}")
        last_modified = int(state.changed_at.timestamp()) if state.changed_at else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        # The browsable HTML is built afresh: its page links need the paginator to have run.
        cached = request.accepted_renderer.format == "json"
        if response is None:
            data = cache.get(f"api:{key}") if cached else None
            if data is None:
                response = super().get(request, *args, **kwargs)
                if cached and response.status_code == 200:
                    cache.set(f"api:{key}", response.data, CACHE_SECONDS)
            else:
                response = Response(data)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        # Clients may keep an answer but must ask again (a cheap 304): programme changes show at once.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Accept"])
        return response
