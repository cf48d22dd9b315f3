"""Tables (SQLAlchemy Core): the latest schema, each table, column and index marked with the version that added it.

``info={"since": N}`` on a table, column or index says that schema version N added it (no mark: version 1).
``migrations.py`` turns those marks into the steps that create and upgrade a database, so adding a table (say the
review judgements) is: declare it here with the next version, and nothing else. A column added to an existing
table must be nullable or have a server default, with no unique or foreign key: what ``ALTER TABLE ADD COLUMN``
can do on both SQLite and PostgreSQL (``tests/test_store.py`` checks the rule).

Keys are 64-bit on PostgreSQL (``BIGSERIAL``) and SQLite's ``INTEGER PRIMARY KEY`` (the rowid) on SQLite.
Indexes that serve "newest first" and "oldest first" listings differ by backend only in how NULL dates sort:
SQLite puts NULL first in ascending order, PostgreSQL last; the PostgreSQL indexes are declared ``date DESC NULLS
LAST, pk DESC`` so that both orders the queries use (and SQLite's placement of undated statements) are index scans.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
    PrimaryKeyConstraint, String, Table, Text,
)

metadata = MetaData()
# A row key or a reference to one: BIGINT on PostgreSQL, the rowid alias INTEGER on SQLite.
Key = BigInteger().with_variant(Integer, "sqlite")

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

documents = Table(
    "documents", metadata,
    Column("pk", Key, primary_key=True),
    Column("doc_id", String, nullable=False, index=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("date", Date, index=True),
    Column("date_origin", String),
    Column("source", Text),
    Column("url", Text),
    Column("text", Text, nullable=False),
    Column("dup_group", Key, nullable=False, index=True),
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
    Column("doc_pk", Key, ForeignKey("documents.pk"), primary_key=True),
    Column("pos", Integer, primary_key=True),
    Column("actor_key", String, nullable=False, index=True),
    Column("data", JSON, nullable=False),
)

mentions = Table(
    "mentions", metadata,
    Column("pk", Key, primary_key=True),
    Column("doc_pk", Key, ForeignKey("documents.pk"), nullable=False, index=True),
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
    Column("pk", Key, primary_key=True),
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
    Column("pk", Key, primary_key=True),
    Column("doc_pk", Key, ForeignKey("documents.pk"), nullable=False),
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
    Column("prop_pk", Key, ForeignKey("propositions.pk"), nullable=False),
    Column("date", Date),  # the document's date, copied here so date filters need no join
    Column("dup_group", Key, nullable=False),
    Index("ix_statements_doc", "doc_pk", "sid"),
    # Covers the per-proposition refresh and the asserter summary: both read only this index.
    Index("ix_statements_prop", "prop_pk", "stance", "asserter_key", "dup_group", "date"),
)


def _dated_indexes(table: Table, indexes: dict[str, tuple[str, ...]]) -> None:
    """Indexes on (columns..., date) for "newest first" and "oldest first" listings, per backend (see above)."""
    c = table.c
    for name, columns in indexes.items():
        # Columns, not names: an Index of bare names is attached to no table and never created.
        Index(name, *(c[x] for x in columns), c.date).ddl_if(dialect="sqlite")
        Index(name, *(c[x] for x in columns), c.date.desc().nulls_last(), c.pk.desc()).ddl_if(dialect="postgresql")


_dated_indexes(statements, {
    "ix_statements_pair": ("subject_key", "object_key"), "ix_statements_subject": ("subject_key",),
    "ix_statements_object": ("object_key",), "ix_statements_asserter": ("asserter_key",),
    "ix_statements_event": ("event_type",), "ix_statements_stance": ("stance",), "ix_statements_date": (),
})

# MinHash LSH bands of each document, so near-duplicates are found across runs with an index lookup.
lsh_bands = Table(
    "lsh_bands", metadata,
    Column("band_key", BigInteger, nullable=False, index=True),
    Column("doc_pk", Key, ForeignKey("documents.pk"), nullable=False),
)

# What extraction derived from a document, rewritten whole when the document is re-extracted
# (``Store.replace_result``). A table keyed by document that is *not* listed here is kept across
# re-extraction: the ``judgements`` (keyed by document, character span and proposition key, never by statement pk,
# so a judgement still finds its statement after the statements are rebuilt) are one.
EXTRACTION_TABLES = [mentions, doc_actors, statements]

# ---- version 2: per-feed state of `claimgraph watch` ---------------------------------------------------
feeds = Table(
    "feeds", metadata,
    Column("url", Text, primary_key=True),
    Column("title", Text),
    Column("etag", Text),  # validators of the last 200 response, sent back as If-None-Match / If-Modified-Since
    Column("last_modified", Text),
    Column("polled_at", DateTime),
    Column("ok_at", DateTime),  # last poll that worked (200 or 304)
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed polls: the back-off exponent
    Column("error", Text),  # the last failure, as reported
    Column("next_poll_at", DateTime),
    Column("entries", Integer, nullable=False, default=0),  # entries seen so far
    info={"since": 2},
)

# Entries already handled (ingested, or reported and skipped), so a poll fetches only the new ones' pages.
feed_entries = Table(
    "feed_entries", metadata,
    Column("feed_url", Text, ForeignKey("feeds.url"), nullable=False),
    Column("entry_key", Text, nullable=False),  # the entry's id (guid), else its link, else title + date
    Column("seen_at", DateTime, nullable=False),
    PrimaryKeyConstraint("feed_url", "entry_key"),
    info={"since": 2},
)

# ---- version 3: the review judgements (issue 9) ----------------------------------------------------------------
# An append-only log: a later judgement of the same statement supersedes an earlier one, nothing is updated. A
# judgement names its statement by document, the statement's quote span, its trigger span and its proposition
# key, which re-extraction reproduces; ``sid`` (the statement id when judged) is only for people to read.
judgements = Table(
    "judgements", metadata,
    Column("pk", Key, primary_key=True),
    Column("doc_pk", Key, ForeignKey("documents.pk"), nullable=False),
    Column("doc_id", String, nullable=False),
    Column("sid", String, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("proposition", Text, nullable=False),
    Column("asserter_key", String, nullable=False),
    Column("stance", String, nullable=False),
    Column("verdict", String, nullable=False),  # confirm | reject | correct
    Column("correction", JSON),  # the corrected fields, with verdict "correct"
    Column("original", JSON, nullable=False),  # the machine's statement as judged: it is never overwritten
    Column("note", Text),
    Column("reviewer", String),
    Column("created_at", DateTime, nullable=False),  # UTC
    Index("ix_judgements_statement", "doc_pk", "start", "end"),
    Index("ix_judgements_created", "created_at"),
    info={"since": 3},
)
