"""conflibert-cameo: CAMEO PentaClass of a sentence, and source/target spans.

PentaClass (``cameo_class/train.tsv``): our class is the PentaClass of the PLOVER type of our
highest-confidence top-level statement (a carried proposition under a speech act only counts when the
sentence has no top-level statement). A sentence where we find no event is class 0, "make statement": in
CAMEO a report with no other event is a public statement. PLOVER types get their PentaClass from the CAMEO
roots they come from in the CAMEO-to-PLOVER table (cameo.py).

Spans (``cameo_ner/train.txt``, BIO over S, T and R): span-level, a predicted subject (object) span matches a
gold S (T) span it overlaps; R (reciprocal) spans count as both S and T. Exact-boundary figures are given
beside the overlap ones. Sentences are rebuilt from the CoNLL tokens with ordinary spacing rules.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..models import Document, ExtractionResult, Statement
from .cameo import default_table
from .common import (NO_TRIGGER, PRF, DatasetResult, ErrorCase, EvaluationError, Metric, Span, limited,
                     no_statement_category, overlaps, probe_triggers, require, role_spans, run_extraction, snippet)

CLASS_FILE = Path("cameo_class") / "train.tsv"
NER_FILE = Path("cameo_ner") / "train.txt"
CLASS_NAMES = {0: "make statement", 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
               4: "material conflict"}


def read_class_file(path: Path) -> list[tuple[str, int]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        sentence, _, label = line.rstrip("\r").rpartition("\t")
        if not label.strip().isdigit():
            raise EvaluationError(f"{path}:{number}: expected 'sentence<TAB>label'")
        rows.append((sentence, int(label)))
    return rows


_NO_SPACE_BEFORE = re.compile(r"^([.,;:!?%)\]}]|'s|'re|'ve|'ll|'d|'m|n't|’s|'|’)$", re.I)
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "“"}


def detokenize(tokens: list[str]) -> tuple[str, list[Span]]:
    """Join tokens into text with ordinary spacing; return the text and each token's character span."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for i, token in enumerate(tokens):
        if i and not _NO_SPACE_BEFORE.match(token) and tokens[i - 1] not in _NO_SPACE_AFTER:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(token)))
        parts.append(token)
        pos += len(token)
    return "".join(parts), spans


def read_ner_file(path: Path) -> list[tuple[list[str], list[str]]]:
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        token, _, tag = line.rpartition(" ")
        tokens.append(token or tag)
        tags.append(tag if token else "O")
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def bio_spans(tags: list[str], token_spans: list[Span]) -> list[tuple[str, Span]]:
    """(label, character span) for each BIO chunk."""
    out: list[tuple[str, Span]] = []
    label, start, end = None, 0, 0
    for tag, (s, e) in zip(tags + ["O"], token_spans + [(0, 0)]):
        prefix, _, kind = tag.partition("-")
        if label and (prefix != "I" or kind != label):
            out.append((label, (start, end)))
            label = None
        if prefix == "B" or (prefix == "I" and label is None and kind):
            label, start, end = kind, s, e
        elif prefix == "I" and kind == label:
            end = e
    return out


def top_statement(result: ExtractionResult) -> Statement | None:
    top = [s for s in result.statements if s.parent is None] or list(result.statements)
    return max(top, key=lambda s: s.confidence) if top else None


def predicted_class(result: ExtractionResult) -> int:
    statement = top_statement(result)
    if statement is None:
        return 0
    return default_table().plover_pentaclass.get(statement.event_type, 0)


