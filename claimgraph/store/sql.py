"""``SqlStore``: the store on SQLAlchemy Core, on SQLite or PostgreSQL, and ``open_store`` to pick one.

    open_store("cases.db")                                  # SQLite file (also sqlite:///cases.db)
    open_store("postgresql://user@db.example/claimgraph")   # PostgreSQL (the psycopg driver)

Writes go through ``writing.Writer``: whole documents per transaction, batches of documents in one transaction,
safe with several writers at once. Reads are in ``queries.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import ColumnElement, Table, delete, event, func, select
from sqlalchemy.engine import URL, Connection, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from ..errors import StoreError
from ..models import Actor, Document, ExtractionResult, Mention, Statement
from . import migrations
from . import schema as t
from .base import PendingDocument, Store
from .dialects import WRITE, Dialect, SqliteDialect
from .models import StoredDocument, StoreStats
from .browse import BrowseMixin
from .feeds import FeedMixin
from .judgements import JudgementMixin
from .neardup import Signature
from .queries import QueryMixin
from .writing import STATEMENT_COLUMNS, Writer

_T = TypeVar("_T")

DB_ENV = "CLAIMGRAPH_DB"
DEFAULT_DB = "claimgraph.db"
POSTGRES_SCHEMES = ("postgresql", "postgres")
RETRIES = 5  # attempts of a write transaction the server aborted to break a deadlock


def database_spec(spec: str | os.PathLike[str] | None = None) -> str:
    """``spec``, else $CLAIMGRAPH_DB, else ./claimgraph.db: a file path, ``sqlite:///PATH`` or a PostgreSQL URL."""
    return str(spec or os.environ.get(DB_ENV) or DEFAULT_DB)


def is_postgres(spec: str) -> bool:
    return spec.split(":", 1)[0].split("+", 1)[0].lower() in POSTGRES_SCHEMES and "://" in spec


def open_store(path: str | os.PathLike[str] | None = None, create: bool = True, read_only: bool = False) -> "SqlStore":
    """Open (migrating as needed) the store at ``path`` (see ``database_spec``). With ``create`` a missing
    database is created (on PostgreSQL: the tables, in a database that must exist); without it a missing one is
    an error and nothing is made. ``read_only`` (queries, exports) writes nothing, creates no file and needs
    neither the file nor its folder writable (on PostgreSQL: read-only transactions)."""
    where = locate(path)
    if where.path is not None and (read_only or not create) and not where.path.exists():
        raise StoreError(f"{where.path}: no such database (check --db or ${DB_ENV}; `claimgraph ingest` creates one)")
    return SqlStore(where.url, where.dialect, where.label, create=create and not read_only, read_only=read_only)


def db_reason(exc: BaseException) -> str:
    """What the database said (its first line), without the SQL statement and parameters SQLAlchemy appends:
    they hold document text."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    reason = lines[0] if lines else exc.__class__.__name__
    if "readonly database" in reason or "read-only" in reason:
        reason += "; the database file or its folder is not writable"
    return reason


@dataclass(frozen=True)
class Location:
    """Where a store is: the SQLAlchemy URL, the backend's dialect, a label for messages (no password)."""

    url: str | URL
    dialect: Dialect
    label: str
    path: Path | None = None  # the SQLite file


def locate(spec: str | os.PathLike[str] | None = None) -> Location:
    """A file path, ``sqlite:///PATH`` or ``postgresql://...`` (default: see ``database_spec``)."""
    text = database_spec(spec)
    if is_postgres(text):
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"{text}: not a database URL ({exc})") from exc
        label = url.render_as_string(hide_password=True)
        try:
            import psycopg  # noqa: F401  (the driver SQLAlchemy loads: a clear error when it is missing)
        except ImportError as exc:
            raise StoreError(f"{label}: PostgreSQL needs the psycopg driver: "
                             f"pip install 'claimgraph[postgresql]'") from exc
        from .postgres import PostgresDialect

        return Location(url.set(drivername="postgresql+psycopg"), PostgresDialect(), label)
    if text.startswith("sqlite:"):
        if not text.startswith("sqlite:///") or text == "sqlite:///":
            raise StoreError(f"{text}: a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db")
        text = text[len("sqlite:///"):]
    db = Path(text)
    if db.exists() and db.is_dir():
        raise StoreError(f"{db}: is a directory, not a database file")
    if not db.parent.exists():
        raise StoreError(f"{db}: folder {db.parent} does not exist")
    return Location(f"sqlite:///{db}", SqliteDialect(), str(db), db)


def engine_for(url: str | URL, dialect: Dialect, read_only: bool = False) -> Engine:
    """An engine with the backend's connection settings (no schema work)."""
    return dialect.engine(url, read_only)


