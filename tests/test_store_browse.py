"""The store's browsing queries (documents, document and actor search, edge counts, offsets) on every backend,
over the workbench's fictional store."""

from __future__ import annotations

import datetime as dt

import pytest

from claimgraph.store import ClaimFilter

try:
    from tests.web_data import results
except ImportError:  # tests/ is not a package
    from web_data import results  # type: ignore[no-redef]


@pytest.fixture
def filled(store):
    from claimgraph.store.neardup import signature

    for result in results():
        store.add_result(result, signature=signature(result.document.text))
    return store


def test_documents_newest_first_with_windows_and_offsets(filled):
    docs = filled.documents()
    assert [d.doc_id for d in docs] == ["xss-<b>1</b>", "nr-005", "nr-004", "nr-003", "nr-002", "nr-001"]
    assert docs[-1].statements == 3 and docs[-1].title.startswith("Northland accuses")
    assert [d.doc_id for d in filled.documents(limit=2, offset=1)] == ["nr-005", "nr-004"]
    window = filled.documents(since=dt.date(2025, 2, 1), until=dt.date(2025, 3, 31))
    assert [d.doc_id for d in window] == ["nr-004", "nr-003", "nr-002"]


def test_document_search_needs_every_word(filled):
    assert [h.document.doc_id for h in filled.search_documents("rifles Norvik")] == ["nr-002"]
    assert filled.search_documents("rifles Ravel") == []
    assert filled.search_documents("   ") == []
    assert "rifles" in filled.search_documents("rifles")[0].snippet


def test_actor_search_matches_names_aliases_and_metonyms_literally(filled):
    assert [h.actor.key for h in filled.search_actors("front")] == ["EFR"]
    assert filled.search_actors("norvik")[0].actor.key == "NRD"  # a metonym
    first = [h.actor.key for h in filled.search_actors("northland")]
    assert first[0] == "NRD" and "NRDARMY" in first  # the exact name first
    assert filled.search_actors("%") == [] and filled.search_actors("_") == []


def test_edge_counts_follow_the_claim_filter(filled):
    counts = filled.edge_counts(ClaimFilter(stance=["asserts"]))
    by_edge = {(e.subject, e.object, e.event_type): e.statements for e in counts.edges}
    assert by_edge[("SLD", "EFR", "SUPPORT")] == 3
    assert all(e.stance == "asserts" for e in counts.edges)
    assert {a.key for a in counts.actors} == {k for e in counts.edges for k in (e.subject, e.object)}
    assert counts.edges[0].statements == max(by_edge.values())
    window = filled.edge_counts(ClaimFilter(since=dt.date(2025, 2, 1), until=dt.date(2025, 2, 28)))
    assert {(e.subject, e.object, e.stance) for e in window.edges} == {
        ("SLD", "EFR", "asserts"), ("SLD", "EFR", "denies"), ("NRDARMY", "EFR", "asserts"), ("HRM", "NRD", "predicts")}
    assert filled.edge_counts(ClaimFilter(asserter=["EFR"], stance=["asserts"])).edges[0].subject == "SLD"
    assert filled.edge_counts(ClaimFilter(min_sources=2, stance=["asserts"])).edges
    assert len(filled.edge_counts(ClaimFilter(), limit=2).edges) == 2


def test_offsets_page_claims_propositions_and_timelines(filled):
    every = [c.statement_id for c in filled.claims(ClaimFilter(limit=100))]
    paged = [c.statement_id for start in range(0, 14, 5)
             for c in filled.claims(ClaimFilter(limit=5, offset=start))]
    assert paged == every and len(every) == 14
    props = [p.key for p in filled.propositions(limit=100)]
    assert [p.key for p in filled.propositions(limit=3, offset=3)] == props[3:6]
    timeline = [c.statement_id for c in filled.timeline(["NRD"], limit=100)]
    assert [c.statement_id for c in filled.timeline(["NRD"], limit=4, offset=2)] == timeline[2:6]
    assert [c.confidence >= 0.65 for c in filled.claims(ClaimFilter(min_confidence=0.65))] == [True, True]


def test_a_new_store_has_the_dated_statement_indexes(store):
    from sqlalchemy import inspect

    names = {i["name"] for i in inspect(store.engine).get_indexes("statements")}
    assert {"ix_statements_pair", "ix_statements_subject", "ix_statements_object", "ix_statements_asserter",
            "ix_statements_event", "ix_statements_stance", "ix_statements_date"} <= names
