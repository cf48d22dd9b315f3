"""``claimgraph verifier train``: labels, fit, calibration, held-out figures, the model file and docs.

Labels: every candidate statement of a judged document gets a verdict from ``label_results`` (the exhaustive
judged set, claimgraph/data/judged/); ``correct`` is a positive, ``partial`` and ``wrong`` are negatives (strict
precision is what the threshold is for). A store's review judgements add labels (``--db``): ``confirm`` a
positive, ``reject`` and ``correct`` (the machine was wrong) negatives, for the statements today's pipeline
still produces.

Provenance: only documents whose licence allows it are trained on (``TRAIN_SOURCES``: the public-domain, OGL and
CC BY sources of re3d); every other judged document (EU Delegation's EEAS notice, WikiEvents' news text, MUC-4's
unlicensed corpus) is held out for evaluation. Documents, not sentences, are split, so no document is on both
sides. Everything is deterministic: fixed folds (GroupKFold by document), a deterministic solver, sorted
features.
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import VerifierError
from ..models import AUTHOR, ExtractionResult
from .features import FEATURE_SCHEMA, Features
from .model import Calibration, Tree, VerifierModel

# re3d sources (folder names) whose licence allows training, and that licence (../shared/eval/re3d/SOURCE.md).
TRAIN_SOURCES = {
    "Australian Department of Foreign Affairs": "CC BY 3.0 AU",
    "CENTCOM": "public domain (US Government work)",
    "UK Government": "Open Government Licence v3.0",
    "US State Department": "public domain (US Government work)",
}
SEED = 7
FOLDS = 5
C_GRID = (0.03, 0.1, 0.3, 1.0)  # inverse regularisation strengths tried by grouped cross-validation
MIN_COUNT = 2  # a feature seen in fewer training statements is dropped (it cannot generalise)
BINS = 10  # confidence bins of the calibration error and the reliability diagram
Progress = Callable[[str], None]


def training_licence(doc_id: str) -> str | None:
    """The licence that lets claimgraph train on a judged document, or None (evaluation only)."""
    parts = doc_id.split(":")
    return TRAIN_SOURCES.get(parts[1]) if parts[0] == "re3d" and len(parts) > 2 else None


@dataclass
class Example:
    doc_id: str
    label: int  # 1: the statement is correct
    features: Features
    origin: str  # "judged" | "review"


@dataclass
class Labelled:
    """Candidate statements with labels, and what recall needs: the judged documents and their results."""

    examples: list[Example] = field(default_factory=list)
    judged: list[Any] = field(default_factory=list)
    results: list[ExtractionResult] = field(default_factory=list)


def label_judged(extractor: Any, judged_docs: Sequence[Any], root: Path, progress: Progress) -> Labelled:
    from ..evaluation.judged import judged_documents, label_results

    documents = judged_documents(judged_docs, root)
    out = Labelled(judged=list(judged_docs))
    features: list[list[Features]] = []
    for i, (result, feats) in enumerate(extractor.extract_with_features(documents)):
        out.results.append(result)
        features.append(feats)
        if (i + 1) % 10 == 0:
            progress(f"extracted {i + 1}/{len(documents)} judged documents")
    score = label_results(out.judged, out.results)
    for doc_score, feats in zip(score.documents, features):
        for verdict, f in zip(doc_score.verdicts, feats):
            out.examples.append(Example(verdict.doc_id, int(verdict.verdict == "correct"), f, "judged"))
    return out


def label_reviews(extractor: Any, store: Any, progress: Progress) -> list[Example]:
    """The store's judgements in force, as labels of the statements today's pipeline makes of their sentences."""
    from ..identity import key_map, map_key, proposition_key

    by_doc: dict[str, list[Any]] = {}
    for judgement in store.iter_judgements():
        by_doc.setdefault(judgement.doc_id, []).append(judgement)
    examples: list[Example] = []
    docs = [d for _, d in store.iter_documents(doc_ids=sorted(by_doc))] if by_doc else []
    for result, feats in extractor.extract_with_features(docs):
        keys = key_map(result)
        latest: dict[tuple, Any] = {}
        for j in by_doc.get(result.document.id, []):  # oldest first: the last one stays
            latest[(j.start, j.end, j.proposition, j.original.get("asserter"), j.original.get("stance"))] = j
        for s, f in zip(result.statements, feats):
            key = (s.start, s.end, proposition_key(map_key(s.subject, keys), s.event_type, map_key(s.object, keys),
                                                   s.negated), map_key(s.asserter, keys) or AUTHOR, s.stance)
            if key in latest:
                examples.append(Example(result.document.id, int(latest[key].verdict == "confirm"), f, "review"))
    progress(f"{len(examples)} reviewed statements found again among {len(docs)} stored documents")
    return examples


@dataclass
class Fitted:
    model: VerifierModel
    oof: list[float]  # out-of-fold calibrated probabilities of the training examples
    oof_cross: list[float] = field(default_factory=list)  # ... calibrated without the fold's own labels
    folds: list[Any] = field(default_factory=list)  # (train indices, test indices) of the grouped folds


# The boosted trees tried beside the logistic regressions: shallow, slow and subsampled, because a few hundred
# labels cannot support more (grouped cross-validation on the judged set, docs/accuracy.md).
TREES = {"n_estimators": 100, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8, "min_samples_leaf": 5}


def _candidates() -> list[tuple[str, Any]]:
    return [("logistic", c) for c in C_GRID] + [("trees", TREES)]


def _estimator(kind: str, setting: Any) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    if kind == "logistic":
        return LogisticRegression(C=setting, solver="liblinear", max_iter=2000, random_state=SEED)
    return GradientBoostingClassifier(random_state=SEED, **setting)


def _calibration(method: str, oof: Any, y: Any) -> Calibration:
    import numpy as np
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if method == "isotonic":
        raw = 1.0 / (1.0 + np.exp(-oof))
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibration(method="isotonic", x=[float(v) for v in iso.X_thresholds_],
                           y=[float(v) for v in iso.y_thresholds_])
    platt = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000).fit(oof.reshape(-1, 1), y)
    return Calibration(method="platt", a=float(platt.coef_[0][0]), b=float(platt.intercept_[0]))


def _trees(estimator: Any, names: list[str]) -> list[Tree]:
    """The fitted trees of a GradientBoostingClassifier, with the learning rate folded into the leaves."""
    out = []
    for (regressor,) in estimator.estimators_:
        tree = regressor.tree_
        left = [int(v) for v in tree.children_left]
        out.append(Tree(feature=[names[f] if left[i] >= 0 else "" for i, f in enumerate(tree.feature)],
                        threshold=[float(v) if left[i] >= 0 else 0.0 for i, v in enumerate(tree.threshold)],
                        left=left, right=[int(v) for v in tree.children_right],
                        value=[round(float(v[0][0]) * estimator.learning_rate, 6) if left[i] < 0 else 0.0
                               for i, v in enumerate(tree.value)]))
    return out


def _init_score(estimator: Any) -> float:
    """The boosted model's starting raw score: the log-odds of the training prior."""
    import numpy as np

    prior = float(estimator.init_.class_prior_[1])
    return float(np.log(prior / (1.0 - prior)))


