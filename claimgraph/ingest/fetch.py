"""Fetching an http(s) URL for the readers (ingest.sources.from_url): one bounded request.

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
from dataclasses import dataclass

from ..errors import ClaimgraphError, InputError, OfflineError
from ..textio import MAX_CHARS

USER_AGENT = "claimgraph/0.1 (+https://github.com/claimgraph)"
FETCH_TIMEOUT = 20  # seconds for connecting and for each read
FETCH_DEADLINE = 60  # seconds for the whole response, headers and body
MAX_FETCH_BYTES = MAX_CHARS * 4  # as for a file: one document's bytes
_CHUNK = 1 << 16


@dataclass
class Fetched:
    data: bytes
    content_type: str


def fetch(url: str, deadline: float | None = None, limit: int | None = None) -> Fetched:
    """The body of ``url``, decoded from gzip/deflate, within ``deadline`` seconds and ``limit`` bytes; else an
    InputError (too slow, too large, HTTP error) or an OfflineError (network unreachable).

    The fetch runs on a thread of its own, so a server that trickles its headers is given up on at the deadline
    too; the thread stops by itself at its next read (each read is bounded by FETCH_TIMEOUT)."""
    deadline = FETCH_DEADLINE if deadline is None else deadline  # read now, so that tests can lower them
    limit = MAX_FETCH_BYTES if limit is None else limit
    outcome: list[Fetched | ClaimgraphError] = []
    ends = time.monotonic() + deadline
    worker = threading.Thread(target=lambda: outcome.append(_fetch(url, ends, limit)), name="claimgraph-fetch",
                              daemon=True)
    worker.start()
    worker.join(deadline + 1)
    if not outcome:
        raise InputError(f"{url}: no complete response within {deadline:g} s; not fetched")
    if isinstance(outcome[0], ClaimgraphError):
        raise outcome[0]
    return outcome[0]


def _fetch(url: str, ends: float, limit: int) -> Fetched | ClaimgraphError:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
    try:
        timeout = max(0.1, min(FETCH_TIMEOUT, ends - time.monotonic()))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            ctype = (response.headers.get("Content-Type") or "").lower()
            coding = (response.headers.get("Content-Encoding") or "").strip().lower()
            return Fetched(_read_body(response, url, coding, ends, limit), ctype)
    except ClaimgraphError as exc:
        return exc
    except urllib.error.HTTPError as exc:
        return InputError(f"{url}: HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.gaierror, socket.timeout, ConnectionError, OSError)):
            return OfflineError(f"{url}: cannot reach the network ({reason}); check the connection or proxy, "
                                f"or save the page and ingest the file")
        return InputError(f"{url}: cannot fetch ({reason})")
    except (TimeoutError, OSError) as exc:
        return OfflineError(f"{url}: cannot reach the network ({exc})")
    except Exception as exc:  # noqa: BLE001  (a malformed response is this URL's failure, not the run's)
        return InputError(f"{url}: cannot fetch ({type(exc).__name__}: {str(exc)[:160]})")


def _read_body(response, url: str, coding: str, ends: float, limit: int) -> bytes:  # noqa: ANN001
    if coding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        decoder = zlib.decompressobj()
    elif coding in ("", "identity"):
        decoder = None
    else:
        raise InputError(f"{url}: content encoding {coding!r} is not supported")
    body = io.BytesIO()
    while True:
        if time.monotonic() > ends:
            raise InputError(f"{url}: no complete response within the deadline; not fetched")
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        if decoder is not None:
            try:  # never more than the cap out of one chunk: a small gzip bomb stays small
                chunk = decoder.decompress(chunk, limit + 1 - body.tell())
            except zlib.error as exc:
                raise InputError(f"{url}: corrupt {coding} body ({exc})") from exc
            if decoder.unconsumed_tail:
                raise InputError(f"{url}: more than {limit:,} bytes once decoded; not one article")
        body.write(chunk)
        if body.tell() > limit:
            raise InputError(f"{url}: more than {limit:,} bytes; not one article")
    return body.getvalue()
