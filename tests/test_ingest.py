"""Ingest on a real SQLite file: readers for each input kind, idempotence, resume after a crash, bad input."""

from __future__ import annotations

import io
import json

import pytest

from claimgraph.errors import InputError, OfflineError
from claimgraph.ingest import SKIPPED_EXIT, ingest, iter_documents
from claimgraph.models import Document

try:
    from tests.test_store import FakeExtractor
except ImportError:  # tests/ is not a package
    from test_store import FakeExtractor  # type: ignore[no-redef]


def report(n: int, claim: str = "") -> str:
    return (f"Report number {n}: in a statement issued on Monday the officials said that the talks had been "
            f"held in the capital of the country for the {n}th time this year. {claim}").strip()


def docs(items):
    return [i for i in items if isinstance(i, Document)]


def errors(items):
    return [i for i in items if not isinstance(i, Document)]


# ---- readers -----------------------------------------------------------------------------------------
def test_text_markdown_and_folders_recursively(tmp_path):
    (tmp_path / "a.txt").write_text(report(1))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# Title\n\n" + report(2))
    (tmp_path / "sub" / "ignored.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text(report(3))
    items = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in docs(items)] == ["a", "b"] and not errors(items)
    assert docs(items)[0].source == str(tmp_path / "a.txt")


def test_json_object_list_and_jsonl_with_a_malformed_line(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "j1", "text": report(1), "date": "2025-01-02"}))
    (tmp_path / "many.json").write_text(json.dumps([{"id": "j2", "text": report(2)}, {"id": "bad"}]))
    (tmp_path / "lines.jsonl").write_text("\n".join([
        json.dumps({"id": "l1", "text": report(3), "title": "T", "url": "http://x/1", "source": "Wire"}),
        "{not json",
        json.dumps({"id": "l3", "text": report(4)}),
    ]))
    items = list(iter_documents([str(tmp_path / n) for n in ("one.json", "many.json", "lines.jsonl")]))
    assert [d.id for d in docs(items)] == ["j1", "j2", "l1", "l3"]
    assert docs(items)[0].date.isoformat() == "2025-01-02" and docs(items)[2].url == "http://x/1"
    messages = [str(e) for e in errors(items)]
    assert any("many.json[1]" in m and "'text'" in m for m in messages)
    assert any("lines.jsonl:2" in m and "malformed JSON" in m for m in messages)


def test_csv_text_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(f'id,body,date\nc1,"{report(1)}",2025-02-02\nc2,"{report(2)}",bad-date\n')
    items = list(iter_documents([str(path)], text_column="body"))
    assert [d.id for d in docs(items)] == ["c1"]
    assert "r.csv:3" in str(errors(items)[0])
    (missing,) = list(iter_documents([str(path)]))
    assert isinstance(missing, InputError) and "--text-column" in str(missing)


