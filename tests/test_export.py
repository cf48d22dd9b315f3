"""Exports: PLOVER records, GraphML/GEXF round trips, CSV and Parquet tables (STIX: test_export_stix.py)."""

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
    assert sum(1 for o in objects if o["type"] == "relationship" and "PLOVER ASSAULT" in o["description"]) == 1
    assert summary.actors == 2
    rows = list(csv.DictReader(io.StringIO(export("csv", results, kb)[0].decode(), newline="")))
    assert {r["object"] for r in rows} == {"prov:sable hand"} and {r["object_name"] for r in rows} == {"Sable Hand"}
