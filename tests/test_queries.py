"""Queries over a small hand-built store on every backend: each filter, dossiers with speech acts, profiles,
search, graph."""

from __future__ import annotations

import datetime as dt

import pytest

from claimgraph.models import STANCES

from claimgraph.errors import NotFoundError
from claimgraph.graph import actor_graph, quad_classes
from claimgraph.store import ClaimFilter, open_store
from claimgraph.store.neardup import signature

try:
    from tests.test_store import make_result
except ImportError:  # tests/ is not a package
    from test_store import make_result  # type: ignore[no-redef]


@pytest.fixture
def store(store_url):  # on every backend (conftest.py)
    results = [
        make_result("r1", "The Afghan Taliban has been accusing Pakistan of supporting the ISKP for years, a charge "
                    "that Islamabad strongly denies in every statement.", "2025-01-10",
                    [("author", "asserts", "AFGTAL", "ACCUSE", "PAK"),
                     ("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP", False, "r1-s0"),
                     ("author", "asserts", "PAK", "REJECT", "AFGTAL"),
                     ("PAK", "denies", "PAK", "SUPPORT", "ISKP", False, "r1-s2")]),
        make_result("r2", "The group had the complete backing of the ISI, the author of this column wrote after the "
                    "attacks in the province last month.", "2025-02-03",
                    [("author", "asserts", "ISI", "SUPPORT", "ISKP")]),
        make_result("r3", "Officials in Washington said the United States would give aid to Pakistan for the "
                    "reconstruction of the flooded districts this year.", "2025-03-15",
                    [("USA", "asserts", "USA", "AID", "PAK"), ("author", "predicts", "USA", "AID", "PAK")]),
        make_result("r4", "The ISKP attacked a checkpoint of the Baloch Front near the border, residents told the "
                    "reporters who visited the area on Friday.", "2025-04-20",
                    [("author", "asserts", "ISKP", "ASSAULT", "PROV_1")]),
    ]
    with open_store(store_url) as s:
        for r in results:
            s.add_result(r, signature=signature(r.document.text))
        yield s


def keys(claims):
    return sorted(c.statement_id for c in claims)


def test_claim_filters(store):
    assert keys(store.claims(ClaimFilter(asserter=["AFGTAL"]))) == ["r1-s1"]
    assert keys(store.claims(ClaimFilter(subject=["USA"]))) == ["r3-s0", "r3-s1"]
    assert keys(store.claims(ClaimFilter(object=["ISKP"]))) == ["r1-s1", "r1-s3", "r2-s0"]
    assert keys(store.claims(ClaimFilter(event_type=["ASSAULT"]))) == ["r4-s0"]
    assert keys(store.claims(ClaimFilter(stance=["denies"]))) == ["r1-s3"]
    assert keys(store.claims(ClaimFilter(stance=["predicts", "denies"]))) == ["r1-s3", "r3-s1"]
    window = ClaimFilter(since=dt.date(2025, 2, 1), until=dt.date(2025, 3, 31))
    assert keys(store.claims(window)) == ["r2-s0", "r3-s0", "r3-s1"]
    assert keys(store.claims(ClaimFilter(subject=["PAK"], object=["ISKP"], stance=["asserts"]))) == ["r1-s1"]
    assert len(store.claims(ClaimFilter(limit=2))) == 2
    newest = store.claims(ClaimFilter())[0]
    assert newest.statement_id == "r4-s0" and newest.object_name == "Baloch Front"


def test_min_sources_counts_independent_asserting_sources(store, tmp_path):
    assert store.claims(ClaimFilter(min_sources=2)) == []
    extra = make_result("r5", "Another outlet also reported that the United States will give aid to Pakistan, "
                        "citing a senior official in the finance ministry.", "2025-03-20",
                        [("author", "asserts", "USA", "AID", "PAK")])
    store.add_result(extra, signature=signature(extra.document.text))
    assert keys(store.claims(ClaimFilter(min_sources=2))) == ["r3-s0", "r3-s1", "r5-s0"]


