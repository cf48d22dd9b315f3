"""Per-feed state of ``claimgraph watch``: validators, back-off, and the entries already handled.

Kept in the store (tables ``feeds`` and ``feed_entries``, schema version 2) so that a restarted watcher, or one
on another machine sharing a PostgreSQL store, neither fetches a handled entry's page again nor forgets a feed's
back-off. The writes are idempotent: two watchers marking the same entry leave one row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy import Connection, Engine, select, update

from . import schema as t
from .dialects import Dialect
from .models import FeedState

IN_CHUNK = 500  # keys per IN (...) list

_F = t.feeds.c
_E = t.feed_entries.c
_STATE_FIELDS = [name for name in FeedState.model_fields if name != "url"]


class FeedMixin:
    """Feed state on ``SqlStore`` (which provides the engine, the dialect and write transactions)."""

    engine: Engine
    dialect: Dialect

    if TYPE_CHECKING:
        def _transaction(self, work: Callable[[Connection], Any], failure: str) -> Any: ...  # SqlStore's

    def feed_state(self, url: str) -> FeedState | None:
        """The stored state of the feed at ``url``, None for a feed never polled."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.feeds).where(_F.url == url)).first()
        return None if row is None else FeedState.model_validate(dict(row._mapping))

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or update the feed's row."""
        values = state.model_dump(include=set(_STATE_FIELDS))

        def work(conn: Connection) -> None:
            conn.execute(self.dialect.insert_ignoring(t.feeds, ["url"]).values(url=state.url))
            conn.execute(update(t.feeds).where(_F.url == state.url).values(**values))

        self._transaction(work, f"cannot save the state of feed {state.url}")

    def unseen_entries(self, feed_url: str, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` (in their order, once each) not yet handled for this feed."""
        wanted = list(dict.fromkeys(keys))
        seen: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), IN_CHUNK):
                part = wanted[start : start + IN_CHUNK]
                seen.update(conn.execute(select(_E.entry_key).where(
                    _E.feed_url == feed_url, _E.entry_key.in_(part))).scalars())
        return [k for k in wanted if k not in seen]

    def mark_entries_seen(self, feed_url: str, keys: Iterable[str], when: dt.datetime | None = None) -> None:
        """Record entries as handled (creating the feed's row if it has none yet)."""
        rows = [{"feed_url": feed_url, "entry_key": k, "seen_at": when or dt.datetime.now(dt.timezone.utc)
                 .replace(tzinfo=None)} for k in dict.fromkeys(keys)]
        if not rows:
            return

        def work(conn: Connection) -> None:
            conn.execute(self.dialect.insert_ignoring(t.feeds, ["url"]).values(url=feed_url))
            conn.execute(self.dialect.insert_ignoring(t.feed_entries, ["feed_url", "entry_key"]), rows)

        self._transaction(work, f"cannot record the entries of feed {feed_url}")