class SqlStore(FeedMixin, QueryMixin, BrowseMixin, JudgementMixin, Store):
    def __init__(self, url: str | URL, dialect: Dialect, label: str | None = None, create: bool = True,
                 read_only: bool = False):
        self.dialect, self.label, self.read_only = dialect, label or str(url), read_only
        self.writer = Writer(dialect)
        try:
            self.engine: Engine = engine_for(url, dialect, read_only)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"{self.label}: cannot open the database ({exc})") from exc
        try:
            self.version = self._check_version() if read_only else self._migrate(create)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"{self.label}: cannot open the database ({db_reason(exc)})") from exc
        except StoreError:
            self.engine.dispose()
            raise
        if self.version > migrations.LATEST:
            self.engine.dispose()
            raise StoreError(f"{self.label}: schema version {self.version} is newer than this claimgraph "
                             f"({migrations.LATEST}); upgrade claimgraph")
        event.listen(self.engine, "handle_error", self._database_error)

    def _migrate(self, create: bool) -> int:
        with self.write_transaction() as conn:
            found = migrations.current_version(conn)
            if found == 0 and not create:
                raise StoreError(f"{self.label}: no claimgraph store here (check --db or ${DB_ENV}; "
                                 f"`claimgraph ingest` creates one)")
            if found < migrations.LATEST:
                self.dialect.lock_schema(conn)
            return migrations.migrate(conn, self.dialect)

    def _check_version(self) -> int:
        with self.engine.connect() as conn:
            found = migrations.current_version(conn)
        if found == 0:
            raise StoreError(f"{self.label}: not a claimgraph database (no schema version)")
        if found < migrations.LATEST:
            raise StoreError(f"{self.label}: written by an older claimgraph (schema {found}, now "
                             f"{migrations.LATEST}); run `claimgraph ingest` on it once to upgrade it")
        return found

    def _database_error(self, context: ExceptionContext) -> None:
        """Every database error (locked, read-only, disk full, corrupt) becomes a StoreError naming the
        database, without SQL or parameters; a deadlock the server broke is left to ``_transaction``, which
        runs the transaction again."""
        exc = context.sqlalchemy_exception
        if exc is None or isinstance(exc, IntegrityError) or self.dialect.is_retryable(exc):
            return
        raise StoreError(f"{self.label}: database error ({db_reason(exc)})") from context.original_exception

    @property
    def backend(self) -> str:
        return self.dialect.name

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """A transaction that will write: on SQLite it takes the write lock at BEGIN (see dialects.py)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    # ---- writing -----------------------------------------------------------------------------------
    def has_document(self, content_hash: str) -> bool:
        return bool(self.existing_hashes([content_hash]))

    def existing_hashes(self, content_hashes: list[str]) -> set[str]:
        with self.engine.connect() as conn:
            return self.writer.existing(conn, content_hashes)

    def add_result(self, result: ExtractionResult, content_hash: str | None = None,
                   signature: Signature | None = None, related: list[Actor] | None = None) -> StoredDocument | None:
        return self.add_results([PendingDocument(result, content_hash, signature, related or [])])[0]

    def add_results(self, batch: list[PendingDocument]) -> list[StoredDocument | None]:
        """One transaction for the batch: a crash keeps whole documents only, as with one per document."""
        if not batch:
            return []
        what = f"document {batch[0].result.document.id!r}" if len(batch) == 1 else f"{len(batch)} documents"
        return self._transaction(lambda conn: self.writer.write_batch(conn, batch), f"cannot store {what}")

    def _transaction(self, work: Callable[[Connection], _T], failure: str) -> _T:
        """Run ``work(conn)`` in a transaction, again when the server aborted it to break a deadlock."""
        for attempt in range(1, RETRIES + 1):
            try:
                with self.write_transaction() as conn:
                    return work(conn)
            except SQLAlchemyError as exc:
                if attempt < RETRIES and self.dialect.is_retryable(exc):
                    time.sleep(0.05 * attempt)
                    continue
                raise StoreError(f"{self.label}: {failure}: {db_reason(exc)}") from exc
        raise AssertionError("unreachable")

    def replace_result(self, pk: int, result: ExtractionResult, related: list[Actor] | None = None) -> StoredDocument:
        return self._transaction(lambda conn: self.writer.replace(conn, pk, result, related or []),
                                 f"cannot re-store document {result.document.id!r}")

    def rebuild_propositions(self, chunk: int = 50_000) -> int:
        def work(conn: Connection) -> int:
            top = conn.execute(select(func.max(t.propositions.c.pk))).scalar() or 0
            # In ranges of proposition ids, so memory stays bounded on a store of millions of statements.
            return sum(self.writer.refresh(conn, set(range(lo, min(lo + chunk, top + 1))))
                       for lo in range(1, top + 1, chunk))

        return self._transaction(work, "cannot rebuild the propositions")

    def delete_document(self, doc_id: str) -> int:
        """Remove documents with this id and everything extracted from them; returns how many."""
        def work(conn: Connection) -> int:
            pks = list(conn.execute(select(t.documents.c.pk).where(t.documents.c.doc_id == doc_id)).scalars())
            if not pks:
                return 0
            props = set(conn.execute(select(t.statements.c.prop_pk)
                                     .where(t.statements.c.doc_pk.in_(pks))).scalars())
            # A deleted document takes its judgements along: there is nothing left for them to judge.
            for table in (t.lsh_bands, t.mentions, t.doc_actors, t.statements, t.judgements):
                conn.execute(delete(table).where(table.c.doc_pk.in_(pks)))
            conn.execute(delete(t.documents).where(t.documents.c.pk.in_(pks)))
            self.dialect.rebuild_fulltext(conn)
            self.writer.refresh(conn, props)
            return len(pks)

        return self._transaction(work, f"cannot delete document {doc_id!r}")

    # ---- reading -----------------------------------------------------------------------------------
    def iter_results(self, since: dt.date | None = None, until: dt.date | None = None,
                     doc_ids: list[str] | None = None) -> Iterator[ExtractionResult]:
        d = t.documents.c
        query = select(d.pk).order_by(d.pk)
        if since:
            query = query.where(d.date >= since)
        if until:
            query = query.where(d.date <= until)
        if doc_ids:
            query = query.where(d.doc_id.in_(doc_ids))
        with self.engine.connect() as conn:
            pks = list(conn.execute(query).scalars())
        for start in range(0, len(pks), 200):
            with self.engine.connect() as conn:
                for pk in pks[start : start + 200]:
                    yield self._load_result(conn, pk)

    def iter_documents(self, since: dt.date | None = None, until: dt.date | None = None,
                       doc_ids: list[str] | None = None) -> Iterator[tuple[int, Document]]:
        d = t.documents.c
        query = select(d.pk).order_by(d.pk)
        if since:
            query = query.where(d.date >= since)
        if until:
            query = query.where(d.date <= until)
        if doc_ids:
            query = query.where(d.doc_id.in_(doc_ids))
        with self.engine.connect() as conn:
            pks = list(conn.execute(query).scalars())
        for pk in pks:
            with self.engine.connect() as conn:
                row = conn.execute(select(d.doc_id, d.text, d.title, d.date, d.source, d.url, d.date_origin)
                                   .where(d.pk == pk)).first()
            if row is not None:  # deleted meanwhile
                yield pk, Document(id=row.doc_id, text=row.text, title=row.title, date=row.date, source=row.source,
                                   url=row.url, date_origin=row.date_origin)

    def _load_result(self, conn: Connection, pk: int) -> ExtractionResult:
        d = t.documents.c
        row = conn.execute(select(d.doc_id, d.text, d.title, d.date, d.source, d.url, d.date_origin)
                           .where(d.pk == pk)).one()
        document = Document(id=row.doc_id, text=row.text, title=row.title, date=row.date, source=row.source,
                            url=row.url, date_origin=row.date_origin)
        actors = [Actor.model_validate(data) for data in conn.execute(
            select(t.doc_actors.c.data).where(t.doc_actors.c.doc_pk == pk).order_by(t.doc_actors.c.pos)).scalars()]
        m = t.mentions.c
        mentions = [
            Mention(start=r.start, end=r.end, text=r.text, actor=r.actor_id, rule=r.rule, confidence=r.confidence,
                    sense=r.sense)
            for r in conn.execute(select(m.start, m.end, m.text, m.actor_id, m.rule, m.confidence, m.sense)
                                  .where(m.doc_pk == pk).order_by(m.pos))
        ]
        s = t.statements.c
        cols = [s.sid, s.extra, *(getattr(s, c) for c in sorted(STATEMENT_COLUMNS))]
        statements = []
        for r in conn.execute(select(*cols).where(s.doc_pk == pk).order_by(s.pos)):
            data = {c: getattr(r, c) for c in STATEMENT_COLUMNS}
            data.update(r.extra or {})
            data["id"] = r.sid
            statements.append(Statement.model_validate(data))
        return ExtractionResult(document=document, actors=actors, mentions=mentions, statements=statements)

    def stats(self) -> StoreStats:
        with self.engine.connect() as conn:
            def count(table: Table, *where: ColumnElement[bool]) -> int:
                return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)

            return StoreStats(
                path=self.label, backend=self.backend, schema_version=self.version, documents=count(t.documents),
                duplicate_groups=int(conn.execute(
                    select(func.count(func.distinct(t.documents.c.dup_group)))).scalar() or 0),
                actors=count(t.actors), mentions=count(t.mentions), statements=count(t.statements),
                propositions=count(t.propositions, t.propositions.c.n_statements > 0),
                contested=count(t.propositions, t.propositions.c.contested.is_(True)),
            )
