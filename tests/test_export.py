"""Exports: PLOVER records, GraphML/GEXF round trips, CSV and Parquet tables (STIX: test_export_stix.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from claimgraph.errors import ClaimgraphError
from claimgraph.export import FORMATS, ExportError, write_export
from claimgraph.kb import KnowledgeBase
from claimgraph.models import (
    Actor, Document, ExtractionResult,
)

try:
    from tests.export_data import ACTORS, _mentions, _statement, export, make_kb, make_results
except ImportError:  # tests/ is not a package
    from export_data import ACTORS, _mentions, _statement, export, make_kb, make_results  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def results() -> list[ExtractionResult]:
    return make_results()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return make_kb()


@pytest.fixture(scope="module")
def actor_graph():
    from claimgraph.graph import actor_graph as real

    return real


# ---- PLOVER -----------------------------------------------------------------------------------------------
PLOVER_SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "plover-schema.json"


def plover_records(results, kb, options=None) -> tuple[list[dict], object]:
    import jsonschema

    data, summary = export("plover", results, kb, options)
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    validator = jsonschema.Draft202012Validator(json.loads(PLOVER_SCHEMA.read_text(encoding="utf-8")))
    for record in records:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, (record["id"], [e.message for e in errors])
    return records, summary


def test_plover_records_validate_against_the_manuals_fields(results, kb):
    records, summary = plover_records(results, kb)
    assert len(records) == summary.objects == 6 and summary.extra == {"left out (no actor)": 0}
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == 6
    carried = by_id["d1:s2"]
    assert carried["parent"] == "d1:s1" and carried["event"] == ["AID"] and carried["mode"] == ["military"]
    assert carried["actor"][0]["code"] == "XMV" and carried["actor"][0]["entity_text"] == "Marovian Intelligence Bureau"
    assert carried["actor"][0]["identifier_text"] == "Marovian Intelligence Bureau"
    assert carried["actor"][0]["sector"] == "SPY" and "actor_text" not in carried["actor"][0]
    assert carried["recipient"][0]["claimgraph_id"] == "VLF" and carried["asserter"][0]["claimgraph_id"] == "XVD"
    assert "source" not in carried and "citation" not in carried and "location" not in carried
    attack = by_id["d1:s4"]
    assert attack["recipient"] == [] and attack["size"] == {"dead": 12} and attack["quad_code"] == 4
    assert attack["event_loc"] == {"extracted_place": "Chicago", "resolved_place": "Chicago", "geonameid": 4887398,
                                   "lat": 41.85, "lon": -87.65, "city": "Chicago", "province": "Illinois",
                                   "province_code": "US-IL",
                                   "country": "United States", "country_code": "USA", "feature_class": "P",
                                   "feature_code": "PPL", "resolution": 4}
    assert attack["date"] == "2026-03-03" and attack["context"] == ["terrorism"] and attack["has_event"] is True
    usa = by_id["d2:s2"]["actor"][0]
    assert usa["identifier_id"] == "Q30" and usa["identifier_text"] == "United States"  # a Wikidata id
    assert by_id["d1:s1"]["cite_info"]["codebook"].startswith("plover-2.0") and "DEMAND" not in json.dumps(records)


def test_plover_stance_becomes_has_event_and_auxiliary_contexts(results, kb):
    by_id = {r["id"]: r for r in plover_records(results, kb)[0]}
    denial = by_id["d1:s3"]
    assert denial["has_event"] is False and "negation" in denial["context"] and denial["stance"] == "denies"
    speculation, prediction = by_id["d2:s1"], by_id["d2:s2"]
    assert speculation["context"] == ["hypothetical"] and speculation["has_event"] is True
    assert prediction["context"] == ["future"] and speculation["date"] is None
    assert by_id["d1:s1"]["context"] == [] and by_id["d1:s1"]["has_event"] is True
    assert speculation["asserter"] == [{"identifier_text": "author", "claimgraph_id": "author"}]


def test_plover_negations_cancel_and_records_without_an_actor_are_left_out(kb):
    from claimgraph.export.plover import stance_contexts

    text = "Marovia denied that it did not arm the VLF. Someone bombed a depot."
    double = _statement(text, "Marovia denied that it did not arm the VLF", "s1", asserter="XMV", stance="denies",
                        subject="XMV", event_type="AID", object="VLF", trigger="arm", negated=True,
                        mode="heavy-weapons")  # the manual's mode names have hyphens
    nobody = _statement(text, "Someone bombed a depot", "s2", asserter="author", stance="asserts", subject=None,
                        event_type="ASSAULT", object=None, trigger="bombed")
    assert stance_contexts(double) == (True, [])
    result = ExtractionResult(document=Document(id="n1", text=text), actors=[ACTORS["XMV"], ACTORS["VLF"]],
                              mentions=_mentions(text, {"XMV": "Marovia", "VLF": "VLF"}), statements=[double, nobody])
    records, summary = plover_records([result], kb)
    assert [r["id"] for r in records] == ["n1:s1"] and summary.extra == {"left out (no actor)": 1}


# ---- graphs -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphs_load_back_with_asserted_edges_only(results, kb, actor_graph, fmt, reader, tmp_path):
    expected = actor_graph(iter(results))
    data, summary = export(fmt, results, kb)
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(data)
    loaded = reader(path)
    assert loaded.number_of_nodes() == expected.number_of_nodes() == summary.extra["nodes"]
    assert loaded.number_of_edges() == expected.number_of_edges() == summary.extra["edges"]
    assert b"None" not in data and b"True" not in data and b"False" not in data
    # asserted: Veldoria's accusation, the arming it carries; not Marovia's denial nor the speculated or
    # predicted attacks and sanctions
    assert set(loaded.edges) == {("XVD", "XMV.MIB"), ("XMV.MIB", "VLF")}
    assert all(loaded.degree(n) > 0 for n in loaded)  # no isolates
    nodes = dict(loaded.nodes(data=True))
    assert nodes["XMV.MIB"]["name"] == "Marovian Intelligence Bureau" and nodes["XMV.MIB"]["type"] == "intelligence"
    assert nodes["VLF"]["provisional"] is False
    edge = loaded.edges["XMV.MIB", "VLF"]
    assert edge["weight"] == 1.0 and edge["event_types"] == "AID:1" and edge["stance"] == "asserts"
    assert edge["first_date"] == edge["last_date"] == "2026-03-03"


def test_every_stance_gets_its_own_edge_when_asked(results, kb, tmp_path):
    from claimgraph.export import ExportOptions
    from claimgraph.models import STANCES

    data, summary = export("graphml", results, kb, ExportOptions(stances=STANCES))
    (tmp_path / "g.graphml").write_bytes(data)
    loaded = nx.read_graphml(tmp_path / "g.graphml")
    assert summary.extra["edges"] == 5
    stances = {(u, v): d["stance"] for u, v, d in loaded.edges(data=True)}
    assert stances[("XMV", "VLF")] == "denies" and stances[("VLF", "XMV")] == "speculates"
    assert stances[("USA", "prov:sable hand")] == "predicts"


def test_gexf_is_dynamic_with_a_spell_per_dated_day(kb, tmp_path):
    text = "The VLF attacked Marovia on May 2. The VLF attacked Marovia again on May 9."
    statements = [_statement(text, quote, f"s{n}", asserter="author", stance="asserts", subject="VLF",
                             event_type="ASSAULT", object="XMV", trigger="attacked", time=time)
                  for n, (quote, time) in enumerate([
                      ("The VLF attacked Marovia on May 2", {"text": "May 2", "start_date": "2026-05-02"}),
                      ("The VLF attacked Marovia again on May 9", {"text": "May 9", "start_date": "2026-05-09"})])]
    result = ExtractionResult(document=Document(id="t1", text=text, date=dt.date(2026, 5, 10)),
                              actors=[ACTORS["VLF"], ACTORS["XMV"]],
                              mentions=_mentions(text, {"VLF": "VLF", "XMV": "Marovia"}), statements=statements)
    data, _ = export("gexf", [result], kb)
    assert b'mode="dynamic"' in data and b'timeformat="date"' in data
    (tmp_path / "t.gexf").write_bytes(data)
    edge = nx.read_gexf(tmp_path / "t.gexf").edges["VLF", "XMV"]
    assert edge["spells"] == [("2026-05-02", "2026-05-02"), ("2026-05-09", "2026-05-09")]
    assert edge["weight"] == 2.0 and edge["conflict"] == 2


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
    assert sum(1 for o in objects if o["type"] == "relationship" and "PLOVER ASSAULT" in o["description"]) == 1
    assert summary.actors == 2
    rows = list(csv.DictReader(io.StringIO(export("csv", results, kb)[0].decode(), newline="")))
    assert {r["object"] for r in rows} == {"prov:sable hand"} and {r["object_name"] for r in rows} == {"Sable Hand"}


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_a_claim_and_its_denial_are_parallel_edges_not_a_sum(kb, fmt, reader, tmp_path):
    from claimgraph.export import ExportOptions
    from claimgraph.models import STANCES

    text = "The VLF said Marovia armed it. Marovia denied arming the VLF."
    claim = _statement(text, "Marovia armed it", "s1", asserter="VLF", stance="asserts", subject="XMV",
                       event_type="AID", object="VLF", trigger="armed")
    denial = _statement(text, "Marovia denied arming the VLF", "s2", asserter="XMV", stance="denies", subject="XMV",
                        event_type="AID", object="VLF", trigger="arming")
    result = ExtractionResult(document=Document(id="c1", text=text, date=dt.date(2026, 5, 4)),
                              actors=[ACTORS["VLF"], ACTORS["XMV"]],
                              mentions=_mentions(text, {"VLF": "VLF", "XMV": "Marovia"}), statements=[claim, denial])
    data, _ = export(fmt, [result], kb, ExportOptions(stances=STANCES))
    (tmp_path / f"c.{fmt}").write_bytes(data)
    loaded = reader(tmp_path / f"c.{fmt}")
    assert loaded.is_multigraph()
    assert sorted((d["stance"], d["weight"]) for _, _, d in loaded.edges(data=True)) == [("asserts", 1.0),
                                                                                        ("denies", 1.0)]
    asserted_only = reader(io.BytesIO(export(fmt, [result], kb)[0]))
    assert [d["stance"] for _, _, d in asserted_only.edges(data=True)] == ["asserts"]
