"""Versioned migrations for every backend, derived from the ``since`` marks in ``schema.py``.

A new database and an old one take the same road: step N creates what schema version N added (its tables with
the columns they had then, the columns it added to older tables, its indexes), then the backend's own DDL for
that version (the full-text indexes of version 1), then the step's data changes, if any. So a fresh store *is*
a store migrated from version 0, and the migrations are exercised by every test that opens a store.

Each step runs in the transaction that records the new version: a failed step leaves the previous schema (on
PostgreSQL, whose DDL is transactional) and the previous version number in place. ``MIGRATIONS[i]`` brings a
database from version ``i`` to ``i + 1``; ``migrate`` applies those after the database's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import Column, Connection, Index, Table, inspect, select, text
from sqlalchemy.schema import CreateColumn, CreateTable

from . import schema as t
from .dialects import Dialect

Migration = Callable[[Connection, Dialect], None]
DataStep = Callable[[Connection, Dialect], None]


def since(item: Table | Column[Any] | Index) -> int:
    """The schema version that added a table, column or index (1 when unmarked)."""
    return int(item.info.get("since", 1))


@dataclass(frozen=True)
class Step:
    """Schema version ``version``: what ``schema.py`` marks with it, the backend's DDL, then ``data`` (optional)."""

    version: int
    description: str
    data: DataStep | None = None

    def __call__(self, conn: Connection, dialect: Dialect) -> None:
        for table in t.metadata.sorted_tables:
            if table is t.schema_version:
                continue  # created by migrate() before the first step
            if since(table) == self.version:
                _create_table(conn, table, self.version)
            elif since(table) < self.version:
                for column in table.columns:
                    if since(column) == self.version:
                        _add_column(conn, table, column)
        for table in t.metadata.sorted_tables:
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                if max(since(index), since(table)) == self.version:
                    index.create(conn)
        dialect.migrate(conn, self.version)
        if self.data is not None:
            self.data(conn, dialect)


def _create_table(conn: Connection, table: Table, version: int) -> None:
    """The table as version ``version`` had it: without columns (and their foreign keys) added later."""
    keep = {c.name for c in table.columns if since(c) <= version}
    ddl = CreateTable(table, include_foreign_key_constraints=[
        fk for fk in table.foreign_key_constraints if all(c.name in keep for c in fk.columns)])
    ddl.columns = [c for c in ddl.columns if c.element.name in keep]
    conn.execute(ddl)


def _add_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    spec = CreateColumn(column).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {conn.dialect.identifier_preparer.format_table(table)} ADD COLUMN {spec}"))


def later_column_problems() -> list[str]:
    """Columns added after their table that ``ALTER TABLE ADD COLUMN`` cannot add alike on every backend."""
    problems = []
    for table in t.metadata.sorted_tables:
        for column in table.columns:
            if since(column) <= since(table):
                continue
            where = f"{table.name}.{column.name} (since {since(column)})"
            if not column.nullable and column.server_default is None:
                problems.append(f"{where}: must be nullable or have a server default")
            if column.unique or column.primary_key or column.foreign_keys:
                problems.append(f"{where}: cannot be unique, a primary key or a foreign key")
    return problems


MIGRATIONS: list[Migration] = [
    Step(1, "documents, actors, mentions, statements, propositions, near-duplicate bands, full-text indexes"),
    Step(2, "per-feed state and seen entries of claimgraph watch"),
    Step(3, "the append-only judgements of review"),
]
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(t.schema_version.name):
        return 0
    value = conn.execute(select(t.schema_version.c.version)).scalar()
    return int(value or 0)


def migrate(conn: Connection, dialect: Dialect, target: int | None = None) -> int:
    """Apply every migration after the database's version (up to ``target``); returns the version reached."""
    version = current_version(conn)
    goal = LATEST if target is None else target
    if version == 0:
        t.schema_version.create(conn)
    for index in range(version, goal):
        MIGRATIONS[index](conn, dialect)
        conn.execute(t.schema_version.delete())
        conn.execute(t.schema_version.insert().values(version=index + 1))
    return max(version, goal)
