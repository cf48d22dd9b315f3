"""The workbench application: FastAPI with the API, the pages and the static files, behind the security layer."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import ClaimgraphError
from ..store import Store, open_store
from . import api, pages
from .context import Workbench
from .problems import WebError, problem_for, problem_response
from .security import CSP_REPORTS, SecurityMiddleware, csp_report_entries
from .settings import WebSettings

STATIC = Path(__file__).resolve().parent / "static"
DESCRIPTION = """Who says who did what to whom, over a claimgraph store: documents, actors, statements,
propositions, dossiers, contested claims, the actor network, timelines, search, exports and judgements.

Listings page with `cursor` (the `next_cursor` of the previous page, same filters). Reads carry an ETag
(send `If-None-Match` for a 304). Errors are RFC 9457 problem details (`application/problem+json`).
Writes need `Authorization: Bearer <token>`."""


def create_app(settings: WebSettings, store: Store | None = None) -> FastAPI:
    """The app over ``store``, or over the database of ``settings`` (which must exist: the workbench never creates
    one). The store is closed with the app when the app opened it."""
    owned = store is None
    store = store if store is not None else open_store(settings.db, create=False)
    app = FastAPI(title="claimgraph workbench API", version=__version__, description=DESCRIPTION,
                  openapi_url=f"{api.API}/openapi.json", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.workbench = Workbench(store, settings.kb_paths)
    app.state.csp_reports = deque(maxlen=settings.limits.csp_reports)
    if owned:
        app.router.on_shutdown.append(store.close)

    async def on_error(request: Request, exc: Exception) -> Response:
        problem, headers = problem_for(request, exc)
        if request.url.path.startswith(api.API) or "text/html" not in request.headers.get("accept", ""):
            return problem_response(problem, headers)
        return pages.error_page(request, problem)

    for kind in (ClaimgraphError, WebError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, on_error)

    @app.post(CSP_REPORTS, include_in_schema=False, status_code=204)
    async def csp_report(request: Request) -> Response:
        try:
            entries = csp_report_entries(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebError(400, "invalid-report", "not a CSP violation report") from exc
        app.state.csp_reports.extend(entries)
        return Response(status_code=204)

    @app.get(CSP_REPORTS, include_in_schema=False)
    def csp_reports() -> Response:
        return Response(json.dumps(list(app.state.csp_reports)), media_type="application/json")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app
