"""GraphML and GEXF export of the actor graph (built by ``claimgraph.graph.actor_graph``) for networkx and Gephi.

Both formats store only strings, numbers and booleans, and GraphML has no null: attributes are made uniform
per key (one type for all nodes or all edges) and missing values are dropped, never written as None.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, BinaryIO, Iterable

import networkx as nx

from ..kb import KnowledgeBase
from ..models import ExtractionResult
from ..identity import key_map, map_key
from .common import ExportOptions, ExportSummary, ResultTap, xml_safe

_NODE_FIELDS = ("name", "type", "country", "code", "provisional")


def _scalar(value: Any) -> Any:
    """A value both formats can hold: str (XML-safe), int, float or bool; None for nothing."""
    if isinstance(value, str):
        return xml_safe(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict) or isinstance(value, Counter):
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
            kinds.setdefault(key, set()).add(type(value))
    for key, types in kinds.items():
        if len(types) <= 1:
            continue
        target: type = float if types <= {int, float} else str
        for data in items:
            if key in data:
                data[key] = target(data[key])


class EventTypeTap(ResultTap):
    """Also counts event types per (subject, object) edge, keyed as ``actor_graph`` keys its nodes."""

    def __init__(self, results: Iterable[ExtractionResult]):
        super().__init__(results)
        self.event_types: dict[tuple[str, str], Counter] = {}

    def __iter__(self):
        for result in super().__iter__():
            keys = key_map(result)
            for s in result.statements:
                subject, obj = map_key(s.subject, keys), map_key(s.object, keys)
                if subject and obj:
                    self.event_types.setdefault((subject, obj), Counter())[s.event_type] += 1
            yield result


def prepare_graph(graph: nx.DiGraph, tap: ResultTap, kb: KnowledgeBase) -> nx.DiGraph:
    """A copy of ``graph`` with the documented node and edge attributes, all storable in GraphML and GEXF."""
    clean = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        actor = tap.actors.get(str(node)) or kb.get(str(node))
        attrs = {k: _scalar(v) for k, v in data.items()}
        if actor is not None:
            defaults = {"name": actor.name, "type": actor.type, "country": actor.country, "code": actor.code,
                        "provisional": actor.provisional}
            for key in _NODE_FIELDS:
                if attrs.get(key) is None:
                    attrs[key] = defaults[key]
        if attrs.get("name") is None:
            attrs["name"] = str(node)
        attrs["label"] = attrs["name"]
        clean.add_node(xml_safe(str(node)), **{k: v for k, v in attrs.items() if v is not None})
    for u, v, data in graph.edges(data=True):
        attrs = {k: _scalar(val) for k, val in data.items()}
        counted = getattr(tap, "event_types", {}).get((u, v))
        if "event_types" not in attrs and counted:
            attrs["event_types"] = _scalar(counted)
        if "event_types" not in attrs:
            for alt in ("events", "event_counts", "types"):
                if alt in attrs:
                    attrs["event_types"] = attrs.pop(alt)
                    break
        attrs.setdefault("weight", 1)
        attrs["weight"] = float(attrs["weight"])
        for key in ("cooperation", "conflict"):
            if key in attrs and isinstance(attrs[key], float) and attrs[key].is_integer():
                attrs[key] = int(attrs[key])
        clean.add_edge(xml_safe(str(u)), xml_safe(str(v)), **{k: val for k, val in attrs.items() if val is not None})
    _uniform(data for _, data in clean.nodes(data=True))
    _uniform(data for _, _, data in clean.edges(data=True))
    clean.graph.update({k: _scalar(v) for k, v in graph.graph.items() if _scalar(v) is not None})
    return clean


def write_graph(fmt: str, results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                options: ExportOptions | None = None) -> ExportSummary:
    from ..graph import actor_graph  # the store helper's module; imported late so other formats never need it

    tap = EventTypeTap(results)
    graph = prepare_graph(actor_graph(tap), tap, kb)
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True)
    summary = tap.summary(fmt, graph.number_of_nodes() + graph.number_of_edges(), actors=graph.number_of_nodes())
    summary.extra = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    return summary
