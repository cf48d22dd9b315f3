"""wikievents (dev): attack arguments and communicators.

- Attack events (``Conflict.Attack.*``): the Attacker argument against the subject spans of our ASSAULT
  statements, and the Target/Victim arguments against their object spans.
- Communication events (``Contact.*`` with a Communicator argument, e.g. Contact.Contact.Broadcast): the
  Communicator against the asserter spans of our attributed statements (asserter not the author).

Matching is by character overlap between our span and the argument's entity mention; the lenient
"coreference" figure also accepts any mention in the argument's coreference cluster (coref/dev.jsonlines).
Gold arguments and our spans are each counted once per document. Documents are rebuilt from the sentence
texts (the ``text`` field runs sentences together without spaces).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Document, ExtractionResult
from .common import (PRF, DatasetResult, ErrorCase, EvaluationError, Span, iter_jsonl, limited, overlaps,
                     role_spans, run_extraction, snippet)

ROLES = {"attacker": ("Attacker",), "target": ("Target", "Victim"), "communicator": ("Communicator",)}


@dataclass
class WikiDoc:
    document: Document
    entity_spans: dict[str, Span]
    clusters: dict[str, list[str]]  # entity id -> ids of its coreferent mentions
    gold: dict[str, set[str]] = field(default_factory=dict)  # role group -> entity ids
    triggers: dict[str, str] = field(default_factory=dict)  # entity id -> trigger of (one of) its events


def build_text(sentences: list) -> tuple[str, list[Span]]:
    """Join the sentence texts (a blank line after a headline without final punctuation) and locate tokens."""
    parts: list[str] = []
    token_spans: list[Span] = []
    pos = 0
    for sentence in sentences:
        tokens, sent_text = sentence[0], sentence[1]
        if parts:
            sep = " " if parts[-1].rstrip()[-1:] in ".!?\"'”’" else "\n\n"
            parts.append(sep)
            pos += len(sep)
        cursor = 0
        for token in tokens:
            found = sent_text.find(token[0], cursor)
            if found == -1:
                found = cursor
            token_spans.append((pos + found, pos + found + len(token[0])))
            cursor = found + len(token[0])
        parts.append(sent_text)
        pos += len(sent_text)
    return "".join(parts), token_spans


def load_documents(path: Path) -> list[WikiDoc]:
    coref: dict[str, list[list[str]]] = {}
    coref_file = path / "coref" / "dev.jsonlines"
    if coref_file.exists():
        coref = {d["doc_key"]: d["clusters"] for d in iter_jsonl(coref_file)}
    docs = []
    for d in iter_jsonl(path / "dev.jsonl"):
        text, token_spans = build_text(d["sentences"])
        spans = {}
        for e in d["entity_mentions"]:
            first, last = token_spans[e["start"]], token_spans[max(e["start"], e["end"] - 1)]
            spans[e["id"]] = (first[0], last[1])
        clusters: dict[str, list[str]] = {}
        for cluster in coref.get(d["doc_id"], []):
            for member in cluster:
                clusters[member] = cluster
        doc = WikiDoc(Document(id=d["doc_id"], text=text), spans, clusters)
        for group in ROLES:
            doc.gold[group] = set()
        for event in d["event_mentions"]:
            for arg in event["arguments"]:
                for group, roles in ROLES.items():
                    is_attack = event["event_type"].startswith("Conflict.Attack")
                    if arg["role"] in roles and (is_attack if group != "communicator" else
                                                 event["event_type"].startswith("Contact.")):
                        doc.gold[group].add(arg["entity_id"])
                        doc.triggers.setdefault(arg["entity_id"], event["trigger"]["text"].lower())
        docs.append(doc)
    return docs


def predicted(output: ExtractionResult) -> dict[str, set[Span]]:
    pred: dict[str, set[Span]] = {group: set() for group in ROLES}
    for s in output.statements:
        roles = role_spans(output, s)
        if s.event_type == "ASSAULT":
            if roles.subject:
                pred["attacker"].add(roles.subject)
            if roles.object:
                pred["target"].add(roles.object)
        if s.asserter != "author" and roles.asserter:
            pred["communicator"].add(roles.asserter)
    return pred


def score(doc: WikiDoc, pred: set[Span], gold_ids: set[str], lenient: bool) -> PRF:
    def spans_of(entity: str) -> list[Span]:
        ids = doc.clusters.get(entity, [entity]) if lenient else [entity]
        return [doc.entity_spans[i] for i in ids if i in doc.entity_spans]

    gold_spans = {g: spans_of(g) for g in gold_ids}
    pred_hit = sum(any(overlaps(p, s) for spans in gold_spans.values() for s in spans) for p in pred)
    gold_hit = sum(any(overlaps(p, s) for p in pred for s in spans) for spans in gold_spans.values())
    return PRF(pred_hit, len(pred), gold_hit, len(gold_spans))


def _miss_category(group: str, span: Span, output: ExtractionResult) -> str:
    label = {"attacker": "Attacker", "target": "Target/Victim", "communicator": "Communicator"}[group]
    if not any(overlaps((m.start, m.end), span) for m in output.mentions):
        return f"wikievents {label}: entity not recognised as an actor mention"
    if group == "communicator":
        if any(overlaps(role_spans(output, s).subject, span) for s in output.statements):
            return "wikievents Communicator: speaker found as subject, not as asserter (attribution wrong)"
        return "wikievents Communicator: no attributed statement from this speaker"
    near = [s for s in output.statements if s.start <= span[0] < s.end]
    if not near:
        return f"wikievents {label}: no statement in the sentence"
    if not any(s.event_type == "ASSAULT" for s in near):
        return f"wikievents {label}: trigger found but wrong PLOVER type"
    return f"wikievents {label}: ASSAULT found, {'subject' if group == 'attacker' else 'object'} unresolved/other"


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "") -> DatasetResult:
    start = time.time()
    if not (path / "dev.jsonl").exists():
        raise EvaluationError(f"wikievents dev.jsonl not found in {path}")
    docs = limited(load_documents(path), limit)
    outputs = run_extraction(extractor, [d.document for d in docs], "wikievents", n_process)
    result = DatasetResult("wikievents", str(path), command, documents=len(docs))
    totals = {(g, lenient): PRF() for g in ROLES for lenient in (False, True)}
    for doc, output in zip(docs, outputs):
        pred = predicted(output)
        for group in ROLES:
            for lenient in (False, True):
                totals[(group, lenient)].add(score(doc, pred[group], doc.gold[group], lenient))
            for entity in doc.gold[group]:
                span = doc.entity_spans.get(entity)
                if span and not any(overlaps(p, span) for p in pred[group]):
                    result.errors.append(ErrorCase("wikievents", "miss", _miss_category(group, span, output),
                                                   doc.document.id, snippet(doc.document.text, *span),
                                                   doc.document.text[slice(*span)],
                                                   trigger=doc.triggers.get(entity)))
    labels = {"attacker": ("Attacker (attack events)", ">= 0.5"), "target": ("Target/Victim (attack events)", None),
              "communicator": ("Communicator as asserter", ">= 0.6")}
    for group, (label, goal) in labels.items():
        result.prf(label, totals[(group, False)], goal=goal, unit="arguments")
        result.prf(f"{label}, coreference-lenient", totals[(group, True)], unit="arguments")
    result.notes.append("Published WikiEvents figures (e.g. BART-Gen, Li et al. 2021) are for full argument "
                        "extraction with gold triggers on the test split; they are not comparable to these.")
    result.seconds = time.time() - start
    return result
