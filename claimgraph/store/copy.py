"""Copy a whole store to another backend (SQLite -> PostgreSQL, or back), row for row, and prove nothing was lost.

Rows are copied table by table, parents first, with their keys, in one transaction on the target: a failure
leaves the target as it was. Afterwards every table's row count and a checksum of the propositions (every count,
date, contradiction flag and asserter summary, in key order) are computed on both sides and compared.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable

from pydantic import BaseModel, Field
from sqlalchemy import Table, func, insert, select

from ..errors import StoreError
from . import schema as t
from .sql import SqlStore

CHUNK = 5_000
ProgressHook = Callable[[str, int], None]  # (table, rows copied so far)


class TableCount(BaseModel):
    table: str
    source: int
    target: int


class CopyReport(BaseModel):
    source: str
    target: str
    tables: list[TableCount] = Field(default_factory=list)
    rows: int = 0
    source_checksum: str = ""
    target_checksum: str = ""

    @property
    def ok(self) -> bool:
        return self.source_checksum == self.target_checksum and all(c.source == c.target for c in self.tables)


def copied_tables() -> list[Table]:
    """Every table of the schema, parents before children (the version table is the target's own)."""
    return [table for table in t.metadata.sorted_tables if table is not t.schema_version]


def count_rows(store: SqlStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {table.name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for table in copied_tables()}


def proposition_checksum(store: SqlStore) -> str:
    """SHA-256 over every proposition's key, counts, dates, contradiction flag and asserters, in key order."""
    P = t.propositions.c
    columns = (P.key, P.subject_key, P.event_type, P.object_key, P.negated, P.n_statements, P.n_asserts,
               P.n_denies, P.n_predicts, P.n_speculates, P.n_sources, P.n_reporting_sources, P.first_seen,
               P.last_seen, P.contested, P.complete, P.asserters)
    digest = hashlib.sha256()
    with store.engine.connect() as conn:
        rows = conn.execution_options(yield_per=CHUNK).execute(select(*columns).order_by(P.key))
        for row in rows:
            digest.update(json.dumps(list(row), default=str, separators=(",", ":")).encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()


def copy_store(source: SqlStore, target: SqlStore, on_progress: ProgressHook | None = None) -> CopyReport:
    """Copy every row of ``source`` into the empty store ``target`` and compare counts and checksums."""
    if source.version != target.version:
        raise StoreError(f"{source.label} is at schema version {source.version}, {target.label} at "
                         f"{target.version}: open both with the same claimgraph first")
    filled = {name: n for name, n in count_rows(target).items() if n}
    if filled:
        raise StoreError(f"{target.label}: not empty ({', '.join(f'{n:,} {name}' for name, n in filled.items())});"
                         f" copy into a new database")
    report = CopyReport(source=source.label, target=target.label)
    with source.engine.connect() as src, target.write_transaction() as dst:
        for table in copied_tables():
            order = list(table.primary_key.columns) or list(table.columns)
            result = src.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
            done = 0
            for part in result.partitions(CHUNK):
                dst.execute(insert(table), [dict(row._mapping) for row in part])
                done += len(part)
                if on_progress:
                    on_progress(table.name, done)
            report.rows += done
        target.dialect.after_bulk_load(dst)
    before, after = count_rows(source), count_rows(target)
    report.tables = [TableCount(table=name, source=before[name], target=after[name]) for name in before]
    report.source_checksum = proposition_checksum(source)
    report.target_checksum = proposition_checksum(target)
    return report
