"""The REST API, ``/api/v1``: each route parses its parameters, makes the library call the CLI makes and returns
the library's own models as JSON (with an ETag). Listings page with opaque cursors."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import StringConstraints
from starlette.background import BackgroundTask

from .. import __version__
from ..graph import ActorNetwork, actor_network
from ..models import EventType, Stance
from ..store import ActorHit, ActorProfile, ClaimFilter, Dossier, Judgement, StoreStats
from .context import Workbench
from .problems import PROBLEM_RESPONSES, WRITE_RESPONSES
from .responses import decode_cursor, json_response, page
from .schemas import (
    ApiIndex, ClaimPage, DocumentPage, DocumentView, JudgementPage, JudgementRequest, PropositionPage, SearchResults,
)
from .security import require_token
from .settings import Limits

LIMITS = Limits()
API = "/api/v1"
router = APIRouter(prefix=API, responses=PROBLEM_RESPONSES)

Name = Annotated[str, StringConstraints(min_length=1, max_length=LIMITS.text_chars)]
Names = Annotated[list[Name], Query(max_length=LIMITS.list_items, description="Actor name or id; repeatable. "
                                    "'author' is the report's own voice.")]
Since = Annotated[dt.date | None, Query(description="Documents dated on or after (YYYY-MM-DD).")]
Until = Annotated[dt.date | None, Query(description="Documents dated on or before (YYYY-MM-DD).")]
PageSize = Annotated[int, Query(ge=1, le=LIMITS.page_items)]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page.")]
MinSources = Annotated[int, Query(ge=0, le=1_000_000, description="Minimum independent sources.")]
MinConfidence = Annotated[float, Query(ge=0.0, le=1.0, description="Minimum extraction confidence.")]
EventTypes = Annotated[list[EventType], Query(max_length=16)]
Stances = Annotated[list[Stance], Query(max_length=4)]
ExportFormat = Literal["stix", "plover", "graphml", "gexf", "csv", "parquet"]
MEDIA_TYPES = {"stix": "application/stix+json;version=2.1", "plover": "application/x-ndjson",
               "graphml": "application/graphml+xml", "gexf": "application/xml", "csv": "text/csv; charset=utf-8",
               "parquet": "application/vnd.apache.parquet"}


def workbench(request: Request) -> Workbench:
    return request.app.state.workbench


Bench = Annotated[Workbench, Depends(workbench)]


@router.get("", response_model=ApiIndex, summary="What this API is")
def index(request: Request) -> Response:
    return json_response(request, ApiIndex(name="claimgraph", version=__version__, api=API,
                                           openapi=f"{API}/openapi.json"), ApiIndex)


@router.get("/stats", response_model=StoreStats, summary="Counts of what the store holds")
def stats(request: Request, wb: Bench) -> Response:
    return json_response(request, wb.store.stats(), StoreStats)


@router.get("/documents", response_model=DocumentPage, summary="Stored documents, newest first")
def documents(request: Request, wb: Bench, since: Since = None, until: Until = None, limit: PageSize = 50,
              cursor: Cursor = None) -> Response:
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    rows = wb.store.documents(since=since, until=until, limit=limit + 1, offset=offset)
    return json_response(request, page(request, rows, limit, offset, LIMITS.deep_items), DocumentPage)


@router.get("/documents/{doc_id:path}", response_model=DocumentView,
            summary="A document: its text, actors, mentions and statements, each with why it was extracted")
def document(request: Request, wb: Bench, doc_id: Annotated[str, Path(max_length=LIMITS.text_chars)]) -> Response:
    return json_response(request, wb.document_view(doc_id), DocumentView)


@router.get("/actors", response_model=list[ActorHit], summary="Stored actors whose names contain the text")
def actors(request: Request, wb: Bench, q: Annotated[Name, Query()],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    return json_response(request, wb.store.search_actors(q, limit=limit), list[ActorHit])


@router.get("/actors/{name}", response_model=ActorProfile,
            summary="An actor's profile: aliases, type, counterparties, statements by type and stance over time")
def actor(request: Request, wb: Bench, name: Annotated[str, Path(max_length=LIMITS.text_chars)],
          limit: Annotated[int, Query(ge=1, le=200, description="Counterparties to list.")] = 20) -> Response:
    ref = wb.resolve(name)
    return json_response(request, wb.store.actor_profile(ref, None, limit=limit), ActorProfile)


@router.get("/statements", response_model=ClaimPage,
            summary="Statements matching the filters of `claimgraph claims`, newest first")
def statements(request: Request, wb: Bench, asserter: Names = [], subject: Names = [],  # noqa: B006
               object: Names = [], event_type: EventTypes = [], stance: Stances = [],  # noqa: B006
               since: Since = None, until: Until = None, min_sources: MinSources = 0,
               min_confidence: MinConfidence = 0.0, limit: PageSize = 100, cursor: Cursor = None) -> Response:
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    flt = ClaimFilter(asserter=wb.resolve_many(asserter), subject=wb.resolve_many(subject),
                      object=wb.resolve_many(object), event_type=list(event_type), stance=list(stance), since=since,
                      until=until, min_sources=min_sources, min_confidence=min_confidence, limit=limit + 1,
                      offset=offset)
    return json_response(request, page(request, wb.store.claims(flt), limit, offset, LIMITS.deep_items), ClaimPage)


def _propositions(request: Request, wb: Workbench, contested: bool, actor: list[str], min_sources: int, limit: int,
                  cursor: str | None) -> Response:
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    rows = wb.store.propositions(contested_only=contested, min_sources=min_sources, limit=limit + 1,
                                 actor=wb.resolve_many(actor) or None, offset=offset)
    return json_response(request, page(request, rows, limit, offset, LIMITS.deep_items), PropositionPage)


@router.get("/propositions", response_model=PropositionPage,
            summary="Propositions with their corroboration and contradiction, best-sourced first")
def propositions(request: Request, wb: Bench, contested: bool = False, actor: Names = [],  # noqa: B006
                 min_sources: MinSources = 0, limit: PageSize = 50, cursor: Cursor = None) -> Response:
    return _propositions(request, wb, contested, actor, min_sources, limit, cursor)


@router.get("/contested", response_model=PropositionPage,
            summary="Propositions one party asserts and another denies, ranked as `claimgraph contested`")
def contested(request: Request, wb: Bench, actor: Names = [], min_sources: MinSources = 0,  # noqa: B006
              limit: PageSize = 50, cursor: Cursor = None) -> Response:
    return _propositions(request, wb, True, actor, min_sources, limit, cursor)


@router.get("/dossier", response_model=Dossier,
            summary="Everything claimed about actors A and B, either direction, grouped by proposition")
def dossier(request: Request, wb: Bench, a: Annotated[Name, Query()], b: Annotated[Name, Query()],
            exact: Annotated[bool, Query(description="Only A and B, not their knowledge-base family.")] = False,
            limit: Annotated[int, Query(ge=1, le=1000, description="Statements per direction.")] = 200) -> Response:
    ref_a, ref_b = wb.resolve(a), wb.resolve(b)
    result = wb.store.dossier(ref_a, ref_b, wb.scope(ref_a, exact), wb.scope(ref_b, exact), limit=limit)
    return json_response(request, result, Dossier)


@router.get("/timeline", response_model=ClaimPage,
            summary="Statements by or about an actor, oldest first; with `b`, the pair's dossier in date order")
def timeline(request: Request, wb: Bench, actor: Annotated[Name, Query()],
             b: Annotated[Name | None, Query(description="The other actor of a pair.")] = None,
             since: Since = None, until: Until = None, limit: PageSize = 200, cursor: Cursor = None) -> Response:
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    ref = wb.resolve(actor)
    if b is not None:
        rows = wb.pair_timeline(ref, wb.resolve(b), since, until)[offset:offset + limit + 1]
    else:
        rows = wb.store.timeline([ref.key], since=since, until=until, limit=limit + 1, offset=offset)
    return json_response(request, page(request, rows, limit, offset, LIMITS.deep_items), ClaimPage)


@router.get("/network", response_model=ActorNetwork,
            summary="The actor graph of a window: nodes, and edges per (subject, object, stance) by PLOVER family")
def network(request: Request, wb: Bench, since: Since = None, until: Until = None,
            stance: Annotated[list[Stance], Query(max_length=4, description="Stances whose statements make edges.")
                              ] = ["asserts"],  # noqa: B006
            event_type: EventTypes = [], asserter: Names = [], min_confidence: MinConfidence = 0.0,  # noqa: B006
            min_sources: MinSources = 0,
            max_groups: Annotated[int, Query(ge=1, le=LIMITS.network_groups)] = LIMITS.network_groups) -> Response:
    flt = ClaimFilter(since=since, until=until, stance=list(stance), event_type=list(event_type),
                      asserter=wb.resolve_many(asserter), min_confidence=min_confidence, min_sources=min_sources)
    return json_response(request, actor_network(wb.store, flt, max_groups=max_groups), ActorNetwork)


@router.get("/search", response_model=SearchResults, summary="Actors, documents and quotes matching the text")
def search(request: Request, wb: Bench, q: Annotated[Name, Query()],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    return json_response(request, wb.search(q, limit), SearchResults)


@router.get("/exports/{fmt}", response_class=FileResponse, summary="The store (or a window) as an export file",
            responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}})
def export(request: Request, wb: Bench, fmt: ExportFormat, since: Since = None, until: Until = None,
           edges: Annotated[Literal["asserts", "all"], Query(description="Graph formats: edges of asserted "
                                                                          "statements, or one per stance.")] = "asserts"
           ) -> Response:
    from ..export import EXTENSIONS, ExportOptions, export_file
    from ..models import STANCES

    options = ExportOptions(stances=tuple(STANCES) if edges == "all" else ("asserts",))
    handle, path = tempfile.mkstemp(prefix="claimgraph-export-", suffix=EXTENSIONS[fmt])
    os.close(handle)
    try:
        export_file(fmt, wb.store.iter_results(since=since, until=until), path, wb.kb(), options)
        digest = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except BaseException:
        os.unlink(path)
        raise
    etag = f'"{digest.hexdigest()}"'
    if etag == request.headers.get("if-none-match", "").strip():
        os.unlink(path)
        return Response(status_code=304, headers={"ETag": etag})
    window = "".join(f"-{d}" for d in (since, until) if d)
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], filename=f"claimgraph{window}{EXTENSIONS[fmt]}",
                        headers={"ETag": etag, "Cache-Control": "no-cache"},
                        background=BackgroundTask(os.unlink, path))



@router.get("/judgements", response_model=JudgementPage,
            summary="The review log, newest first: every judgement, or those of a document or a statement")
def judgements(request: Request, wb: Bench,
               doc_id: Annotated[Name | None, Query(description="Only this document's judgements.")] = None,
               statement_id: Annotated[Name | None, Query(description="Only the judgements that apply to this "
                                                                      "statement now (with `doc_id`).")] = None,
               limit: PageSize = 50, cursor: Cursor = None) -> Response:
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    rows = wb.store.judgements(doc_id=doc_id, statement_id=statement_id, limit=limit + 1, offset=offset)
    return json_response(request, page(request, rows, limit, offset, LIMITS.deep_items), JudgementPage)


@router.post("/judgements", response_model=Judgement, status_code=201, dependencies=[Depends(require_token)],
             responses=WRITE_RESPONSES,
             summary="Confirm, reject or correct a statement: appends a judgement (needs the token)")
def add_judgement(request: Request, wb: Bench, body: JudgementRequest) -> Response:
    judgement = wb.add_judgement(body)
    response = json_response(request, judgement, Judgement)
    response.status_code = 201
    response.headers["Location"] = f"{API}/judgements?" + urlencode({"doc_id": judgement.doc_id})
    return response
