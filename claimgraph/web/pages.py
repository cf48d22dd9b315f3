"""The pages: server-rendered HTML (Jinja2, autoescaped) over the same calls as the API, with small scripts
that only enhance them (the graph, highlighting, review buttons). Every page works as a plain page too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import NotFoundError
from ..models import ACTOR_TYPES, EVENT_TYPES, STANCES
from ..store import ClaimFilter
from ..store.judgements import CORRECTABLE
from . import render
from .api import LIMITS, Cursor, Since, Until, workbench
from .problems import Problem
from .responses import decode_cursor, page

HERE = FilePath(__file__).resolve().parent
VENDOR = HERE / "static" / "vendor" / "graph-vendor.js"
# Autoescape everything, always: the text shown is attacker-controlled. Undefined names are errors, not blanks.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                                            undefined=StrictUndefined))
templates.env.globals.update(STANCES=STANCES, EVENT_TYPES=EVENT_TYPES, ACTOR_TYPES=ACTOR_TYPES)
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE = 50
SMALL_STORE = 1000  # documents: a store this small opens the network page on all of it


def _query(**params: Any) -> str:
    """A query string for links (None and empty values left out); the template escapes it into the attribute."""
    pairs = []
    for key, value in params.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v not in (None, "", False):
                pairs.append((key, str(v)))
    return urlencode(pairs)


def _pager_links(request: Request, next_cursor: str | None) -> dict[str, str]:
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return {"first": urlencode(kept), "next": urlencode([*kept, ("cursor", next_cursor or "")])}


def _web_url(value: str | None) -> str | None:
    """A document's URL as a link only when it is http(s): a ``javascript:`` or ``data:`` URL stays text."""
    from urllib.parse import urlsplit

    if not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


templates.env.filters["web_url"] = _web_url
templates.env.globals["query"] = _query
templates.env.globals["pager_links"] = _pager_links
templates.env.globals["quote_parts"] = render.quote_parts


def show(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, problem: Problem) -> Response:
    return show(request, "error.html", problem.status, problem=problem, title=problem.title)


@router.get("/")
def home(request: Request) -> Response:
    wb = workbench(request)
    # The busiest pairs aggregate every proposition: seconds on a store of a million statements, so only small
    # stores show them on the first page (the network page shows a large store's heaviest edges by window).
    small = not wb.store.documents(limit=1, offset=SMALL_STORE)
    return show(request, "index.html", title="claimgraph", stats=wb.store.stats(),
                contested=wb.store.propositions(contested_only=True, limit=8),
                pairs=wb.store.busiest_pairs(8) if small else None, documents=wb.store.documents(limit=8))


@router.get("/search")
def search(request: Request, q: Annotated[str, Query(max_length=LIMITS.text_chars)] = "") -> Response:
    results = workbench(request).search(q, 20) if q.strip() else None
    return show(request, "search.html", title=f"search: {q}" if q else "search", q=q, results=results)


@router.get("/actors/{name}")
def actor(request: Request, name: Annotated[str, Path(max_length=LIMITS.text_chars)]) -> Response:
    wb = workbench(request)
    ref = wb.resolve(name)
    profile = wb.store.actor_profile(ref, None, limit=30)
    return show(request, "actor.html", title=ref.name, profile=profile, chart=render.stance_chart(profile.over_time))


@router.get("/dossier")
def dossier(request: Request, a: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
            b: Annotated[str, Query(max_length=LIMITS.text_chars)] = "", exact: bool = False) -> Response:
    result = None
    if a.strip() and b.strip():
        wb = workbench(request)
        ref_a, ref_b = wb.resolve(a), wb.resolve(b)
        result = wb.store.dossier(ref_a, ref_b, wb.scope(ref_a, exact), wb.scope(ref_b, exact))
    title = f"dossier: {result.a.name} – {result.b.name}" if result else "dossier"
    return show(request, "dossier.html", title=title, a=a, b=b, exact=exact, dossier=result)


@router.get("/contested")
def contested(request: Request, min_sources: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
              actor: Annotated[str, Query(max_length=LIMITS.text_chars)] = "", cursor: Cursor = None) -> Response:
    wb = workbench(request)
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    keys = wb.resolve_many([actor]) if actor.strip() else None
    rows = wb.store.propositions(contested_only=True, min_sources=min_sources, limit=PAGE + 1, actor=keys,
                                 offset=offset)
    return show(request, "contested.html", title="contested claims", listing=page(request, rows, PAGE, offset,
                LIMITS.deep_items), offset=offset, min_sources=min_sources, actor=actor)


