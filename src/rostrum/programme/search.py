"""Full-text search across the programme: sessions, presentations, people and topics of published events.

One table, `programme_search_entry` (created by migration 0003), holds a row per searchable thing with its
display text. Each database searches it its own way, behind the same two functions:

- SQLite: an FTS5 table over the entry table's text (external content, filled in bulk, deletions by trigger),
  tokenizer `unicode61 remove_diacritics 2` so "Muller" finds "Müller"; bm25 ranks, the title weighted most.
- PostgreSQL: a `document` tsvector column with a GIN index, in the 'simple' configuration (no stemming, no
  stop words: medical terms and names stay as typed). Its text is folded here in Python (lower case, accents
  removed), so accent-insensitive matching needs no extension such as unaccent. Ranked by ts_rank, the title
  weighted A, people B, the rest D; a second, title-only tsvector finds title matches of common words fast.

Users' words never reach either query language raw: they are split into letters-and-digits terms here and
quoted, so "Q&A", "don't", "MR-guided" or an unbalanced quote cannot break a query. The last word is matched
as a prefix while the user may still be typing it.

An event's rows are brought in step on `programme_changed` (see receivers.py): its programme is read in a few
queries and only rows whose text changed are rewritten, in bulk. A small state table remembers the programme
version indexed, so the many signals one transaction can send cost one pass.
"""

import datetime as dt
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.urls import reverse

from rostrum.programme.models import Event, Person, Presentation, PresentationSpeaker, Session, SessionPerson

KINDS = ("session", "presentation", "person", "topic")
MAX_TERMS = 12
MAX_COUNT = 1000
CANDIDATES = 500
MAX_TERM_LENGTH = 64
SNIPPET_LENGTH = 180
_TERM = re.compile(r"[^\W_]+")
_CHUNK = 2000
# The types of the columns of _COLUMNS, then of the title, people and body words (PostgreSQL's bulk insert).
_ARRAYS = ", ".join(["%s::bigint[]", "%s::text[]", "%s::bigint[]", *["%s::text[]"] * 9])
_COLUMNS = "event_id, kind, object_id, title, people, body, ref, parent_ref, starts_at"


def fold(text: str) -> str:
    """Lower case without accents: the form both sides of a PostgreSQL match are compared in."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Query:
    """A user's search text as safe terms; `prefix` when the last one may be an unfinished word."""

    terms: tuple[str, ...]
    prefix: bool

    @classmethod
    def parse(cls, text: str) -> "Query":
        terms = tuple(t[:MAX_TERM_LENGTH] for t in _TERM.findall(fold(text or "")))[:MAX_TERMS]
        # A single letter as a prefix matches half the index; "Q&A" means the letters q and a.
        prefix = bool(terms) and len(terms[-1]) > 1 and not text[-1:].isspace()
        return cls(terms=terms, prefix=prefix)

    def fts5(self) -> str:
        quoted = [f'"{term}"' for term in self.terms]
        if self.prefix:
            quoted[-1] += "*"
        return " ".join(quoted)

    def tsquery(self) -> str:
        quoted = [f"'{term}'" for term in self.terms]
        if self.prefix:
            quoted[-1] += ":*"
        return " & ".join(quoted)


@dataclass(frozen=True)
class SearchHit:
    """One ranked result: what it is, where it lives, and a snippet as (text, matched) pieces."""

    kind: str
    object_id: int
    title: str
    url: str
    event_slug: str
    event_title: str
    starts_at: dt.datetime | None
    snippet: tuple[tuple[str, bool], ...] = field(default=())

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class SearchPage:
    """A page of hits and how many there are in all; past MAX_COUNT, `total` is MAX_COUNT + 1 ("1000+")."""

    hits: list[SearchHit]
    total: int

    @property
    def total_capped(self) -> bool:
        return self.total > MAX_COUNT


# Reading ------------------------------------------------------------------------------------------------


