"""Fetching an http(s) URL: one bounded request, for the readers (ingest.sources.from_url) and the watcher
(collect.http, which adds robots.txt, a per-host pace and conditional GETs on top).

A fetch has an overall deadline, not only a timeout per read (a server trickling a byte a second would
otherwise hold a run for hours), and a size cap that also holds for a gzip-encoded body as it is decoded.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field

from ..errors import ClaimgraphError, InputError, OfflineError
from ..textio import MAX_CHARS

USER_AGENT = "claimgraph/0.1 (+https://github.com/claimgraph)"
FETCH_TIMEOUT = 20  # seconds for connecting and for each read
FETCH_DEADLINE = 60  # seconds for the whole response, headers and body
MAX_FETCH_BYTES = MAX_CHARS * 4  # as for a file: one document's bytes
_CHUNK = 1 << 16


class FetchError(InputError):
    """The server answered with an error status (``status``), or the answer was unusable (too slow, too large,
    malformed: ``status`` None)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        """A page that will not come back by asking again (gone, forbidden, refused by robots.txt)."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)


@dataclass
class Fetched:
    data: bytes
    content_type: str
    url: str = ""  # after redirects
    status: int = 200  # or 304: a conditional GET of an unchanged resource (no body)
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names


def fetch(url: str, deadline: float | None = None, limit: int | None = None, headers: dict[str, str] | None = None,
          timeout: float | None = None, user_agent: str = USER_AGENT) -> Fetched:
    """The body of ``url``, decoded from gzip/deflate, within ``deadline`` seconds and ``limit`` bytes; else a
    FetchError (too slow, too large, HTTP error: its status) or an OfflineError (network unreachable).
    ``headers`` are sent too (If-None-Match ...); ``timeout`` bounds connecting and each read.

    The fetch runs on a thread of its own, so a server that trickles its headers is given up on at the deadline
    too; the thread stops by itself at its next read (each read is bounded by ``timeout``)."""
    deadline = FETCH_DEADLINE if deadline is None else deadline  # read now, so that tests can lower them
    limit = MAX_FETCH_BYTES if limit is None else limit
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    outcome: list[Fetched | ClaimgraphError] = []
    ends = time.monotonic() + deadline
    sent = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", **(headers or {})}
    worker = threading.Thread(target=lambda: outcome.append(_fetch(url, sent, timeout, ends, limit)),
                              name="claimgraph-fetch", daemon=True)
    worker.start()
    worker.join(deadline + 1)
    if not outcome:
        raise FetchError(f"{url}: no complete response within {deadline:g} s; not fetched")
    if isinstance(outcome[0], ClaimgraphError):
        raise outcome[0]
    return outcome[0]


def _fetch(url: str, headers: dict[str, str], timeout: float, ends: float, limit: int) -> Fetched | ClaimgraphError:
    request = urllib.request.Request(url, headers=headers)
    try:
        timeout = max(0.1, min(timeout, ends - time.monotonic()))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            ctype = (response.headers.get("Content-Type") or "").lower()
            coding = (response.headers.get("Content-Encoding") or "").strip().lower()
            body = _read_body(response, url, coding, ends, limit)
            found = {k.lower(): v for k, v in response.headers.items()}
            if coding not in ("", "identity"):  # the body is decoded: its headers no longer describe it
                found.pop("content-encoding", None)
                found.pop("content-length", None)
            return Fetched(body, ctype, response.geturl(), response.status, found)
    except ClaimgraphError as exc:
        return exc
    except urllib.error.HTTPError as exc:
        if exc.code == 304:  # not modified: what a conditional GET asks for
            found = {k.lower(): v for k, v in (exc.headers or {}).items()}
            return Fetched(b"", found.get("content-type", ""), url, 304, found)
        return FetchError(f"{url}: HTTP {exc.code} {exc.reason}", status=exc.code)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.gaierror, socket.timeout, ConnectionError, OSError)):
            return OfflineError(f"{url}: cannot reach the network ({reason}); check the connection or proxy, "
                                f"or save the page and ingest the file")
        return FetchError(f"{url}: cannot fetch ({reason})")
    except (TimeoutError, OSError) as exc:  # a read that timed out or a connection reset mid-body
        return OfflineError(f"{url}: cannot reach the network ({exc})")
    except Exception as exc:  # noqa: BLE001  (a malformed response is this URL's failure, not the run's)
        return FetchError(f"{url}: cannot fetch ({type(exc).__name__}: {str(exc)[:160]})")


def _read_body(response, url: str, coding: str, ends: float, limit: int) -> bytes:  # noqa: ANN001
    if coding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        decoder = zlib.decompressobj()
    elif coding in ("", "identity"):
        decoder = None
    else:
        raise FetchError(f"{url}: content encoding {coding!r} is not supported")
    body = io.BytesIO()
    while True:
        if time.monotonic() > ends:
            raise FetchError(f"{url}: no complete response within the deadline; not fetched")
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        if decoder is not None:
            try:  # never more than the cap out of one chunk: a small gzip bomb stays small
                chunk = decoder.decompress(chunk, limit + 1 - body.tell())
            except zlib.error as exc:
                raise FetchError(f"{url}: corrupt {coding} body ({exc})") from exc
            if decoder.unconsumed_tail:
                raise FetchError(f"{url}: more than {limit:,} bytes once decoded; not one article")
        body.write(chunk)
        if body.tell() > limit:
            raise FetchError(f"{url}: more than {limit:,} bytes; not one article")
    return body.getvalue()