@router.get("/network")
def network(request: Request, since: Since = None, until: Until = None,
            stance: Annotated[list[str], Query(max_length=4)] = ["asserts"],  # noqa: B006
            asserter: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
            min_confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
            max_groups: Annotated[int, Query(ge=1, le=LIMITS.network_groups)] = LIMITS.network_groups) -> Response:
    wb = workbench(request)
    stances = [s for s in stance if s in STANCES] or ["asserts"]
    if since is None and until is None and wb.store.documents(limit=1, offset=SMALL_STORE):
        # a large store opens on its last month, not on years of it at once
        latest = wb.store.documents(limit=1)
        if latest and latest[0].date:
            until = latest[0].date
            since = until - dt.timedelta(days=30)
    params = _query(since=since, until=until, stance=stances, asserter=asserter or None,
                    min_confidence=min_confidence or None,
                    max_groups=max_groups if max_groups != LIMITS.network_groups else None)
    from ..graph import actor_network

    flt = ClaimFilter(since=since, until=until, stance=stances, min_confidence=min_confidence,
                      asserter=wb.resolve_many([asserter]) if asserter.strip() else [])
    top = actor_network(wb.store, flt, max_groups=2_000)
    return show(request, "network.html", title="network", since=since, until=until, stances=stances,
                asserter=asserter, min_confidence=min_confidence, api_params=params, top=top.edges[:25],
                names={n.key: n.name for n in top.nodes}, vendor=VENDOR.exists())


@router.get("/timeline")
def timeline(request: Request, actor: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
             b: Annotated[str, Query(max_length=LIMITS.text_chars)] = "", since: Since = None, until: Until = None,
             cursor: Cursor = None) -> Response:
    wb = workbench(request)
    listing, ref_a, ref_b, offset = None, None, None, 0
    if actor.strip():
        offset = decode_cursor(cursor, request, LIMITS.deep_items)
        ref_a = wb.resolve(actor)
        if b.strip():
            ref_b = wb.resolve(b)
            rows = wb.pair_timeline(ref_a, ref_b, since, until)[offset:offset + 201]
        else:
            rows = wb.store.timeline([ref_a.key], since=since, until=until, limit=201, offset=offset)
        listing = page(request, rows, 200, offset, LIMITS.deep_items)
    names = " – ".join(r.name for r in (ref_a, ref_b) if r)
    return show(request, "timeline.html", title=f"timeline: {names}" if names else "timeline", actor=actor, b=b,
                since=since, until=until, listing=listing, ref_a=ref_a, ref_b=ref_b, offset=offset)


@router.get("/documents")
def documents(request: Request, since: Since = None, until: Until = None, cursor: Cursor = None) -> Response:
    wb = workbench(request)
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    rows = wb.store.documents(since=since, until=until, limit=PAGE + 1, offset=offset)
    return show(request, "documents.html", title="documents", since=since, until=until,
                listing=page(request, rows, PAGE, offset, LIMITS.deep_items), offset=offset)


@router.get("/documents/{doc_id:path}")
def document(request: Request, doc_id: Annotated[str, Path(max_length=LIMITS.text_chars)]) -> Response:
    view = workbench(request).document_view(doc_id)
    runs = render.document_segments(view.document.text, view.mentions, [v.statement for v in view.statements])
    actors = {a.id: a for a in view.actors}
    return show(request, "document.html", title=view.document.title or view.document.id, view=view, runs=runs,
                actors=actors)


@router.get("/statements")
def statements(request: Request, subject: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
               object: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
               stance: Annotated[str, Query(max_length=20)] = "", since: Since = None, until: Until = None,
               cursor: Cursor = None) -> Response:
    """Statements of a pair and stance (where a click on a graph edge leads without JavaScript)."""
    wb = workbench(request)
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    flt = ClaimFilter(subject=wb.resolve_many([subject]) if subject.strip() else [],
                      object=wb.resolve_many([object]) if object.strip() else [],
                      stance=[stance] if stance in STANCES else [], since=since, until=until, limit=PAGE + 1,
                      offset=offset)
    return show(request, "statements.html", title="statements", subject=subject, object=object, stance=stance,
                since=since, until=until, listing=page(request, wb.store.claims(flt), PAGE, offset,
                                                       LIMITS.deep_items), offset=offset)


@router.get("/review")
def review(request: Request, doc: Annotated[str, Query(max_length=LIMITS.text_chars)] = "",
           statement: Annotated[str, Query(max_length=LIMITS.text_chars)] = "", cursor: Cursor = None) -> Response:
    """A statement to confirm, reject or correct (the page's script appends the judgement through the API, with
    the token), with the judgements that apply to it; without one, the judgement log, newest first."""
    wb = workbench(request)
    if doc.strip() and statement.strip():
        view = wb.document_view(doc)
        target = next((v for v in view.statements if v.statement.id == statement), None)
        if target is None:
            raise NotFoundError(f"no statement {statement!r} in document {doc!r}")
        history = wb.store.judgements(doc_id=doc, statement_id=statement, limit=PAGE)
        return show(request, "review.html", title=f"review {statement}", view=view, target=target,
                    history=history, listing=None, offset=0, correctable=CORRECTABLE)
    offset = decode_cursor(cursor, request, LIMITS.deep_items)
    rows = wb.store.judgements(limit=PAGE + 1, offset=offset)
    return show(request, "review.html", title="review", view=None, target=None, history=[],
                listing=page(request, rows, PAGE, offset, LIMITS.deep_items), offset=offset,
                correctable=CORRECTABLE)

