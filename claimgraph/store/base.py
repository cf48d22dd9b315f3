"""The store interface callers use; ``SqlStore`` implements it on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Self

from ..models import Actor, Document, ExtractionResult
from .models import (
    ActorHit, ActorProfile, ActorRef, Claim, ClaimFilter, DocumentHit, DocumentSummary, Dossier, EdgeCounts, FeedState,
    Judgement, PairCount, Proposition, SearchHit, StoredDocument, StoreStats,
)
from .neardup import Signature


@dataclass
class PendingDocument:
    """A document waiting to be stored, with what the store needs besides the extraction result."""

    result: ExtractionResult
    content_hash: str | None = None
    signature: Signature | None = None
    related: list[Actor] = field(default_factory=list)


class Store(ABC):
    """Documents with their actors, mentions and statements, and the propositions they support or dispute."""

    # ---- lifecycle ---------------------------------------------------------------------------------
    @property
    @abstractmethod
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -----------------------------------------------------------------------------------
    @abstractmethod
    def has_document(self, content_hash: str) -> bool:
        """Whether a document with this content hash is stored (ingest skips it without NLP)."""

    def existing_hashes(self, content_hashes: list[str]) -> set[str]:
        """Those of ``content_hashes`` that are stored (one query for a batch, where a backend can)."""
        return {h for h in content_hashes if self.has_document(h)}

    @abstractmethod
    def add_result(self, result: ExtractionResult, content_hash: str | None = None,
                   signature: Signature | None = None, related: list[Actor] | None = None) -> StoredDocument | None:
        """Store one document and everything extracted from it in one transaction.

        Returns None when the content hash is already stored. A ``signature`` groups the document with a
        stored near-duplicate so they count as one source. ``related`` actors (the knowledge-base parents of
        the document's actors) are kept in the actor table so queries can widen an actor to its parents
        without loading the knowledge base.
        """

    def add_results(self, batch: list[PendingDocument]) -> list[StoredDocument | None]:
        """Store several documents; each is stored whole or not at all. The default stores them one by one;
        a backend may write a batch in one transaction (cheaper per document, still never half a document)."""
        return [self.add_result(p.result, p.content_hash, p.signature, p.related) for p in batch]

    @abstractmethod
    def replace_result(self, pk: int, result: ExtractionResult, related: list[Actor] | None = None) -> StoredDocument:
        """Replace what extraction found in stored document ``pk`` (same id and text) by ``result``, in one
        transaction; the document keeps its id, duplicate group and anything else keyed by it (judgements)."""

    @abstractmethod
    def delete_document(self, doc_id: str) -> int:
        """Remove the documents with this id and everything extracted from them; returns how many."""

    @abstractmethod
    def rebuild_propositions(self) -> int:
        """Recompute every proposition's counts from the statements (after bulk loads); returns how many."""

    # ---- reading -----------------------------------------------------------------------------------
    @abstractmethod
    def iter_results(self, since: dt.date | None = None, until: dt.date | None = None,
                     doc_ids: list[str] | None = None) -> Iterator[ExtractionResult]:
        """The stored documents rebuilt as ExtractionResult objects, in ingest order."""

    @abstractmethod
    def iter_documents(self, since: dt.date | None = None, until: dt.date | None = None,
                       doc_ids: list[str] | None = None) -> Iterator[tuple[int, Document]]:
        """The stored documents (pk, Document) in ingest order, without what was extracted from them."""

    @abstractmethod
    def stats(self) -> StoreStats: ...

    @abstractmethod
    def resolve_actor(self, name: str, kb: object | None = None, fuzzy: bool = True) -> ActorRef:
        """An actor by id or any name, through the stored actors and the knowledge base, saying in ``matched``
        how it matched. A name that is only roughly like an actor's is NotFoundError, whose message suggests
        the closest ("did you mean"); ``fuzzy=False`` tries exact names only."""

    @abstractmethod
    def actor_scope(self, key: str, kb: object | None = None, family: bool = True) -> list[str]:
        """The keys that count as this actor: itself, plus knowledge-base ancestors and descendants."""

    @abstractmethod
    def claims(self, flt: ClaimFilter) -> list[Claim]: ...

    @abstractmethod
    def propositions(self, contested_only: bool = False, min_sources: int = 0, limit: int = 50,
                     actor: list[str] | None = None, offset: int = 0,
                     min_confidence: float = 0.0) -> list[Proposition]:
        """Propositions best-sourced first; with ``min_confidence``, counted (and contested) over the statements
        at or above it only."""

    @abstractmethod
    def dossier(self, a: ActorRef, b: ActorRef, a_scope: list[str], b_scope: list[str],
                limit: int = 200, min_confidence: float = 0.0) -> Dossier: ...

    @abstractmethod
    def actor_profile(self, actor: ActorRef, kb: object | None = None, limit: int = 20) -> ActorProfile: ...

    @abstractmethod
    def timeline(self, keys: list[str], since: dt.date | None = None, until: dt.date | None = None,
                 limit: int = 500, offset: int = 0, min_confidence: float = 0.0) -> list[Claim]: ...

    @abstractmethod
    def search(self, text: str, limit: int = 20, min_confidence: float = 0.0) -> list[SearchHit]: ...

    @abstractmethod
    def busiest_pairs(self, limit: int = 10) -> list[PairCount]: ...

    # ---- browsing (the workbench) ------------------------------------------------------------------
    @abstractmethod
    def documents(self, since: dt.date | None = None, until: dt.date | None = None, limit: int = 50,
                  offset: int = 0) -> list[DocumentSummary]:
        """Stored documents, newest first (undated last), without their text."""

    @abstractmethod
    def search_documents(self, text: str, limit: int = 20) -> list[DocumentHit]:
        """Documents whose title or text holds every word of ``text``, best first, with a snippet."""

    @abstractmethod
    def search_actors(self, text: str, limit: int = 20) -> list[ActorHit]:
        """Stored actors with a name, alias or metonym containing ``text`` (normalized), exact names first."""

    @abstractmethod
    def edge_counts(self, flt: ClaimFilter, limit: int = 20_000) -> EdgeCounts:
        """Statements with both subject and object among those ``flt`` selects (its ``limit`` and ``offset``
        aside), counted per (subject, object, stance, event type), the ``limit`` largest counts."""

    # ---- feeds (claimgraph watch) ------------------------------------------------------------------
    @abstractmethod
    def feed_state(self, url: str) -> FeedState | None:
        """The stored state of the feed at ``url``; None for a feed never polled."""

    @abstractmethod
    def save_feed_state(self, state: FeedState) -> None:
        """Insert or update a feed's state."""

    @abstractmethod
    def unseen_entries(self, feed_url: str, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` (in order, once each) not yet marked handled for this feed."""

    @abstractmethod
    def mark_entries_seen(self, feed_url: str, keys: Iterable[str], when: dt.datetime | None = None) -> None:
        """Record a feed's entries as handled (idempotent)."""

    # ---- review judgements (append-only) ------------------------------------------------------------
    @abstractmethod
    def add_judgement(self, doc_id: str | None, statement_id: str, verdict: str,
                      correction: dict[str, Any] | None = None, note: str | None = None,
                      reviewer: str | None = None) -> Judgement:
        """Append a reviewer's verdict (``confirm``, ``reject``, or ``correct`` with the corrected fields) on the
        stored statement ``statement_id`` (of document ``doc_id``, when given). The judgement keeps the
        statement as the machine made it and is keyed by document, span and proposition, so it still applies
        after re-extraction. NotFoundError for an unknown statement, InputError for a bad verdict or field."""

    @abstractmethod
    def judgements(self, doc_id: str | None = None, statement_id: str | None = None, limit: int = 50,
                   offset: int = 0) -> list[Judgement]:
        """The log, newest first; with ``statement_id``, the judgements that apply to that statement now."""

    @abstractmethod
    def iter_judgements(self) -> Iterator[Judgement]:
        """Every judgement, oldest first."""

    @abstractmethod
    def latest_judgements(self, doc_pks: list[int]) -> dict[tuple[int, str], Judgement]:
        """The judgement in force on each judged statement of these documents, by (document pk, statement id)."""
