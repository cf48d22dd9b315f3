"""Backend-specific pieces behind one small interface: connection settings and full-text search.

Everything SQLite-only (PRAGMAs, FTS5) lives in ``SqliteDialect``; a PostgreSQL backend adds a dialect with
tsvector columns and leaves the rest of the store untouched.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool


class Dialect(ABC):
    def engine(self, url: str, read_only: bool = False) -> Engine:
        """The engine for ``url``; ``read_only`` opens it for queries only (nothing is written or created).
        Statement parameters are kept out of error messages: they hold whole document texts."""
        engine = create_engine(url, hide_parameters=True)
        self.configure(engine, read_only)
        return engine

    @abstractmethod
    def configure(self, engine: Engine, read_only: bool = False) -> None:
        """Per-connection settings."""

    @abstractmethod
    def create_fulltext(self, conn: Connection) -> None:
        """Create the full-text indexes over statement quotes and document text."""

    @abstractmethod
    def index_statements(self, conn: Connection, doc_pk: int) -> None:
        """Add a just-written document's statement quotes to the full-text index."""

    @abstractmethod
    def unindex_statements(self, conn: Connection, doc_pk: int) -> None:
        """Take a document's statement quotes out of the full-text index (before the statements go)."""

    @abstractmethod
    def index_document(self, conn: Connection, pk: int, title: str | None, body: str) -> None: ...

    @abstractmethod
    def rebuild_fulltext(self, conn: Connection) -> None:
        """Re-derive the full-text indexes from the tables (after deletes or bulk loads)."""

    @abstractmethod
    def search_statements(self, conn: Connection, query: str, limit: int) -> list[tuple[int, str]]:
        """(statement pk, snippet) best first."""


class SqliteDialect(Dialect):
    def engine(self, url: str, read_only: bool = False) -> Engine:
        if not read_only:
            return super().engine(url, read_only)
        path = Path(url.removeprefix("sqlite:///"))
        # A new SQLite connection per use (NullPool), each opened as the files are at that moment: see _read_only.
        engine = create_engine("sqlite://", creator=lambda: _read_only(path), poolclass=NullPool,
                               hide_parameters=True)
        self.configure(engine, read_only)
        return engine

    def configure(self, engine: Engine, read_only: bool = False) -> None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
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

    def create_fulltext(self, conn: Connection) -> None:
        conn.execute(text(
            "CREATE VIRTUAL TABLE statements_fts USING fts5(quote, content='statements', content_rowid='pk')"
        ))
        conn.execute(text(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='pk')"
        ))

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
