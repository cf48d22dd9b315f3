"""Backend-specific pieces behind one small interface: connection settings, DDL of a schema version, full-text
search, conflict-tolerant inserts and which errors are worth retrying.

Everything SQLite-only (PRAGMAs, FTS5) lives in ``SqliteDialect``; PostgreSQL's (tsvector + GIN) in
``postgres.py``. The rest of the store is SQLAlchemy Core and runs unchanged on both.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, Table, create_engine, event, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.dml import Insert


WRITE = "claimgraph_write"  # execution option of a connection that will write (see SqliteDialect.configure)


class Dialect(ABC):
    name: str

    def engine(self, url: str | URL, read_only: bool = False) -> Engine:
        """The engine for ``url``; ``read_only`` opens it for queries only (nothing is written or created).
        Statement parameters are kept out of error messages: they hold whole document texts."""
        engine = create_engine(url, hide_parameters=True, pool_pre_ping=self.name != "sqlite")
        self.configure(engine, read_only)
        return engine

    @abstractmethod
    def configure(self, engine: Engine, read_only: bool = False) -> None:
        """Per-connection settings."""

    def lock_schema(self, conn: Connection) -> None:
        """Serialise concurrent migrations of one database (two ingests opening a new store at once)."""

    @abstractmethod
    def migrate(self, conn: Connection, version: int) -> None:
        """The backend's own DDL of schema ``version`` (after the tables and indexes of ``schema.py``)."""

    @abstractmethod
    def insert_ignoring(self, table: Table, conflict: list[str]) -> Insert:
        """``INSERT ... ON CONFLICT (conflict) DO NOTHING``: a row another writer stored first is left alone."""

    def index_statements(self, conn: Connection, doc_pk: int) -> None:
        """Add a just-written document's statement quotes to the full-text index (when not automatic)."""

    def unindex_statements(self, conn: Connection, doc_pk: int) -> None:
        """Take a document's statement quotes out of the full-text index, before the statements go (when not
        automatic)."""

    def index_document(self, conn: Connection, pk: int, title: str | None, body: str) -> None:
        """Add a just-written document to the full-text index (when not automatic)."""

    def rebuild_fulltext(self, conn: Connection) -> None:
        """Re-derive the full-text indexes from the tables after deletes or bulk loads (when not automatic)."""

    def after_bulk_load(self, conn: Connection) -> None:
        """After rows were inserted with their keys (a copied store): full-text indexes, key sequences."""
        self.rebuild_fulltext(conn)

    @abstractmethod
    def search_statements(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        """(statement pk, snippet) best first; every word of ``query`` is required."""

    def is_retryable(self, exc: BaseException) -> bool:
        """A transaction the server aborted to break a deadlock or a serialisation conflict: run it again."""
        return False

    def search_documents(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]] | None:
        """(document pk, snippet) best first, every word of ``query`` in the title or text; None when the backend
        has no full-text index of documents (the store then scans)."""
        return None


class SqliteDialect(Dialect):
    name = "sqlite"

    def engine(self, url: str | URL, read_only: bool = False) -> Engine:
        if not read_only:
            return super().engine(url, read_only)
        path = Path(str(url).removeprefix("sqlite:///"))
        # A new SQLite connection per use (NullPool), each opened as the files are at that moment: see _read_only.
        engine = create_engine("sqlite://", creator=lambda: _read_only(path), poolclass=NullPool,
                               hide_parameters=True)
        self.configure(engine, read_only)
        return engine

    def configure(self, engine: Engine, read_only: bool = False) -> None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:  # the DB-API connection, the pool record
            # The driver's own transaction handling off, so that ``_begin`` decides how each one starts.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            if read_only:
                cursor.execute("PRAGMA query_only=ON")
                cursor.execute("PRAGMA busy_timeout=10000")
                cursor.execute("PRAGMA cache_size=-65536")
                cursor.close()
                return
            # WAL: readers never block the writer, and a killed writer leaves the last committed state.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # A writer takes the write lock up front (waiting up to busy_timeout for another writer), instead of
            # failing with "database is locked" when its read snapshot turns out stale at its first write. Readers
            # start a plain deferred transaction and never wait for writers (WAL).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    def migrate(self, conn: Connection, version: int) -> None:
        if version == 1:
            conn.execute(text(
                "CREATE VIRTUAL TABLE statements_fts USING fts5(quote, content='statements', content_rowid='pk')"))
            conn.execute(text(
                "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='pk')"))

    def insert_ignoring(self, table: Table, conflict: list[str]) -> Insert:
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict)

    def index_statements(self, conn: Connection, doc_pk: int) -> None:
        conn.execute(text("INSERT INTO statements_fts(rowid, quote) SELECT pk, quote FROM statements "
                          "WHERE doc_pk = :doc_pk"), {"doc_pk": doc_pk})

    def unindex_statements(self, conn: Connection, doc_pk: int) -> None:
        # external-content FTS5: a row is removed by inserting the 'delete' command with its old values
        conn.execute(text("INSERT INTO statements_fts(statements_fts, rowid, quote) SELECT 'delete', pk, quote "
                          "FROM statements WHERE doc_pk = :doc_pk"), {"doc_pk": doc_pk})

    def index_document(self, conn: Connection, pk: int, title: str | None, body: str) -> None:
        conn.execute(text("INSERT INTO documents_fts(rowid, title, text) VALUES (:pk, :title, :body)"),
                     {"pk": pk, "title": title or "", "body": body})

    def rebuild_fulltext(self, conn: Connection) -> None:
        conn.execute(text("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')"))
        conn.execute(text("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')"))

    def search_statements(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        rows = conn.execute(
            text("SELECT rowid, snippet(statements_fts, 0, '[', ']', '…', 12) FROM statements_fts "
                 "WHERE statements_fts MATCH :q ORDER BY rank LIMIT :limit"),
            {"q": fts_query(query), "limit": limit},
        ).all()
        return [(int(r[0]), str(r[1])) for r in rows]

    def search_documents(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        rows = conn.execute(
            text("SELECT rowid, snippet(documents_fts, 1, '[', ']', '…', 16) FROM documents_fts "
                 "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :limit"),
            {"q": fts_query(query), "limit": limit},
        ).all()
        return [(int(r[0]), str(r[1])) for r in rows]


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates no file and needs no write permission anywhere.

    While a writer has the database open, its ``-wal`` and ``-shm`` files exist and a plain read-only
    connection shares them (consistent snapshots, no blocking). With no ``-wal`` file nothing has the database
    open and it is whole on disk: it is opened ``immutable``, because a read-only connection to a WAL database
    would otherwise create ``-wal``/``-shm`` files (and cannot, in a read-only folder). A writer starting
    afterwards writes to its new WAL, not to the file being read, until its first checkpoint (4 MB of WAL).
    """
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def fts_query(query: str) -> str:
    """User text as an FTS5 query: each word a quoted term (no syntax errors from stray operators)."""
    words = [w.replace('"', "") for w in query.split()]
    return " ".join(f'"{w}"' for w in words if w) or '""'
