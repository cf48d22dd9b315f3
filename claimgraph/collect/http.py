"""HTTP for the watcher: conditional GETs, robots.txt, and a per-host pace.

Every request, robots.txt included, waits its turn for its host: at least ``host_interval`` seconds (or the
site's ``Crawl-delay``, if longer) after the previous request to that host started, so a feed with fifty new
entries on one site is read at the site's pace, not at once. robots.txt follows RFC 9309: a 4xx answer allows
everything, an unreachable one or a 5xx disallows everything until it can be read (the feed then backs off).
Waits end early when the stop event is set (Ctrl-C, SIGTERM): the caller gets ``Stopped``.

The request itself is claimgraph.ingest.fetch's, as for ``ingest URL``: an overall deadline (a trickling server
is given up on), a size cap that also holds while a gzip/deflate body is decoded, and its errors.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from pydantic import BaseModel

from ..errors import ClaimgraphError, OfflineError
from ..ingest.fetch import FETCH_DEADLINE, MAX_FETCH_BYTES, USER_AGENT, FetchError, fetch

__all__ = ["FetchError", "FetchSettings", "Fetcher", "Response", "Stopped"]

ROBOTS_AGENT = "claimgraph"  # the product token robots.txt rules are matched against


class Stopped(ClaimgraphError):
    """The stop event was set while waiting: the watcher is shutting down."""

    exit_code = 130


class FetchSettings(BaseModel):
    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds for connecting and for each read
    deadline: float = FETCH_DEADLINE  # seconds for the whole response, headers and body
    host_interval: float = 1.0  # seconds between the starts of two requests to one host, at least
    robots_ttl: float = 3600.0  # seconds a site's robots.txt is trusted before it is read again
    max_bytes: int = MAX_FETCH_BYTES


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET of an unchanged resource
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    read_at: float

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(ROBOTS_AGENT, url)

    def delay(self) -> float:
        if self.parser is None:
            return 0.0
        value = self.parser.crawl_delay(ROBOTS_AGENT)
        return float(value) if value else 0.0


class Fetcher:
    """GETs that respect robots.txt and a per-host pace. Safe to share between threads."""

    def __init__(self, settings: FetchSettings | None = None, stop: threading.Event | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings or FetchSettings()
        self.stop = stop or threading.Event()
        self.clock = clock
        self._robots: dict[str, _Robots] = {}
        self._last: dict[str, float] = {}  # host -> start of its last request
        self._lock = threading.Lock()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url`` if robots.txt allows it; with validators, a 304 for an unchanged resource."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: not an http(s) URL")
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots_for(origin)
        if not robots.allows(url):
            raise FetchError(f"{url}: robots.txt of {origin} disallows it for {ROBOTS_AGENT}", status=403)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, origin, headers, robots.delay())

    def _robots_for(self, origin: str) -> _Robots:
        with self._lock:
            known = self._robots.get(origin)
        if known is not None and self.clock() - known.read_at < self.settings.robots_ttl:
            return known
        url = f"{origin}/robots.txt"
        try:
            response = self._request(url, origin, {}, known.delay() if known else 0.0)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                found = _Robots(None, self.clock())  # no robots.txt: everything allowed
            else:
                raise FetchError(f"{url}: cannot be read ({exc}); nothing on {origin} is fetched until it can",
                                 status=exc.status) from exc
        except OfflineError as exc:
            raise OfflineError(f"{url}: cannot be read ({exc}); nothing on {origin} is fetched until it can") from exc
        else:
            parser = urllib.robotparser.RobotFileParser(url)
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
            found = _Robots(parser, self.clock())
        with self._lock:
            self._robots[origin] = found
        return found

    def _wait_turn(self, origin: str, delay: float) -> None:
        gap = max(self.settings.host_interval, delay)
        while True:
            with self._lock:
                now = self.clock()
                due = self._last.get(origin, now - gap) + gap
                if now >= due:
                    self._last[origin] = now
                    return
            if self.stop.wait(due - now):
                raise Stopped("stopping: a fetch was waiting for its turn")

    def _request(self, url: str, origin: str, headers: dict[str, str], delay: float) -> Response:
        if self.stop.is_set():
            raise Stopped("stopping")
        self._wait_turn(origin, delay)
        found = fetch(url, deadline=self.settings.deadline, limit=self.settings.max_bytes, headers=headers,
                      timeout=self.settings.timeout, user_agent=self.settings.user_agent)
        return Response(found.url or url, found.status, found.headers, found.data)
