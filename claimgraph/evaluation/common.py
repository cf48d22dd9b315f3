"""Shared evaluation plumbing: counts and P/R/F1, spans, error cases, extraction with a progress bar.

Every dataset module returns a ``DatasetResult``: metric rows (with the peer's figure where one exists) and
the error cases its scorer found, each tagged with a category so the error analysis regenerates from code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import ClaimgraphError
from ..models import EVENT_TYPES, Document, ExtractionResult, Mention, Statement

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_EVAL = REPO_ROOT.parent / "shared" / "eval"
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"
MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "data" / "mappings"

Span = tuple[int, int]


class EvaluationError(ClaimgraphError):
    """An evaluation dataset is missing or cannot be read."""

    exit_code = 2


@dataclass
class PRF:
    """Counts for precision and recall; the matched counts are kept apart because matching is not 1:1."""

    pred_matched: int = 0
    pred: int = 0
    gold_matched: int = 0
    gold: int = 0

    def add(self, other: PRF) -> None:
        self.pred_matched += other.pred_matched
        self.pred += other.pred
        self.gold_matched += other.gold_matched
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.pred_matched / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Metric:
    """One reported figure. ``value`` is a fraction (0-1); ``support`` says what it was computed over."""

    name: str
    value: float
    support: str = ""
    peer: str | None = None  # e.g. "PETRARCH2 0.727"
    goal: str | None = None


@dataclass
class ErrorCase:
    """One miss (gold not found) or false statement (predicted, not in gold), with its category."""

    dataset: str
    kind: str  # "miss" | "false"
    category: str
    doc_id: str
    snippet: str
    detail: str = ""
    trigger: str | None = None  # trigger word(s): the gold's where the data has them, else ours


@dataclass
class DatasetResult:
    name: str
    path: str
    command: str
    metrics: list[Metric] = field(default_factory=list)
    errors: list[ErrorCase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    documents: int = 0
    seconds: float = 0.0

    def prf(self, name: str, counts: PRF, peer: PRF | None = None, peer_name: str = "", goal: str | None = None,
            unit: str = "") -> None:
        """Add P, R and F1 rows for ``counts`` (and the peer's, scored the same way, beside them)."""
        support = f"{counts.gold} gold, {counts.pred} predicted{(' ' + unit) if unit else ''}"
        for label, ours, theirs in (("P", counts.precision, peer.precision if peer else None),
                                    ("R", counts.recall, peer.recall if peer else None),
                                    ("F1", counts.f1, peer.f1 if peer else None)):
            self.metrics.append(Metric(
                f"{name} {label}", ours, support,
                peer=f"{peer_name} {theirs:.3f}" if theirs is not None else None,
                goal=goal if label == "F1" else None,
            ))

    def metric(self, name: str) -> float:
        for m in self.metrics:
            if m.name == name:
                return m.value
        raise KeyError(name)


# ---- spans and text ------------------------------------------------------------------------------------

def overlaps(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def snippet(text: str, start: int, end: int, max_words: int = 14) -> str:
    """At most ``max_words`` words around [start, end): enough to recognise the case, never the whole text."""
    left = text[:start].split()[-6:]
    middle = text[start:end].split()
    right = text[end:].split()
    room = max(0, max_words - len(left) - len(middle))
    words = left + middle[: max_words - len(left)] + right[:room]
    return re.sub(r"\s+", " ", " ".join(words))[:220]


def find_near(text: str, needle: str | None, anchor: int, window: Span | None = None) -> Span | None:
    """The occurrence of ``needle`` in ``text`` (inside ``window`` if given) closest to ``anchor``."""
    if not needle:
        return None
    lo, hi = window if window else (0, len(text))
    best: Span | None = None
    pos = text.find(needle, lo, hi)
    while pos != -1:
        if best is None or abs(pos - anchor) < abs(best[0] - anchor):
            best = (pos, pos + len(needle))
        pos = text.find(needle, pos + 1, hi)
    if best is None and window is not None:
        return find_near(text, needle, anchor, None)
    return best


@dataclass
class RoleSpans:
    """Where a statement's subject, object and asserter are in the text (None when not found or not set)."""

    subject: Span | None
    object: Span | None
    asserter: Span | None


def role_spans(result: ExtractionResult, statement: Statement) -> RoleSpans:
    """Character spans of the statement's role fillers.

    Statements carry the role texts, not their offsets, so the text is searched for inside the statement's
    quote first (nearest the trigger), then in the whole document.
    """
    text = result.document.text
    anchor = statement.trigger_start if statement.trigger_start is not None else statement.start
    window = (statement.start, statement.end)
    return RoleSpans(
        subject=find_near(text, statement.subject_text, anchor, window),
        object=find_near(text, statement.object_text, anchor, window),
        asserter=(find_near(text, statement.asserter_text, statement.start, window)
                  if statement.asserter != "author" else None),
    )


def mentions_in(result: ExtractionResult, span: Span) -> list[Mention]:
    return [m for m in result.mentions if overlaps((m.start, m.end), span)]


# ---- extraction ----------------------------------------------------------------------------------------

def run_extraction(extractor, documents: Sequence[Document], label: str, n_process: int = 2) -> list[ExtractionResult]:
    """Extract all documents in input order, with a progress bar on stderr when it is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..errors import InputError
    from ..textio import check_text

    # A record the extractor refuses (empty or non-English text) scores as "nothing found", like any miss.
    valid: list[Document] = []
    for document in documents:
        try:
            check_text(document.text, document.id)
            valid.append(document)
        except InputError:
            continue
    console = Console(stderr=True)
    n_process = n_process if len(valid) > 8 else 1
    done: dict[str, ExtractionResult] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task(label, total=len(valid))
        for index, result in enumerate(extractor.extract_many(valid, n_process=n_process, batch_size=8)):
            done[str(index)] = result
            progress.advance(task)
    results = iter(done[str(i)] for i in range(len(valid)))
    valid_ids = {id(d) for d in valid}
    return [next(results) if id(d) in valid_ids else ExtractionResult(document=d, actors=[], mentions=[], statements=[])
            for d in documents]


@dataclass(frozen=True)
class TriggerHit:
    """A lexicon trigger the predicate matcher found, whether or not it became a statement."""

    start: int
    end: int
    text: str
    event_type: str


NO_TRIGGER = "no trigger found"
TRIGGER_NO_STATEMENT = "trigger found but no statement (roles/actors unresolved)"


def probe_triggers(extractor, documents: Sequence[Document]) -> dict[str, list[TriggerHit]]:
    """The triggers found in each document, by id, so that the error analysis can tell a missing lexicon entry
    from a trigger whose roles did not resolve. Runs the pipeline without the statement step."""
    out: dict[str, list[TriggerHit]] = {}
    pairs = [(d.text, d.id) for d in documents if d.text.strip()]
    for doc, doc_id in extractor.nlp.pipe(pairs, as_tuples=True, batch_size=32, disable=["cg_statements"]):
        # Reporting frames ("said", event type REPORT) are not events: only PLOVER triggers count.
        out[doc_id] = [TriggerHit(doc[p.start].idx, doc[p.end - 1].idx + len(doc[p.end - 1]),
                                  doc[p.start:p.end].text, p.event_type)
                       for p in (doc._.cg_predicates or []) if p.event_type in EVENT_TYPES]
    return out


def no_statement_category(hits: list[TriggerHit], span: Span | None = None) -> tuple[str, str | None]:
    """(category, trigger text) for a gold item with no statement near it (inside ``span`` if given)."""
    near = [h for h in hits if span is None or overlaps((h.start, h.end), span)]
    if near:
        return TRIGGER_NO_STATEMENT, near[0].text.lower()
    return NO_TRIGGER, None


def require(path: Path, what: str) -> Path:
    if not path.exists():
        raise EvaluationError(f"{what} not found: {path}")
    return path


def limited(items: Iterable, limit: int | None) -> list:
    items = list(items)
    return items[:limit] if limit else items


def iter_jsonl(path: Path) -> Iterator[dict]:
    import json

    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
