"""``claimgraph watch`` against fixture feeds and pages served on loopback (fictional outlets and places).

Every test with ``store`` runs on SQLite and on PostgreSQL (conftest.py): the feed state lives in the store.
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import threading
import time
from dataclasses import dataclass, field

import pytest

from claimgraph.collect import FeedSpec, Fetcher, FetchSettings, Watcher, WatchSettings, read_feed_list
from claimgraph.collect.http import FetchError, Stopped
from claimgraph.errors import InputError, OfflineError
from claimgraph.store import open_store

try:
    from tests.test_store import FakeExtractor
except ImportError:  # tests/ is not a package
    from test_store import FakeExtractor  # type: ignore[no-redef]


def article(n: int) -> str:
    return (f"The harbour board of Norvik said on Tuesday that the ferry line to Ravel island would run again "
            f"from next week, after the storm damage to pier {n} had been repaired by the port workers. The board "
            f"added that the timetable for the winter months would be published by the end of the month.")


def page(n: int) -> bytes:
    return (f"<html><head><title>Pier {n} reopens</title></head><body><nav>Home | Ports | Weather</nav><article>"
            f"<h1>Pier {n} reopens</h1><p>{article(n)}</p><p>Officials of the board told the Norvik Courier that "
            f"repairs to pier {n} had cost less than expected and that the ferry crews were ready.</p></article>"
            f"<footer>Norvik Courier</footer></body></html>").encode()


def rss(*items: int, title: str = "Norvik Courier: ports") -> bytes:
    entries = "".join(
        f"<item><title>Pier {n} reopens</title><link>{{base}}/news/{n}.html</link><guid>courier-{n}</guid>"
        f"<pubDate>Tue, 0{n % 9 + 1} Dec 2026 08:00:00 GMT</pubDate><description>Pier {n} teaser: the harbour board "
        f"of Norvik said that the ferry to Ravel would run again from next week.</description></item>"
        for n in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{{base}}/</link>{entries}</channel></rss>").encode()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    etag: str | None = None
    content_type: str = "text/html; charset=utf-8"
    gzipped: bool = False  # sent gzip-encoded
    trickle: float = 0.0  # seconds between two bytes of the body (a server that never quite finishes)


@dataclass
class Site:
    """A local web server: ``routes`` by path (``{base}`` in a body becomes the server's address), and the log of
    requests as (path, headers, monotonic time)."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    base: str = ""

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]

    def feed(self, path: str, body: bytes, etag: str | None = None) -> str:
        self.routes[path] = Route(body=body, etag=etag, content_type="application/rss+xml")
        return self.base + path


