"""Thresholds: every statement is stored with its confidence; queries, contested, graph exports and extract leave
out those below --min-confidence, by default the verifier model's threshold."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimgraph.cli import main
from claimgraph.store import ClaimFilter, open_store
from claimgraph.verifier import default_min_confidence, keep_confident

try:
    from tests.test_store import make_result
except ImportError:  # tests/ is not a package
    from test_store import make_result  # type: ignore[no-redef]

TEXT = "Officials of Pakistan and the Afghan Taliban were quoted in this fictional report."


def result(doc_id: str, confidences: list[float]):
    specs = [("AFGTAL", "asserts", "PAK", "SUPPORT", "AFGTAL"), ("PAK", "denies", "PAK", "SUPPORT", "AFGTAL")]
    r = make_result(doc_id, f"{TEXT} Report {doc_id}.", statements=specs[: len(confidences)])
    statements = [s.model_copy(update={"confidence": c}) for s, c in zip(r.statements, confidences)]
    return r.model_copy(update={"statements": statements})


def test_keep_confident_keeps_the_parents_of_kept_statements():
    r = result("d", [0.1, 0.9])
    child = r.statements[1].model_copy(update={"parent": r.statements[0].id})
    r = r.model_copy(update={"statements": [r.statements[0], child]})
    assert [s.id for s in keep_confident(r, 0.5).statements] == [s.id for s in r.statements]
    assert [s.id for s in keep_confident(result("d", [0.1, 0.9]), 0.5).statements] == ["d-s1"]
    assert keep_confident(r, 0.0) is r


def test_a_dispute_made_of_doubtful_statements_is_not_contested_above_the_threshold(store_url):
    with open_store(store_url) as store:
        store.add_result(result("a", [0.9, 0.1]))  # asserted confidently, denied doubtfully
        store.add_result(result("b", [0.8]))
        assert store.propositions(contested_only=True)[0].contested
        assert store.propositions(contested_only=True, min_confidence=0.5) == []
        (prop,) = store.propositions(min_confidence=0.5)
        assert prop.statements == 2 and prop.denies == 0 and prop.sources == 2 and not prop.contested
        assert len(store.claims(ClaimFilter(min_confidence=0.5))) == 2
        assert len(store.timeline(["PAK"], min_confidence=0.5)) == 2 and len(store.timeline(["PAK"])) == 3


def test_queries_default_to_the_models_threshold(tmp_path):
    db = str(tmp_path / "t.db")
    with open_store(db) as store:
        store.add_result(result("a", [0.99, 0.001]))
    assert 0.001 < default_min_confidence() < 0.99
    runner = CliRunner()
    default = json.loads(runner.invoke(main, ["claims", "--format", "json", "--db", db]).output)
    everything = json.loads(runner.invoke(main, ["claims", "--format", "json", "--min-confidence", "0",
                                                 "--db", db]).output)
    assert [c["confidence"] for c in default] == [0.99] and len(everything) == 2
    bad = runner.invoke(main, ["claims", "--min-confidence", "2", "--db", db])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


@pytest.mark.parametrize("fmt, kept", [("graphml", 1), ("plover", 2)])
def test_graph_exports_use_the_threshold_and_full_exports_keep_everything(tmp_path, fmt, kept):
    db = str(tmp_path / "t.db")
    with open_store(db) as store:
        store.add_result(result("a", [0.99, 0.001]))
    outcome = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(tmp_path / "out"), "--db", db])
    assert outcome.exit_code == 0, outcome.output
    assert f"{kept} statements" in outcome.output
