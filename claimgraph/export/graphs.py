"""GraphML and GEXF export of the actor graph (built by ``claimgraph.graph.actor_graph``) for networkx and Gephi.

Edges come from asserted statements only unless more stances are asked for (then one edge per stance, with a
``stance`` attribute). GEXF is written as a dynamic graph: each edge carries one spell per day its statements
are dated to, so Gephi's timeline shows when a relation was claimed. Both formats store only strings, numbers
and booleans, and only characters XML can hold: attributes are made uniform per key (one type for all nodes or
all edges), missing values are dropped (never written as None), text is stripped of XML-invalid characters,
and booleans are written ``true``/``false`` as the GraphML and GEXF schemas spell them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, BinaryIO, Iterable

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from ..kb import KnowledgeBase
from ..models import ExtractionResult
from .common import ExportOptions, ExportSummary, ResultTap, xml_safe

_QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


def _scalar(value: Any) -> Any:
    """A value both formats can hold: str (XML-safe), int, float or bool; None for nothing."""
    if isinstance(value, str):
        return xml_safe(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dict, Counter)):
        return xml_safe(";".join(f"{k}:{v}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return xml_safe(";".join(str(v) for v in items))
    return xml_safe(str(value))


def _uniform(items: Iterable[dict]) -> None:
    """Make every attribute key hold one type across items: mixed numbers become float, anything else str."""
    items = list(items)
    kinds: dict[str, set[type]] = {}
    for data in items:
        for key, value in data.items():
            if key != "spells":
                kinds.setdefault(key, set()).add(type(value))
    for key, types in kinds.items():
        if len(types) <= 1:
            continue
        target: type = float if types <= {int, float} else str
        for data in items:
            if key in data:
                data[key] = target(data[key])


def export_graph(graph: nx.MultiDiGraph, tap: ResultTap, kb: KnowledgeBase, stances: tuple[str, ...],
                 dynamic: bool) -> nx.DiGraph:
    """The actor graph with the documented node and edge attributes, storable in GraphML and GEXF: a DiGraph
    for one stance, a MultiDiGraph keyed by stance for several."""
    clean: nx.DiGraph = nx.DiGraph() if len(stances) == 1 else nx.MultiDiGraph()
    ids = {node: xml_safe(str(node)) for node in graph.nodes}
    for node, data in graph.nodes(data=True):
        actor = tap.actors.get(str(node)) or kb.get(str(node))
        attrs: dict[str, Any] = {"name": data.get("name"), "type": data.get("type"),
                                 "provisional": bool(data.get("provisional")), "mentions": data.get("mentions", 0),
                                 "documents": data.get("documents", 0)}
        if actor is not None:
            attrs.update(country=actor.country, code=actor.code)
            attrs["name"] = attrs["name"] or actor.name
        attrs["name"] = attrs["name"] or str(node)
        attrs["label"] = attrs["name"]
        clean.add_node(ids[node], **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, stance, data in graph.edges(keys=True, data=True):
        days: list[dt.date] = sorted(data["dates"])
        attrs = {"stance": stance, "weight": float(data["weight"]),
                 "cooperation": data["cooperation"], "conflict": data["conflict"],
                 **{q: data[q] for q in _QUADS}, "event_types": _scalar(data["event_types"])}
        if days:
            attrs.update(first_date=days[0].isoformat(), last_date=days[-1].isoformat())
            if dynamic:
                attrs["spells"] = [(d.isoformat(), d.isoformat()) for d in days]
        if isinstance(clean, nx.MultiDiGraph):
            clean.add_edge(ids[u], ids[v], key=stance, **attrs)
        else:
            clean.add_edge(ids[u], ids[v], **attrs)
    _uniform(data for _, data in clean.nodes(data=True))
    _uniform(data for *_, data in clean.edges(data=True))
    if dynamic and any("spells" in d for *_, d in clean.edges(data=True)):
        clean.graph.update(mode="dynamic", timeformat="date")
    return clean


class _GraphMLWriter(GraphMLWriter):
    """networkx's writer, with booleans spelled as the GraphML schema does (``true``, not ``True``)."""

    def add_data(self, name, element_type, value, scope="all", default=None):  # noqa: ANN001, ANN201
        if element_type is bool:  # networkx passes the value already as str(value)
            value = "true" if value in (True, "True") else "false"
        return super().add_data(name, element_type, value, scope, default)


def write_graph(fmt: str, results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                options: ExportOptions | None = None) -> ExportSummary:
    from ..graph import actor_graph  # the store helper's module; imported late so other formats never need it

    options = options or ExportOptions()
    tap = ResultTap(results)
    graph = export_graph(actor_graph(tap, options.stances), tap, kb, options.stances, dynamic=fmt == "gexf")
    if fmt == "graphml":
        writer = _GraphMLWriter(encoding="utf-8", prettyprint=True)
        writer.add_graph_element(graph)
        writer.dump(out)
    else:
        nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True)
    summary = tap.summary(fmt, graph.number_of_nodes() + graph.number_of_edges(), actors=graph.number_of_nodes())
    summary.extra = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    return summary
