"""The programme's full-text search index (see rostrum/programme/search.py).

Raw SQL because each database indexes text its own way: an FTS5 table on SQLite, a tsvector column with a
GIN index on PostgreSQL. The tables are not Django models: only search.py reads and writes them.
"""

from django.db import migrations

ENTRY_COLUMNS = """
    event_id bigint NOT NULL,
    kind varchar(20) NOT NULL,
    object_id bigint NOT NULL,
    title text NOT NULL,
    people text NOT NULL,
    body text NOT NULL,
    ref varchar(200) NOT NULL,
    parent_ref varchar(200) NOT NULL,
    starts_at varchar(40) NOT NULL
"""

SQLITE = [
    f"CREATE TABLE programme_search_entry (id integer PRIMARY KEY, {ENTRY_COLUMNS})",
    "CREATE INDEX programme_search_entry_event ON programme_search_entry (event_id)",
    # New rows reach the FTS table in one INSERT ... SELECT per rebuild (search.py), twice as fast as a
    # trigger per row; deletions and updates go through triggers.
    """CREATE VIRTUAL TABLE programme_search_fts USING fts5(
        title, people, body,
        content='programme_search_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='3 4'
    )""",
    """CREATE TRIGGER programme_search_entry_ad AFTER DELETE ON programme_search_entry BEGIN
        INSERT INTO programme_search_fts (programme_search_fts, rowid, title, people, body)
        VALUES ('delete', old.id, old.title, old.people, old.body);
    END""",
    """CREATE TRIGGER programme_search_entry_au AFTER UPDATE ON programme_search_entry BEGIN
        INSERT INTO programme_search_fts (programme_search_fts, rowid, title, people, body)
        VALUES ('delete', old.id, old.title, old.people, old.body);
        INSERT INTO programme_search_fts (rowid, title, people, body)
        VALUES (new.id, new.title, new.people, new.body);
    END""",
    "CREATE TABLE programme_search_state (event_id bigint PRIMARY KEY, version integer NOT NULL)",
]

POSTGRESQL = [
    # `document` weighs title (A), people (B) and the rest (D) for ranking; `title_document` finds title matches
    # fast when a word is in thousands of abstracts.
    f"""CREATE TABLE programme_search_entry (
        id bigserial PRIMARY KEY, {ENTRY_COLUMNS}, document tsvector NOT NULL, title_document tsvector NOT NULL
    )""",
    "CREATE INDEX programme_search_entry_event ON programme_search_entry (event_id)",
    "CREATE INDEX programme_search_entry_document ON programme_search_entry USING gin (document)",
    "CREATE INDEX programme_search_entry_title ON programme_search_entry USING gin (title_document)",
    "CREATE TABLE programme_search_state (event_id bigint PRIMARY KEY, version integer NOT NULL)",
]

DROP = {
    "sqlite": ["DROP TABLE programme_search_fts", "DROP TABLE programme_search_entry"],
    "postgresql": ["DROP TABLE programme_search_entry"],
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise RuntimeError(f"Rostrum's programme search supports SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)
    # Programmes that exist already become searchable at once.
    from rostrum.programme.search import event_reindex

    for event_id in apps.get_model("programme", "Event").objects.values_list("pk", flat=True):
        event_reindex(event_id)


def drop_index(apps, schema_editor):
    for statement in [*DROP[schema_editor.connection.vendor], "DROP TABLE programme_search_state"]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_personal_agenda")]

    operations = [migrations.RunPython(create_index, drop_index)]
