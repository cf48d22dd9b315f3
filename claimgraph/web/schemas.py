"""Response models of the API that are not the library's own (those are returned as they are)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..models import Actor, Document, Mention, Statement
from ..store import ActorHit, Claim, DocumentHit, DocumentSummary, Proposition, SearchHit


class _Page(BaseModel):
    next_cursor: str | None = Field(None, description="Pass as `cursor` (with the same filters) for the next page; "
                                                      "null on the last page.")
    limit: int


class ClaimPage(_Page):
    items: list[Claim]


class PropositionPage(_Page):
    items: list[Proposition]


class DocumentPage(_Page):
    items: list[DocumentSummary]


class Reason(BaseModel):
    label: str  # trigger, rule, confidence, lexicon, carried by
    value: str


class StatementView(BaseModel):
    """A statement of a document with its actors' names and why it was extracted."""

    statement: Statement
    asserter_name: str
    subject_name: str | None = None
    object_name: str | None = None
    reasons: list[Reason]
    time: str | None = None  # when it says it happened, in words


class DocumentView(BaseModel):
    document: Document
    actors: list[Actor]
    mentions: list[Mention]
    statements: list[StatementView]


class SearchResults(BaseModel):
    query: str
    actors: list[ActorHit]
    documents: list[DocumentHit]
    quotes: list[SearchHit]


class ApiIndex(BaseModel):
    name: str
    version: str
    api: str
    openapi: str