def test_contested_propositions(store):
    (prop,) = store.propositions(contested_only=True)
    assert prop.key == "PAK|SUPPORT|ISKP|0" and prop.asserts == 1 and prop.denies == 1
    assert {(a.name, a.stance) for a in prop.asserters} == {("Afghan Taliban", "asserts"), ("Pakistan", "denies")}
    assert store.propositions(contested_only=True, actor=["USA"]) == []
    assert len(store.propositions(actor=["USA"])) == 1


def test_resolve_by_name_alias_metonym_and_provisional_name(store):
    assert store.resolve_actor("ISI").key == "ISI"
    assert store.resolve_actor("Islamabad").key == "PAK"
    assert store.resolve_actor("afghan taliban").key == "AFGTAL"
    assert store.resolve_actor("Taliban").key == "AFGTAL"
    assert store.resolve_actor("Baloch Front").key == "prov:baloch front"
    with pytest.raises(NotFoundError):
        store.resolve_actor("Nobody At All")


def test_resolve_through_the_knowledge_base(store):
    from claimgraph.kb import KnowledgeBase
    from claimgraph.models import Actor

    kb = KnowledgeBase()
    kb.add(Actor(id="IND", name="India", type="country", country="IND", metonyms=["New Delhi"]))
    ref = store.resolve_actor("New Delhi", kb)
    assert (ref.key, ref.name, ref.matched) == ("IND", "India", "knowledge-base metonym")


def test_resolution_says_how_it_matched(store):
    assert store.resolve_actor("ISI").matched == "id"
    assert store.resolve_actor("Islamabad").matched == "metonym"
    assert store.resolve_actor("Taliban").matched == "alias"
    assert store.resolve_actor("author").matched == "the report's own voice"


def _kb_with_short_aliases():
    from claimgraph.kb import KnowledgeBase
    from claimgraph.models import Actor

    kb = KnowledgeBase()
    kb.add(Actor(id="RIA", name="RIA Novosti", type="media", aliases=["RIA"]))
    kb.add(Actor(id="VLF", name="Veldorian Liberation Front", type="armed_group", aliases=["VLF"]))
    kb.add(Actor(id="LET", name="Lashkar-e-Taiba", type="armed_group", aliases=["LeT"]))
    return kb


def test_a_weak_fuzzy_match_is_refused_with_did_you_mean(store):
    with pytest.raises(NotFoundError) as info:
        store.resolve_actor("Veldoria Liberation", _kb_with_short_aliases())
    message = str(info.value)
    assert "did you mean" in message and "Veldorian Liberation Front [VLF]" in message
    assert "RIA" not in message  # the short alias inside the query is no match


def test_a_close_spelling_is_taken_and_said(store):
    ref = store.resolve_actor("Lashkar-e-Toiba", _kb_with_short_aliases())
    assert ref.key == "LET" and ref.matched.startswith("close to 'Lashkar-e-Taiba'")


def test_like_wildcards_and_huge_names_never_match_an_arbitrary_actor(store):
    for name in ("_", "%", "__", "a" * 100_000):
        with pytest.raises(NotFoundError):
            store.resolve_actor(name)
    with pytest.raises(NotFoundError) as info:
        store.resolve_actor("Baloch")  # a word of a stored name: suggested, not taken
    assert "Baloch Front [prov:baloch front]" in str(info.value)


