"""re3d: relations between actors (FightingAgainst, AlliesOf, Dislikes, Likes, CommWith) and entity linking.

A gold relation is found when one of our statements of a PLOVER type listed for the relation in
``data/mappings/re3d_relations.yaml`` has its subject span overlapping the relation's source span and its
object span overlapping the target span (either way round for symmetric relations; for CommWith the
asserter may stand in for the source). Precision counts, per relation type, our statements of those types
with both a subject and an object. re3d does not annotate every relation, so precision is a lower bound.

Linking recall: an Organisation entity counts as linked when one of our mentions resolved to an actor
overlaps it; a Location entity when a mention of a country actor or a statement's place overlaps it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import load_yaml
from ..errors import DataFileError
from ..models import EVENT_TYPES, Document, ExtractionResult
from .common import (MAPPINGS_DIR, PRF, DatasetResult, ErrorCase, EvaluationError, Metric, Span, iter_jsonl,
                     limited, no_statement_category, overlaps, probe_triggers, role_spans, run_extraction, snippet)


@dataclass(frozen=True)
class RelationRule:
    type: str
    plover: frozenset[str]
    symmetric: bool
    asserter_counts: bool


@dataclass
class Relation:
    type: str
    source: Span
    target: Span
    trigger: Span


@dataclass
class Re3dDoc:
    document: Document
    relations: list[Relation]
    entities: list[tuple[str, Span]]


def load_rules(path: Path | None = None) -> dict[str, RelationRule]:
    path = path or MAPPINGS_DIR / "re3d_relations.yaml"
    data = load_yaml(path) or {}
    rules = {}
    for record in data.get("relations", []):
        unknown = set(record.get("plover", [])) - set(EVENT_TYPES)
        if unknown:
            raise DataFileError(path, f"unknown PLOVER type(s) {sorted(unknown)}", record.get("__line__"))
        rules[record["type"]] = RelationRule(record["type"], frozenset(record["plover"]),
                                             bool(record.get("symmetric")), bool(record.get("asserter_counts")))
    return rules


def load_documents(root: Path, types: set[str]) -> list[Re3dDoc]:
    docs = []
    for folder in sorted(p for p in root.iterdir() if (p / "documents.json").exists()):
        relations: dict[str, list[Relation]] = {}
        for r in iter_jsonl(folder / "relations.json"):
            if r.get("type") in types:
                relations.setdefault(r["documentId"], []).append(
                    Relation(r["type"], (r["sourceBegin"], r["sourceEnd"]), (r["targetBegin"], r["targetEnd"]),
                             (r["begin"], r["end"])))
        entities: dict[str, list[tuple[str, Span]]] = {}
        for e in iter_jsonl(folder / "entities.json"):
            entities.setdefault(e["documentId"], []).append((e["type"], (e["begin"], e["end"])))
        for d in iter_jsonl(folder / "documents.json"):
            docs.append(Re3dDoc(Document(id=d["_id"], text=d["text"], title=d.get("title"), source=folder.name),
                                relations.get(d["_id"], []), entities.get(d["_id"], [])))
    return docs


def _found(rel: Relation, rule: RelationRule, output: ExtractionResult, cache: dict) -> bool:
    for s in output.statements:
        if s.event_type not in rule.plover:
            continue
        roles = cache.setdefault(s.id, role_spans(output, s))
        pairs = [(roles.subject, roles.object)]
        if rule.symmetric:
            pairs.append((roles.object, roles.subject))
        if rule.asserter_counts:
            pairs += [(roles.asserter, roles.object), (roles.asserter, roles.subject)]
        if any(overlaps(a, rel.source) and overlaps(b, rel.target) for a, b in pairs):
            return True
    return False


def _miss_category(rel: Relation, rule: RelationRule, output: ExtractionResult, cache: dict, hits=()) -> str:
    mentioned = [any(overlaps((m.start, m.end), span) for m in output.mentions) for span in (rel.source, rel.target)]
    near = [s for s in output.statements if overlaps((s.start, s.end), rel.trigger)]
    if not near:
        return f"{rel.type}: {no_statement_category(list(hits), rel.trigger)[0]}"
    roles = [cache.setdefault(s.id, role_spans(output, s)) for s in near]
    if any(overlaps(r.subject, rel.source) and overlaps(r.object, rel.target) for r in roles):
        return f"{rel.type}: trigger found but wrong PLOVER type"
    if any(overlaps(r.subject, rel.target) and overlaps(r.object, rel.source) for r in roles):
        return f"{rel.type}: wrong direction"
    if not mentioned[0]:
        return f"{rel.type}: source entity not recognised as an actor"
    if not mentioned[1]:
        return f"{rel.type}: target entity not recognised as an actor"
    if all(r.object is None for r in roles):
        return f"{rel.type}: object unresolved"
    return f"{rel.type}: statement links other actors"


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "") -> DatasetResult:
    start = time.time()
    if not path.is_dir():
        raise EvaluationError(f"re3d folder not found: {path}")
    rules = load_rules()
    docs = limited(load_documents(path, set(rules)), limit)
    if not docs:
        raise EvaluationError(f"no re3d documents (*/documents.json) under {path}")
    outputs = run_extraction(extractor, [d.document for d in docs], "re3d", n_process)
    result = DatasetResult("re3d", str(path), command, documents=len(docs))
    counts = {t: PRF() for t in rules}
    hits = probe_triggers(extractor, [d.document for d in docs])
    linking = {"Organisation": [0, 0], "Location": [0, 0]}
    for doc, output in zip(docs, outputs):
        text = doc.document.text
        cache: dict = {}
        for rel in doc.relations:
            rule = rules[rel.type]
            hit = _found(rel, rule, output, cache)
            counts[rel.type].gold += 1
            counts[rel.type].gold_matched += int(hit)
            if not hit:
                category = _miss_category(rel, rule, output, cache, hits.get(doc.document.id, []))
                result.errors.append(ErrorCase("re3d", "miss", category, doc.document.id,
                                               snippet(text, min(rel.source[0], rel.target[0]),
                                                       max(rel.source[1], rel.target[1])),
                                               f"{text[slice(*rel.source)]} -> {text[slice(*rel.target)]}",
                                               trigger=_trigger_words(text[slice(*rel.trigger)])))
        for s in output.statements:
            roles = cache.setdefault(s.id, role_spans(output, s))
            if roles.subject is None or roles.object is None:
                continue
            for rule in rules.values():
                if s.event_type not in rule.plover:
                    continue
                gold = [r for r in doc.relations if r.type == rule.type]
                matched = any(_found(r, RelationRule(rule.type, frozenset({s.event_type}), rule.symmetric,
                                                      rule.asserter_counts),
                                     output.model_copy(update={"statements": [s]}), cache) for r in gold)
                counts[rule.type].pred += 1
                counts[rule.type].pred_matched += int(matched)
                if not matched and rule.type == "FightingAgainst":
                    result.errors.append(ErrorCase("re3d", "false", f"false FightingAgainst: {s.event_type} "
                                                   "statement with no gold relation", doc.document.id,
                                                   snippet(text, s.start, s.end), s.trigger))
        _linking(doc, output, linking)
    for rel_type, prf in counts.items():
        result.prf(f"{rel_type}", prf, goal=">= 0.5" if rel_type == "FightingAgainst" else None, unit="relations")
    for kind, (linked, total) in linking.items():
        result.metrics.append(Metric(f"{kind} linking recall", linked / total if total else 0.0,
                                     f"{linked}/{total} entities"))
    return _done(result, start)


def _trigger_words(trigger: str) -> str | None:
    """re3d triggers are sometimes whole clauses; only short ones are useful for a frequency list."""
    words = trigger.lower().split()
    return " ".join(words) if 0 < len(words) <= 3 else None


def _linking(doc: Re3dDoc, output: ExtractionResult, linking: dict) -> None:
    resolved = [(m.start, m.end) for m in output.mentions if m.actor]
    countries = {a.id for a in output.actors if a.type == "country"}
    places = [(m.start, m.end) for m in output.mentions if m.actor in countries]
    places += [(s.location.char_start, s.location.char_end) for s in output.statements
               if s.location and s.location.char_start is not None and s.location.char_end is not None]
    for kind, span in doc.entities:
        if kind == "Organisation":
            linking[kind][1] += 1
            linking[kind][0] += int(any(overlaps(span, r) for r in resolved))
        elif kind == "Location":
            linking[kind][1] += 1
            linking[kind][0] += int(any(overlaps(span, p) for p in places))


def _done(result: DatasetResult, start: float) -> DatasetResult:
    result.seconds = time.time() - start
    result.notes.append("re3d relations are not exhaustive, so precision here is a lower bound; no peer system "
                        "reports these relation types on this data.")
    return result
