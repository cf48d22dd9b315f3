"""The watch loop: poll each feed when it is due, read the new entries' pages, ingest them, remember the feed.

One poll of a feed:

1. a conditional GET of the feed (its stored ETag / Last-Modified); 304 means nothing new;
2. the entries not yet handled (``feed_entries``) are read, oldest first, at most ``max_entries`` a poll: each
   entry's link is fetched (robots.txt and the host's pace respected) and its main text extracted (trafilatura);
   an entry whose page is gone or refused falls back to the feed's own text of it;
3. the documents go through the ordinary ingest path (``claimgraph.ingest.ingest``: content-hash dedup,
   near-duplicates, transactional writes), pulled one by one so that a stop request ends the poll early;
4. the handled entries are recorded, then the feed's state (validators, next poll).

Entries are recorded only after ingest stored them, so a crash between the two re-reads some pages and ingest
skips them by content hash: nothing is lost and nothing stored twice. An entry whose page failed for a passing
reason (timeout, 5xx) stays unhandled and is tried at the next poll; the validators are then not kept, so that
poll is not answered 304.

A failing feed is reported with its reason and backs off (``interval`` after the first failure, doubling up to
``max_backoff``); nothing a single feed does ends the loop. Only ``Stopped`` (the stop event) ends a poll early.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterator, Literal

from pydantic import BaseModel, Field

from ..errors import ClaimgraphError, InputError, OfflineError
from ..ingest.runner import Extracting, ingest
from ..ingest.sources import feed_entry_document, from_html
from ..models import Document
from ..store.base import Store
from ..store.models import FeedState
from .feedlist import FeedSpec
from .http import Fetcher, FetchError, Stopped

ReportHook = Callable[["FeedReport"], None]
ProblemHook = Callable[[ClaimgraphError], None]


def utc_now() -> dt.datetime:
    """Naive UTC, as the store's DateTime columns hold it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class WatchSettings(BaseModel):
    interval: float = Field(900.0, gt=0)  # seconds between two polls of a feed
    max_backoff: float = Field(6 * 3600.0, gt=0)  # longest wait after repeated failures
    max_entries: int = Field(50, ge=1)  # new entries read per feed and poll; the rest wait for the next
    workers: int = Field(1, ge=1)  # NLP processes of each poll's ingest
    batch_size: int = Field(16, ge=1)


class FeedReport(BaseModel):
    """What one poll of one feed did."""

    url: str
    status: Literal["new", "unchanged", "failed"]
    entries: int = 0  # entries in the feed not handled before this poll
    read: int = 0  # of those, handled in this poll
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    statements: int = 0
    error: str | None = None
    failures: int = 0
    retry_in: float | None = None  # seconds until the next poll

    def line(self) -> str:
        if self.status == "failed":
            return (f"{self.url}: failed ({self.error}); failure {self.failures}, "
                    f"next try in {_duration(self.retry_in or 0)}")
        if self.status == "unchanged":
            return f"{self.url}: no new entries"
        later = self.entries - self.read
        return (f"{self.url}: {self.read} new entries read: {self.stored} stored, {self.duplicates} duplicate, "
                f"{self.skipped} skipped; {self.statements} statements"
                + (f"; {later} more next poll" if later > 0 else ""))


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f}h"
    if seconds >= 60:
        return f"{seconds / 60:.0f}m"
    return f"{seconds:.0f}s"


def entry_key(entry: Any) -> str | None:
    """What identifies an entry across polls: its id (guid), else its link, else its title and date."""
    for value in (entry.get("id"), entry.get("link")):
        if value and str(value).strip():
            return str(value).strip()
    title, date = entry.get("title"), entry.get("published") or entry.get("updated")
    return f"{title}|{date}" if title else None


