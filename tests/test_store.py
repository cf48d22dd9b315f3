"""The store suite: round trips, idempotence, near-duplicates, corroboration, migrations, concurrent writers.

Every test taking ``store`` or ``store_url`` (conftest.py) runs on SQLite and on PostgreSQL, on real databases.
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
from sqlalchemy import inspect

from claimgraph.store import PendingDocument, open_store
from claimgraph.store import migrations, schema
from claimgraph.store.neardup import signature, similarity
from claimgraph.store.sql import engine_for, locate
from claimgraph.store.writing import Writer
from claimgraph.textio import check_text, content_hash

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
        for outcome in self.extract_each(documents):
            if isinstance(outcome, InputError):
                raise outcome
            yield outcome

    def extract_each(self, documents: Iterable[Document], n_process: int = 1,
                     batch_size: int = 16) -> Iterator[ExtractionResult | InputError]:
        """Like Extractor.extract_each: a refused document is its InputError, in its place; a crash raises."""
        for document in documents:
            try:
                check_text(document.text, document.id)
                if self.refuse and self.refuse in document.text:
                    raise InputError(f"{document.id}: refused")
            except InputError as exc:
                yield exc
                continue
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise RuntimeError("simulated crash")
            self.calls += 1
            yield self.read(document)

    def read(self, document: Document) -> ExtractionResult:
        specs = [(m[1], m[2], m[3], m[5], m[6], bool(m[4])) for m in _CLAIM.finditer(document.text)]
        return make_result(document.id, document.text, None, specs).model_copy(update={"document": document})


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
    assert store.add_results([PendingDocument(again), PendingDocument(make_result("d2"))])[0] is None
    assert store.existing_hashes([content_hash(first.document.text), "0" * 64]) == {content_hash(first.document.text)}


def test_a_batch_is_stored_whole_and_repeats_within_it_once(store):
    results = [make_result(f"b{i}", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]) for i in range(3)]
    out = store.add_results([PendingDocument(r) for r in [*results, results[1]]])
    assert [o is not None for o in out] == [True, True, True, False]
    (prop,) = store.propositions()
    assert prop.statements == 3 and prop.sources == 3


def test_wal_mode(tmp_path):
    path = tmp_path / "v.db"
    with open_store(path) as s:
        s.add_result(make_result("d1"))
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_schema_version_and_reopening(store_url):
    with open_store(store_url) as s:
        s.add_result(make_result("d1"))
        assert s.stats().schema_version == migrations.LATEST
    with open_store(store_url) as s:  # reopening does not migrate again or lose data
        assert s.stats().documents == 1 and s.stats().schema_version == migrations.LATEST
        with s.engine.connect() as conn:
            assert conn.execute(schema.schema_version.select()).all() == [(migrations.LATEST,)]


def test_a_query_does_not_create_a_store(store_url, tmp_path):
    from claimgraph.errors import StoreError

    with pytest.raises(StoreError, match="claimgraph ingest"):
        open_store(store_url, create=False)
    with open_store(store_url):
        pass
    with open_store(store_url, create=False) as s:
        assert s.stats().documents == 0


def test_a_read_only_store_answers_queries_and_refuses_writes(store_url):
    from claimgraph.errors import StoreError

    with open_store(store_url) as s:
        s.add_result(make_result("d1", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]))
    with open_store(store_url, read_only=True) as s:
        assert s.stats().documents == 1 and len(s.propositions()) == 1 and s.search("officials")
        with pytest.raises(StoreError, match="read-?only"):
            s.add_result(make_result("d2"))
    with open_store(store_url) as s:
        assert s.stats().documents == 1


def test_migrations_run_in_order_from_any_version(store_url, monkeypatch):
    applied = []

    def v_next(conn, dialect):
        applied.append(len(migrations.MIGRATIONS))
        conn.exec_driver_sql("CREATE TABLE extra_next (x INTEGER)")

    with open_store(store_url):
        pass
    steps = [*migrations.MIGRATIONS, v_next]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST", len(steps))
    with open_store(store_url) as s:
        assert s.stats().schema_version == len(steps)
    with open_store(store_url) as s:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM extra_next").scalar() == 0
    assert applied == [len(steps)]


def declared_schema(backend: str) -> dict[str, tuple[set[str], set[str]]]:
    """What schema.py declares for a backend: table -> (columns, index names)."""
    out = {}
    for table in schema.metadata.sorted_tables:
        indexes = {str(i.name) for i in table.indexes
                   if i._ddl_if is None or i._ddl_if.dialect in (None, backend)}  # noqa: SLF001
        out[table.name] = ({c.name for c in table.columns}, indexes)
    return out


def live_schema(store) -> dict[str, tuple[set[str], set[str]]]:
    with store.engine.connect() as conn:
        found = inspect(conn)
        return {name: ({c["name"] for c in found.get_columns(name)},
                       {str(i["name"]) for i in found.get_indexes(name) if not i.get("duplicates_constraint")}
                       - {"statements_fts", "documents_fts"})  # the dialect's own full-text indexes
                for name in schema.metadata.tables}


@pytest.mark.parametrize("start", range(1, migrations.LATEST))
def test_a_store_of_every_older_version_upgrades_to_the_declared_schema(store_url, start):
    """A store left at version ``start`` by an older claimgraph keeps its data and ends with schema.py's tables."""
    where = locate(store_url)
    engine = engine_for(where.url, where.dialect)
    with engine.begin() as conn:
        assert migrations.migrate(conn, where.dialect, target=start) == start
        assert migrations.current_version(conn) == start
        assert Writer(where.dialect).write_batch(conn, [PendingDocument(make_result("old", statements=[
            ("author", "asserts", "PAK", "SUPPORT", "ISKP")]))])[0] is not None
    engine.dispose()
    with open_store(store_url) as s:
        assert s.stats().schema_version == migrations.LATEST
        assert live_schema(s) == declared_schema(s.backend)
        assert [r.document.id for r in s.iter_results()] == ["old"]
        assert [p.statements for p in s.propositions()] == [1]


