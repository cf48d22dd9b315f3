"""Security for a server whose content is attacker-controlled article text.

Every response gets a strict Content-Security-Policy (scripts, styles and everything else from this server
only, no inline script, no framing), ``nosniff`` and no referrer. Requests are refused before they reach a route
when their Host is not this server's (DNS rebinding), their query string is too long or their body too large.
Writes need the token as ``Authorization: Bearer``; a header, not a cookie, so another site cannot make a
browser send it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from .problems import PROBLEM_JSON, WebError
from .settings import WebSettings

CSP_REPORTS = "/api/v1/csp-reports"
CSP = "; ".join((
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "font-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
    f"report-uri {CSP_REPORTS}",
))
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


class _TooLarge(Exception):
    pass


class SecurityMiddleware:
    """Pure ASGI (no buffering of responses): headers on every response, limits on every request."""

    def __init__(self, app: ASGIApp, settings: WebSettings):
        self.app, self.settings = app, settings
        self.hosts = {h.lower() for h in settings.allowed_hosts}

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.settings.limits

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            await _refuse(send_with_headers, 421, "misdirected-request",
                          "this server answers only to its own address (Host header)")
            return
        if len(scope.get("query_string", b"")) > limits.query_chars:
            await _refuse(send_with_headers, 414, "uri-too-long",
                          f"the query string is longer than {limits.query_chars} characters")
            return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limits.body_bytes):
            await _refuse(send_with_headers, 413, "content-too-large",
                          f"request bodies are limited to {limits.body_bytes} bytes")
            return
        received = 0

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limits.body_bytes:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            await _refuse(send_with_headers, 413, "content-too-large",
                          f"request bodies are limited to {limits.body_bytes} bytes")


async def _refuse(send: Callable, status: int, kind: str, detail: str) -> None:
    from .problems import TYPE_BASE, _title

    body = json.dumps({"type": TYPE_BASE + kind, "title": _title(status), "status": status,
                       "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def require_token(request: Request) -> None:
    """A route dependency: the request carries the write token (``Authorization: Bearer <token>``)."""
    expected: str = request.app.state.settings.token
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise WebError(401, "token-required", "writing needs the token: send 'Authorization: Bearer <token>' "
                       "(the token is $CLAIMGRAPH_TOKEN, or the one `claimgraph serve` printed)",
                       {"WWW-Authenticate": 'Bearer realm="claimgraph"'})
    if not hmac.compare_digest(value.strip().encode(), expected.encode()):
        raise WebError(403, "token-rejected", "the token is not this server's",
                       {"WWW-Authenticate": 'Bearer realm="claimgraph", error="invalid_token"'})


def csp_report_entries(body: bytes) -> list[dict[str, Any]]:
    """The reports of a CSP violation POST (``application/csp-report`` or the Reporting API's list)."""
    data = json.loads(body.decode("utf-8"))
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        return [d.get("body", d) for d in data if isinstance(d, dict)]
    raise ValueError("not a CSP report")
