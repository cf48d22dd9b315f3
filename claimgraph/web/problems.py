"""Errors as RFC 9457 problem details (``application/problem+json``) for the API, and as pages for a browser.

Library errors keep their message (it is written for users); anything unexpected is logged with its traceback
and answered with a bare 500 that says nothing about the internals.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from ..errors import ClaimgraphError, ConfigError, DataFileError, InputError, NotFoundError, StoreError

LOG = logging.getLogger("claimgraph.web")
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:claimgraph:problem:"


class Problem(BaseModel):
    """RFC 9457 problem details; ``errors`` lists what was wrong with each parameter of an invalid request."""

    model_config = ConfigDict(extra="forbid")
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class WebError(Exception):
    """An HTTP error with a problem type of its own (a bad cursor, a missing token)."""

    def __init__(self, status: int, kind: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.headers = status, kind, detail, headers or {}


# Library error class -> (HTTP status, problem type). The first that matches wins.
_LIBRARY = (
    (NotFoundError, 404, "not-found"),
    (InputError, 400, "invalid-input"),
    (ConfigError, 400, "invalid-setting"),
    (DataFileError, 500, "data-file"),
    (StoreError, 503, "store-unavailable"),
    (ClaimgraphError, 400, "claimgraph-error"),
)


def problem_for(request: Request, exc: Exception) -> tuple[Problem, dict[str, str]]:
    instance = request.url.path
    if isinstance(exc, WebError):
        return Problem(type=TYPE_BASE + exc.kind, title=_title(exc.status), status=exc.status, detail=exc.detail,
                       instance=instance), exc.headers
    if isinstance(exc, ClaimgraphError):
        for cls, status, kind in _LIBRARY:
            if isinstance(exc, cls):
                return Problem(type=TYPE_BASE + kind, title=_title(status), status=status, detail=str(exc),
                               instance=instance), {}
    if isinstance(exc, RequestValidationError):
        errors = [{"location": [str(p) for p in e.get("loc", ())], "message": str(e.get("msg", ""))}
                  for e in exc.errors()][:20]
        return Problem(type=TYPE_BASE + "invalid-request", title=_title(422), status=422,
                       detail="the request's parameters are not valid", instance=instance, errors=errors), {}
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else None
        return Problem(title=_title(exc.status_code), status=exc.status_code, detail=detail,
                       instance=instance), dict(exc.headers or {})
    LOG.exception("unexpected error on %s %s", request.method, instance, exc_info=exc)
    return Problem(type=TYPE_BASE + "internal-error", title=_title(500), status=500,
                   detail="the server met an unexpected error (it is in the server's log)", instance=instance), {}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(problem.model_dump(exclude_none=True), status_code=problem.status, headers=headers,
                        media_type=PROBLEM_JSON)


# Documented on every API route, so clients (and schemathesis) know the shape of an error.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text, "content": {PROBLEM_JSON: {}}}
    for status, text in ((400, "Bad request (an invalid cursor, a library error)"),
                         (404, "Not found (an unknown actor or document)"),
                         (413, "Request body too large"),
                         (414, "Query string too long"),
                         (421, "Not this server's address (Host header)"),
                         (422, "Invalid parameters"))
}

# Writes also answer these.
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text, "content": {PROBLEM_JSON: {}}}
    for status, text in ((401, "No write token (send Authorization: Bearer <token>)"),
                         (403, "Not this server's write token"))
}
