"""CSV and Parquet export: one flat row per statement, with actor names beside ids, for pandas and R.

Parquet is written in record batches against a fixed schema (``SCHEMA``), so a column is typed the same way
whatever the first rows hold, and memory stays bounded by the batch size.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from ..kb import KnowledgeBase
from ..models import ExtractionResult, Statement
from .common import (
    ActorLookup, ExportOptions, ExportSummary, ResultTap, author_label, csv_safe, document_url, outlet,
)

BATCH_ROWS = 4096


@dataclass
class StatementRow:
    """One statement, flattened. Column order is the field order."""

    document_id: str
    document_date: dt.date | None
    document_title: str | None
    document_source: str | None
    document_url: str | None
    statement_id: str
    parent: str | None
    asserter: str
    asserter_name: str | None
    asserter_type: str | None
    stance: str
    subject: str | None
    subject_name: str | None
    subject_type: str | None
    event_type: str
    mode: str | None
    context: str | None  # ";"-joined
    object: str | None
    object_name: str | None
    object_type: str | None
    negated: bool
    quote: str
    start: int
    end: int
    trigger: str
    trigger_start: int | None
    trigger_end: int | None
    rule: str
    confidence: float
    time_text: str | None
    time_start: dt.date | None
    time_end: dt.date | None
    time_precision: str | None
    time_relation: str | None
    location_name: str | None
    location_country: str | None
    location_admin1: str | None
    location_latitude: float | None
    location_longitude: float | None
    location_geonameid: int | None
    killed: int | None
    injured: int | None
    quantities: str | None  # JSON list of {kind, value, text, unit}
    subject_text: str | None
    object_text: str | None
    asserter_text: str | None


COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(StatementRow))


def _type_of(lookup: ActorLookup, actor_id: str | None) -> str | None:
    actor = lookup.get(actor_id)
    return actor.type if actor else None


def _quantity(s: Statement, kind: str) -> int | None:
    values = [q.value for q in s.quantities if q.kind == kind]
    return sum(values) if values else None


def statement_rows(result: ExtractionResult, kb: KnowledgeBase,
                   options: ExportOptions | None = None) -> Iterator[StatementRow]:
    options = options or ExportOptions()
    doc = result.document
    lookup = ActorLookup(result, kb)
    author = author_label(result, options)
    for s in result.statements:
        time, place = s.time, s.location
        yield StatementRow(
            document_id=doc.id, document_date=doc.date, document_title=doc.title,
            document_source=outlet(result, options), document_url=document_url(result, options),
            statement_id=s.id, parent=s.parent,
            asserter=lookup.key(s.asserter) or s.asserter, asserter_name=lookup.name(s.asserter, author),
            asserter_type=_type_of(lookup, s.asserter), stance=s.stance,
            subject=lookup.key(s.subject), subject_name=lookup.name(s.subject), subject_type=_type_of(lookup, s.subject),
            event_type=s.event_type, mode=s.mode, context=";".join(s.context) or None,
            object=lookup.key(s.object), object_name=lookup.name(s.object), object_type=_type_of(lookup, s.object),
            negated=s.negated, quote=s.quote, start=s.start, end=s.end, trigger=s.trigger,
            trigger_start=s.trigger_start, trigger_end=s.trigger_end, rule=s.rule,
            confidence=round(s.confidence, 4),
            time_text=time.text if time else None, time_start=time.start_date if time else None,
            time_end=time.end_date if time else None, time_precision=time.precision if time else None,
            time_relation=time.relation if time else None,
            location_name=place.name if place else None, location_country=place.country if place else None,
            location_admin1=place.admin1 if place else None,
            location_latitude=place.latitude if place else None,
            location_longitude=place.longitude if place else None,
            location_geonameid=place.geonameid if place else None,
            killed=_quantity(s, "killed"), injured=_quantity(s, "injured"),
            quantities=json.dumps([q.model_dump(exclude_none=True) for q in s.quantities], ensure_ascii=False)
            if s.quantities else None,
            subject_text=s.subject_text, object_text=s.object_text, asserter_text=s.asserter_text,
        )


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_safe(value)


def write_csv(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
              options: ExportOptions | None = None) -> ExportSummary:
    tap = ResultTap(results)
    # newline="" lets the csv module write its own \r\n record ends, as RFC 4180 and R's read.csv expect.
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    rows = 0
    try:
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for result in tap:
            for row in statement_rows(result, kb, options):
                writer.writerow([_csv_value(getattr(row, c)) for c in COLUMNS])
                rows += 1
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``: do not close it with the wrapper
    return tap.summary("csv", rows)


def parquet_schema():
    import pyarrow as pa

    kinds = {
        "document_date": pa.date32(), "time_start": pa.date32(), "time_end": pa.date32(),
        "negated": pa.bool_(), "start": pa.int64(), "end": pa.int64(), "trigger_start": pa.int64(),
        "trigger_end": pa.int64(), "confidence": pa.float64(), "location_latitude": pa.float64(),
        "location_longitude": pa.float64(), "location_geonameid": pa.int64(), "killed": pa.int64(),
        "injured": pa.int64(),
    }
    required = {"document_id", "statement_id", "asserter", "stance", "event_type", "negated", "quote", "start",
                "end", "trigger", "rule", "confidence"}
    return pa.schema([pa.field(c, kinds.get(c, pa.string()), nullable=c not in required) for c in COLUMNS],
                     metadata={b"claimgraph": b"statements v1"})


def write_parquet(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                  options: ExportOptions | None = None) -> ExportSummary:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    tap = ResultTap(results)
    rows = 0
    batch: list[dict] = []
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for result in tap:
            for row in statement_rows(result, kb, options):
                batch.append(dataclasses.asdict(row))
                if len(batch) >= BATCH_ROWS:
                    writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                    rows += len(batch)
                    batch = []
        if batch or rows == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            rows += len(batch)
    return tap.summary("parquet", rows)
