"""Typed results of store queries. Every model dumps to the JSON the CLI prints (``model_dump(mode="json")``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoredDocument(_Row):
    """What ``Store.add_result`` did with one document."""

    pk: int
    doc_id: str
    dup_group: int
    near_duplicate_of: int | None = None  # pk of the earlier document it was grouped with
    statements: int = 0


class ActorRef(_Row):
    key: str  # store-wide key: knowledge-base id, "prov:<name>" for provisional actors, or "author"
    name: str
    type: str | None = None
    provisional: bool = False
    # How a name resolved to this actor ("id", "alias", "metonym", "close to 'Lashkar-e-Taiba' (93%)"), so the
    # CLI can say so; None when built from a key.
    matched: str | None = None


class ClaimFilter(_Row):
    asserter: list[str] = Field(default_factory=list)  # actor keys; empty = any
    subject: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    event_type: list[str] = Field(default_factory=list)
    stance: list[str] = Field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    min_sources: int = 0
    min_confidence: float = 0.0  # statements extracted with at least this confidence
    limit: int = 100
    offset: int = 0  # rows of the ordered result to skip (pages of a listing)
    order: Literal["newest", "confidence"] = "newest"  # newest first, or lowest confidence first (review)


class Review(_Row):
    """An analyst's judgement in force on a stored claim, shown beside the machine's fields: who, when, the
    verdict and, with ``correct``, the fields as the reviewer says they should be (the claim itself keeps the
    machine's values)."""

    judgement_id: int
    verdict: str  # confirm | reject | correct
    reviewer: str | None = None
    judged_at: dt.datetime
    note: str | None = None
    corrected: dict[str, Any] = Field(default_factory=dict)  # field -> the reviewer's value (actor fields: keys)
    corrected_names: dict[str, str | None] = Field(default_factory=dict)  # actor field -> that actor's name


class Claim(_Row):
    """One stored statement with its document's provenance and its actors' names; in ``claims`` listings also
    the review in force on it, if any."""

    statement_id: str
    doc_id: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    asserter: str
    asserter_name: str
    stance: str
    subject: str | None = None
    subject_name: str | None = None
    event_type: str
    mode: str | None = None
    object: str | None = None
    object_name: str | None = None
    negated: bool = False
    quote: str
    start: int
    end: int
    trigger: str
    trigger_start: int | None = None  # the trigger's character span in the document
    trigger_end: int | None = None
    subject_text: str | None = None  # the words of the text naming the subject, object and asserter
    object_text: str | None = None
    asserter_text: str | None = None
    rule: str | None = None  # the rule that produced the statement
    confidence: float
    parent: str | None = None
    proposition: str
    sources: int = 0  # independent sources of the proposition (duplicate groups of asserting documents)
    review: Review | None = None  # the latest analyst's judgement that applies to this statement now


class AsserterStance(_Row):
    asserter: str
    name: str
    stance: str
    statements: int


class Proposition(_Row):
    """Corroboration and contradiction of one proposition (subject, event type, object, negated)."""

    key: str
    subject: str | None = None
    subject_name: str | None = None
    event_type: str
    object: str | None = None
    object_name: str | None = None
    negated: bool = False
    statements: int
    asserts: int
    denies: int
    predicts: int
    speculates: int
    sources: int  # distinct duplicate groups among documents with a statement asserting it
    reporting_sources: int  # distinct duplicate groups among documents with any statement of it
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    contested: bool  # one party asserts it and another denies it
    asserters: list[AsserterStance] = Field(default_factory=list)  # the 10 most frequent (asserter, stance)


class DossierEntry(_Row):
    proposition: Proposition
    claims: list[Claim]
    speech_acts: list[Claim] = Field(default_factory=list)  # the statements that report these claims (parents)


class Dossier(_Row):
    a: ActorRef
    b: ActorRef
    a_scope: list[str]  # the actor keys counted as A (the actor, its knowledge-base ancestors and descendants)
    b_scope: list[str]
    entries: list[DossierEntry]


class Counterparty(_Row):
    actor: str
    name: str
    as_subject: int  # statements with the profiled actor as subject and this one as object
    as_object: int


class TypeStanceCount(_Row):
    period: str  # "YYYY-MM", or "all"
    role: str  # subject | object | asserter
    event_type: str
    stance: str
    statements: int


class ActorProfile(_Row):
    actor: ActorRef
    aliases: list[str]
    country: str | None = None
    description: str | None = None
    documents: int
    mentions: int
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    counterparties: list[Counterparty]
    by_type: list[TypeStanceCount]
    over_time: list[TypeStanceCount]


class PairCount(_Row):
    subject: str
    subject_name: str
    object: str
    object_name: str
    statements: int
    propositions: int
    contested: int


class SearchHit(_Row):
    claim: Claim
    snippet: str


class StoreStats(_Row):
    path: str  # the file, or the PostgreSQL URL without its password
    backend: str = "sqlite"  # sqlite | postgresql
    schema_version: int
    documents: int
    duplicate_groups: int
    actors: int
    mentions: int
    statements: int
    propositions: int
    contested: int


class DocumentSummary(_Row):
    """A stored document without its text, for listings."""

    pk: int
    doc_id: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    dup_group: int
    statements: int


class DocumentHit(_Row):
    document: DocumentSummary
    snippet: str


class ActorHit(_Row):
    actor: ActorRef
    matched: str  # the stored name or alias that matched


class EdgeCount(_Row):
    """Statements of one (subject, object, stance, event type) among those a ``ClaimFilter`` selects."""

    subject: str
    object: str
    stance: str
    event_type: str
    statements: int
    first: dt.date | None = None  # earliest and latest document date
    last: dt.date | None = None


class EdgeCounts(_Row):
    edges: list[EdgeCount]
    actors: list[ActorRef]  # every actor on an edge


class FeedState(_Row):
    """What ``claimgraph watch`` keeps of one feed between polls (table ``feeds``)."""

    url: str
    title: str | None = None
    etag: str | None = None  # validators of the last 200 response, sent back as If-None-Match/If-Modified-Since
    last_modified: str | None = None
    polled_at: dt.datetime | None = None
    ok_at: dt.datetime | None = None  # the last poll that worked (200 or 304)
    failures: int = 0  # consecutive failed polls: the back-off exponent
    error: str | None = None  # the last failure, as reported
    next_poll_at: dt.datetime | None = None
    entries: int = 0  # entries handled so far


class Judgement(_Row):
    """One entry of the review log: a reviewer's verdict on a statement, and the statement as the machine made it.

    ``statement_id`` is the statement's id when it was judged; ``current_statement_id`` the stored statement the
    judgement applies to now (the same document, quote span, trigger span and proposition), which re-extraction
    may renumber, or None when re-extraction no longer produces it."""

    id: int
    doc_id: str
    statement_id: str
    current_statement_id: str | None = None
    start: int
    end: int
    trigger_start: int | None = None
    trigger_end: int | None = None
    proposition: str
    verdict: str  # confirm | reject | correct
    correction: dict[str, Any] | None = None  # with "correct": the fields as they should be
    original: dict[str, Any]  # the machine's statement when judged (never changed by a correction)
    note: str | None = None
    reviewer: str | None = None
    created_at: dt.datetime  # UTC
