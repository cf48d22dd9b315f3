"""The statement verifier: P(statement is correct), learned from judged statements and calibrated.

    features.py   what is known about a candidate statement (rule, lexicon entry, trigger, dependency paths,
                  actor types and link methods, cue words, distances, sentence shape, the hand-set confidence)
    model.py      the model file (JSON, versioned, shipped in claimgraph/data/verifier/) and scoring
    component.py  the ``cg_verifier`` spaCy component: statement confidence := calibrated probability
    training.py   ``claimgraph verifier train``: labels from the judged set (and a store's judgements), fit,
                  calibrate, evaluate on held-out documents, write the model and the figures

Thresholds: ``DEFAULT_MIN_CONFIDENCE`` is the confidence below which queries, graph exports and ``contested``
leave statements out unless told otherwise (docs/accuracy.md, "Statement verifier", says how it was chosen).
"""

from __future__ import annotations

DEFAULT_MIN_CONFIDENCE = 0.5