def test_a_new_store_has_the_declared_schema(store):
    assert live_schema(store) == declared_schema(store.backend)


def test_columns_added_later_can_be_added_on_every_backend():
    assert migrations.later_column_problems() == []
    marks = [migrations.since(x) for table in schema.metadata.sorted_tables
             for x in (table, *table.columns, *table.indexes)]
    assert max(marks) == migrations.LATEST and min(marks) >= 1


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


def test_near_duplicates_group_across_reopened_stores(store_url):
    text = ("Militants attacked a police station in the north of the province on Tuesday, killing three "
            "officers, according to officials who spoke on condition of anonymity to the news agency.")
    with open_store(store_url) as s:
        first = s.add_result(make_result("g1", text), signature=signature(text))
    with open_store(store_url) as s:
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


def test_database_urls(tmp_path):
    from claimgraph.errors import StoreError

    with open_store(f"sqlite:///{tmp_path / 'u.db'}") as s:
        assert s.backend == "sqlite" and s.label == str(tmp_path / "u.db")
    with pytest.raises(StoreError, match="sqlite:///relative"):
        open_store("sqlite:/x.db")
    where = locate("postgresql://analyst:secret@db.example:5433/cases")
    assert where.label == "postgresql://analyst:***@db.example:5433/cases" and where.dialect.name == "postgresql"
    assert locate("postgres://h/db").url.drivername == "postgresql+psycopg"


def test_an_unreachable_postgresql_is_a_store_error_without_the_password():
    from claimgraph.errors import StoreError

    with pytest.raises(StoreError) as caught:
        open_store("postgresql://analyst:secret@127.0.0.1:9/cases?connect_timeout=3")
    assert "cannot open the database" in str(caught.value) and "secret" not in str(caught.value)


# ---- several writers at once ---------------------------------------------------------------------------------
def _lockstep(store_url: str, rounds: int, batch_of) -> None:  # noqa: ANN001
    """Four writers, each with a store of its own, storing ``batch_of(round, writer)`` in lockstep rounds."""
    import threading

    with open_store(store_url):
        pass  # created once, so that the writers race over documents, not over the schema
    errors: list[BaseException] = []
    step = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            with open_store(store_url) as s:
                for r in range(rounds):
                    step.wait(timeout=120)
                    s.add_results([PendingDocument(d) for d in batch_of(r, n)])
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            step.abort()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _round_doc(r: int, n: int) -> ExtractionResult:
    """Writer ``n``'s document of round ``r``: one statement of the round's own proposition (asserted or denied)."""
    import itertools

    from claimgraph.models import EVENT_TYPES

    pairs = list(itertools.permutations(["PAK", "ISI", "ISKP", "AFGTAL", "USA"], 2))
    subject, obj = pairs[r % len(pairs)]
    return make_result(f"r{r}-w{n}", statements=[
        ("author", "asserts" if n % 2 else "denies", subject, EVENT_TYPES[r % len(EVENT_TYPES)], obj)])


def test_concurrent_writers_lose_no_statement_from_the_counts(store_url):
    """Each round, four writers store four different documents about one proposition at the same moment: the
    proposition must count all four (the writer that commits last must see the others' statements)."""
    _lockstep(store_url, 16, lambda r, n: [_round_doc(r, n)])
    with open_store(store_url) as s:
        assert s.stats().documents == 64
        assert sorted((p.statements, p.asserts, p.denies, p.sources, p.contested) for p in s.propositions()) \
            == [(4, 2, 2, 2, True)] * 16


def test_concurrent_writers_store_each_document_once(store_url):
    """Each round, every document is written by two writers at once, in opposite orders (a deadlock on
    PostgreSQL, which the store retries): each is stored once, and counted once."""
    _lockstep(store_url, 8, lambda r, n: [_round_doc(r, n), _round_doc(r, (n + 1) % 4)])
    with open_store(store_url) as s:
        assert s.stats().documents == 32 and s.stats().statements == 32
        assert sorted((p.statements, p.sources) for p in s.propositions()) == [(4, 2)] * 8