def fit(train: list[Example], calibration: str = "platt") -> Fitted:
    """The best of a few logistic regressions and one boosted-tree model by grouped cross-validation (folds by
    document), calibrated on its out-of-fold scores, refitted on everything."""
    import numpy as np
    import sklearn
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    if len({e.label for e in train}) < 2:
        raise VerifierError("training needs both correct and wrong statements")
    counts: dict[str, int] = {}
    for e in train:
        for name in e.features:
            counts[name] = counts.get(name, 0) + 1
    kept = [{k: v for k, v in e.features.items() if counts[k] >= MIN_COUNT} for e in train]
    vectorizer = DictVectorizer(sparse=False, sort=True)  # small data: dense is simplest
    X = vectorizer.fit_transform(kept)
    y = np.array([e.label for e in train])
    groups = np.array([e.doc_id for e in train])
    folds = list(GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(X, y, groups))

    def out_of_fold(kind: str, setting: Any) -> Any:
        scores = np.zeros(len(y))
        for train_idx, test_idx in folds:
            if len(set(y[train_idx])) < 2:
                continue
            scores[test_idx] = _estimator(kind, setting).fit(X[train_idx], y[train_idx]).decision_function(
                X[test_idx])
        return scores

    tried = [(kind, setting, out_of_fold(kind, setting)) for kind, setting in _candidates()]
    kind, setting, oof = max(tried, key=lambda c: round(float(roc_auc_score(y, c[2])), 4))  # first of ties
    cal = _calibration(calibration, oof, y)
    # For the cross-validated figures: each fold calibrated on the other folds' scores only.
    crossed = np.zeros(len(y))
    for train_idx, test_idx in folds:
        fold_cal = _calibration(calibration, oof[train_idx], y[train_idx]) if len(set(y[train_idx])) == 2 else cal
        crossed[test_idx] = [_calibrated(fold_cal, float(z)) for z in oof[test_idx]]
    final = _estimator(kind, setting).fit(X, y)
    names = list(vectorizer.feature_names_)
    if kind == "logistic":
        model = VerifierModel(feature_schema=FEATURE_SCHEMA, intercept=round(float(final.intercept_[0]), 6),
                              weights={name: round(float(w), 6) for name, w in zip(names, final.coef_[0])
                                       if abs(w) >= 1e-6}, calibration=cal, threshold=0.0)
    else:
        model = VerifierModel(feature_schema=FEATURE_SCHEMA, intercept=round(_init_score(final), 6),
                              trees=_trees(final, names), calibration=cal, threshold=0.0)
    model.trained = {
        "model": kind, "setting": setting, "calibration": calibration, "folds": len(folds), "seed": SEED,
        "min_count": MIN_COUNT, "statements": len(train), "positives": int(y.sum()),
        "documents": len(set(groups)),
        "cv_auc": {f"{k} {v if k == 'logistic' else 'depth ' + str(v['max_depth'])}": round(float(
            roc_auc_score(y, o)), 4) for k, v, o in tried},
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, **_library_versions()},
    }
    return Fitted(model, [model.calibrate(float(z)) for z in oof], [float(p) for p in crossed], folds)


