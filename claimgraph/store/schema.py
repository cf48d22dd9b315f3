"""Tables (SQLAlchemy Core) and the versioned migrations that create and evolve them.

Migrations are a list of functions; ``MIGRATIONS[i]`` brings the schema from version ``i`` to ``i + 1``. Each
runs in the transaction that records the new version, so a failed migration leaves the old schema intact.
Full-text indexes are backend-specific and come from the ``Dialect`` helper (see sqlite.py).
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, Connection, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
    MetaData, String, Table, Text, select,
)

from .dialects import Dialect

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

documents = Table(
    "documents", metadata,
    Column("pk", Integer, primary_key=True),
    Column("doc_id", String, nullable=False, index=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("date", Date, index=True),
    Column("date_origin", String),
    Column("source", Text),
    Column("url", Text),
    Column("text", Text, nullable=False),
    Column("dup_group", Integer, nullable=False, index=True),
    Column("minhash", LargeBinary),
    Column("ingested_at", DateTime),
)

actors = Table(
    "actors", metadata,
    Column("key", String, primary_key=True),
    Column("actor_id", String, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, index=True),
    Column("type", String),
    Column("country", String),
    Column("code", String),
    Column("provisional", Boolean, nullable=False, default=False),
    Column("parent", String, index=True),
    Column("data", JSON, nullable=False),  # the latest Actor seen under this key
)

# Every name a stored actor goes by (name, aliases, metonyms), so names resolve without the knowledge base.
actor_names = Table(
    "actor_names", metadata,
    Column("name_key", Text, primary_key=True),
    Column("actor_key", String, primary_key=True),
    Column("rank", Integer, nullable=False),  # 0 name, 1 alias, 2 exact alias, 3 metonym
)

# The actors exactly as extraction listed them for a document (dated names and types, provisional ids).
doc_actors = Table(
    "doc_actors", metadata,
    Column("doc_pk", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("pos", Integer, primary_key=True),
    Column("actor_key", String, nullable=False, index=True),
    Column("data", JSON, nullable=False),
)

mentions = Table(
    "mentions", metadata,
    Column("pk", Integer, primary_key=True),
    Column("doc_pk", Integer, ForeignKey("documents.pk"), nullable=False, index=True),
    Column("pos", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("actor_id", String),
    Column("actor_key", String, index=True),
    Column("rule", String, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("sense", String),
)

propositions = Table(
    "propositions", metadata,
    Column("pk", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("subject_key", String),
    Column("event_type", String, nullable=False),
    Column("object_key", String),
    Column("negated", Boolean, nullable=False),
    Column("n_statements", Integer, nullable=False, default=0),
    Column("n_asserts", Integer, nullable=False, default=0),
    Column("n_denies", Integer, nullable=False, default=0),
    Column("n_predicts", Integer, nullable=False, default=0),
    Column("n_speculates", Integer, nullable=False, default=0),
    Column("n_sources", Integer, nullable=False, default=0),
    Column("n_reporting_sources", Integer, nullable=False, default=0),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("contested", Boolean, nullable=False, default=False),
    # Both subject and object known: "who did what to whom" ranks before "X attacked (someone)".
    Column("complete", Boolean, nullable=False, default=False),
    # The most frequent [asserter key, stance, statements] triples, kept here so listings need no aggregation.
    Column("asserters", JSON),
    Index("ix_propositions_contested", "contested", "complete", "n_sources", "n_statements"),
    Index("ix_propositions_pair", "subject_key", "object_key"),
    Index("ix_propositions_object", "object_key"),
    Index("ix_propositions_sources", "n_sources", "n_statements"),
)

statements = Table(
    "statements", metadata,
    Column("pk", Integer, primary_key=True),
    Column("doc_pk", Integer, ForeignKey("documents.pk"), nullable=False),
    Column("pos", Integer, nullable=False),
    Column("sid", String, nullable=False),
    Column("asserter", String, nullable=False),
    Column("asserter_key", String, nullable=False),
    Column("stance", String, nullable=False),
    Column("subject", String),
    Column("subject_key", String),
    Column("event_type", String, nullable=False),
    Column("mode", String),
    Column("context", JSON),
    Column("object", String),
    Column("object_key", String),
    Column("negated", Boolean, nullable=False),
    Column("time", JSON),
    Column("location", JSON),
    Column("quote", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("rule", String, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("parent", String),
    Column("quantities", JSON),
    Column("subject_text", Text),
    Column("object_text", Text),
    Column("asserter_text", Text),
    Column("extra", JSON),  # fields added to Statement after this schema; kept so results rebuild whole
    Column("prop_pk", Integer, ForeignKey("propositions.pk"), nullable=False),
    Column("date", Date),  # the document's date, copied here so date filters need no join
    Column("dup_group", Integer, nullable=False),
    Index("ix_statements_doc", "doc_pk", "sid"),
    Index("ix_statements_pair", "subject_key", "object_key", "date"),
    Index("ix_statements_subject", "subject_key", "date"),
    Index("ix_statements_object", "object_key", "date"),
    Index("ix_statements_asserter", "asserter_key", "date"),
    Index("ix_statements_event", "event_type", "date"),
    Index("ix_statements_stance", "stance", "date"),
    # Covers the per-proposition refresh and the asserter summary: both read only this index.
    Index("ix_statements_prop", "prop_pk", "stance", "asserter_key", "dup_group", "date"),
    Index("ix_statements_date", "date"),
)

# MinHash LSH bands of each document, so near-duplicates are found across runs with an index lookup.
lsh_bands = Table(
    "lsh_bands", metadata,
    Column("band_key", BigInteger, nullable=False, index=True),
    Column("doc_pk", Integer, ForeignKey("documents.pk"), nullable=False),
)

# What extraction derived from a document, rewritten whole when the document is re-extracted
# (``Store.replace_result``). A table keyed by document that is *not* listed here is kept across
# re-extraction: the planned ``judgements`` (keyed by document, character span and proposition key, never by
# statement pk, so a judgement still finds its statement after the statements are rebuilt) belongs there.
EXTRACTION_TABLES = [mentions, doc_actors, statements]

SCHEMA_TABLES = [schema_version, documents, actors, actor_names, doc_actors, mentions, propositions, statements,
                 lsh_bands]


def _v1_initial(conn: Connection, dialect: Dialect) -> None:
    metadata.create_all(conn, tables=SCHEMA_TABLES)
    dialect.create_fulltext(conn)


Migration = Callable[[Connection, Dialect], None]
MIGRATIONS: list[Migration] = [_v1_initial]
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    from sqlalchemy import inspect

    if not inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(select(schema_version.c.version)).scalar()
    return int(value or 0)


def migrate(conn: Connection, dialect: Dialect) -> int:
    """Apply every migration after the database's version; returns the version reached."""
    version = current_version(conn)
    for index in range(version, LATEST):
        MIGRATIONS[index](conn, dialect)
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=index + 1))
    return max(version, LATEST)
