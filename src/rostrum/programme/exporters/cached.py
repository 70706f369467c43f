"""Exports cached under the programme version they were made from, for the HTTP views.

Every programme change bumps `Event.programme_version` in the same transaction as the change, so a file
cached under (event, version, format) can never be staler than its name: nothing has to be invalidated when
the programme changes, and a new version simply misses once.

The cache is a directory of files (ROSTRUM_EXPORT_CACHE_DIR), one per (event, version, format), because a file
can be handed to the server's sendfile: a warm multi-megabyte schedule.xml then costs the one query of
`programme_stamp` and no copying through Python. Each host (and each of its workers) shares its directory;
a file is written once under a temporary name and renamed into place, so readers never see half a file.
"""

import datetime as dt
import functools
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404

from rostrum.programme.models import Event


@dataclass(frozen=True)
class ProgrammeStamp:
    """Which version of a published event's programme is current, and since when."""

    event_id: int
    version: int
    changed_at: dt.datetime

    def key(self, tag: str) -> str:
        """Names one file of this version: the cached file's name and the ETag.

        The change time is part of it because a database made anew hands out event ids and versions again.
        """
        return f"{self.event_id}.{self.version}-{int(self.changed_at.timestamp() * 1e6)}.{tag}"


@functools.cache
def _stamp_sql(vendor: str) -> str:
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
        cursor.execute(_stamp_sql(connection.vendor), [slug, True])
        row = cursor.fetchone()
    if row is None:
        raise Http404(f"No event '{slug}'.")
    event_id, version, changed_at = row
    if changed_at.tzinfo is None:  # SQLite hands back UTC without saying so
        changed_at = changed_at.replace(tzinfo=dt.UTC)
    return ProgrammeStamp(event_id=event_id, version=version, changed_at=changed_at)


def cached_export(stamp: ProgrammeStamp, *, tag: str, render: Callable[[], bytes]) -> Path:
    """The file `tag` of this programme version: from the cache directory, or rendered once and kept.

    Writing a version's file removes the same event's and tag's files older than the previous version (the
    previous one stays, for requests that read its stamp a moment before the change).
    """
    directory = Path(settings.ROSTRUM_EXPORT_CACHE_DIR)
    path = directory / stamp.key(tag)
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    body = render()
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
    with os.fdopen(handle, "wb") as file:
        file.write(body)
    Path(temporary).chmod(0o644)
    Path(temporary).replace(path)
    for older in directory.glob(f"{stamp.event_id}.*.{tag}"):
        version = older.name.split(".")[1].split("-")[0]
        if version.isdigit() and int(version) < stamp.version - 1:
            older.unlink(missing_ok=True)
    return path
