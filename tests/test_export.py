"""Exports: STIX 2.1 validity and stability, PLOVER records, GraphML/GEXF round trips, CSV and Parquet tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import types
from collections import Counter

import networkx as nx
import pytest

from claimgraph.errors import ClaimgraphError
from claimgraph.export import FORMATS, ExportError, write_export
from claimgraph.kb import KnowledgeBase
from claimgraph.models import (
    Actor, Designation, Document, ExtractionResult, Mention, Place, Quantity, Statement, TimeExpression,
)

ACTORS = {
    "XVD": Actor(id="XVD", name="Republic of Veldoria", type="country", country="XVD", code="XVD",
                 metonyms=["Castrel"]),
    "XMV": Actor(id="XMV", name="Federal Republic of Marovia", type="country", country="XMV", code="XMV"),
    "XMV.MIB": Actor(id="XMV.MIB", name="Marovian Intelligence Bureau", type="intelligence", country="XMV",
                     code="XMVSPY", aliases=["MIB"], parent="XMV"),
    "VLF": Actor(id="VLF", name="Veldorian Liberation Front", type="armed_group", country="XVD",
                 aliases=["VLF"], designations=[Designation(by="XVD", list="terrorist list")]),
    "USA": Actor(id="USA", name="United States", type="country", country="USA", code="USA", qid="Q30"),
}


def _statement(text: str, quote: str, sid: str, **fields) -> Statement:
    start = text.index(quote)
    trigger = fields.pop("trigger")
    t_start = text.index(trigger, start)
    defaults = dict(rule="test", confidence=0.8, mode=None)
    defaults.update(fields)
    return Statement(id=sid, quote=quote, start=start, end=start + len(quote), trigger=trigger,
                     trigger_start=t_start, trigger_end=t_start + len(trigger), **defaults)


def _mentions(text: str, names: dict[str, str]) -> list[Mention]:
    out = []
    for actor_id, name in names.items():
        at = text.index(name)
        out.append(Mention(start=at, end=at + len(name), text=name, actor=actor_id))
    return out


def make_results() -> list[ExtractionResult]:
    text1 = ("Castrel, March 3 - Veldoria accused the Marovian Intelligence Bureau of arming the VLF. "
             "Marovia denied that it supports the VLF. The VLF bombed a depot in Chicago, killing 12 people.")
    s1 = _statement(text1, "Veldoria accused the Marovian Intelligence Bureau of arming the VLF", "s1",
                    asserter="XVD", stance="asserts", subject="XVD", event_type="ACCUSE", object="XMV.MIB",
                    trigger="accused")
    s2 = _statement(text1, "the Marovian Intelligence Bureau of arming the VLF", "s2", asserter="XVD",
                    stance="asserts", subject="XMV.MIB", event_type="AID", mode="military", object="VLF",
                    trigger="arming", parent="s1")
    s3 = _statement(text1, "Marovia denied that it supports the VLF", "s3", asserter="XMV", stance="denies",
                    subject="XMV", event_type="SUPPORT", object="VLF", trigger="supports", confidence=0.9)
    s4 = _statement(text1, "The VLF bombed a depot in Chicago, killing 12 people", "s4", asserter="author",
                    stance="asserts", subject="VLF", event_type="ASSAULT", mode="bombing", object=None,
                    trigger="bombed", context=["terrorism"],
                    time=TimeExpression(text="March 3", start_date=dt.date(2026, 3, 3),
                                        end_date=dt.date(2026, 3, 3), precision="day"),
                    location=Place(name="Chicago", country="USA", admin1="IL", feature="city", latitude=41.85,
                                   longitude=-87.65, geonameid=4887398),
                    quantities=[Quantity(kind="killed", value=12, text="killing 12 people", unit="people")])
    doc1 = Document(id="d1", text=text1, title="Veldoria accuses Marovia", date=dt.date(2026, 3, 3),
                    source="Example Wire", url="https://example.org/d1")
    r1 = ExtractionResult(
        document=doc1, actors=[ACTORS[a] for a in ("XVD", "XMV.MIB", "VLF", "XMV")],
        mentions=_mentions(text1, {"XVD": "Veldoria", "XMV.MIB": "Marovian Intelligence Bureau", "VLF": "VLF",
                                   "XMV": "Marovia"}),
        statements=[s1, s2, s3, s4])

    text2 = ("Security officials said the VLF may attack Marovian border posts. Washington will sanction "
             "the Sable Hand, a new militia.")
    provisional = Actor(id="P-SABLE-HAND", name="Sable Hand", type="armed_group", provisional=True)
    t1 = _statement(text2, "the VLF may attack Marovian border posts", "s1", asserter="author",
                    stance="speculates", subject="VLF", event_type="ASSAULT", object="XMV", trigger="attack",
                    confidence=0.55)
    t2 = _statement(text2, "Washington will sanction the Sable Hand", "s2", asserter="author", stance="predicts",
                    subject="USA", event_type="SANCTION", object="P-SABLE-HAND", trigger="sanction",
                    negated=False)
    doc2 = Document(id="d2", text=text2)  # no date, title or source
    r2 = ExtractionResult(
        document=doc2, actors=[ACTORS["VLF"], ACTORS["XMV"], ACTORS["USA"], provisional],
        mentions=_mentions(text2, {"VLF": "VLF", "XMV": "Marovian", "USA": "Washington",
                                   "P-SABLE-HAND": "Sable Hand"}),
        statements=[t1, t2])

    text3 = "Markets were calm in Castrel on Friday as the harvest festival began."
    r3 = ExtractionResult(document=Document(id="d3", text=text3, date=dt.date(2026, 3, 6), title="Quiet day"),
                          actors=[], mentions=[], statements=[])
    return [r1, r2, r3]


@pytest.fixture(scope="module")
def results() -> list[ExtractionResult]:
    return make_results()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    base = KnowledgeBase()
    for actor in ACTORS.values():
        base.add(actor)
    return base


def _stand_in_actor_graph(results):
    """The documented contract of claimgraph.graph.actor_graph, for when that module is not there yet."""
    graph = nx.DiGraph()
    for result in results:
        named = {m.actor for m in result.mentions if m.actor}
        for actor in result.actors:
            if actor.id in named:
                graph.add_node(actor.id, name=actor.name, type=actor.type, country=actor.country, code=actor.code,
                               provisional=actor.provisional)
        for s in result.statements:
            if s.subject and s.object:
                if not graph.has_edge(s.subject, s.object):
                    graph.add_edge(s.subject, s.object, weight=0, cooperation=0, conflict=0, event_types=Counter())
                data = graph.edges[s.subject, s.object]
                data["weight"] += 1
                data["event_types"][s.event_type] += 1
                data["conflict" if s.event_type in ("ACCUSE", "ASSAULT", "SANCTION") else "cooperation"] += 1
    return graph


@pytest.fixture(scope="module")
def actor_graph():
    try:
        from claimgraph.graph import actor_graph as real
    except ImportError:
        real = None
    if real is not None:
        yield real
    else:
        module = types.ModuleType("claimgraph.graph")
        module.actor_graph = _stand_in_actor_graph
        sys.modules["claimgraph.graph"] = module
        yield _stand_in_actor_graph
        del sys.modules["claimgraph.graph"]


def export(fmt, results, kb) -> tuple[bytes, object]:
    out = io.BytesIO()
    summary = write_export(fmt, iter(results), out, kb)  # an iterator: exports must read the stream once
    return out.getvalue(), summary


# ---- STIX -------------------------------------------------------------------------------------------------
def test_stix_bundle_passes_the_validator(results, kb, tmp_path):
    from stix2validator import ValidationOptions, validate_file, validate_instance

    data, summary = export("stix", results, kb)
    bundle = json.loads(data)
    report = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert report.is_valid, [str(e) for e in report.errors]
    path = tmp_path / "bundle.json"
    path.write_bytes(data)
    file_results = validate_file(str(path), ValidationOptions(version="2.1"))
    assert file_results.is_valid
    assert summary.documents == 3 and summary.statements == 6 and summary.objects == len(bundle["objects"])


def test_stix_mapping_of_actors_reports_relationships_and_notes(results, kb):
    data, _ = export("stix", results, kb)
    objects = json.loads(data)["objects"]
    by_id = {o["id"]: o for o in objects}
    assert len(by_id) == len(objects), "an object was written twice"
    kinds = Counter(o["type"] for o in objects)
    assert kinds["report"] == 3 and kinds["note"] == 6 and kinds["extension-definition"] == 1
    vlf = next(o for o in objects if o.get("name") == "Veldorian Liberation Front")
    assert vlf["type"] == "threat-actor" and vlf["threat_actor_types"] == ["terrorist"]
    mib = next(o for o in objects if o.get("name") == "Marovian Intelligence Bureau")
    assert mib["type"] == "identity" and mib["identity_class"] == "organization"
    usa = next(o for o in objects if o.get("name") == "United States")
    assert {"source_name": "wikidata", "external_id": "Q30", "url": "https://www.wikidata.org/wiki/Q30"} in \
        usa["external_references"]
    report = next(o for o in objects if o["type"] == "report" and o["name"] == "Veldoria accuses Marovia")
    assert report["published"].startswith("2026-03-03")
    assert report["external_references"][0] == {"source_name": "Example Wire", "external_id": "d1",
                                                "url": "https://example.org/d1"}
    rel_types = {o["relationship_type"] for o in objects if o["type"] == "relationship"}
    assert {"accuses", "aids", "supports", "attacks", "sanctions"} <= rel_types
    chicago = next(o for o in objects if o["type"] == "location" and o.get("name") == "Chicago")
    assert chicago["country"] == "US" and chicago["latitude"] == 41.85


def test_stix_notes_carry_the_claim_extension(results, kb):
    data, _ = export("stix", results, kb)
    objects = json.loads(data)["objects"]
    by_id = {o["id"]: o for o in objects}
    ext_id = next(o["id"] for o in objects if o["type"] == "extension-definition")
    assert by_id[ext_id]["schema"].endswith("docs/stix-extension.json")
    notes = {o["extensions"][ext_id]["statement_id"] + "@" + o["extensions"][ext_id]["document_id"]: o
             for o in objects if o["type"] == "note"}
    accusation, carried, denial, attack = (notes[k] for k in ("s1@d1", "s2@d1", "s3@d1", "s4@d1"))
    claim = carried["extensions"][ext_id]
    assert claim["claimant"] == "XVD" and claim["stance"] == "asserts" and claim["parent_statement_id"] == "s1"
    assert claim["parent_ref"] == accusation["id"]
    text = results[0].document.text
    assert text[claim["span_start"]:claim["span_end"]] == claim["quote"] == carried["content"]
    assert by_id[carried["object_refs"][0]]["relationship_type"] == "aids"
    assert by_id[carried["object_refs"][1]]["type"] == "report"
    denial_claim = denial["extensions"][ext_id]
    assert denial_claim["stance"] == "denies" and denial["confidence"] == 90
    assert by_id[denial_claim["claimant_ref"]]["name"] == "Federal Republic of Marovia"
    # no object: the claim is a note on the report (and its place), not on a relationship
    assert [by_id[r]["type"] for r in attack["object_refs"]] == ["report", "location"]
    assert attack["extensions"][ext_id]["quantities"][0]["value"] == 12
    assert attack["extensions"][ext_id]["claimant_name"] == "author (Example Wire)"
    assert all(0 <= o["confidence"] <= 100 and isinstance(o["confidence"], int) for o in notes.values())


def test_stix_extension_schema_file_matches_the_properties(results, kb):
    from pathlib import Path

    schema_path = Path(__file__).resolve().parents[1] / "docs" / "stix-extension.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    data, _ = export("stix", results, kb)
    objects = json.loads(data)["objects"]
    ext_id = next(o["id"] for o in objects if o["type"] == "extension-definition")
    used = set()
    for o in objects:
        used |= set(o.get("extensions", {}).get(ext_id, {}))
    assert used <= set(schema["properties"]), used - set(schema["properties"])


def test_stix_ids_are_stable_across_runs(results, kb):
    first, _ = export("stix", results, kb)
    second, _ = export("stix", make_results(), kb)
    assert first == second
    assert json.loads(first)["id"].startswith("bundle--")


def test_stix_related_to_style_uses_only_standard_types(results, kb):
    from claimgraph.export.stix import validate_bundle_text, write_stix

    out = io.BytesIO()
    write_stix(iter(results), out, kb, relationship_style="related-to")
    objects = json.loads(out.getvalue())["objects"]
    assert {o["relationship_type"] for o in objects if o["type"] == "relationship"} <= {"related-to", "located-at"}
    assert validate_bundle_text(out.getvalue().decode()) == []


# ---- PLOVER -----------------------------------------------------------------------------------------------
def test_plover_lines_have_the_required_fields(results, kb):
    data, summary = export("plover", results, kb)
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == summary.objects == 6
    records = [json.loads(line) for line in lines]
    for record in records:
        for key in ("id", "date", "actor", "source", "recipient", "event", "text", "citation", "cite_info",
                    "asserter", "stance", "quad_code"):
            assert key in record, key
        assert None not in [v for k, v in record.items() if k != "date"]
    assert len({r["id"] for r in records}) == 6
    carried = next(r for r in records if r["id"] == "d1:s2")
    assert carried["parent"] == "d1:s1" and carried["event"] == ["AID"] and carried["mode"] == "military"
    assert carried["actor"][0]["identifier_text"] == "Marovian Intelligence Bureau"
    assert carried["actor"][0]["code"] == "XMV" and carried["actor"][0]["sector"] == "SPY"
    assert carried["recipient"][0]["identifier_id"] == "VLF" and carried["asserter"][0]["identifier_id"] == "XVD"
    attack = next(r for r in records if r["id"] == "d1:s4")
    assert attack["recipient"] == [] and attack["size"] == {"dead": 12}
    assert attack["location"]["cc3"] == "USA" and attack["location"]["country code"] == "US"
    assert attack["date"] == "2026-03-03" and attack["quad_code"] == 4 and attack["context"] == ["terrorism"]
    undated = next(r for r in records if r["id"] == "d2:s1")
    assert undated["stance"] == "speculates" and undated["date"] is None
    assert undated["asserter"] == [{"identifier_id": "author", "identifier_text": "author"}]


# ---- graphs -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphs_load_back_with_the_same_counts(results, kb, actor_graph, fmt, reader, tmp_path):
    expected = actor_graph(iter(results))
    data, summary = export(fmt, results, kb)
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(data)
    loaded = reader(path)
    assert loaded.number_of_nodes() == expected.number_of_nodes() > 0
    assert loaded.number_of_edges() == expected.number_of_edges() > 0
    assert summary.objects == expected.number_of_nodes() + expected.number_of_edges()
    assert b"None" not in data
    nodes = dict(loaded.nodes(data=True))
    assert nodes["XMV.MIB"]["name"] == "Marovian Intelligence Bureau"
    assert nodes["XMV.MIB"]["type"] == "intelligence"
    edge = loaded.edges["XMV.MIB", "VLF"]
    assert float(edge["weight"]) >= 1 and "AID" in edge["event_types"]


def test_graph_attributes_are_cleaned_for_graphml(kb):
    from claimgraph.export.common import ResultTap
    from claimgraph.export.graphs import prepare_graph

    raw = nx.DiGraph()
    raw.add_node("A", name=None, tags={"x", "y"})
    raw.add_node("B", score=1)
    raw.add_node("C", score=2.5)
    raw.add_edge("A", "B", weight=2, event_types={"ASSAULT": 2}, note=None)
    clean = prepare_graph(raw, ResultTap([]), kb)
    assert clean.nodes["A"]["tags"] == "x;y" and clean.nodes["A"]["name"] == "A"
    assert clean.nodes["B"]["score"] == 1.0 and isinstance(clean.nodes["B"]["score"], float)
    assert clean.edges["A", "B"] == {"weight": 2.0, "event_types": "ASSAULT:2"}
    buffer = io.BytesIO()
    nx.write_graphml(clean, buffer)


# ---- tables -----------------------------------------------------------------------------------------------
def test_csv_rows_and_columns(results, kb):
    from claimgraph.export.tables import COLUMNS

    data, summary = export("csv", results, kb)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == summary.objects == 6
    assert tuple(rows[0].keys()) == COLUMNS
    carried = next(r for r in rows if r["document_id"] == "d1" and r["statement_id"] == "s2")
    assert carried["asserter_name"] == "Republic of Veldoria"
    assert carried["subject_name"] == "Marovian Intelligence Bureau" and carried["object_name"] == "Veldorian Liberation Front"
    assert carried["parent"] == "s1" and carried["document_date"] == "2026-03-03"
    assert carried["document_title"] == "Veldoria accuses Marovia" and carried["document_source"] == "Example Wire"
    attack = next(r for r in rows if r["document_id"] == "d1" and r["statement_id"] == "s4")
    assert attack["object"] == "" and attack["killed"] == "12" and attack["location_name"] == "Chicago"
    assert attack["time_start"] == "2026-03-03" and attack["asserter_name"] == "author (Example Wire)"
    sable = next(r for r in rows if r["document_id"] == "d2" and r["statement_id"] == "s2")
    assert sable["object_name"] == "Sable Hand" and sable["stance"] == "predicts"


def test_parquet_rows_schema_and_batches(results, kb, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from claimgraph.export import tables

    monkeypatch.setattr(tables, "BATCH_ROWS", 4)  # 6 rows: two batches
    data, summary = export("parquet", results, kb)
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == summary.objects == 6
    assert tuple(table.column_names) == tables.COLUMNS
    assert table.schema.field("document_date").type == pa.date32()
    assert table.schema.field("confidence").type == pa.float64()
    frame = table.to_pylist()
    carried = next(r for r in frame if r["document_id"] == "d1" and r["statement_id"] == "s2")
    assert carried["subject_name"] == "Marovian Intelligence Bureau" and carried["document_date"] == dt.date(2026, 3, 3)
    assert sum(1 for r in frame if r["object"] is None) == 1


def test_empty_parquet_still_has_the_schema(kb):
    import pyarrow.parquet as pq

    from claimgraph.export.tables import COLUMNS

    data, summary = export("parquet", [], kb)
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == 0 == summary.objects and tuple(table.column_names) == COLUMNS


# ---- dispatch ---------------------------------------------------------------------------------------------
def test_unknown_format_is_a_claimgraph_error(results, kb):
    with pytest.raises(ExportError) as info:
        write_export("xml", iter(results), io.BytesIO(), kb)
    assert isinstance(info.value, ClaimgraphError) and "stix" in str(info.value)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("graphml", "gexf")])
def test_every_format_reads_the_stream_once_and_counts(results, kb, fmt):
    consumed = []

    def stream():
        for result in results:
            consumed.append(result.document.id)
            yield result

    summary = write_export(fmt, stream(), io.BytesIO(), kb)
    assert consumed == ["d1", "d2", "d3"]
    assert (summary.documents, summary.statements, summary.format) == (3, 6, fmt)
    assert summary.actors == 6  # XVD, XMV.MIB, VLF, XMV, USA and the provisional Sable Hand


def test_provisional_actors_are_one_object_across_documents(kb):
    """Two documents' provisional 'Sable Hand' (different raw ids) are one party in every export."""
    results = []
    for n, raw in enumerate(("P-1", "X-SABLE")):
        text = f"Report {n}: the VLF attacked the Sable Hand near the river."
        actor = Actor(id=raw, name="Sable Hand", type="armed_group", provisional=True)
        s = _statement(text, "the VLF attacked the Sable Hand", "s1", asserter="author", stance="asserts",
                       subject="VLF", event_type="ASSAULT", object=raw, trigger="attacked")
        results.append(ExtractionResult(
            document=Document(id=f"p{n}", text=text, date=dt.date(2026, 4, 1 + n)),
            actors=[ACTORS["VLF"], actor], mentions=_mentions(text, {"VLF": "VLF", raw: "Sable Hand"}),
            statements=[s]))
    data, summary = export("stix", results, kb)
    objects = json.loads(data)["objects"]
    assert sum(1 for o in objects if o.get("name") == "Sable Hand") == 1
    assert sum(1 for o in objects if o["type"] == "relationship" and o["relationship_type"] == "attacks") == 1
    assert summary.actors == 2
    rows = list(csv.DictReader(io.StringIO(export("csv", results, kb)[0].decode(), newline="")))
    assert {r["object"] for r in rows} == {"prov:sable hand"} and {r["object_name"] for r in rows} == {"Sable Hand"}