def test_dossier_groups_by_proposition_with_speech_acts(store):
    isi, iskp = store.resolve_actor("ISI"), store.resolve_actor("ISKP")
    scope = store.actor_scope("ISI")
    assert scope == ["ISI", "PAK"]  # the agency and the state it belongs to
    dossier = store.dossier(isi, iskp, scope, store.actor_scope("ISKP"))
    by_key = {e.proposition.key: e for e in dossier.entries}
    assert list(by_key) == ["PAK|SUPPORT|ISKP|0", "ISI|SUPPORT|ISKP|0"]  # contested first
    entry = by_key["PAK|SUPPORT|ISKP|0"]
    assert {(c.asserter_name, c.stance) for c in entry.claims} == {("Afghan Taliban", "asserts"),
                                                                  ("Pakistan", "denies")}
    assert {(s.statement_id, s.event_type) for s in entry.speech_acts} == {("r1-s0", "ACCUSE"), ("r1-s2", "REJECT")}
    assert by_key["ISI|SUPPORT|ISKP|0"].claims[0].asserter == "author"
    exact = store.dossier(isi, iskp, ["ISI"], ["ISKP"])
    assert [e.proposition.key for e in exact.entries] == ["ISI|SUPPORT|ISKP|0"]
    reverse = store.dossier(iskp, isi, ["ISKP"], ["ISI", "PAK"])
    assert {e.proposition.key for e in reverse.entries} == set(by_key)


def test_actor_profile(store):
    profile = store.actor_profile(store.resolve_actor("Pakistan"))
    assert profile.aliases == ["Islamabad"]
    assert profile.documents == 2  # mentioned in r1 and r3
    partners = {c.actor: (c.as_subject, c.as_object) for c in profile.counterparties}
    assert partners == {"ISKP": (2, 0), "AFGTAL": (1, 1), "USA": (0, 2)}
    by_type = {(r.role, r.event_type, r.stance): r.statements for r in profile.by_type}
    assert by_type[("subject", "SUPPORT", "asserts")] == 1 and by_type[("asserter", "SUPPORT", "denies")] == 1
    assert {r.period for r in profile.over_time} == {"2025-01", "2025-03"}


def test_timeline_is_in_date_order(store):
    rows = store.timeline(["ISKP"])
    assert [c.date for c in rows] == sorted(c.date for c in rows)
    assert [c.statement_id for c in rows] == ["r1-s1", "r1-s3", "r2-s0", "r4-s0"]
    assert [c.statement_id for c in store.timeline(["ISKP"], since=dt.date(2025, 2, 1))] == ["r2-s0", "r4-s0"]


def test_full_text_search_over_quotes(store):
    hits = store.search("backing")
    assert [h.claim.statement_id for h in hits] == ["r2-s0"]
    assert "[backing]" in hits[0].snippet
    assert store.search('"unbalanced quote AND (') == []


def test_busiest_pairs(store):
    pairs = store.busiest_pairs(limit=2)
    assert [(p.subject, p.object, p.statements) for p in pairs] == [("PAK", "ISKP", 2), ("USA", "PAK", 2)]
    assert pairs[0].contested == 1


def test_actor_graph_counts_and_quads(store):
    graph = actor_graph(store.iter_results())  # asserted statements only
    assert set(graph.nodes) == {"PAK", "ISKP", "AFGTAL", "ISI", "USA", "prov:baloch front"}
    assert graph.number_of_edges() == 6
    # the Taliban's claim and Pakistan's denial are not summed: one asserted SUPPORT edge
    assert graph.edges["PAK", "ISKP", "asserts"]["weight"] == 1
    assert graph.edges["PAK", "ISKP", "asserts"]["cooperation"] == 1
    assert graph.edges["USA", "PAK", "asserts"]["weight"] == 1  # the prediction is not an asserted edge
    assert graph.edges["ISKP", "prov:baloch front", "asserts"]["material_conflict"] == 1
    assert graph.edges["AFGTAL", "PAK", "asserts"]["verbal_conflict"] == 1
    every = actor_graph(store.iter_results(), STANCES)
    assert every.number_of_edges() == 8
    assert every.edges["PAK", "ISKP", "denies"]["weight"] == 1 and every.edges["USA", "PAK", "predicts"]["weight"] == 1
    window = actor_graph(store.iter_results(since=dt.date(2025, 3, 1)))
    assert {(u, v) for u, v, _ in window.edges} == {("USA", "PAK"), ("ISKP", "prov:baloch front")}
    assert set(quad_classes()) >= {"ASSAULT", "AID", "REQUEST"}
