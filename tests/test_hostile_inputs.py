"""Issue 10's fourteen findings, each with its minimal input: one hostile input never stops the rest.

Findings covered elsewhere: 7 and 8 (XML-invalid characters, CSV formulas, never a partial file) in
test_export_safety.py; 12 and 13 (LIKE wildcards, huge names, read-only stores) and 14's read-only message in
test_store_safety.py; 14's UTF-16 in test_encodings.py. Signals (10) are in test_signals.py.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import threading
import time
from pathlib import Path

import pytest

from claimgraph.errors import DataFileError, InputError
from claimgraph.ingest import ingest, iter_documents
from claimgraph.models import Document
from claimgraph.textio import MAX_CHARS

try:
    from tests.test_store import FakeExtractor
except ImportError:  # tests/ is not a package
    from test_store import FakeExtractor  # type: ignore[no-redef]


def report(n: int) -> str:
    return (f"Report number {n}: in a statement issued on Monday the officials said that the talks had been "
            f"held in the capital of the country for the {n}th time this year.")


def docs(items):
    return [i for i in items if isinstance(i, Document)]


def errors(items):
    return [i for i in items if not isinstance(i, Document)]


def jsonl(records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


# ---- 1: one bad record aborts the whole ingest ------------------------------------------------------------
DEEP = '{"id": "deep", "text": "x", "n": ' + "[" * 5000 + "]" * 5000 + "}"
LONG_NUMBER = '{"id": "long", "text": "x", "n": ' + "9" * 5000 + "}"


@pytest.mark.parametrize("bad", [DEEP, LONG_NUMBER], ids=["nested-5000-deep", "5000-digit-number"])
def test_a_bad_line_is_skipped_and_every_other_document_stored(store, tmp_path, bad):
    lines = [{"id": f"d{i}", "text": report(i)} for i in range(301)]
    lines[150] = bad
    (tmp_path / "in.jsonl").write_text(jsonl(lines))
    (tmp_path / "also.txt").write_text(report(999))
    summary = ingest(iter_documents([str(tmp_path / "in.jsonl"), str(tmp_path / "also.txt")]), store,
                     FakeExtractor(), workers=1)
    assert (summary.stored, summary.skipped) == (301, 1)
    assert "in.jsonl:151: malformed JSON" in summary.problems[0]


@pytest.mark.parametrize("bad", [DEEP, LONG_NUMBER], ids=["nested", "long-number"])
def test_a_bad_json_file_is_one_skipped_entry(tmp_path, bad):
    (tmp_path / "a.json").write_text(bad)
    (tmp_path / "b.txt").write_text(report(1))
    items = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in docs(items)] == ["b"] and "a.json: malformed JSON" in str(errors(items)[0])


# ---- 2: texts between spaCy's max_length and the input limit ----------------------------------------------
def test_the_input_limit_is_what_the_pipeline_reads_whole(extractor):
    assert MAX_CHARS <= extractor.nlp.max_length
    too_long = Document(id="long", text="The army attacked the town. " * (MAX_CHARS // 28 + 1))
    ok = Document(id="ok", text=report(1))
    outcomes = list(extractor.extract_each([too_long, ok]))
    assert isinstance(outcomes[0], InputError) and "over the limit" in str(outcomes[0])
    assert outcomes[1].document.id == "ok"


# ---- 3: lone surrogates, control characters ---------------------------------------------------------------
def test_normalised_text_keeps_its_length():
    from claimgraph.textio import normalise_text

    text = "a\ud800b\x00c\x1fd\x7fe\x9ff\tg\nh\ud83d"
    assert normalise_text(text) == "a\ufffdb c d e f\tg\nh\ufffd" and len(normalise_text(text)) == len(text)


def test_lone_surrogates_in_jsonl_and_feeds_are_extracted_and_stored(extractor, store, tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "s1", "text": "The army attacked the town \\ud800 on Monday."}\n')
    (tmp_path / "b.rss").write_text('<rss version="2.0"><channel><title>F</title><item><link>http://x/1</link>'
                                    "<description>The navy shelled the port &#xD800; on Friday."
                                    "</description></item></channel></rss>")
    summary = ingest(iter_documents([str(tmp_path)]), store, extractor, workers=1)
    assert summary.stored == 2, summary.problems
    texts = [r.document.text for r in store.iter_results()]
    assert all("\ud800" not in t for t in texts) and any("\ufffd" in t for t in texts)


# ---- 4: reader exceptions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,data", [
    ("feed.rss", b'<rss version="2.0"><channel><item><description></link></content></description></item>'
                 b"</channel></rss>"),
    ("page.html", b"&nbsp;&nbsp;<script><html><!DOCTYPE html>"),
    ("feed.xml", b'<rss version="2.0"><channel><item><description>&amp;nbsp;&lt;!--</description></item>'
                 b"</channel></rss>"),
], ids=["rss-description", "htmldate-assert", "comment-only-html"])
def test_reader_exceptions_are_skipped_entries(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z.txt").write_text(report(1))
    items = list(iter_documents([str(tmp_path / name), str(tmp_path / "z.txt")]))
    assert docs(items)[-1].id == "z" and all(isinstance(e, InputError) for e in errors(items))


def test_html_to_text_of_a_bare_comment():
    from claimgraph.ingest.sources import _html_to_text

    assert _html_to_text("&nbsp;<!--") == ""


def test_any_exception_in_a_reader_ends_only_that_input(monkeypatch, tmp_path):
    from claimgraph.ingest import sources

    def broken(data, name):
        raise TypeError("a reader bug")
        yield  # a generator, as the readers are

    monkeypatch.setattr(sources, "from_feed", broken)
    (tmp_path / "a.rss").write_text("<rss/>")
    (tmp_path / "b.txt").write_text(report(1))
    items = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in docs(items)] == ["b"]
    assert "a.rss: cannot be read (TypeError: a reader bug)" in str(errors(items)[0])


def test_an_exception_in_the_pipeline_skips_that_document_only(extractor, monkeypatch):
    original = extractor._make_doc

    def breaks_on_poison(document):
        if "POISON" in document.text:
            raise IndexError("a component bug")
        return original(document)

    monkeypatch.setattr(extractor, "_make_doc", breaks_on_poison)
    batch = [Document(id="a", text=report(1)), Document(id="p", text=report(2) + " POISON"),
             Document(id="c", text=report(3))]
    outcomes = list(extractor.extract_each(batch))
    assert [getattr(o, "document", None) and o.document.id for o in outcomes] == ["a", None, "c"]
    assert "IndexError: a component bug" in str(outcomes[1])


# ---- 5: hostile text is bounded in time -------------------------------------------------------------------
def test_tokenizer_safe_cuts_runs_and_keeps_offsets():
    from claimgraph.tokenizer_safe import MAX_CHUNK, MAX_SYMBOL_RUN, tokenizer_safe

    text = "Said: " + "[" * 1000 + "]" * 1000 + " and " + "a" * 500 + " end."
    safe = tokenizer_safe(text)
    assert len(safe) == len(text) and safe.startswith("Said: " + "[" * MAX_SYMBOL_RUN + " ")
    assert max(len(w) for w in safe.split()) <= MAX_CHUNK
    assert tokenizer_safe(report(1)) == report(1)


def test_brackets_take_seconds_not_minutes(extractor):
    hostile = Document(id="brackets", text="The army attacked the town. " + "[" * 16000 + "]" * 16000)
    started = time.monotonic()
    result = extractor.extract(hostile)
    assert time.monotonic() - started < 30  # was 100-163 s
    assert result.document.text == hostile.text  # quoted as given, not as the tokenizer read it


def test_a_document_over_its_time_budget_is_skipped(monkeypatch):
    import spacy

    from claimgraph.extract import DocumentTimeout, Extractor, TimeBudget

    nlp = spacy.blank("en")

    @spacy.Language.component("cg_test_slow")
    def slow(doc):
        if "SLOW" in doc.text:
            time.sleep(5)
        return doc

    nlp.add_pipe("cg_test_slow")
    extractor = Extractor(nlp=nlp, budget=TimeBudget(base=0.5, per_char=0))
    batch = [Document(id="a", text=report(1)), Document(id="s", text=report(2) + " SLOW"),
             Document(id="c", text=report(3))]
    started = time.monotonic()
    outcomes = list(extractor.extract_each(batch))
    assert time.monotonic() - started < 3
    assert isinstance(outcomes[1], DocumentTimeout) and "time budget" in str(outcomes[1])
    assert [o.document.id for o in (outcomes[0], outcomes[2])] == ["a", "c"]


# ---- 6: URL fetches: an overall deadline, a size cap, gzip ------------------------------------------------
class _Server:
    """A local HTTP server whose handler is given; the URL of a path on it."""

    def __init__(self, handle):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                handle(self)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    try:
        for _ in range(100):
            handler.wfile.write(b"ab")
            handler.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass


def _gzip(body: bytes, ctype: str = "text/plain"):
    def handle(handler):
        data = gzip.compress(body)
        handler.send_response(200)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return handle


def test_a_trickling_server_is_given_up_at_the_deadline_and_the_rest_read(monkeypatch, tmp_path):
    from claimgraph.ingest import fetch

    monkeypatch.setattr(fetch, "FETCH_DEADLINE", 2)
    (tmp_path / "a.txt").write_text(report(1))
    with _Server(_trickle) as server:
        started = time.monotonic()
        items = list(iter_documents([server.url("/slow"), str(tmp_path / "a.txt")]))
    assert time.monotonic() - started < 6
    assert "no complete response within" in str(items[0]) and items[1].id == "a"


def test_gzip_bodies_are_decoded():
    with _Server(_gzip(report(7).encode())) as server:
        (item,) = list(iter_documents([server.url("/r.txt")]))
    assert isinstance(item, Document) and item.text == report(7)


def test_a_gzip_bomb_is_refused_at_the_cap(monkeypatch):
    from claimgraph.ingest import fetch

    monkeypatch.setattr(fetch, "MAX_FETCH_BYTES", 1 << 20)
    with _Server(_gzip(b"a" * (32 << 20))) as server:  # 32 MiB in about 32 KB
        (item,) = list(iter_documents([server.url("/bomb.txt")]))
    assert isinstance(item, InputError) and "once decoded" in str(item)


# ---- 9: a document URL that is not a URI ------------------------------------------------------------------
def test_stix_validates_with_a_url_that_is_not_a_uri():
    pytest.importorskip("stix2validator")
    from stix2validator import ValidationOptions, validate_string

    try:
        from tests.export_data import export, make_kb, make_results
    except ImportError:
        from export_data import export, make_kb, make_results  # type: ignore[no-redef]
    results = make_results()
    for i, bad in enumerate(["not a uri [1]", "www.example.org/a b", "http://exa mple.org/\x01"]):
        results[i % len(results)] = results[i % len(results)].model_copy(update={"document": results[
            i % len(results)].document.model_copy(update={"url": bad})})
    data, _ = export("stix", results, make_kb())
    outcome = validate_string(data.decode("utf-8"), ValidationOptions(strict=False))
    assert outcome.is_valid, [str(e) for e in outcome.errors]


# ---- 11: bounded reads ------------------------------------------------------------------------------------
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("name", ["zero", "zero.jsonl", "zero.csv", "zero.html", "zero.json"])
def test_an_endless_file_is_refused_after_a_bounded_read(tmp_path, name):
    link = tmp_path / name
    os.symlink("/dev/zero", link)
    (tmp_path / "z.txt").write_text(report(1))
    started = time.monotonic()
    items = list(iter_documents([str(link), str(tmp_path / "z.txt")]))
    assert time.monotonic() - started < 20
    assert isinstance(items[0], InputError) and items[-1].id == "z"


def test_stdin_is_read_bounded():
    from claimgraph.ingest import sources

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    (item,) = list(iter_documents(["-"], stdin=io.BufferedReader(Endless())))
    assert isinstance(item, InputError) and f"{sources.MAX_FETCH_BYTES:,}" in str(item)


BOMB = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi"))


def test_a_yaml_alias_bomb_is_refused_with_its_line(tmp_path):
    from claimgraph.datafiles import load_yaml

    path = tmp_path / "kb.yaml"
    path.write_text(BOMB)
    started = time.monotonic()
    with pytest.raises(DataFileError, match="aliases expand it"):
        load_yaml(path)
    assert time.monotonic() - started < 5
    path.write_text("a: &x [1, 2]\nb: *x\n")  # a few aliases are fine
    assert load_yaml(path)["b"][:2] == [1, 2]


# ---- 14: the remaining small ones -------------------------------------------------------------------------
def test_an_unreadable_subfolder_is_reported(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.txt").write_text(report(2))
    (tmp_path / "a.txt").write_text(report(1))
    (tmp_path / "closed").chmod(0)
    try:
        items = list(iter_documents([str(tmp_path)]))
    finally:
        (tmp_path / "closed").chmod(0o755)
    assert [d.id for d in docs(items)] == ["a"] and "closed: cannot read the folder" in str(errors(items)[0])


@pytest.mark.parametrize("value,message", [({"a": 1}, "'id' must be a string or an integer, not an object"),
                                           ([1], "not a list"), (True, "not a boolean")])
def test_non_string_ids_are_refused_not_stored_as_reprs(value, message):
    from claimgraph.textio import iter_jsonl

    (item,) = list(iter_jsonl(io.BytesIO((json.dumps({"id": value, "text": report(1)}) + "\n").encode()), "x"))
    assert isinstance(item, InputError) and message in str(item)
    (ok,) = list(iter_jsonl(io.BytesIO((json.dumps({"id": 42, "text": report(1), "title": 7}) + "\n").encode()), "x"))
    assert (ok.id, ok.title) == ("42", "7")


@pytest.mark.e2e
def test_extract_goes_on_past_a_bad_item_of_a_json_list_and_a_feed(tmp_path):
    from click.testing import CliRunner

    from claimgraph.cli import main

    (tmp_path / "list.json").write_text(json.dumps([{"id": "x"}, {"id": "ok", "text": report(1)}]))
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "list.json"), "-q", "--workers", "1"])
    assert result.exit_code == 10 and "list.json[0]" in result.output and '"id": "ok"' in result.output
    assert "Traceback" not in result.output


@pytest.mark.e2e
def test_extract_reads_jsonl_on_stdin():
    from click.testing import CliRunner

    from claimgraph.cli import main

    lines = jsonl([{"id": "s1", "text": report(1)}, "{broken", {"id": "s2", "text": report(2)}])
    result = CliRunner().invoke(main, ["extract", "-", "-q", "--workers", "1"], input=lines)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 10 and [o["document"] and o["document"]["id"] for o in out] == ["s1", None, "s2"]
