"""``claimgraph watch``: poll RSS/Atom feeds and ingest their new entries, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import click

from .common import handle_errors, kb_option, main
from .store_cmd import _store, db_option


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C or SIGTERM asks the watcher to stop after the document in hand; a second Ctrl-C
    interrupts at once (what was stored stays stored: ingest writes whole documents only)."""

    def ask(signum: int, _frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        click.echo(f"claimgraph: {signal.Signals(signum).name}: stopping after the current document "
                   f"(Ctrl-C again to stop at once)", err=True)

    previous = {s: signal.signal(s, ask) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@main.command()
@click.argument("feed_list", metavar="FEEDS.opml|feeds.txt", type=click.Path(dir_okay=False))
@click.option("--interval", default=900.0, show_default=True, type=click.FloatRange(min=1.0),
              help="Seconds between two polls of a feed (a failing feed backs off from this, doubling).")
@click.option("--once", is_flag=True, help="Poll every feed once, then exit (10 when a feed failed).")
@click.option("--max-entries", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="New entries read per feed and poll; the rest wait for the next poll.")
@click.option("--host-interval", default=1.0, show_default=True, type=click.FloatRange(min=0.0),
              help="Seconds between two requests to one host at least (robots.txt's Crawl-delay if longer).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes for the NLP pipeline.")
@click.option("--quiet", "-q", is_flag=True, help="Only failures and problems (on stderr).")
@db_option
@kb_option
@handle_errors
def watch(feed_list: str, interval: float, once: bool, max_entries: int, host_interval: float, workers: int,
          quiet: bool, db_path: str | None, kb_paths: tuple[str, ...]) -> None:
    """Poll the feeds of an OPML file or a text file (one URL a line), follow each new entry's link to its full
    text, and ingest it into the store. Respects robots.txt and a per-host pace; keeps each feed's state
    (ETag, Last-Modified, entries seen, back-off) in the store, so a restart resumes."""
    from ..collect import Fetcher, FetchSettings, Watcher, WatchSettings, read_feed_list
    from ..extract import Extractor

    feeds = read_feed_list(feed_list)
    stop = threading.Event()
    failed: list[str] = []
    skipped: list[str] = []

    def report(r: Any) -> None:
        if r.status == "failed":
            failed.append(r.url)
            click.echo(f"claimgraph: feed {r.line()}", err=True)
        else:
            if r.skipped:
                skipped.append(r.url)
            if not quiet:
                click.echo(r.line())

    def problem(exc: Exception) -> None:
        click.echo(f"claimgraph: skipped: {exc}", err=True)

    with _store(db_path) as store, _stop_on_signals(stop):
        watcher = Watcher(store, Extractor(kb_paths), feeds, Fetcher(FetchSettings(host_interval=host_interval), stop),
                          WatchSettings(interval=interval, max_entries=max_entries, workers=workers),
                          on_report=report, on_problem=problem)
        if not quiet:
            click.echo(f"claimgraph: watching {len(feeds)} feed(s) into {store.label}"
                       + ("" if once else f", every {interval:g}s; Ctrl-C stops"), err=True)
        if once:
            from ..collect.http import Stopped

            try:
                watcher.poll_all()
            except Stopped:
                pass
        else:
            watcher.run()
    if stop.is_set():
        click.echo("claimgraph: stopped", err=True)
    if once and (failed or skipped):
        from ..ingest import SKIPPED_EXIT  # here: ingest brings the store and SQLAlchemy, needless for `extract`

        sys.exit(SKIPPED_EXIT)
