"""Continuous collection: ``claimgraph watch`` polls RSS/Atom feeds and ingests their new entries.

    feeds = read_feed_list("feeds.opml")
    watcher = Watcher(store, extractor, feeds, Fetcher(), WatchSettings(interval=900))
    watcher.run(stop)          # until ``stop`` (a threading.Event) is set; or watcher.poll_all() once
"""

from .feedlist import FeedSpec, read_feed_list
from .http import Fetcher, FetchSettings, Response
from .watch import FeedReport, Watcher, WatchSettings

__all__ = ["FeedReport", "FeedSpec", "FetchSettings", "Fetcher", "Response", "WatchSettings", "Watcher",
           "read_feed_list"]
