"""Re-extracting stored documents in place: same ids, statements replaced per document in one transaction,
propositions recounted, other document-keyed rows (judgements) kept; through the library and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import claimgraph
import claimgraph.extract
from claimgraph.cli import main
from claimgraph.ingest import ingest, reprocess
from claimgraph.models import Document, ExtractionResult
from claimgraph.store import open_store

try:
    from tests.test_store import _CLAIM, FakeExtractor, make_result
except ImportError:  # tests/ is not a package
    from test_store import _CLAIM, FakeExtractor, make_result  # type: ignore[no-redef]

REPORTS = [
    Document(id="r1", text="The officials said on Monday that the border talks had failed again, and AFGTAL asserts "
                          "that PAK SUPPORT ISKP while PAK denies that PAK SUPPORT ISKP in the north."),
    Document(id="r2", text="A columnist wrote in the weekend edition of the paper that the agency was behind it: "
                          "author asserts that ISI SUPPORT ISKP and author asserts that ISKP ASSAULT PAK"),
    Document(id="r3", text="The embassy said the aid would be delivered to the flooded districts within a month, "
                          "so USA asserts that USA AID PAK and author predicts that USA AID PAK"),
]


class RevisedExtractor(FakeExtractor):
    """The extractor after a knowledge-base change: ISI is now read as Pakistan itself."""

    def __init__(self, crash_after: int | None = None):
        super().__init__(fail_after=crash_after)

    def read(self, document: Document) -> ExtractionResult:
        specs = [(m[1], m[2], "PAK" if m[3] == "ISI" else m[3], m[5], m[6], bool(m[4]))
                 for m in _CLAIM.finditer(document.text)]
        return make_result(document.id, document.text, None, specs).model_copy(update={"document": document})


@pytest.fixture
def store(store_url):  # on every backend (conftest.py)
    with open_store(store_url) as s:
        ingest(REPORTS, s, FakeExtractor(), workers=1)
        yield s


def rows(store) -> dict:
    """Everything a reprocess may change or must keep, as plain values."""
    with store.engine.connect() as con:
        def query(sql: str) -> list[tuple]:
            return [tuple(r) for r in con.exec_driver_sql(sql)]

        return {
            "documents": query("SELECT pk, doc_id, content_hash, dup_group FROM documents ORDER BY pk"),
            "statements": query("SELECT d.doc_id, s.subject_key, s.event_type, s.object_key, s.stance "
                                "FROM statements s JOIN documents d ON d.pk = s.doc_pk ORDER BY d.pk, s.pos"),
            "propositions": query("SELECT key, n_statements, n_asserts, n_denies, n_sources, contested "
                                  "FROM propositions WHERE n_statements > 0 ORDER BY key"),
        }


def test_reprocess_replaces_statements_in_place(store):
    before = rows(store)
    summary = reprocess(store, RevisedExtractor())
    after = rows(store)
    assert (summary.total, summary.done, summary.skipped) == (3, 3, 0)
    assert after["documents"] == before["documents"]  # same ids, pks, hashes, duplicate groups
    assert ("r2", "ISI", "SUPPORT", "ISKP", "asserts") in before["statements"]
    assert ("r2", "PAK", "SUPPORT", "ISKP", "asserts") in after["statements"]
    assert not [s for s in after["statements"] if s[1] == "ISI"]
    props = {p[0]: p for p in after["propositions"]}
    assert "ISI|SUPPORT|ISKP|0" not in props  # recounted to nothing, out of every list
    assert props["PAK|SUPPORT|ISKP|0"][1:] == (3, 2, 1, 2, True)  # the columnist now corroborates the Taliban
    # the store agrees with a rebuild from scratch
    store.rebuild_propositions()
    assert rows(store)["propositions"] == after["propositions"]
    # full-text search finds the statements once each, not the deleted rows
    assert [h.claim.statement_id for h in store.search("columnist")] == ["r2-s0", "r2-s1"]
    # re-extracting again changes nothing
    reprocess(store, RevisedExtractor())
    assert rows(store) == after


def test_reprocess_selects_by_document_and_date(store):
    summary = reprocess(store, RevisedExtractor(), doc_ids=["r2"])
    assert (summary.total, summary.done) == (1, 1)
    import datetime as dt

    assert reprocess(store, RevisedExtractor(), since=dt.date(2099, 1, 1)).total == 0


def test_judgements_survive_re_extraction(store):
    """Judgements are keyed by (document, span, proposition), not by statement row: reprocess keeps them, and each
    still applies to its statement when re-extraction reproduces it."""
    changed = store.add_judgement("r2", "r2-s0", "reject")  # ISI SUPPORT ISKP: re-read as PAK SUPPORT ISKP
    same = store.add_judgement("r2", "r2-s1", "confirm")  # ISKP ASSAULT PAK: extracted again as it was
    reprocess(store, RevisedExtractor())
    now = {j.id: j for j in store.judgements()}
    assert set(now) == {changed.id, same.id}
    assert now[same.id].current_statement_id == "r2-s1"
    assert now[changed.id].current_statement_id is None and now[changed.id].original["subject"] == "ISI"


def test_reprocess_of_some_documents_keeps_every_judgement(store):
    """--doc and --since re-extract some documents: the judgements of those and of the others are all kept."""
    import datetime as dt

    other = store.add_judgement("r1", "r1-s0", "confirm")
    kept = store.add_judgement("r2", "r2-s1", "confirm")
    reprocess(store, RevisedExtractor(), doc_ids=["r2"])
    reprocess(store, RevisedExtractor(), since=dt.date(1900, 1, 1))
    now = {j.id: j for j in store.judgements()}
    assert set(now) == {other.id, kept.id}
    assert now[kept.id].current_statement_id == "r2-s1" and now[other.id].doc_id == "r1"


def test_a_crash_mid_run_leaves_every_document_old_or_new_and_a_rerun_finishes(store):
    before = rows(store)
    with pytest.raises(RuntimeError):
        reprocess(store, RevisedExtractor(crash_after=2))  # r1 and r2 re-extracted, then the crash
    middle = rows(store)
    assert middle["documents"] == before["documents"]
    assert ("r2", "PAK", "SUPPORT", "ISKP", "asserts") in middle["statements"]
    assert [s for s in middle["statements"] if s[0] == "r3"] == [s for s in before["statements"] if s[0] == "r3"]
    assert len(middle["statements"]) == len(before["statements"])  # whole documents only
    store.rebuild_propositions()
    assert rows(store)["propositions"] == middle["propositions"]  # counts consistent with the statements
    reprocess(store, RevisedExtractor())
    fresh_rows = rows(store)
    assert not [s for s in fresh_rows["statements"] if s[1] == "ISI"]


def test_cli_reprocess(tmp_path, monkeypatch):
    db = str(tmp_path / "c.db")
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps({"id": d.id, "text": d.text}) for d in REPORTS) + "\n")
    monkeypatch.setattr(claimgraph.extract, "Extractor", lambda kb_paths=(), **kw: FakeExtractor())
    assert CliRunner().invoke(main, ["ingest", str(tmp_path / "in.jsonl"), "--db", db, "-q"]).exit_code == 0
    monkeypatch.setattr(claimgraph.extract, "Extractor", lambda kb_paths=(), **kw: RevisedExtractor())
    done = CliRunner().invoke(main, ["reprocess", "--db", db, "--doc", "r2", "--workers", "1"])
    assert done.exit_code == 0, done.output
    assert "1 of 1 documents re-extracted" in done.stdout
    claims = json.loads(CliRunner().invoke(main, ["claims", "--db", db, "--format", "json"]).stdout)
    assert {(c["doc_id"], c["subject"]) for c in claims if c["event_type"] == "SUPPORT"} == {
        ("r1", "PAK"), ("r2", "PAK")}
    missing = CliRunner().invoke(main, ["reprocess", "--db", db, "--doc", "nope"])
    assert missing.exit_code == 2 and "no stored document" in missing.stderr
    nodb = CliRunner().invoke(main, ["reprocess", "--db", str(tmp_path / "typo.db")])
    assert nodb.exit_code == 6 and not (tmp_path / "typo.db").exists()


@pytest.mark.e2e
def test_reprocess_with_the_real_pipeline_is_idempotent(tmp_path, extractor):
    from pathlib import Path

    from claimgraph.textio import iter_jsonl

    with (Path(claimgraph.__file__).parent / "data" / "samples" / "reports.jsonl").open("rb") as stream:
        documents = [d for d in iter_jsonl(stream, "reports.jsonl")][:3]
    with open_store(tmp_path / "e.db") as s:
        ingest(documents, s, extractor, workers=1)
        before = rows(s)
        assert before["statements"]
        summary = reprocess(s, extractor)
        assert summary.done == len(documents) and rows(s) == before


def test_known_count_of_inputs(tmp_path):
    from claimgraph.ingest.sources import known_count

    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>two</p>")
    (tmp_path / "sub" / "c.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n')
    (tmp_path / "sub" / "notes.doc").write_text("ignored by the folder reader")
    (tmp_path / ".hidden.txt").write_text("hidden")
    assert known_count([str(tmp_path)]) == 4
    assert known_count([str(tmp_path / "a.txt"), str(tmp_path / "sub" / "c.jsonl")]) == 3
    (tmp_path / "feed.xml").write_text("<rss/>")
    assert known_count([str(tmp_path)]) is None  # a feed's entries are not known until it is read
    assert known_count(["-"]) is None and known_count(["https://example.org/a"]) is None


def test_workers_default_to_the_cores():
    import os

    from claimgraph.cli.common import default_workers

    assert default_workers() == len(os.sched_getaffinity(0))
    for command in ("extract", "ingest", "reprocess"):
        assert "number of cores" in " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
