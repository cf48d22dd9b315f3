"""The PostgreSQL dialect: tsvector + GIN full-text search, ``ON CONFLICT`` inserts, retry on deadlock.

Full-text search uses expression indexes (``to_tsvector('simple', quote)``) rather than stored tsvector columns:
PostgreSQL keeps them current on every insert and delete, so there is nothing to rebuild and no second copy of
the text. The ``simple`` configuration (lower-cased words, no stemming, no stop words) matches what SQLite's
FTS5 does, so a search finds the same statements on both backends.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, Table, event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert

from . import schema as t
from .dialects import Dialect

TS_CONFIG = "simple"
# Document text indexed for search: tsvector values are limited to 1 MB, which adversarial text of the longest
# accepted document (2M characters of distinct words) could exceed; a long report is ~50k characters.
DOCUMENT_FTS_CHARS = 300_000
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure
_SCHEMA_LOCK = 7_204_311_965  # pg_advisory_xact_lock key held while a claimgraph schema is migrated

_STATEMENT_TSV = f"to_tsvector('{TS_CONFIG}', quote)"
_DOCUMENT_TSV = f"to_tsvector('{TS_CONFIG}', left(coalesce(title, '') || ' ' || text, {DOCUMENT_FTS_CHARS}))"


class PostgresDialect(Dialect):
    name = "postgresql"

    def configure(self, engine: Engine, read_only: bool = False) -> None:
        @event.listens_for(engine, "connect")
        def _settings(dbapi_conn: Any, _record: Any) -> None:  # the DB-API connection, the pool record
            cursor = dbapi_conn.cursor()
            # A killed or crashed writer loses at most the last few commits, never consistency: the same
            # guarantee as SQLite's WAL with synchronous=NORMAL, and ingest resumes by content hash.
            cursor.execute("SET synchronous_commit = off")
            if read_only:  # queries and exports: the server refuses any write
                cursor.execute("SET default_transaction_read_only = on")
            cursor.close()
            dbapi_conn.commit()

    def lock_schema(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})

    def migrate(self, conn: Connection, version: int) -> None:
        if version == 1:
            conn.execute(text(f"CREATE INDEX statements_fts ON statements USING GIN ({_STATEMENT_TSV})"))
            conn.execute(text(f"CREATE INDEX documents_fts ON documents USING GIN ({_DOCUMENT_TSV})"))

    def after_bulk_load(self, conn: Connection) -> None:
        # Rows inserted with explicit keys leave the key sequences behind: the next insert would collide.
        for table in t.metadata.sorted_tables:
            column = table.c.get("pk")
            if column is not None and column.primary_key and column.autoincrement in (True, "auto"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'pk'), "
                                  f"COALESCE(MAX(pk), 0) + 1, false) FROM {table.name}"))

    def insert_ignoring(self, table: Table, conflict: list[str]) -> Insert:
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict)

    def search_statements(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        # Rank and cut first, then build the snippets of the few rows kept (ts_headline re-parses the quote).
        rows = conn.execute(text(
            f"SELECT hit.pk, ts_headline('{TS_CONFIG}', hit.quote, hit.q, "
            "'StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=0') "
            f"FROM (SELECT s.pk, s.quote, q, ts_rank({_STATEMENT_TSV}, q) AS rank "
            f"      FROM statements s, plainto_tsquery('{TS_CONFIG}', :q) q WHERE {_STATEMENT_TSV} @@ q "
            "      ORDER BY rank DESC, s.pk LIMIT :limit) hit ORDER BY hit.rank DESC, hit.pk"),
            {"q": query, "limit": limit}).all()
        return [(int(r[0]), str(r[1])) for r in rows]

    def search_documents(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        # Through the documents_fts expression index; snippets of the text of the few rows kept.
        rows = conn.execute(text(
            f"SELECT hit.pk, ts_headline('{TS_CONFIG}', left(hit.text, {DOCUMENT_FTS_CHARS}), hit.q, "
            "'StartSel=[, StopSel=], MaxWords=16, MinWords=6, ShortWord=0') "
            f"FROM (SELECT d.pk, d.text, q, ts_rank({_DOCUMENT_TSV}, q) AS rank "
            f"      FROM documents d, plainto_tsquery('{TS_CONFIG}', :q) q WHERE {_DOCUMENT_TSV} @@ q "
            "      ORDER BY rank DESC, d.pk LIMIT :limit) hit ORDER BY hit.rank DESC, hit.pk"),
            {"q": query, "limit": limit}).all()
        return [(int(r[0]), str(r[1])) for r in rows]

    def is_retryable(self, exc: BaseException) -> bool:
        return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in RETRYABLE


@contextmanager
def scratch_schema(dsn: str, prefix: str = "scratch") -> Iterator[str]:
    """A fresh, empty schema of the database ``dsn``, as a store URL whose search_path is that schema; dropped
    with everything in it on leaving (the tests' and benchmarks' throwaway stores on one server)."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{dsn}{'&' if '?' in dsn else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