def macro_f1(gold: list[int], pred: list[int], labels=range(5)) -> tuple[float, dict[int, float]]:
    per = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        per[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return sum(per.values()) / len(per), per


def _class_error(gold: int, pred: int, result: ExtractionResult, hits) -> tuple[str, str | None]:
    if pred == 0 and not result.statements:
        category, trigger = no_statement_category(hits)
        return f"{category} (gold class {gold}: {CLASS_NAMES[gold]})", trigger
    statement = top_statement(result)
    kind = statement.event_type if statement else "none"
    return (f"class {CLASS_NAMES[gold]} predicted as {CLASS_NAMES[pred]} (top event {kind})",
            statement.trigger.lower() if statement else None)


def evaluate_classes(extractor, folder: Path, limit: int | None, result: DatasetResult, n_process: int) -> None:
    rows = limited(read_class_file(require(folder / CLASS_FILE, "cameo_class train")), limit)
    docs = [Document(id=f"class-{i + 1}", text=s) for i, (s, _) in enumerate(rows)]
    outputs = run_extraction(extractor, docs, "conflibert classes", n_process)
    gold = [label for _, label in rows]
    pred = [predicted_class(o) for o in outputs]
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0
    macro, per = macro_f1(gold, pred)
    n = f"{len(gold)} sentences"
    result.metrics.append(Metric("PentaClass accuracy", accuracy, n))
    result.metrics.append(Metric("PentaClass macro-F1", macro, n, goal=">= 0.70"))
    for label, value in per.items():
        result.metrics.append(Metric(f"PentaClass F1, class {label} ({CLASS_NAMES[label]})", value,
                                     f"{gold.count(label)} gold, {pred.count(label)} predicted"))
    hits = probe_triggers(extractor, [d for d, g, p, o in zip(docs, gold, pred, outputs)
                                      if g != p and not o.statements])
    for doc, g, p, output in zip(docs, gold, pred, outputs):
        if g != p:
            category, trigger = _class_error(g, p, output, hits.get(doc.id, []))
            result.errors.append(ErrorCase("conflibert-class", "miss", category, doc.id, snippet(doc.text, 0, 0),
                                           trigger=trigger))
    result.notes.append("ConfliBERT's published PentaClass figures are for fine-tuned models on the test split; "
                        "there is no rule-based peer figure on this train split.")


def evaluate_spans(extractor, folder: Path, limit: int | None, result: DatasetResult, n_process: int) -> None:
    sentences = limited(read_ner_file(require(folder / NER_FILE, "cameo_ner train")), limit)
    docs, golds = [], []
    for i, (tokens, tags) in enumerate(sentences):
        text, spans = detokenize(tokens)
        docs.append(Document(id=f"ner-{i + 1}", text=text))
        golds.append(bio_spans(tags, spans))
    outputs = run_extraction(extractor, docs, "conflibert spans", n_process)
    overlap = {"S": PRF(), "T": PRF()}
    exact = {"S": PRF(), "T": PRF()}
    hits = probe_triggers(extractor, [d for d, g, o in zip(docs, golds, outputs) if g and not o.statements])
    for doc, gold, output in zip(docs, golds, outputs):
        pred: dict[str, set[Span]] = {"S": set(), "T": set()}
        for statement in output.statements:
            roles = role_spans(output, statement)
            if roles.subject:
                pred["S"].add(roles.subject)
            if roles.object:
                pred["T"].add(roles.object)
        for role in ("S", "T"):
            gold_spans = {span for label, span in gold if label in (role, "R")}
            for table, match in ((overlap, overlaps), (exact, lambda a, b: a == b)):
                table[role].add(PRF(sum(any(match(p, g) for g in gold_spans) for p in pred[role]), len(pred[role]),
                                    sum(any(match(p, g) for p in pred[role]) for g in gold_spans), len(gold_spans)))
            for g in gold_spans:
                if not any(overlaps(p, g) for p in pred[role]):
                    category, trigger = (no_statement_category(hits.get(doc.id, [])) if not output.statements
                                         else (_span_miss(role, g, output), None))
                    result.errors.append(ErrorCase("conflibert-spans", "miss", category, doc.id,
                                                   snippet(doc.text, *g), trigger=trigger))
    name = {"S": "source", "T": "target"}
    for role in ("S", "T"):
        result.prf(f"{name[role]} spans (overlap)", overlap[role], unit="spans")
        result.prf(f"{name[role]} spans (exact boundaries)", exact[role], unit="spans")


def _span_miss(role: str, gold: Span, output: ExtractionResult) -> str:
    what = "subject" if role == "S" else "object"
    if not output.statements:
        return NO_TRIGGER
    if not any(overlaps((m.start, m.end), gold) for m in output.mentions):
        return f"{what} span not recognised as an actor mention"
    other = "object" if role == "S" else "subject"
    for s in output.statements:
        roles = role_spans(output, s)
        if overlaps(getattr(roles, other), gold):
            return "wrong direction (source and target swapped)"
    return f"{what} unresolved or attached to another statement"


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "") -> DatasetResult:
    start = time.time()
    if not path.is_dir():
        raise EvaluationError(f"conflibert-cameo folder not found: {path}")
    result = DatasetResult("conflibert-cameo", str(path), command)
    evaluate_classes(extractor, path, limit, result, n_process)
    evaluate_spans(extractor, path, limit, result, n_process)
    result.seconds = time.time() - start
    return result


__all__ = ["evaluate", "detokenize", "bio_spans", "read_ner_file", "read_class_file", "predicted_class", "macro_f1"]