@pytest.fixture
def site():
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state.requests.append((self.path, dict(self.headers.items()), time.monotonic()))
            route = state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            body = route.body.replace(b"{base}", state.base.encode())
            if route.gzipped:
                body = gzip.compress(body)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            if route.gzipped:
                self.send_header("Content-Encoding", "gzip")
            if route.etag:
                self.send_header("ETag", route.etag)
            self.end_headers()
            try:
                for at in range(0, len(body), 1 if route.trickle else len(body) or 1):
                    self.wfile.write(body[at:at + (1 if route.trickle else len(body))])
                    self.wfile.flush()
                    time.sleep(route.trickle)
            except OSError:  # the client gave up
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class Clock:
    """The watcher's wall clock, moved by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 3, 9, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def make_watcher(store, feeds: list[str], clock: Clock | None = None, interval: float = 600,
                 host_interval: float = 0.0, reports: list | None = None, problems: list | None = None,
                 extractor: object | None = None, **settings: object) -> Watcher:
    return Watcher(store, extractor or FakeExtractor(), [FeedSpec(url=u) for u in feeds],
                   Fetcher(FetchSettings(host_interval=host_interval, timeout=5)),
                   WatchSettings(interval=interval, **settings),
                   on_report=None if reports is None else reports.append,
                   on_problem=None if problems is None else problems.append, now=clock or Clock())


def stored_texts(store) -> dict[str, str]:
    return {d.id: d.text for _, d in store.iter_documents()}


# ---- the list of feeds -------------------------------------------------------------------------------
def test_feed_lists_in_opml_and_text(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head><title>desk</title></head><body>'
                    '<outline text="Ports"><outline text="Courier" xmlUrl="https://courier.example/rss"/>'
                    '<outline text="Gazette" title="Ravel Gazette" xmlUrl="http://gazette.example/atom"/></outline>'
                    '<outline text="no feed here"/></body></opml>')
    assert [(f.url, f.title) for f in read_feed_list(opml)] == [
        ("https://courier.example/rss", "Courier"), ("http://gazette.example/atom", "Ravel Gazette")]
    text = tmp_path / "feeds.txt"
    text.write_text("# the ports desk\n\nhttps://courier.example/rss  Norvik Courier\nhttp://gazette.example/atom\n"
                    "https://courier.example/rss\n")
    assert [(f.url, f.title) for f in read_feed_list(text)] == [
        ("https://courier.example/rss", "Norvik Courier"), ("http://gazette.example/atom", None)]


@pytest.mark.parametrize("content, message", [
    ("https://courier.example/rss\nftp://files.example/feed\n", "feeds.txt:2: 'ftp://files.example/feed' is not"),
    ("# nothing yet\n", "no feeds listed"),
    ("<opml><body><outline xmlUrl='https://a.example/rss'></body>", "feeds.txt:1: not well-formed OPML"),
])
def test_bad_feed_lists_name_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "feeds.txt"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_feed_list(path)
    with pytest.raises(InputError, match="cannot read"):
        read_feed_list(tmp_path / "missing.txt")


# ---- polling -----------------------------------------------------------------------------------------
def test_new_entries_are_read_in_full_and_a_second_poll_is_conditional(store, site):
    feed = site.feed("/ports.rss", rss(1, 2), etag='"v1"')
    for n in (1, 2):
        site.routes[f"/news/{n}.html"] = Route(body=page(n))
    clock, reports = Clock(), []
    watcher = make_watcher(store, [feed], clock, reports=reports)

    (first,) = watcher.poll_all()
    assert (first.status, first.entries, first.read, first.stored) == ("new", 2, 2, 2)
    texts = stored_texts(store)
    assert set(texts) == {"courier-1", "courier-2"}
    assert "repairs to pier 1 had cost less" in texts["courier-1"]  # the page's full text, not the teaser
    assert "Home | Ports" not in texts["courier-1"]  # trafilatura kept the article, not the navigation
    (doc,) = [d for _, d in store.iter_documents() if d.id == "courier-2"]
    assert (doc.title, doc.source, doc.url, doc.date) == ("Pier 2 reopens", "Norvik Courier: ports",
                                                          f"{site.base}/news/2.html", dt.date(2026, 12, 3))
    state = store.feed_state(feed)
    assert (state.etag, state.failures, state.entries, state.title) == ('"v1"', 0, 2, "Norvik Courier: ports")
    assert state.next_poll_at == clock.now + dt.timedelta(seconds=600)
    assert reports == [first] and "2 new entries read: 2 stored" in first.line()

    # Not due yet: nothing is fetched. Once due, the feed answers 304 to its ETag and no page is fetched.
    before = len(site.requests)
    assert watcher.poll_all(only_due=True) == []
    clock.advance(601)
    (second,) = watcher.poll_all(only_due=True)
    assert second.status == "unchanged" and second.line().endswith("no new entries")
    assert site.paths()[before:] == ["/ports.rss"] and site.requests[-1][1]["If-None-Match"] == '"v1"'

    # A new entry: only its page is fetched, and the stored state survives reopening the store.
    site.feed("/ports.rss", rss(1, 2, 3), etag='"v2"')
    site.routes["/news/3.html"] = Route(body=page(3))
    before = len(site.requests)
    (third,) = watcher.poll_all()
    assert (third.entries, third.stored) == (1, 1)
    assert site.paths()[before:] == ["/ports.rss", "/news/3.html"]
    assert store.feed_state(feed).entries == 3 and store.feed_state(feed).etag == '"v2"'
    assert store.unseen_entries(feed, ["courier-1", "courier-3", "courier-9"]) == ["courier-9"]


def test_robots_txt_is_read_once_and_obeyed(store, site):
    site.routes["/robots.txt"] = Route(body=b"User-agent: *\nDisallow: /news/2.html\n", content_type="text/plain")
    feed = site.feed("/ports.rss", rss(1, 2))
    for n in (1, 2):
        site.routes[f"/news/{n}.html"] = Route(body=page(n))
    problems: list = []
    watcher = make_watcher(store, [feed], problems=problems)
    (report,) = watcher.poll_all()
    assert report.stored == 2
    assert site.paths().count("/robots.txt") == 1 and "/news/2.html" not in site.paths()
    texts = stored_texts(store)
    assert "repairs to pier 1" in texts["courier-1"]
    assert texts["courier-2"].startswith("Pier 2 teaser")  # refused by robots.txt: the feed's own text

    site.routes["/robots.txt"] = Route(body=b"User-agent: claimgraph\nDisallow: /\n", content_type="text/plain")
    fetcher = Fetcher(FetchSettings(host_interval=0))
    with pytest.raises(FetchError, match="robots.txt of .* disallows") as caught:
        fetcher.get(feed)
    assert caught.value.permanent


def test_requests_to_one_host_keep_the_pace(site):
    for n in range(4):
        site.routes[f"/news/{n}.html"] = Route(body=page(n))
    fetcher = Fetcher(FetchSettings(host_interval=0.15))
    for n in range(4):
        fetcher.get(f"{site.base}/news/{n}.html")
    starts = [at for _, _, at in site.requests]  # robots.txt (404: everything allowed), then four pages
    assert len(starts) == 5
    assert all(later - earlier >= 0.14 for earlier, later in zip(starts, starts[1:]))


def test_a_crawl_delay_longer_than_the_pace_is_kept(site):
    site.routes["/robots.txt"] = Route(body=b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    site.routes["/a.html"] = site.routes["/b.html"] = Route(body=page(1))
    fetcher = Fetcher(FetchSettings(host_interval=0.01))
    fetcher.get(f"{site.base}/a.html")
    fetcher.get(f"{site.base}/b.html")
    starts = [at for _, _, at in site.requests]
    assert starts[2] - starts[1] >= 0.95  # robotparser reads whole seconds only


def test_a_failing_feed_backs_off_and_never_stops_the_others(store, site, monkeypatch):
    site.routes["/broken.rss"] = Route(status=500, body=b"oops")
    site.routes["/garbage.rss"] = Route(body=b"\x00\x01 this is no feed", content_type="application/octet-stream")
    good = site.feed("/ports.rss", rss(1))
    site.routes["/news/1.html"] = Route(body=page(1))
    gone = "http://127.0.0.1:9/closed.rss"  # nothing listens on the discard port
    feeds = [f"{site.base}/broken.rss", gone, f"{site.base}/garbage.rss", good]
    clock, reports = Clock(), []
    watcher = make_watcher(store, feeds, clock, interval=60, reports=reports)
    out = watcher.poll_all()
    assert [r.status for r in out] == ["failed", "failed", "failed", "new"] and out[3].stored == 1
    assert "HTTP 500" in out[0].error and "cannot" in out[1].error and "not a readable RSS/Atom feed" in out[2].error
    assert out[0].retry_in == 60 and "failure 1, next try in 1m" in out[0].line()

    clock.advance(61)
    again = watcher.poll_all(only_due=True)
    assert [r.url for r in again][:3] == feeds[:3] and [r.failures for r in again[:3]] == [2, 2, 2]
    assert again[0].retry_in == 120
    state = store.feed_state(feeds[0])
    assert state.failures == 2 and "HTTP 500" in state.error
    assert state.next_poll_at == clock.now + dt.timedelta(seconds=120)

    # A bug in a library on one feed is reported like any failure; the feed recovers when the bug is gone.
    import feedparser

    real = feedparser.parse
    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("parser bug")))
    (boom,) = watcher.poll_all()[3:]
    assert boom.status == "failed" and "unexpected RuntimeError: parser bug" in boom.error
    monkeypatch.setattr(feedparser, "parse", real)
    site.routes["/broken.rss"] = Route(body=rss(), content_type="application/rss+xml")
    recovered = watcher.poll(FeedSpec(url=feeds[0]))
    assert recovered.status == "unchanged" and store.feed_state(feeds[0]).failures == 0


def test_a_page_that_fails_for_now_is_tried_again_at_the_next_poll(store, site):
    feed = site.feed("/ports.rss", rss(1, 2), etag='"v1"')
    site.routes["/news/1.html"] = Route(body=page(1))
    site.routes["/news/2.html"] = Route(status=503, body=b"busy")
    site.routes["/news/3.html"] = Route(status=404)
    problems: list = []
    watcher = make_watcher(store, [feed], problems=problems)
    (first,) = watcher.poll_all()
    assert (first.entries, first.read, first.stored) == (2, 1, 1)
    assert any("HTTP 503" in str(p) for p in problems)
    assert store.feed_state(feed).etag is None  # so that the next poll is not answered 304

    site.routes["/news/2.html"] = Route(body=page(2))
    (second,) = watcher.poll_all()
    assert (second.entries, second.read, second.stored) == (1, 1, 1)
    assert store.feed_state(feed).etag == '"v1"'
    assert set(stored_texts(store)) == {"courier-1", "courier-2"}


def test_an_entry_without_a_readable_page_or_text_is_reported_and_not_asked_again(store, site):
    body = rss(4).replace(b"<description>", b"<!--").replace(b"</description>", b"-->")
    feed = site.feed("/ports.rss", body)
    site.routes["/news/4.html"] = Route(status=410)
    problems: list = []
    watcher = make_watcher(store, [feed], problems=problems)
    (report,) = watcher.poll_all()
    assert (report.read, report.stored, report.skipped) == (1, 0, 1)
    assert any("HTTP 410" in str(p) for p in problems)
    (again,) = watcher.poll_all()
    assert again.status == "unchanged" and site.paths().count("/news/4.html") == 1


def test_a_poll_reads_at_most_max_entries_oldest_first(store, site):
    feed = site.feed("/ports.rss", rss(5, 4, 3, 2, 1), etag='"v1"')  # newest first, as feeds list them
    for n in range(1, 6):
        site.routes[f"/news/{n}.html"] = Route(body=page(n))
    watcher = make_watcher(store, [feed], max_entries=2)
    (first,) = watcher.poll_all()
    assert (first.entries, first.read) == (5, 2) and "3 more next poll" in first.line()
    assert set(stored_texts(store)) == {"courier-1", "courier-2"}
    watcher.poll_all()
    watcher.poll_all()
    assert len(stored_texts(store)) == 5 and store.feed_state(feed).etag == '"v1"'


def test_entries_already_stored_by_content_are_duplicates_not_errors(store, site):
    """A crash after ingest but before the entries were recorded: the next poll finds the texts stored."""
    feed = site.feed("/ports.rss", rss(1))
    site.routes["/news/1.html"] = Route(body=page(1))
    watcher = make_watcher(store, [feed])
    watcher.poll_all()
    with store.write_transaction() as conn:
        from claimgraph.store import schema

        conn.execute(schema.feed_entries.delete())
    (again,) = watcher.poll_all()
    assert (again.read, again.stored, again.duplicates) == (1, 0, 1) and store.stats().documents == 1


def test_the_stop_event_ends_the_loop_promptly(tmp_path, site):
    feed = site.feed("/ports.rss", rss(1))
    site.routes["/news/1.html"] = Route(body=page(1))
    reports: list = []
    with open_store(str(tmp_path / "w.db")) as store:
        watcher = make_watcher(store, [feed], interval=3600, reports=reports)
        runner = threading.Thread(target=watcher.run)
        runner.start()
        deadline = time.monotonic() + 30
        while not reports and time.monotonic() < deadline:
            time.sleep(0.05)
        watcher.stop.set()
        runner.join(timeout=10)
        assert not runner.is_alive() and [r.stored for r in reports] == [1]

    # Waiting for a host's turn ends at once too: the page's turn comes 30 s after robots.txt's.
    fetcher = Fetcher(FetchSettings(host_interval=30))
    threading.Timer(0.3, fetcher.stop.set).start()
    started = time.monotonic()
    with pytest.raises(Stopped):
        fetcher.get(f"{site.base}/news/1.html")
    assert time.monotonic() - started < 5 and site.paths()[-1] == "/robots.txt"


def test_the_watcher_gives_up_a_trickling_server_at_the_deadline(site):
    """collect fetches with ingest's bounded request (claimgraph.ingest.fetch): an overall deadline, not only a
    timeout per read, which a byte every 0.2 s never reaches."""
    site.routes["/robots.txt"] = Route(status=404)
    site.routes["/slow.rss"] = Route(body=rss(1) * 20, trickle=0.2, content_type="application/rss+xml")
    fetcher = Fetcher(FetchSettings(host_interval=0, timeout=5, deadline=1.5))
    started = time.monotonic()
    with pytest.raises(FetchError, match="no complete response within") as caught:
        fetcher.get(site.base + "/slow.rss")
    assert time.monotonic() - started < 5 and not caught.value.permanent  # tried again at the next poll


def test_the_watcher_decodes_gzip_and_refuses_a_gzip_bomb_at_the_cap(site):
    site.routes["/robots.txt"] = Route(status=404)
    site.routes["/feed.rss"] = Route(body=rss(1, 2), gzipped=True, content_type="application/rss+xml")
    site.routes["/bomb.rss"] = Route(body=b"<rss>" + b" " * (8 << 20), gzipped=True)  # 8 MiB in about 8 KB
    fetcher = Fetcher(FetchSettings(host_interval=0, max_bytes=1 << 20))
    response = fetcher.get(site.base + "/feed.rss")
    assert response.body == rss(1, 2).replace(b"{base}", site.base.encode())
    assert "content-encoding" not in response.headers  # the body is decoded: feedparser must not decode it again
    with pytest.raises(FetchError, match="once decoded"):
        fetcher.get(site.base + "/bomb.rss")


def test_unreachable_and_non_http_urls_are_clear_errors():
    fetcher = Fetcher(FetchSettings(host_interval=0, timeout=3))
    with pytest.raises(OfflineError, match="127.0.0.1:9/robots.txt: cannot be read"):
        fetcher.get("http://127.0.0.1:9/feed.rss")
    with pytest.raises(FetchError, match="not an http"):
        fetcher.get("file:///etc/passwd")


# ---- the command -------------------------------------------------------------------------------------
def test_watch_once_command(tmp_path, site, monkeypatch):
    from click.testing import CliRunner

    import claimgraph.extract
    from claimgraph.cli import main

    monkeypatch.setattr(claimgraph.extract, "Extractor", lambda *a, **k: FakeExtractor())
    feed = site.feed("/ports.rss", rss(1))
    site.routes["/news/1.html"] = Route(body=page(1))
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"{feed} Norvik Courier\n")
    db = str(tmp_path / "w.db")
    result = CliRunner().invoke(main, ["watch", str(listing), "--once", "--db", db, "--host-interval", "0"])
    assert result.exit_code == 0, result.output
    assert f"{feed}: 1 new entries read: 1 stored" in result.output

    listing.write_text(f"{feed}\n{site.base}/missing.rss\n")
    result = CliRunner().invoke(main, ["watch", str(listing), "--once", "--db", db, "--host-interval", "0"])
    assert result.exit_code == 10 and "missing.rss: failed (" in result.output and "HTTP 404" in result.output
    assert "Traceback" not in result.output

    result = CliRunner().invoke(main, ["watch", str(tmp_path / "none.txt"), "--once", "--db", db])
    assert result.exit_code == 3 and "cannot read" in result.output


@pytest.mark.e2e
def test_sigterm_stops_the_watch_cleanly(tmp_path, site):
    """The real command, pipeline and all, in a process of its own: SIGTERM after the first poll ends it with
    exit code 0 and the entry stored."""
    import os
    import signal
    import subprocess
    import sys

    feed = site.feed("/ports.rss", rss(1))
    site.routes["/news/1.html"] = Route(body=page(1))
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"{feed}\n")
    db = tmp_path / "w.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "claimgraph.cli", "watch", str(listing), "--db", str(db), "--interval", "3600",
         "--host-interval", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        deadline = time.monotonic() + 120
        while "/news/1.html" not in site.paths() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "1 stored" in out and "SIGTERM: stopping" in err and "claimgraph: stopped" in err, (out, err)
    assert "Traceback" not in err
    with open_store(str(db), read_only=True) as store:
        assert store.stats().documents == 1