def search(*, q: str, event: Event | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
    """Ranked hits for `q` in published events (in `event` only, when given), and how many there are.

    The cost is bounded whatever the number of matches: ranking looks at the first CANDIDATES matches
    whose title holds every word, plus the first CANDIDATES matches anywhere; a word in 30,000 abstracts
    ("pitfalls") costs as much as a rare one. Title matches come first, as they should.
    """
    query = Query.parse(q)
    if not query.terms or limit <= 0:
        return SearchPage(hits=[], total=0)
    # Past the counted hits a page is empty anyway; a bigger offset (?page=10**20) overflows the databases.
    offset = min(offset, MAX_COUNT + 1)
    event_filter, event_params = (" AND e.event_id = %s", [event.pk]) if event is not None else ("", [])
    postgres = connection.vendor == "postgresql"
    backend = _search_postgresql if postgres else _search_sqlite
    with connection.cursor() as cursor:
        if query.prefix:
            # Expanding a prefix that starts thousands of words is the slowest thing either database does
            # here, so it is only done when the word as typed does not fill a page: "cardi" expands,
            # "cardiac" does not need to.
            exact = Query(terms=query.terms, prefix=False)
            count = _count_postgresql if postgres else _count_sqlite
            if count(cursor, exact, event_filter, event_params, up_to=offset + limit) >= offset + limit:
                query = exact
        total, rows = backend(cursor, query, event_filter, event_params, limit=limit, offset=offset)
    return SearchPage(hits=[_hit(row, query) for row in rows], total=total)


_HIT_COLUMNS = (
    "e.kind, e.object_id, e.title, e.people, e.body, e.ref, e.parent_ref, e.starts_at, "
    "ev.slug, ev.title, ev.timezone"
)
# CROSS JOIN makes SQLite drive the query from the full-text match, never from the event's rows.
_SQLITE_MATCHING = (
    "FROM programme_search_fts "
    "CROSS JOIN programme_search_entry e ON e.id = programme_search_fts.rowid "
    "CROSS JOIN programme_event ev ON ev.id = e.event_id "
    "WHERE programme_search_fts MATCH %s AND ev.is_published"
)
_FROM_ENTRIES = "FROM programme_search_entry e JOIN programme_event ev ON ev.id = e.event_id"


def _search_sqlite(cursor, query: Query, event_filter: str, event_params: list, *, limit: int, offset: int):
    matching = f"{_SQLITE_MATCHING}{event_filter}"
    # Counting stops past MAX_COUNT: ranking is what people read, and counting 30,000 rows costs time.
    total = _count_sqlite(cursor, query, event_filter, event_params)
    if total <= offset:
        return total, []
    scored = f"SELECT e.id, bm25(programme_search_fts, 10.0, 4.0, 1.0) AS score {matching} LIMIT {CANDIDATES}"
    # A row may come from both: GROUP BY keeps its better score.
    cursor.execute(
        f"SELECT {_HIT_COLUMNS} FROM ("  # noqa: S608 - as above
        f"SELECT id, min(score) AS score FROM (SELECT * FROM ({scored}) AS by_title "
        f"UNION ALL SELECT * FROM ({scored}) AS anywhere) AS both_ GROUP BY id) AS c "
        "JOIN programme_search_entry e ON e.id = c.id JOIN programme_event ev ON ev.id = e.event_id "
        "ORDER BY c.score, e.starts_at, e.id LIMIT %s OFFSET %s",
        [f"title : ({query.fts5()})", *event_params, query.fts5(), *event_params, limit, offset],
    )
    return total, cursor.fetchall()


def _search_postgresql(
    cursor, query: Query, event_filter: str, event_params: list, *, limit: int, offset: int
):
    # One statement, one scan of the big GIN index: the count and the candidates share `hits`.
    words = "to_tsquery('simple', %s)"
    base = (
        f"SELECT e.id {_FROM_ENTRIES} "
        f"WHERE e.{{column}} @@ {words} AND ev.is_published{event_filter} LIMIT {{limit}}"
    )
    cursor.execute(
        f"WITH hits AS MATERIALIZED ({base.format(column='document', limit=MAX_COUNT + 1)}), "  # noqa: S608 - fixed SQL; user text is a parameter
        f"titled AS MATERIALIZED ({base.format(column='title_document', limit=CANDIDATES)}), "
        f"candidates AS ((SELECT id FROM hits LIMIT {CANDIDATES}) UNION SELECT id FROM titled) "
        f"SELECT (SELECT count(*) FROM hits), {_HIT_COLUMNS} FROM candidates c "
        "JOIN programme_search_entry e ON e.id = c.id JOIN programme_event ev ON ev.id = e.event_id "
        f"ORDER BY ts_rank(e.document, {words}) DESC, e.starts_at, e.id LIMIT %s OFFSET %s",
        [*([query.tsquery(), *event_params] * 2), query.tsquery(), limit, offset],
    )
    rows = cursor.fetchall()
    if not rows:
        return (0 if offset == 0 else _count_postgresql(cursor, query, event_filter, event_params)), []
    return rows[0][0], [row[1:] for row in rows]


def _count_postgresql(
    cursor, query: Query, event_filter: str, event_params: list, *, up_to: int = MAX_COUNT + 1
) -> int:
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 {_FROM_ENTRIES} WHERE e.document @@ to_tsquery('simple', %s) "  # noqa: S608 - as above
        f"AND ev.is_published{event_filter} LIMIT %s) AS c",
        [query.tsquery(), *event_params, up_to],
    )
    return cursor.fetchone()[0]