def _calibrated(calibration: Calibration, score: float) -> float:
    return VerifierModel(feature_schema=FEATURE_SCHEMA, intercept=0.0, calibration=calibration,
                         threshold=0.0).calibrate(score)


def _library_versions() -> dict[str, str]:
    import spacy

    from .. import __version__

    return {"spacy": spacy.__version__, "claimgraph": __version__}


# ---- figures -------------------------------------------------------------------------------------------------

def auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores)) if len(set(labels)) == 2 else None


def reliability(labels: Sequence[int], scores: Sequence[float]) -> list[tuple[float, float, float, int]]:
    """(low, high, observed share correct, statements) per equal-width confidence bin."""
    out = []
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        inside = [y for y, p in zip(labels, scores) if low <= p < high or (b == BINS - 1 and p == 1.0)]
        out.append((low, high, sum(inside) / len(inside) if inside else 0.0, len(inside)))
    return out


def ece(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Expected calibration error: the statement-weighted mean gap between confidence and accuracy per bin."""
    total = len(labels)
    gap = 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        pairs = [(y, p) for y, p in zip(labels, scores) if low <= p < high or (b == BINS - 1 and p == 1.0)]
        if pairs:
            accuracy, confidence = sum(y for y, _ in pairs) / len(pairs), sum(p for _, p in pairs) / len(pairs)
            gap += len(pairs) / total * abs(accuracy - confidence)
    return gap


def recall(judged: Sequence[Any], results: Sequence[ExtractionResult], keep: Callable[[str, int], bool]) -> float:
    """Share of judged events found by a kept statement (``keep(doc_id, index)``)."""
    from ..evaluation.judged import label_results

    kept = [r.model_copy(update={"statements": [s for i, s in enumerate(r.statements) if keep(r.document.id, i)]})
            for r in results]
    score = label_results(judged, kept)
    events = score.events()
    return sum(1 for d, g in events if g.id in d.found) / len(events) if events else 0.0


def threshold_figures(labels: Sequence[int], scores: Sequence[float], threshold: float) -> dict[str, float]:
    kept = [y for y, p in zip(labels, scores) if p >= threshold]
    return {"kept": len(kept), "precision": sum(kept) / len(kept) if kept else 0.0,
            "precision_all": sum(labels) / len(labels) if labels else 0.0}


def today() -> str:
    return dt.date.today().isoformat()


def by_doc_scores(examples: Iterable[Example], scores: Sequence[float]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for e, p in zip(examples, scores):
        out.setdefault(e.doc_id, []).append(p)
    return out