class Watcher:
    """Polls ``feeds`` into ``store``. ``poll`` and ``poll_all`` never raise for a feed's failure (only
    ``Stopped``); ``run`` loops until the fetcher's stop event is set."""

    def __init__(self, store: Store, extractor: Extracting, feeds: list[FeedSpec], fetcher: Fetcher,
                 settings: WatchSettings | None = None, on_report: ReportHook | None = None,
                 on_problem: ProblemHook | None = None, now: Callable[[], dt.datetime] = utc_now):
        self.store, self.extractor, self.feeds, self.fetcher = store, extractor, feeds, fetcher
        self.settings = settings or WatchSettings()
        self.on_report, self.on_problem, self.now = on_report, on_problem, now
        self.stop = fetcher.stop

    # ---- the loop ----------------------------------------------------------------------------------
    def run(self) -> None:
        """Poll every due feed, sleep until the next one is due, until the stop event is set."""
        while not self.stop.is_set():
            try:
                self.poll_all(only_due=True)
            except Stopped:
                return
            self.stop.wait(self._until_next_due())

    def poll_all(self, only_due: bool = False) -> list[FeedReport]:
        """Poll every feed (with ``only_due``, those whose next poll time has come), in list order."""
        reports = []
        for feed in self.feeds:
            if self.stop.is_set():
                raise Stopped("stopping")
            if only_due and not self._due(feed):
                continue
            reports.append(self.poll(feed))
        return reports

    def _state(self, feed: FeedSpec) -> FeedState:
        return self.store.feed_state(feed.url) or FeedState(url=feed.url, title=feed.title)

    def _due(self, feed: FeedSpec) -> bool:
        try:
            state = self.store.feed_state(feed.url)
        except ClaimgraphError as exc:
            self._problem(exc)
            return False
        return state is None or state.next_poll_at is None or state.next_poll_at <= self.now()

    def _until_next_due(self) -> float:
        """Seconds until the earliest next poll (at least 1, at most ``interval``)."""
        now, wait = self.now(), self.settings.interval
        for feed in self.feeds:
            try:
                state = self.store.feed_state(feed.url)
            except ClaimgraphError:
                continue
            if state is None or state.next_poll_at is None:
                return 1.0
            wait = min(wait, (state.next_poll_at - now).total_seconds())
        return max(1.0, wait)

    # ---- one feed ----------------------------------------------------------------------------------
    def poll(self, feed: FeedSpec) -> FeedReport:
        """Poll one feed now; a failure is reported and sets the feed's back-off, never raised."""
        started = self.now()
        try:
            state = self._state(feed)
            state.polled_at = started
            report = self._poll(feed, state)
        except Stopped:
            raise
        except ClaimgraphError as exc:
            state, report = self._failed(feed, started, str(exc))
        except Exception as exc:  # noqa: BLE001  (a parser or library bug on one feed must not end the watch)
            state, report = self._failed(feed, started, f"unexpected {type(exc).__name__}: {exc}")
        else:
            state.failures, state.error, state.ok_at = 0, None, started
            state.next_poll_at = started + dt.timedelta(seconds=self.settings.interval)
            report.retry_in = self.settings.interval
        try:
            self.store.save_feed_state(state)
        except ClaimgraphError as exc:
            self._problem(exc)
        if self.on_report:
            self.on_report(report)
        return report

    def _failed(self, feed: FeedSpec, started: dt.datetime, reason: str) -> tuple[FeedState, FeedReport]:
        try:
            state = self._state(feed)
        except ClaimgraphError:
            state = FeedState(url=feed.url, title=feed.title)
        state.polled_at = started
        state.failures += 1
        state.error = reason
        wait = min(self.settings.interval * 2 ** (state.failures - 1), self.settings.max_backoff)
        state.next_poll_at = started + dt.timedelta(seconds=wait)
        return state, FeedReport(url=feed.url, status="failed", error=reason, failures=state.failures,
                                 retry_in=wait)

    def _poll(self, feed: FeedSpec, state: FeedState) -> FeedReport:
        import feedparser

        response = self.fetcher.get(feed.url, state.etag, state.last_modified)
        if response.status == 304:
            return FeedReport(url=feed.url, status="unchanged")
        parsed = feedparser.parse(response.body, response_headers=response.headers)
        if not parsed.entries and parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise InputError(f"{feed.url}: not a readable RSS/Atom feed" + (f" ({reason})" if reason else ""))
        outlet = (parsed.feed.get("title") if parsed.get("feed") else None) or feed.title
        state.title = state.title or outlet
        keyed = []
        for entry in parsed.entries:
            key = entry_key(entry)
            if key is None:
                self._problem(InputError(f"{feed.url}: an entry without id, link or title is ignored"))
            else:
                keyed.append((key, entry))
        by_key = dict(keyed)
        new = self.store.unseen_entries(feed.url, reversed([k for k, _ in keyed]))  # feeds list newest first
        todo = new[: self.settings.max_entries]
        handled: list[str] = []
        retry_later: list[str] = []

        def documents() -> Iterator[Document | ClaimgraphError]:
            for key in todo:
                if self.stop.is_set():
                    return
                try:
                    yield self._document(by_key[key], key, outlet, f"{feed.url}: entry {key}")
                except Stopped:
                    return
                except (OfflineError, FetchError) as exc:
                    if isinstance(exc, FetchError) and exc.permanent:
                        handled.append(key)
                        yield exc
                    else:
                        retry_later.append(key)
                        self._problem(exc)
                    continue
                except InputError as exc:
                    handled.append(key)
                    yield exc
                    continue
                handled.append(key)

        summary = ingest(documents(), self.store, self.extractor, workers=self.settings.workers,
                         batch_size=self.settings.batch_size, on_problem=self.on_problem)
        self.store.mark_entries_seen(feed.url, handled, self.now())
        state.entries += len(handled)
        complete = len(handled) == len(new) and not self.stop.is_set()
        # Validators only when every entry was handled: else the next poll must get the feed again, not a 304.
        state.etag = response.headers.get("etag") if complete else None
        state.last_modified = response.headers.get("last-modified") if complete else None
        return FeedReport(url=feed.url, status="new" if new else "unchanged", entries=len(new), read=len(handled),
                          stored=summary.stored, duplicates=summary.duplicates, skipped=summary.skipped,
                          statements=summary.statements)

    def _document(self, entry: Any, key: str, outlet: str | None, where: str) -> Document:
        """The entry's page as a Document; the feed's own text of the entry when the page is gone or refused.
        The feed's date of the entry is preferred to the page's (a page's date metadata is often its footer's)."""
        link = entry.get("link")
        if not link:
            return feed_entry_document(entry, where, outlet).model_copy(update={"id": key})
        try:
            response = self.fetcher.get(link)
            page = from_html(response.body, link, doc_id=key, source=outlet, url=link)
        except FetchError as exc:
            if not exc.permanent:
                raise
            try:
                return feed_entry_document(entry, where, outlet).model_copy(update={"id": key})
            except InputError:
                raise exc from None
        except InputError:  # a page with no article text in it: the feed's text, if it has one
            return feed_entry_document(entry, where, outlet).model_copy(update={"id": key})
        fallback = feed_entry_metadata(entry)
        return page.model_copy(update={"title": page.title or fallback["title"], "date": fallback["date"] or page.date,
                                       "source": outlet or page.source})

    def _problem(self, problem: ClaimgraphError) -> None:
        if self.on_problem:
            self.on_problem(problem)


def feed_entry_metadata(entry: Any) -> dict[str, Any]:
    """An entry's title and date (from published, else updated)."""
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    date = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
    return {"title": entry.get("title"), "date": date}