def test_html_main_text_and_metadata(tmp_path):
    page = ("<html><head><title>Border clash</title><meta property='og:site_name' content='Daily Wire'>"
            "<meta name='date' content='2025-05-06'></head><body><nav>Home | World</nav><article>"
            f"<p>{report(1)}</p><p>{report(2)}</p></article><footer>Cookie policy</footer></body></html>")
    (tmp_path / "page.html").write_text(page)
    (doc,) = list(iter_documents([str(tmp_path / "page.html")]))
    assert doc.title == "Border clash" and doc.source == "Daily Wire" and doc.date.isoformat() == "2025-05-06"
    assert "Report number 2" in doc.text and "Cookie" not in doc.text


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Example Feed</title>
<item><title>One</title><link>http://example.org/1</link><pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;{one}&lt;/p&gt;</description></item>
<item><title>Empty</title><link>http://example.org/2</link></item>
<item><title>Three</title><link>http://example.org/3</link><description>{three}</description></item>
</channel></rss>"""


def test_rss_feed_entries_and_a_broken_entry(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(RSS.format(one=report(1), three=report(3)))
    items = list(iter_documents([str(path)]))
    first, third = docs(items)
    assert (first.url, first.title, first.source, first.date.isoformat()) == (
        "http://example.org/1", "One", "Example Feed", "2025-03-04")
    assert first.text.startswith("Report number 1") and "<p>" not in first.text
    assert third.url == "http://example.org/3"
    assert "feed.rss: entry 2" in str(errors(items)[0])


def test_not_a_feed_and_unreadable_paths(tmp_path):
    (tmp_path / "junk.xml").write_text("<root>nothing</root>")
    items = list(iter_documents([str(tmp_path / "junk.xml"), str(tmp_path / "missing.txt")]))
    assert len(errors(items)) == 2 and "not a readable RSS/Atom feed" in str(items[0])
    assert "no such file" in str(items[1])


def test_stdin_text_and_jsonl():
    (doc,) = list(iter_documents(["-"], stdin=io.BytesIO(report(1).encode())))
    assert doc.id == "stdin"
    lines = "\n".join(json.dumps({"id": f"s{i}", "text": report(i)}) for i in range(3)).encode()
    assert [d.id for d in iter_documents(["-"], stdin=io.BytesIO(lines))] == ["s0", "s1", "s2"]


def test_unreachable_url_is_an_offline_error():
    (item,) = list(iter_documents(["http://127.0.0.1:9/report.html"]))
    assert isinstance(item, OfflineError) and "127.0.0.1:9" in str(item)


# ---- ingest loop -------------------------------------------------------------------------------------
def test_ingest_is_idempotent(store):
    documents = [Document(id=f"d{i}", text=report(i, "author asserts that PAK SUPPORT ISKP")) for i in range(3)]
    first = ingest(documents + documents[:1], store, FakeExtractor(), workers=1)
    assert (first.stored, first.duplicates, first.skipped) == (3, 1, 0) and first.exit_code == 0
    extractor = FakeExtractor()
    second = ingest(documents, store, extractor, workers=1)
    assert (second.stored, second.duplicates) == (0, 3) and extractor.calls == 0  # no NLP spent on them
    assert store.stats().documents == 3 and store.stats().statements == 3


def test_near_duplicates_are_stored_but_grouped(store):
    wire = report(7, "author asserts that ISKP ASSAULT PAK")
    copies = [Document(id="wire", text=wire), Document(id="copy", text="Syndicated: " + wire + " (AP)"),
              Document(id="own", text="Our correspondent in the region confirmed independently that the attack "
                                       "took place; author asserts that ISKP ASSAULT PAK")]
    summary = ingest(copies, store, FakeExtractor(), workers=1)
    assert (summary.stored, summary.near_duplicates) == (3, 1)
    (prop,) = store.propositions()
    assert prop.statements == 3 and prop.sources == 2


def test_resume_after_a_crash_mid_run(store):
    documents = [Document(id=f"d{i}", text=report(i, "author asserts that PAK SUPPORT ISKP")) for i in range(6)]
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest(documents, store, FakeExtractor(fail_after=4), workers=1)
    stats = store.stats()
    assert stats.documents == 4 and stats.statements == 4  # only whole documents
    for result in store.iter_results():
        assert len(result.statements) == 1 and result.actors
    summary = ingest(documents, store, FakeExtractor(), workers=1)
    assert (summary.stored, summary.duplicates) == (2, 4)
    assert store.stats().documents == 6 and store.propositions()[0].statements == 6


def test_bad_documents_are_reported_and_the_rest_stored(store):
    items = [
        Document(id="ok1", text=report(1)),
        InputError("feed.xml: entry 2: no text"),
        Document(id="empty", text="   "),
        Document(id="french", text="Le gouvernement a annoncé mardi une nouvelle série de mesures pour les "
                                   "entreprises touchées par la crise énergétique dans plusieurs régions."),
        Document(id="refused", text=report(2, "POISON")),
        Document(id="ok2", text=report(3)),
    ]
    problems = []
    summary = ingest(items, store, FakeExtractor(refuse="POISON"), workers=1, on_problem=problems.append)
    assert summary.stored == 2 and summary.skipped == 4 and summary.exit_code == SKIPPED_EXIT
    assert {d.document.id for d in store.iter_results()} == {"ok1", "ok2"}
    text = "\n".join(summary.problems)
    assert "entry 2" in text and "empty" in text and "English" in text and "refused" in text
    assert len(problems) == 4
    assert "4 skipped" in summary.line()


def test_urls_fetch_feeds_and_pages_from_a_local_server(tmp_path):
    import functools
    import http.server
    import threading

    (tmp_path / "feed.xml").write_text(RSS.format(one=report(1), three=report(3)))
    (tmp_path / "page.html").write_text(f"<html><head><title>T</title></head><body><article><p>{report(5)}</p>"
                                        f"<p>{report(6)}</p></article></body></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        items = list(iter_documents([f"{base}/feed.xml", f"{base}/page.html", f"{base}/missing.html"]))
    finally:
        server.shutdown()
        server.server_close()
    assert [d.url for d in docs(items)] == ["http://example.org/1", "http://example.org/3", f"{base}/page.html"]
    assert "Report number 6" in docs(items)[2].text
    messages = [str(e) for e in errors(items)]
    assert any("entry 2" in m for m in messages) and any("HTTP 404" in m for m in messages)
