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

import datetime as dt
import functools
from collections import Counter
from typing import Iterable, Sequence

import networkx as nx
from pydantic import BaseModel

from .datafiles import load_yaml, package_data_path
from .errors import DataFileError
from .models import EVENT_TYPES, ExtractionResult
from .identity import actor_key, key_map, map_key
from .store import ClaimFilter, Store

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
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
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


# ---- the actor network of a window, for the workbench (counted by the store, not rebuilt from documents) --------
class NetworkNode(BaseModel):
    key: str
    name: str
    type: str | None = None
    provisional: bool = False
    statements: int  # on its edges, either end


class NetworkEdge(BaseModel):
    """One (subject, object, stance) edge, as in ``actor_graph``, with its statements split by PLOVER family."""

    source: str
    target: str
    stance: str
    weight: int
    cooperation: int
    conflict: int
    family: str  # the quad class with most statements (ties: the first in QUADS)
    quads: dict[str, int]
    event_types: dict[str, int]
    first: dt.date | None = None
    last: dt.date | None = None


class ActorNetwork(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    statements: int
    truncated: bool  # more (subject, object, stance, event type) groups matched than were counted


def actor_network(store: Store, flt: ClaimFilter, max_groups: int = 50_000) -> ActorNetwork:
    """The actor graph of the statements ``flt`` selects, with the edges of ``actor_graph`` (ordered subject ->
    object pairs, one edge per stance; only the stances ``flt`` names, every stance when it names none). Dates
    are document dates. Counted in the store, so a window of a large store is fast; the ``max_groups`` largest
    (subject, object, stance, event type) groups are kept, which keeps the heaviest edges whole."""
    quads = quad_classes()
    counts = store.edge_counts(flt, limit=max_groups + 1)
    groups = counts.edges[:max_groups]
    edges: dict[tuple[str, str, str], dict] = {}
    for g in groups:
        edge = edges.setdefault((g.subject, g.object, g.stance), {
            "weight": 0, "quads": dict.fromkeys(QUADS, 0), "event_types": {}, "first": None, "last": None})
        edge["weight"] += g.statements
        edge["quads"][quads[g.event_type]] += g.statements
        edge["event_types"][g.event_type] = edge["event_types"].get(g.event_type, 0) + g.statements
        if g.first and (edge["first"] is None or g.first < edge["first"]):
            edge["first"] = g.first
        if g.last and (edge["last"] is None or g.last > edge["last"]):
            edge["last"] = g.last
    degree: Counter = Counter()
    out = []
    for (subject, obj, stance), e in sorted(edges.items(), key=lambda kv: (-kv[1]["weight"], kv[0])):
        degree[subject] += e["weight"]
        degree[obj] += e["weight"]
        q = e["quads"]
        out.append(NetworkEdge.model_construct(  # thousands per window; the values are typed already
            source=subject, target=obj, stance=stance, weight=e["weight"],
            cooperation=q["verbal_cooperation"] + q["material_cooperation"],
            conflict=q["verbal_conflict"] + q["material_conflict"], family=max(QUADS, key=lambda k: q[k]),
            quads=q, event_types=dict(sorted(e["event_types"].items())), first=e["first"], last=e["last"]))
    nodes = [NetworkNode.model_construct(key=a.key, name=a.name, type=a.type, provisional=a.provisional,
                                         statements=degree[a.key]) for a in counts.actors if a.key in degree]
    nodes.sort(key=lambda n: (-n.statements, n.key))
    return ActorNetwork(nodes=nodes, edges=out, statements=sum(e.weight for e in out),
                        truncated=len(counts.edges) > max_groups)
