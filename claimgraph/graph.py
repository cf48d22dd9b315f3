"""The actor graph: one definition shared by ``claimgraph network`` and the GraphML/GEXF exports.

Edges are ordered (subject, object) pairs of statements with both set, **one edge per stance**: by default only
asserted statements count, so an accusation and its denial do not add up to a relation ("the Taliban say
Pakistan supports ISKP" and "Pakistan denies it" are one asserted SUPPORT claim and one denied one, not two
cooperation events). Each edge is weighted by its statements, split by PLOVER's quad classes (verbal/material
cooperation/conflict, read from data/ontology/plover.yaml) and dated by them. Nodes are the actors on at least
one edge. Node ids are store-wide actor keys, so provisional actors of the same name in different documents
are one node.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Iterable, Sequence

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


def actor_graph(results: Iterable[ExtractionResult],
                stances: Sequence[str] = ("asserts",)) -> nx.MultiDiGraph:
    """The directed actor graph of these documents (see the module docstring for the definition).

    Edges are keyed by stance (``graph.edges[subject, object, "asserts"]``), one per stance in ``stances``.
    Node attributes: name, type, provisional, mentions, documents. Edge attributes: stance, weight
    (statements), cooperation, conflict, one count per quad class, ``event_types`` (a Counter) and ``dates``
    (the set of days its statements are dated to: the statement's time, else its document's date).
    """
    quads = quad_classes()
    wanted = set(stances)
    graph = nx.MultiDiGraph()
    nodes: dict[str, dict] = {}
    for result in results:
        keys = key_map(result)
        for actor in result.actors:
            nodes.setdefault(actor_key(actor, result.document.id), {
                "name": actor.name, "type": actor.type, "provisional": actor.provisional, "mentions": 0,
                "documents": 0})
        mentioned = set()
        for mention in result.mentions:
            key = map_key(mention.actor, keys)
            if key and key in nodes:
                nodes[key]["mentions"] += 1
                mentioned.add(key)
        for key in mentioned:
            nodes[key]["documents"] += 1
        for statement in result.statements:
            subject, obj = map_key(statement.subject, keys), map_key(statement.object, keys)
            if not subject or not obj or statement.stance not in wanted:
                continue
            for key in (subject, obj):
                nodes.setdefault(key, {"name": key, "type": "other", "provisional": False, "mentions": 0,
                                       "documents": 0})
            stance = statement.stance
            if not graph.has_edge(subject, obj, stance):
                graph.add_edge(subject, obj, stance, stance=stance, weight=0, cooperation=0, conflict=0,
                               event_types=Counter(), dates=set(), **{q: 0 for q in QUADS})
            edge = graph.edges[subject, obj, stance]
            quad = quads[statement.event_type]
            edge["weight"] += 1
            edge[quad] += 1
            edge["cooperation" if quad.endswith("cooperation") else "conflict"] += 1
            edge["event_types"][statement.event_type] += 1
            time = statement.time
            day = time.start_date if time and time.start_date else result.document.date
            if day is not None:
                edge["dates"].add(day)
    for key in list(graph.nodes):
        graph.nodes[key].update(nodes[key])  # only actors on an edge: no isolates
    return graph
