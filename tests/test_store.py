"""The SQL store on a real SQLite file: round trips, idempotence, near-duplicates, corroboration, migrations.

``make_result`` and ``FakeExtractor`` are the fixture factory the other store/ingest/query tests import.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from typing import Iterable, Iterator

import pytest

from claimgraph.errors import InputError
from claimgraph.models import Actor, Document, ExtractionResult, Mention, Place, Statement, TimeExpression
from claimgraph.store import open_store
from claimgraph.store import schema
from claimgraph.store.neardup import signature, similarity
from claimgraph.textio import check_text

ACTORS = {
    "PAK": Actor(id="PAK", name="Pakistan", type="country", country="PAK", metonyms=["Islamabad"]),
    "ISI": Actor(id="ISI", name="Inter-Services Intelligence", type="intelligence", country="PAK",
                 exact_aliases=["ISI"], parent="PAK"),
    "ISKP": Actor(id="ISKP", name="Islamic State Khorasan Province", type="armed_group", exact_aliases=["ISKP"]),
    "AFGTAL": Actor(id="AFGTAL", name="Afghan Taliban", type="armed_group", aliases=["Taliban"]),
    "USA": Actor(id="USA", name="United States", type="country", country="USA", metonyms=["Washington"]),
    "PROV_1": Actor(id="PROV_1", name="Baloch Front", type="armed_group", provisional=True),
    "PROV_2": Actor(id="PROV_2", name="Baloch Front", type="armed_group", provisional=True),
}

# (asserter, stance, subject, event_type, object, negated, parent) — ids as in ACTORS or "author".
Spec = tuple


def make_result(doc_id: str, text: str | None = None, date: str | None = "2025-01-10",
                statements: Iterable[Spec] = (), actors: Iterable[str] | None = None,
                source: str | None = "test wire") -> ExtractionResult:
    """An ExtractionResult built by hand, as the extractor would produce it."""
    specs = list(statements)
    used = list(actors) if actors is not None else sorted(
        {x for s in specs for x in (s[0], s[2], s[4]) if x and x != "author"})
    text = text or ("In a statement on Monday the officials said that " + " and ".join(
        ACTORS[a].name for a in used) + f" were discussed in report {doc_id}.")
    mentions = []
    for actor_id in used:
        name = ACTORS[actor_id].name
        at = text.find(name)
        mentions.append(Mention(start=max(at, 0), end=max(at, 0) + len(name), text=name, actor=actor_id,
                                rule="provisional" if ACTORS[actor_id].provisional else "kb"))
    stmts = []
    for i, spec in enumerate(specs):
        asserter, stance, subject, event_type, obj = spec[:5]
        negated = spec[5] if len(spec) > 5 else False
        parent = spec[6] if len(spec) > 6 else None
        stmts.append(Statement(
            id=f"{doc_id}-s{i}", asserter=asserter, stance=stance, subject=subject, event_type=event_type,
            object=obj, negated=negated, parent=parent, quote=text[:60], start=0, end=min(60, len(text)),
            trigger="said", rule="test", confidence=0.9,
            time=TimeExpression(text="on Monday", start_date=dt.date(2025, 1, 6), precision="day"),
            location=Place(name="Quetta", country="PAK", latitude=30.2, longitude=67.0),
        ))
    document = Document(id=doc_id, text=text, date=dt.date.fromisoformat(date) if date else None, source=source)
    return ExtractionResult(document=document, actors=[ACTORS[a] for a in used], mentions=mentions,
                            statements=stmts)


_CLAIM = re.compile(r"\b(author|[A-Z][A-Z_0-9]+) (asserts|denies|predicts|speculates) that ([A-Z][A-Z_0-9]+) "
                    r"(did not )?([A-Z]+) ([A-Z][A-Z_0-9]+)")


class FakeExtractor:
    """Stands in for claimgraph.extract.Extractor: reads claims written as
    ``<ASSERTER> <stance> that <SUBJECT> [did not ]<EVENT> <OBJECT>`` (ids from ACTORS)."""

    def __init__(self, fail_after: int | None = None, refuse: str | None = None):
        self.fail_after = fail_after  # raise RuntimeError after this many results (a crash mid-run)
        self.refuse = refuse  # raise InputError on documents containing this word
        self.calls = 0

    def extract(self, document: Document) -> ExtractionResult:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document], n_process: int = 1,
                     batch_size: int = 16) -> Iterator[ExtractionResult]:
        for document in documents:
            check_text(document.text, document.id)
            if self.refuse and self.refuse in document.text:
                raise InputError(f"{document.id}: refused")
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise RuntimeError("simulated crash")
            self.calls += 1
            specs = [(m[1], m[2], m[3], m[5], m[6], bool(m[4])) for m in _CLAIM.finditer(document.text)]
            result = make_result(document.id, document.text, None, specs)
            yield result.model_copy(update={"document": document})


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "t.db") as s:
        yield s


def test_round_trip_rebuilds_the_extraction_result(store):
    original = make_result("d1", statements=[("author", "asserts", "AFGTAL", "ACCUSE", "PAK"),
                                             ("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP", False, "d1-s0"),
                                             ("PAK", "denies", "PAK", "SUPPORT", "PROV_1", True)])
    stored = store.add_result(original)
    assert stored is not None and stored.statements == 3
    rebuilt = list(store.iter_results())
    assert rebuilt == [original]


def test_same_content_is_stored_once(store):
    first = make_result("d1", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")])
    assert store.add_result(first) is not None
    again = first.model_copy(update={"document": first.document.model_copy(update={"id": "other-name"})})
    assert store.add_result(again) is None
    assert store.stats().documents == 1 and store.stats().statements == 1


def test_wal_mode_and_schema_version(tmp_path):
    path = tmp_path / "v.db"
    with open_store(path) as s:
        s.add_result(make_result("d1"))
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(schema.LATEST,)]
    con.close()
    with open_store(path) as s:  # reopening does not migrate again or lose data
        assert s.stats().documents == 1 and s.stats().schema_version == schema.LATEST


def test_migrations_run_in_order_from_any_version(tmp_path, monkeypatch):
    applied = []

    def v2(conn, dialect):
        applied.append(2)
        conn.exec_driver_sql("CREATE TABLE extra_v2 (x INTEGER)")

    path = tmp_path / "m.db"
    with open_store(path):
        pass
    migrations = [*schema.MIGRATIONS, v2]
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    monkeypatch.setattr(schema, "LATEST", len(migrations))
    with open_store(path) as s:
        assert s.stats().schema_version == 2
    with open_store(path):
        pass
    assert applied == [2]
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM extra_v2").fetchone() == (0,)


def test_corroboration_counts_independent_sources_and_contradiction(store):
    wire = ("In a statement on Monday the officials said that Pakistan supports the group, the agency reported, "
            "adding that talks would continue in the capital next week despite the dispute over the border.")
    copy = wire + " Copyright the wire."
    a = make_result("a", wire, "2025-01-10", [("author", "asserts", "AFGTAL", "ACCUSE", "PAK"),
                                              ("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP", False, "a-s0")])
    b = make_result("b", copy, "2025-01-12", [("author", "asserts", "AFGTAL", "ACCUSE", "PAK"),
                                              ("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP", False, "b-s0")])
    c = make_result("c", "Islamabad rejected the charge in a long statement issued by its foreign ministry, "
                         "calling the allegation baseless and politically motivated.", "2025-02-01",
                    [("PAK", "denies", "PAK", "SUPPORT", "ISKP")])
    d = make_result("d", None, "2025-03-01", [("author", "asserts", "PAK", "SUPPORT", "ISKP")])
    first = store.add_result(a, signature=signature(wire))
    second = store.add_result(b, signature=signature(copy))
    assert second.near_duplicate_of == first.pk and second.dup_group == first.dup_group
    store.add_result(c, signature=signature(c.document.text))
    store.add_result(d, signature=signature(d.document.text))
    (prop,) = [p for p in store.propositions() if p.key == "PAK|SUPPORT|ISKP|0"]
    assert (prop.asserts, prop.denies, prop.statements) == (3, 1, 4)
    assert prop.sources == 2  # a and b are one wire story; d is the second independent source
    assert prop.reporting_sources == 3
    assert (prop.first_seen, prop.last_seen) == (dt.date(2025, 1, 10), dt.date(2025, 3, 1))
    assert prop.contested
    who = {(x.asserter, x.stance): x.statements for x in prop.asserters}
    assert who == {("AFGTAL", "asserts"): 2, ("PAK", "denies"): 1, ("author", "asserts"): 1}
    assert store.rebuild_propositions() == store.stats().propositions
    assert [p.key for p in store.propositions(contested_only=True)] == ["PAK|SUPPORT|ISKP|0"]


def test_one_party_contradicting_itself_is_not_contested_but_two_outlets_are(store):
    store.add_result(make_result("x1", statements=[("PAK", "asserts", "USA", "AID", "PAK"),
                                                   ("PAK", "denies", "USA", "AID", "PAK")]))
    assert not store.propositions(contested_only=True)
    store.add_result(make_result("x2", statements=[("author", "asserts", "ISKP", "ASSAULT", "PAK")]))
    store.add_result(make_result("x3", statements=[("author", "denies", "ISKP", "ASSAULT", "PAK")]))
    assert [p.key for p in store.propositions(contested_only=True)] == ["ISKP|ASSAULT|PAK|0"]


def test_negated_propositions_are_keyed_apart(store):
    store.add_result(make_result("n1", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP", True)]))
    store.add_result(make_result("n2", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP", False)]))
    assert sorted(p.key for p in store.propositions()) == ["PAK|SUPPORT|ISKP|0", "PAK|SUPPORT|ISKP|1"]


def test_provisional_actors_of_the_same_name_merge_across_documents(store):
    store.add_result(make_result("p1", statements=[("author", "asserts", "PROV_1", "ASSAULT", "PAK")]))
    store.add_result(make_result("p2", statements=[("author", "asserts", "PROV_2", "ASSAULT", "PAK")]))
    (prop,) = store.propositions()
    assert prop.subject == "prov:baloch front" and prop.subject_name == "Baloch Front"
    assert prop.statements == 2 and prop.sources == 2
    # each document still rebuilds with its own provisional id
    assert [r.statements[0].subject for r in store.iter_results()] == ["PROV_1", "PROV_2"]


def test_unnamed_actors_never_merge_across_documents(store, monkeypatch):
    gunmen = Actor(id="U-GUNMEN", name="gunmen", type="armed_group", provisional=True)
    monkeypatch.setitem(ACTORS, "U-GUNMEN", gunmen)
    store.add_result(make_result("u1", statements=[("author", "asserts", "U-GUNMEN", "ASSAULT", "PAK")]))
    store.add_result(make_result("u2", statements=[("author", "asserts", "U-GUNMEN", "ASSAULT", "PAK")]))
    props = store.propositions()
    assert len(props) == 2 and all(p.sources == 1 for p in props)  # two reports' gunmen do not corroborate
    assert [r.statements[0].subject for r in store.iter_results()] == ["U-GUNMEN", "U-GUNMEN"]


def test_near_duplicate_signatures():
    base = ("Militants attacked a police station in the north of the province on Tuesday, killing three "
            "officers, according to officials who spoke on condition of anonymity to the news agency.")
    edited = "UPDATED: " + base + " More details to follow."
    other = ("The central bank left interest rates unchanged on Thursday and said inflation was easing "
             "faster than expected across most of the region over the past quarter.")
    assert similarity(signature(base).hashvalues, signature(edited).hashvalues) >= 0.7
    assert similarity(signature(base).hashvalues, signature(other).hashvalues) < 0.3


def test_near_duplicates_group_across_reopened_stores(tmp_path):
    text = ("Militants attacked a police station in the north of the province on Tuesday, killing three "
            "officers, according to officials who spoke on condition of anonymity to the news agency.")
    with open_store(tmp_path / "g.db") as s:
        first = s.add_result(make_result("g1", text), signature=signature(text))
    with open_store(tmp_path / "g.db") as s:
        second = s.add_result(make_result("g2", text + " (Reuters)"), signature=signature(text + " (Reuters)"))
        assert second.dup_group == first.dup_group
        assert s.stats().duplicate_groups == 1


def test_iter_results_filters_by_date(store):
    for i, date in enumerate(("2025-01-01", "2025-02-01", "2025-03-01", None)):
        store.add_result(make_result(f"w{i}", date=date))
    ids = [r.document.id for r in store.iter_results(since=dt.date(2025, 1, 15), until=dt.date(2025, 2, 15))]
    assert ids == ["w1"]
    assert [r.document.id for r in store.iter_results(doc_ids=["w3"])] == ["w3"]


def test_delete_document_updates_propositions(store):
    store.add_result(make_result("k1", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]))
    store.add_result(make_result("k2", statements=[("PAK", "denies", "PAK", "SUPPORT", "ISKP")]))
    assert store.propositions(contested_only=True)
    assert store.delete_document("k2") == 1
    assert not store.propositions(contested_only=True)
    store.add_result(make_result("k3", statements=[("author", "asserts", "ISKP", "ASSAULT", "PAK")]))
    assert store.delete_document("k3") == 1
    assert [p.key for p in store.propositions()] == ["PAK|SUPPORT|ISKP|0"]  # emptied ones drop out
    assert store.search("officials")  # full-text index rebuilt, still answering


def test_a_directory_path_is_a_store_error(tmp_path):
    from claimgraph.errors import StoreError

    with pytest.raises(StoreError):
        open_store(tmp_path)
