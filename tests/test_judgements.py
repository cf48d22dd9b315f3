"""The review log: append-only judgements keyed by document, span and proposition, on every backend; they follow
their statement through re-extraction; the judge and judgements commands; the JSONL export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimgraph.cli import main
from claimgraph.errors import InputError, NotFoundError
from claimgraph.store import open_store

try:
    from tests.test_store import make_result
except ImportError:  # tests/ is not a package
    from test_store import make_result  # type: ignore[no-redef]

CLAIMS = [("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP"), ("PAK", "denies", "PAK", "SUPPORT", "ISKP"),
          ("author", "asserts", "ISKP", "ASSAULT", "PAK")]
TEXT = ("Officials of Pakistan, the Afghan Taliban, the United States and Islamic State Khorasan Province were "
        "quoted in this fictional report.")


@pytest.fixture
def store(store_url):  # on every backend (conftest.py)
    with open_store(store_url) as s:
        s.add_result(make_result("r1", TEXT, statements=CLAIMS))
        yield s


def test_verdicts_are_appended_with_the_machines_statement(store):
    first = store.add_judgement("r1", "r1-s0", "confirm", reviewer="ana")
    second = store.add_judgement(None, "r1-s2", "correct", {"object": "USA", "negated": "true"}, note="misread",
                                 reviewer="ben")
    assert first.verdict == "confirm" and first.current_statement_id == "r1-s0" and first.reviewer == "ana"
    assert second.correction == {"object": "USA", "negated": True}
    assert second.original["object"] == "PAK" and second.original["negated"] is False  # the original is kept
    assert second.original["quote"] and second.proposition == "ISKP|ASSAULT|PAK|0"
    assert [j.id for j in store.judgements()] == [second.id, first.id]  # newest first
    assert [j.id for j in store.iter_judgements()] == [first.id, second.id]
    assert [j.id for j in store.judgements(statement_id="r1-s2")] == [second.id]
    assert store.judgements(doc_id="other") == []
    assert store.judgements(limit=1, offset=1)[0].id == first.id


def test_a_later_judgement_supersedes_and_both_stay_in_the_log(store):
    store.add_judgement("r1", "r1-s1", "confirm")
    later = store.add_judgement("r1", "r1-s1", "reject", note="the denial is of another claim")
    doc_pk = next(iter(store.iter_documents()))[0]
    latest = store.latest_judgements([doc_pk])
    assert latest == {(doc_pk, "r1-s1"): later}
    assert len(store.judgements(statement_id="r1-s1")) == 2


@pytest.mark.parametrize("verdict, correction, message", [
    ("maybe", None, "one of confirm, reject, correct"),
    ("correct", None, "needs the corrected fields"),
    ("confirm", {"object": "USA"}, "takes no corrected fields"),
    ("correct", {"quote": "x"}, "cannot correct 'quote'"),
    ("correct", {"stance": "shouts"}, "stance='shouts'"),
    ("correct", {"event_type": "DANCE"}, "not an event type"),
    ("correct", {"negated": "perhaps"}, "true or false"),
])
def test_bad_judgements_are_input_errors_and_store_nothing(store, verdict, correction, message):
    with pytest.raises(InputError, match=message):
        store.add_judgement("r1", "r1-s0", verdict, correction)
    assert store.judgements() == []


def test_an_unknown_statement_is_not_found(store):
    with pytest.raises(NotFoundError, match="no stored statement 'r1-s9'"):
        store.add_judgement("r1", "r1-s9", "confirm")
    with pytest.raises(NotFoundError, match="in document 'r2'"):
        store.add_judgement("r2", "r1-s0", "confirm")


def test_judgements_follow_their_statement_through_re_extraction(store):
    doc_pk = next(iter(store.iter_documents()))[0]
    kept = store.add_judgement("r1", "r1-s2", "reject")
    gone = store.add_judgement("r1", "r1-s0", "confirm")
    # Re-extraction finds a new claim first (every id shifts) and reads the first one as about USA instead.
    revised = [("USA", "asserts", "USA", "AID", "PAK"), ("AFGTAL", "asserts", "PAK", "SUPPORT", "USA"),
               *CLAIMS[1:]]
    store.replace_result(doc_pk, make_result("r1", TEXT, statements=revised))
    now = {j.id: j for j in store.judgements()}
    assert now[kept.id].current_statement_id == "r1-s3" and now[kept.id].statement_id == "r1-s2"
    assert now[gone.id].current_statement_id is None  # its proposition is no longer extracted
    assert [j.id for j in store.judgements(statement_id="r1-s3")] == [kept.id]
    assert store.judgements(statement_id="r1-s2") == []  # now another statement, never judged
    assert store.latest_judgements([doc_pk]) == {(doc_pk, "r1-s3"): now[kept.id]}


def test_deleting_a_document_takes_its_judgements(store):
    store.add_judgement("r1", "r1-s0", "confirm")
    assert store.delete_document("r1") == 1
    assert store.judgements() == []


def test_judge_and_judgements_commands(store_url, tmp_path):
    with open_store(store_url) as s:
        s.add_result(make_result("r1", TEXT, statements=CLAIMS))
    runner = CliRunner()
    done = runner.invoke(main, ["judge", "r1-s2", "correct", "--correct", "object=USA", "--note", "wrong target",
                                "--reviewer", "ana", "--db", store_url])
    assert done.exit_code == 0, done.output
    assert "judged r1-s2: correct object=USA" in done.output and "by ana" in done.output
    bad = runner.invoke(main, ["judge", "r1-s2", "correct", "--correct", "objectUSA", "--db", store_url])
    assert bad.exit_code == InputError.exit_code and "FIELD=VALUE" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(main, ["judge", "nope", "confirm", "--db", store_url])
    assert missing.exit_code == NotFoundError.exit_code and "no stored statement" in missing.output
    assert runner.invoke(main, ["judge", "r1-s0", "confirm", "--db", store_url]).exit_code == 0
    listed = runner.invoke(main, ["judgements", "--format", "json", "--db", store_url])
    rows = json.loads(listed.output)
    assert [r["verdict"] for r in rows] == ["confirm", "correct"] and rows[1]["note"] == "wrong target"
    assert runner.invoke(main, ["judgements", "--db", store_url]).exit_code == 0
    out = tmp_path / "judgements.jsonl"
    exported = runner.invoke(main, ["judgements", "--format", "jsonl", "-o", str(out), "--db", store_url])
    assert exported.exit_code == 0 and "exported 2 judgement(s)" in exported.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["verdict"] for r in lines] == ["correct", "confirm"]  # oldest first
    assert lines[0]["original"]["object"] == "PAK" and lines[0]["correction"] == {"object": "USA"}


def test_review_walks_the_least_confident_statements_with_one_key_each(tmp_path):
    db = str(tmp_path / "r.db")
    with open_store(db) as s:
        r = make_result("r1", TEXT, statements=CLAIMS)
        confidences = [0.9, 0.2, 0.5]
        s.add_result(r.model_copy(update={"statements": [
            st.model_copy(update={"confidence": c, "subject_text": "Pakistan", "trigger": "quoted",
                                  "trigger_start": TEXT.index("quoted"), "trigger_end": TEXT.index("quoted") + 6})
            for st, c in zip(r.statements, confidences)]}))
    runner = CliRunner()
    # lowest first: s1 (0.2) rejected, s2 (0.5) corrected (an unknown actor is asked again), s0 (0.9) skipped
    keys = "x" + "n" + "c" + 'object="Nobody Atall"\n' + "object=USA\n" + "s"
    outcome = runner.invoke(main, ["review", "--db", db, "--reviewer", "ana"], input=keys, color=True)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.index("r1-s1") < outcome.output.index("r1-s2") < outcome.output.index("r1-s0")
    assert "\x1b[" in outcome.output and "reviewed: 0 confirm, 1 reject, 1 correct, 1 skip" in outcome.output
    assert "no actor named 'Nobody Atall'" in outcome.output
    with open_store(db) as s:
        log = s.judgements()
    assert [(j.statement_id, j.verdict, j.correction, j.reviewer) for j in log] == [
        ("r1-s2", "correct", {"object": "USA"}, "ana"), ("r1-s1", "reject", None, "ana")]
    # judged statements are skipped next time; q stops at once
    again = runner.invoke(main, ["review", "--db", db], input="q")
    assert again.exit_code == 0 and "1 statement(s) to review" in again.output and "r1-s0" in again.output


def test_review_highlights_trigger_and_arguments():
    from claimgraph.cli.review_cmd import highlight
    from claimgraph.store import Claim

    quote = "Marovia attacked the Kolva Movement."
    claim = Claim(statement_id="d#s1", doc_id="d", asserter="author", asserter_name="author", stance="asserts",
                  event_type="ASSAULT", quote=quote, start=100, end=136, trigger="attacked", trigger_start=108,
                  trigger_end=116, subject_text="Marovia", object_text="the Kolva Movement", confidence=0.5,
                  proposition="p")
    shown = highlight(claim)
    assert click_unstyle(shown) == quote
    for words in ("Marovia", "attacked", "the Kolva Movement"):
        assert f"m{words}\x1b[0m" in shown


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)


def test_review_reads_single_keys_from_a_real_terminal(tmp_path):
    """In a pseudo-terminal (as in tmux), one key press is a verdict: no Enter needed."""
    import os
    import pty
    import select
    import subprocess
    import sys

    db = str(tmp_path / "t.db")
    with open_store(db) as s:
        s.add_result(make_result("r1", TEXT, statements=CLAIMS[:1]))
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "claimgraph.cli", "review", "--db", db, "--reviewer", "tty"],
                               stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    output = b""
    try:
        while b"> " not in output:
            ready, _, _ = select.select([leader], [], [], 30)
            assert ready, output
            output += os.read(leader, 4096)
        # click.getchar puts the terminal in raw mode with TCSAFLUSH, which drops keys typed before it: press
        # the key until the process takes it (an operator would just see it ignored and press again).
        for _ in range(60):
            if process.poll() is not None:
                break
            os.write(leader, b"y")
            while select.select([leader], [], [], 0.5)[0]:
                try:
                    output += os.read(leader, 4096)
                except OSError:
                    break
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(leader)
    assert b"-> confirm" in output
    with open_store(db) as s:
        assert [(j.verdict, j.reviewer) for j in s.judgements()] == [("confirm", "tty")]


def test_judgements_are_exported_as_stix_opinions_of_the_reviewer(tmp_path):
    from claimgraph.export.stix import validate_bundle_text

    db = str(tmp_path / "s.db")
    with open_store(db) as s:
        s.add_result(make_result("r1", TEXT, statements=CLAIMS))
        s.add_judgement("r1", "r1-s0", "confirm", reviewer="ana")
        s.add_judgement("r1", "r1-s2", "correct", {"object": "USA"}, note="the target was the embassy")
    out = tmp_path / "bundle.json"
    outcome = CliRunner().invoke(main, ["export", "--format", "stix", "-o", str(out), "--db", db])
    assert outcome.exit_code == 0, outcome.output
    assert "2 review opinions" in outcome.output
    text = out.read_text()
    assert validate_bundle_text(text) == []
    objects = json.loads(text)["objects"]
    by_id = {o["id"]: o for o in objects}
    reviews = [o for o in objects if o["type"] == "opinion" and o.get("authors") in (["ana"], ["anonymous reviewer"])]
    assert sorted(o["opinion"] for o in reviews) == ["disagree", "strongly-agree"]
    for o in reviews:
        assert all(ref in by_id for ref in o["object_refs"]) and by_id[o["created_by_ref"]]["type"] == "identity"
    corrected = next(o for o in reviews if o["opinion"] == "disagree")
    assert "object=USA" in corrected["explanation"] and "the embassy" in corrected["explanation"]


# ---- corrections in the claims listings (store, CLI, API), on every backend ------------------------------------
def _listed(store):
    from claimgraph.store import ClaimFilter

    return {c.statement_id: c for c in store.claims(ClaimFilter(limit=10))}


def test_claims_show_the_correction_beside_the_machines_fields(store):
    store.add_judgement("r1", "r1-s2", "correct", {"object": "AFGTAL", "negated": "true"}, note="misread",
                        reviewer="ana")
    store.add_judgement("r1", "r1-s0", "reject", reviewer="ben")
    store.add_judgement("r1", "r1-s0", "confirm", reviewer="cem")  # the later one is in force
    listed = _listed(store)
    corrected = listed["r1-s2"]
    assert corrected.object == "PAK" and corrected.object_name == "Pakistan" and corrected.negated is False
    review = corrected.review
    assert review is not None and review.verdict == "correct" and review.reviewer == "ana"
    assert review.corrected == {"object": "AFGTAL", "negated": True} and review.note == "misread"
    assert review.corrected_names == {"object": "Afghan Taliban"} and review.judged_at.tzinfo is not None
    assert listed["r1-s0"].review is not None and listed["r1-s0"].review.verdict == "confirm"
    assert listed["r1-s0"].review.reviewer == "cem" and listed["r1-s0"].review.corrected == {}
    assert listed["r1-s1"].review is None


def test_a_correction_leaves_the_listing_when_re_extraction_no_longer_makes_its_statement(store):
    doc_pk = next(iter(store.iter_documents()))[0]
    store.add_judgement("r1", "r1-s0", "correct", {"subject": "USA"}, reviewer="ana")
    assert _listed(store)["r1-s0"].review is not None
    store.replace_result(doc_pk, make_result("r1", TEXT, statements=[("USA", "asserts", "USA", "AID", "PAK"),
                                                                      *CLAIMS[1:]]))
    assert all(c.review is None for c in _listed(store).values())


def test_claims_command_and_api_show_who_corrected_what_and_when(store_url):
    import warnings

    from claimgraph.web import create_app, make_settings
    from claimgraph.web.settings import TOKEN_ENV

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with open_store(store_url) as s:
        s.add_result(make_result("r1", TEXT, statements=CLAIMS))
        s.add_judgement("r1", "r1-s2", "correct", {"object": "AFGTAL"}, reviewer="ana")
    runner = CliRunner()
    table = runner.invoke(main, ["claims", "--db", store_url, "--min-confidence", "0"], env={"COLUMNS": "400"})
    assert table.exit_code == 0, table.output
    line = next(x for x in table.output.splitlines() if "r1-s2" in x)
    assert "corrected by ana" in line and "object: Pakistan -> Afghan Taliban" in line and "UTC" in line
    assert "ISKP" in line or "Islamic State" in line  # the machine's claim is still shown
    rows = json.loads(runner.invoke(main, ["claims", "--db", store_url, "--min-confidence", "0", "--format",
                                           "json"]).output)
    by_id = {r["statement_id"]: r for r in rows}
    assert by_id["r1-s2"]["object"] == "PAK" and by_id["r1-s2"]["review"]["corrected"] == {"object": "AFGTAL"}
    assert by_id["r1-s0"]["review"] is None
    csv_out = runner.invoke(main, ["claims", "--db", store_url, "--min-confidence", "0", "--format", "csv"]).output
    header, *lines = csv_out.splitlines()
    assert header.endswith(",review") and any("object: Pakistan -> Afghan Taliban" in x for x in lines)
    app = create_app(make_settings(db=store_url, environ={TOKEN_ENV: "test-token-0123456789"}))
    with TestClient(app, base_url="http://127.0.0.1:8750") as client:
        response = client.get("/api/v1/statements?min_confidence=0")
        assert response.status_code == 200, response.text
        api = {c["statement_id"]: c for c in response.json()["items"]}
    assert api["r1-s2"]["object"] == "PAK" and api["r1-s2"]["review"]["reviewer"] == "ana"
    assert api["r1-s2"]["review"]["corrected_names"] == {"object": "Afghan Taliban"}
    assert api["r1-s2"]["review"]["judged_at"] and api["r1-s1"]["review"] is None