def _count_sqlite(
    cursor, query: Query, event_filter: str, event_params: list, *, up_to: int = MAX_COUNT + 1
) -> int:
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 {_SQLITE_MATCHING}{event_filter} LIMIT %s) AS counted",  # noqa: S608 - as above
        [query.fts5(), *event_params, up_to],
    )
    return cursor.fetchone()[0]


def _hit(row, query: Query) -> SearchHit:
    kind, object_id, title, people, body, ref, parent_ref, starts_at, event_slug, event_title, tz = row
    if kind == "session":
        url = reverse("programme:session", kwargs={"event": event_slug, "session": ref})
    elif kind == "presentation":
        url = reverse("programme:session", kwargs={"event": event_slug, "session": parent_ref})
        url += f"#presentation-{object_id}"
    elif kind == "person":
        url = reverse("programme:person", kwargs={"event": event_slug, "code": ref})
    else:
        url = reverse("programme:event", kwargs={"event": event_slug}) + f"?day=all&topic={ref}"
    starts = dt.datetime.fromisoformat(starts_at).astimezone(zoneinfo.ZoneInfo(tz)) if starts_at else None
    return SearchHit(
        kind=kind,
        object_id=object_id,
        title=title,
        url=url,
        event_slug=event_slug,
        event_title=event_title,
        starts_at=starts,
        snippet=snippet(body or people, query),
    )


