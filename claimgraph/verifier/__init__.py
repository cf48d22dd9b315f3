"""The statement verifier: P(statement is correct), learned from judged statements and calibrated.

    features.py   what is known about a candidate statement (rule, lexicon entry, trigger, dependency paths,
                  actor types and link methods, cue words, distances, sentence shape, the hand-set confidence)
    model.py      the model file (JSON, versioned, shipped in claimgraph/data/verifier/) and scoring
    component.py  the ``cg_verifier`` spaCy component: statement confidence := calibrated probability
    training.py   labels (judged set, review judgements) and fitting; train.py: one ``claimgraph verifier train``

Thresholds: every statement is stored with its confidence. ``default_min_confidence()`` is the threshold of the
model in use (chosen by ``claimgraph verifier train`` from the reliability figures, see docs/accuracy.md):
``extract``, the queries, graph exports and ``contested`` leave out statements below it unless told otherwise.
"""

from __future__ import annotations

import os

from ..models import ExtractionResult


def default_min_confidence(path: str | os.PathLike | None = None) -> float:
    """The threshold recorded in the verifier model in use (see ``model.model_path``)."""
    from .model import load_model

    return load_model(path).threshold


def keep_confident(result: ExtractionResult, min_confidence: float) -> ExtractionResult:
    """``result`` without the statements below ``min_confidence``; a kept statement keeps the statement it was
    carried by (its ``parent``), so no reference dangles."""
    if min_confidence <= 0:
        return result
    kept = {s.id for s in result.statements if s.confidence >= min_confidence}
    parents = {s.id: s.parent for s in result.statements}
    todo = list(kept)
    while todo:
        parent = parents.get(todo.pop())
        if parent and parent in parents and parent not in kept:
            kept.add(parent)
            todo.append(parent)
    if len(kept) == len(result.statements):
        return result
    return result.model_copy(update={"statements": [s for s in result.statements if s.id in kept]})
