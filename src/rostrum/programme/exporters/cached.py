"""Exports cached under the programme version they were made from, for the HTTP views.

Every programme change bumps `Event.programme_version` in the same transaction as the change, so a file
cached under (event, version, format) can never be staler than its key: nothing has to be deleted when the
programme changes, and a new version simply misses the cache once. Old versions' files expire.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.http import Http404

from rostrum.programme.models import Event

# A file asked for all day stays cached all day; an old version's file is gone a day after its last use.
CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class ProgrammeStamp:
    """Which version of a published event's programme is current, and since when."""

    event_id: int
    version: int
    changed_at: dt.datetime

    def key(self, tag: str) -> str:
        """Names one file of this version: the cache key and the ETag."""
        return f"{self.event_id}.{self.version}.{tag}"


def _stamp_sql() -> str:
    meta, quote = Event._meta, connection.ops.quote_name
    column = {
        name: quote(meta.get_field(name).column)
        for name in ("id", "programme_version", "programme_changed_at")
    }
    slug, published = quote(meta.get_field("slug").column), quote(meta.get_field("is_published").column)
    # Only the model's own table and column names are put into the text; the slug is a parameter.
    return (
        f"SELECT {', '.join(column.values())} FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model
        f"WHERE {slug} = %s AND {published} = %s"
    )


def programme_stamp(*, slug: str) -> ProgrammeStamp:
    """The current programme version of a published event, in one query; Http404 when there is none.

    This is the whole database cost of a warm export request, and of its 304 answer. Plain SQL because
    building the same query through the ORM costs about twenty times as much as running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [slug, True])
        row = cursor.fetchone()
    if row is None:
        raise Http404(f"No event '{slug}'.")
    event_id, version, changed_at = row
    if changed_at.tzinfo is None:  # SQLite hands back UTC without saying so
        changed_at = changed_at.replace(tzinfo=dt.UTC)
    return ProgrammeStamp(event_id=event_id, version=version, changed_at=changed_at)


def cached_export(stamp: ProgrammeStamp, *, tag: str, render: Callable[[], bytes]) -> bytes:
    """The file `tag` of this programme version: from the cache, or rendered once and kept."""
    key = f"programme-export:{stamp.key(tag)}"
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, CACHE_SECONDS)
    return body