def snippet(text: str, query: Query, *, length: int = SNIPPET_LENGTH) -> tuple[tuple[str, bool], ...]:
    """A piece of `text` around the first matched term, cut at word ends, matched words marked."""
    text = " ".join(text.split())
    if not text:
        return ()
    folded, origin = _fold_with_origin(text[: length * 20])
    words = [re.escape(t) for t in query.terms]
    if query.prefix:
        words[-1] += r"[^\W_]*"
    pattern = re.compile(rf"(?<![^\W_])(?:{'|'.join(words)})(?![^\W_])")
    spans = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    start = 0
    if spans and spans[0][1] > length - 20:
        start = text.rfind(" ", 0, max(spans[0][0] - 40, 0)) + 1
    end = len(text) if len(text) - start <= length else text.rfind(" ", start, start + length)
    end = end if end > start else start + length
    pieces, cursor = [("…" if start else "", False)], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces += [(text[cursor:span_start], False), (text[span_start:span_end], True)]
        cursor = span_end
    pieces += [(text[cursor:end], False), ("…" if end < len(text) else "", False)]
    return tuple(piece for piece in pieces if piece[0])


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the character of `text` it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars, origin = [], []
    for index, char in enumerate(text):
        for folded in fold(char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


# Writing ------------------------------------------------------------------------------------------------


def event_reindex(event_id: int, *, only_if_changed: bool = False) -> int:
    """Bring the event's rows in step with its programme; returns how many rows were written.

    Only rows whose text changed are replaced, so renaming one session rewrites one row while an import
    writes thousands in bulk. With `only_if_changed`, an event whose current programme version is indexed
    already is left alone (returns -1): one transaction can send `programme_changed` many times.
    """
    with transaction.atomic():
        version = Event.objects.filter(pk=event_id).values_list("programme_version", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM programme_search_state WHERE event_id = %s", [event_id])
            indexed = cursor.fetchone()
            if only_if_changed and indexed and indexed[0] == version:
                return -1
            cursor.execute(
                f"SELECT id, {_COLUMNS} FROM programme_search_entry WHERE event_id = %s",  # noqa: S608 - fixed SQL
                [event_id],
            )
            current = {tuple(row[1:]): row[0] for row in cursor.fetchall()}
            wanted = _event_rows(event_id) if version is not None else []
            keep = set(wanted)
            stale = [pk for row, pk in current.items() if row not in keep]
            fresh = [row for row in wanted if row not in current]
            for chunk in _chunks(stale):
                cursor.execute(
                    f"DELETE FROM programme_search_entry WHERE id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - placeholders only
                    chunk,
                )
            _insert(cursor, fresh)
            cursor.execute("DELETE FROM programme_search_state WHERE event_id = %s", [event_id])
            if version is not None:
                cursor.execute(
                    "INSERT INTO programme_search_state (event_id, version) VALUES (%s, %s)",
                    [event_id, version],
                )
    return len(fresh)


def _chunks(items: list) -> list[list]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


def _insert(cursor, rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        # One statement per chunk, the columns passed as arrays; the document is built from folded,
        # pre-split words so PostgreSQL's parser sees what Query sees.
        for chunk in _chunks(rows):
            columns = [list(column) for column in zip(*chunk, strict=True)]
            columns += [[_words(text) for text in columns[index]] for index in (3, 4, 5)]
            cursor.execute(
                f"INSERT INTO programme_search_entry ({_COLUMNS}, document, title_document) "  # noqa: S608 - fixed SQL
                f"SELECT {_COLUMNS}, setweight(to_tsvector('simple', tw), 'A') || "
                "setweight(to_tsvector('simple', pw), 'B') || setweight(to_tsvector('simple', bw), 'D'), "
                f"to_tsvector('simple', tw) FROM unnest({_ARRAYS}) AS u({_COLUMNS}, tw, pw, bw)",
                columns,
            )
        return
    cursor.execute("SELECT coalesce(max(id), 0) FROM programme_search_entry")
    last_id = cursor.fetchone()[0]
    cursor.executemany(
        f"INSERT INTO programme_search_entry ({_COLUMNS}) VALUES ({', '.join(['%s'] * 9)})",  # noqa: S608 - placeholders only
        rows,
    )
    # The rebuild holds SQLite's write lock, so every row past `last_id` is one just written.
    cursor.execute(
        "INSERT INTO programme_search_fts (rowid, title, people, body) "
        "SELECT id, title, people, body FROM programme_search_entry WHERE id > %s",
        [last_id],
    )


def _words(text: str) -> str:
    return " ".join(word[:100] for word in _TERM.findall(fold(text)))


def _event_rows(event_id: int) -> list[tuple]:
    """The index rows (columns as in `_COLUMNS`) of everything searchable in the event."""
    moderators: dict[int, list[str]] = {}
    for session_id, name in SessionPerson.objects.filter(session__event_id=event_id).values_list(
        "session_id", "person__printed_name"
    ):
        moderators.setdefault(session_id, []).append(name)
    speakers: dict[int, list[str]] = {}
    for presentation_id, name, institution in PresentationSpeaker.objects.filter(
        presentation__event_id=event_id
    ).values_list("presentation_id", "person__printed_name", "person__institution"):
        speakers.setdefault(presentation_id, []).append(f"{name} {institution}".strip())
    session_topics: dict[int, list[str]] = {}
    topics: dict[int, tuple[str, str]] = {}
    for session_id, topic_id, name, slug in Session.topics.through.objects.filter(
        session__event_id=event_id
    ).values_list("session_id", "topic_id", "topic__name", "topic__slug"):
        session_topics.setdefault(session_id, []).append(name)
        topics[topic_id] = (name, slug)

    rows = []
    sessions = Session.objects.filter(event_id=event_id).values_list(
        "id", "code", "slug", "title", "description", "learning_objectives", "session_type__name", "starts_at"
    )
    session_slugs = {}
    for pk, code, slug, title, description, objectives, type_name, starts_at in sessions:
        session_slugs[pk] = slug
        aims = " ".join(str(o) for o in objectives) if isinstance(objectives, list) else ""
        body = " ".join(filter(None, [description, aims, type_name, *session_topics.get(pk, [])]))
        people = ", ".join(moderators.get(pk, []))
        rows.append(("session", pk, f"{code} {title}".strip(), people, body, slug, "", _iso(starts_at)))
    presentations = Presentation.objects.filter(event_id=event_id).values_list(
        "id", "title", "subtitle", "abstract", "session_id", "starts_at"
    )
    for pk, title, subtitle, abstract, session_id, starts_at in presentations:
        full_title = f"{title}: {subtitle}" if subtitle else title
        people = ", ".join(speakers.get(pk, []))
        rows.append(
            ("presentation", pk, full_title, people, abstract, "", session_slugs[session_id], _iso(starts_at))
        )
    people = Person.objects.filter(event_id=event_id).values_list(
        "id", "code", "printed_name", "given_name", "family_name", "institution", "city", "biography"
    )
    for pk, code, printed, given, family, institution, city, biography in people:
        body = " · ".join(filter(None, [institution, city, biography]))
        rows.append(("person", pk, printed, f"{given} {family}".strip(), body, code, "", ""))
    for pk, (name, slug) in topics.items():
        rows.append(("topic", pk, name, "", "", slug, "", ""))
    return [(event_id, *row) for row in rows]


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()
