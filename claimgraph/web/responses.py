"""JSON responses with ETags, and cursors for paging through listings."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from fastapi import Request, Response
from pydantic import TypeAdapter

from .problems import WebError

_ADAPTERS: dict[Any, TypeAdapter] = {}


def json_response(request: Request, value: Any, kind: Any) -> Response:
    """``value`` (of type ``kind``) as JSON with a strong ETag of its bytes; 304 when the client has them."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    if isinstance(value, dict):  # a page built by ``page``: into its model (instances are not re-validated)
        value = adapter.validate_python(value)
    body = adapter.dump_json(value)
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if etag in {t.strip().removeprefix("W/") for t in wanted.split(",")} or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def fingerprint(request: Request) -> str:
    """What a cursor belongs to: the query's parameters other than the cursor and page size."""
    items = sorted((k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "limit"))
    return hashlib.blake2b(json.dumps([request.url.path, items]).encode(), digest_size=6).hexdigest()


def encode_cursor(offset: int, request: Request) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint(request)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, request: Request, deepest: int) -> int:
    """The offset a cursor stands for. A cursor is opaque: made by this server, for the same filters."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, owner = int(data["o"]), str(data["f"])
    except (ValueError, KeyError, TypeError) as exc:
        raise WebError(400, "invalid-cursor", "the cursor is not one this server made; start from the first "
                       "page") from exc
    if owner != fingerprint(request):
        raise WebError(400, "invalid-cursor", "the cursor belongs to a query with other filters; start from "
                       "the first page")
    if not 0 <= offset <= deepest:
        raise WebError(400, "page-too-deep", f"listings page at most {deepest:,} items deep; narrow the filters "
                       "(a date window, an actor)")
    return offset


def page(request: Request, rows: list, limit: int, offset: int, deepest: int) -> dict:
    """A page from ``rows`` fetched with ``limit + 1`` (the extra row says there is a next page)."""
    more = len(rows) > limit and offset + limit <= deepest
    return {"items": rows[:limit], "limit": limit,
            "next_cursor": encode_cursor(offset + limit, request) if more else None}
