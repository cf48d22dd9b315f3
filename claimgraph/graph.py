"""The actor graph: one definition shared by ``claimgraph network`` and the GraphML/GEXF exports.

Nodes are actors with at least one mention in the given documents, plus any actor a statement names as
subject or object. Edges are ordered (subject, object) pairs of statements with both set, weighted by the
number of statements and split by PLOVER's quad classes (verbal/material cooperation/conflict, read from
data/ontology/plover.yaml). Node ids are store-wide actor keys, so provisional actors of the same name in
different documents are one node.
"""

from __future__ import annotations

import functools
from typing import Iterable

import networkx as nx

from .datafiles import load_yaml, package_data_path
from .errors import DataFileError
from .models import EVENT_TYPES, ExtractionResult
from .identity import actor_key, key_map, map_key

QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


@functools.lru_cache(maxsize=1)
def quad_classes() -> dict[str, str]:
    """PLOVER event type -> quad class, from the ontology file."""
    path = package_data_path("ontology", "plover.yaml")
    data = load_yaml(path)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise DataFileError(path, "expected an 'events:' list", 1)
    quads = {}
    for event in events:
        name, quad = event.get("name"), event.get("quad")
        if quad not in QUADS:
            raise DataFileError(path, f"event {name!r}: quad must be one of {', '.join(QUADS)}, not {quad!r}")
        quads[name] = quad
    missing = set(EVENT_TYPES) - set(quads)
    if missing:
        raise DataFileError(path, f"no quad for event type(s) {', '.join(sorted(missing))}")
    return quads


def actor_graph(results: Iterable[ExtractionResult]) -> nx.DiGraph:
    """The directed actor graph of these documents (see the module docstring for the definition).

    Node attributes: name, type, provisional, mentions, documents. Edge attributes: weight (statements),
    cooperation, conflict, and one count per quad class.
    """
    quads = quad_classes()
    graph = nx.DiGraph()
    for result in results:
        keys = key_map(result)
        for actor in result.actors:
            key = actor_key(actor, result.document.id)
            if key not in graph:
                graph.add_node(key, name=actor.name, type=actor.type, provisional=actor.provisional, mentions=0,
                               documents=0)
        mentioned = set()
        for mention in result.mentions:
            key = map_key(mention.actor, keys)
            if key and key in graph:
                graph.nodes[key]["mentions"] += 1
                mentioned.add(key)
        for key in mentioned:
            graph.nodes[key]["documents"] += 1
        for statement in result.statements:
            subject, obj = map_key(statement.subject, keys), map_key(statement.object, keys)
            if not subject or not obj:
                continue
            for key in (subject, obj):
                if key not in graph:
                    graph.add_node(key, name=key, type="other", provisional=False, mentions=0, documents=0)
            if not graph.has_edge(subject, obj):
                graph.add_edge(subject, obj, weight=0, cooperation=0, conflict=0, **{q: 0 for q in QUADS})
            edge = graph.edges[subject, obj]
            quad = quads[statement.event_type]
            edge["weight"] += 1
            edge[quad] += 1
            edge["cooperation" if quad.endswith("cooperation") else "conflict"] += 1
    unused = [n for n, d in graph.nodes(data=True) if d["mentions"] == 0 and graph.degree(n) == 0]
    graph.remove_nodes_from(unused)  # listed by extraction (e.g. only as an asserter) but never mentioned
    return graph
