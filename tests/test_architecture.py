"""The package's architecture, checked from the source: no import cycles, and each layer imports only the layers
below it (the store never reaches the NLP layer; actors and context never reach claims).

Every import counts, including those inside functions and under ``TYPE_CHECKING``: a lazy import hides a
dependency from Python, not from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "claimgraph"

# A module belongs to the layer of the longest prefix that matches its dotted name.
LAYER_PREFIXES = {
    "claimgraph": "foundation",
    "claimgraph.errors": "foundation",
    "claimgraph.models": "foundation",
    "claimgraph.datafiles": "foundation",
    "claimgraph.ontology": "foundation",
    "claimgraph.identity": "foundation",
    "claimgraph.dateline": "foundation",
    "claimgraph.textio": "foundation",
    "claimgraph.kb": "foundation",
    "claimgraph.lexicon": "foundation",
    "claimgraph.gazetteer": "foundation",
    "claimgraph.nlp": "nlp-core",
    "claimgraph.nlp.context": "nlp-context",
    "claimgraph.nlp.actors": "nlp-actors",
    "claimgraph.nlp.claims": "nlp-claims",
    "claimgraph.nlp.pipeline": "nlp-pipeline",
    "claimgraph.store": "store",
    "claimgraph.extract": "extraction",
    "claimgraph.explain": "extraction",
    "claimgraph.ingest": "application",
    "claimgraph.collect": "application",
    "claimgraph.export": "application",
    "claimgraph.graph": "application",
    "claimgraph.evaluation": "application",
    "claimgraph.cli": "application",
    "claimgraph.demo": "application",
    "claimgraph.web": "application",
    # the statement verifier: features and the model file are plain data work, its spaCy component an NLP stage,
    # its training an application of extraction and evaluation
    "claimgraph.verifier": "foundation",
    "claimgraph.verifier.component": "nlp-claims",
    "claimgraph.verifier.training": "application",
    "claimgraph.verifier.train": "application",
}
# What each layer may import besides itself.
ALLOWED = {
    "foundation": set(),
    "nlp-core": {"foundation"},
    "nlp-context": {"foundation", "nlp-core"},
    "nlp-actors": {"foundation", "nlp-core"},
    "nlp-claims": {"foundation", "nlp-core", "nlp-actors", "nlp-context"},
    "nlp-pipeline": {"foundation", "nlp-core", "nlp-context", "nlp-actors", "nlp-claims"},
    "store": {"foundation"},
    "extraction": {"foundation", "nlp-pipeline"},
    "application": {"foundation", "store", "extraction"},
}


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the package modules it imports (``from x import y`` counts as ``x.y`` when that is a module)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    deps.add(sub if sub in modules else base)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        layer = LAYER_PREFIXES.get(".".join(parts[:n]))
        if layer is not None:
            return layer
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(module_files())


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_every_module_has_a_layer(graph):
    assert [m for m in graph if layer_of(m) is None] == []


def test_layers_import_only_what_they_may(graph):
    wrong = []
    for module, deps in sorted(graph.items()):
        layer = layer_of(module)
        for dep in sorted(deps):
            target = layer_of(dep)
            if target != layer and target not in ALLOWED[layer]:  # type: ignore[index]
                wrong.append(f"{module} ({layer}) imports {dep} ({target})")
    assert wrong == []


def test_the_store_does_not_depend_on_nlp(graph):
    reachable, todo = set(), [m for m in graph if m.startswith("claimgraph.store")]
    while todo:
        module = todo.pop()
        for dep in graph[module] - reachable:
            reachable.add(dep)
            todo.append(dep)
    assert not {m for m in reachable if m.startswith(("claimgraph.nlp", "claimgraph.extract"))}
