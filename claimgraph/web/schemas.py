"""Response models of the API that are not the library's own (those are returned as they are)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import Actor, Document, Mention, Statement
from ..store import ActorHit, Claim, DocumentHit, DocumentSummary, Judgement, Proposition, SearchHit


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


class JudgementPage(_Page):
    items: list[Judgement]


class JudgementRequest(BaseModel):
    """A reviewer's verdict on a stored statement, appended to the judgement log (never updated)."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1, max_length=200, description="The statement's document.")
    statement_id: str = Field(min_length=1, max_length=200, description="As in the document's statements.")
    verdict: Literal["confirm", "reject", "correct"]
    correction: dict[str, Any] | None = Field(
        None, max_length=16, description="With `correct`: the fields as they should be (asserter, stance, subject, "
                                         "event_type, object, negated, mode); actors by name or id.")
    note: str | None = Field(None, max_length=10_000)
    reviewer: str | None = Field(None, max_length=200)


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
    judgement: Judgement | None = None  # the reviewer's verdict in force on it, if any


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
