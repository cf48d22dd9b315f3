"""One training run: label, split by licence and document, fit, choose the threshold, measure on held-out
documents, write the model, the reliability diagram and the "Statement verifier" section of docs/accuracy.md."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import VerifierError
from .model import BUNDLED_MODEL, VerifierModel
from .plot import reliability_png
from .training import (
    TRAIN_SOURCES, Example, auc, ece, fit, label_judged, label_reviews, recall, reliability, threshold_figures,
    training_licence,
)

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 19))
RECALL_KEPT = 0.8  # the default threshold keeps at least this share of the recall without one (issue 9's goal)
DOC_START, DOC_END = "<!-- verifier:start -->", "<!-- verifier:end -->"
COMMAND = "claimgraph verifier train"
BOOTSTRAP = 1000  # resamples of the training documents for the cross-validated AUC's interval


@dataclass
class TrainReport:
    model: VerifierModel
    model_path: Path
    figures: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    png: Path | None = None

    def lines(self) -> list[str]:
        f = self.figures
        return [f"model: {self.model_path} ({len(self.model.weights)} weights, "
                f"{self.model.trained.get('statements')} training statements)",
                f"held out: AUC {_fmt(f.get('auc'))} (hand-set {_fmt(f.get('auc_hand_set'))}), ECE {_fmt(f.get('ece'))}"
                f" (hand-set {_fmt(f.get('ece_hand_set'))}); at {self.model.threshold}: precision "
                f"{_fmt(f.get('precision'))} (all {_fmt(f.get('precision_all'))}), recall {_fmt(f.get('recall'))} "
                f"of {_fmt(f.get('recall_all'))}", f"{self.seconds:.0f} s"]


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def choose_threshold(judged: list, results: list, examples: list[Example], scores: list[float]) -> float:
    """The highest-precision threshold that keeps RECALL_KEPT of the recall, on the training documents'
    out-of-fold probabilities (never on the held-out ones)."""
    by_doc: dict[str, list[float]] = {}
    for e, p in zip(examples, scores):
        by_doc.setdefault(e.doc_id, []).append(p)
    base = recall(judged, results, lambda d, i: True)
    best = (0.0, 0.0)
    labels = [e.label for e in examples]
    for t in THRESHOLDS:
        kept_recall = recall(judged, results, lambda d, i: by_doc[d][i] >= t)  # noqa: B023  (called at once)
        precision = threshold_figures(labels, scores, t)["precision"]
        if kept_recall >= RECALL_KEPT * base and precision > best[1]:
            best = (t, precision)
    return best[0]


def cross_validated(train: list[Example], fitted: Any, judged: list, results: list,
                    threshold: float) -> dict[str, Any]:
    """Figures of the grouped cross-validation on the training documents (every document scored by a model that
    did not see it, calibrated without its fold): AUC with a 95% bootstrap interval over documents, calibration
    error, and precision and recall at the threshold."""
    import numpy as np

    n = len(train)
    labels = [e.label for e in train]
    oof = fitted.oof[:n]
    crossed = fitted.oof_cross[:n]
    docs = sorted({e.doc_id for e in train})
    rows = {d: [i for i, e in enumerate(train) if e.doc_id == d] for d in docs}
    rng = np.random.RandomState(0)
    samples = []
    for _ in range(BOOTSTRAP):
        picked = [i for k in rng.randint(0, len(docs), len(docs)) for i in rows[docs[k]]]
        value = auc([labels[i] for i in picked], [oof[i] for i in picked])
        if value is not None:
            samples.append(value)
    by_doc: dict[str, list[float]] = {}
    for e, p in zip(train, crossed):
        by_doc.setdefault(e.doc_id, []).append(p)
    at = threshold_figures(labels, crossed, threshold)
    return {"cv_documents": len(docs), "cv_statements": n, "cv_auc": auc(labels, oof),
            "cv_auc_low": float(np.percentile(samples, 2.5)) if samples else None,
            "cv_auc_high": float(np.percentile(samples, 97.5)) if samples else None,
            "cv_auc_hand_set": auc(labels, [e.features["hand_set_confidence"] for e in train]),
            "cv_ece": ece(labels, crossed), "cv_kept": at["kept"], "cv_precision": at["precision"],
            "cv_precision_all": at["precision_all"],
            "cv_recall": recall(judged, results, lambda d, i: by_doc[d][i] >= threshold),
            "cv_recall_all": recall(judged, results, lambda d, i: True),
            "cv_reliability": reliability(labels, crossed)}


def run_training(extractor: Any, shared_eval: Path, output: Path | None = None, store: Any = None,
                 calibration: str = "platt", docs: Path | None = None, png: Path | None = None,
                 progress: Callable[[str], None] = lambda _: None) -> TrainReport:
    from ..evaluation.judged_data import load_judged_set

    start = time.time()
    if not shared_eval.is_dir():
        raise VerifierError(f"{shared_eval}: the shared evaluation data is not there (the judged texts)")
    judged = load_judged_set()
    labelled = label_judged(extractor, judged, shared_eval, progress)
    train_docs = {j.doc for j in judged if training_licence(j.doc)}
    train = [e for e in labelled.examples if e.doc_id in train_docs]
    held = [e for e in labelled.examples if e.doc_id not in train_docs]
    reviewed = label_reviews(extractor, store, progress) if store is not None else []
    fitted = fit(train + reviewed, calibration)
    model = fitted.model
    progress(f"fitted on {len(train)} judged + {len(reviewed)} reviewed statements")

    split = [(j, r) for j, r in zip(labelled.judged, labelled.results) if j.doc in train_docs]
    model.threshold = choose_threshold([j for j, _ in split], [r for _, r in split], train,
                                       fitted.oof[: len(train)])
    held_split = [(j, r) for j, r in zip(labelled.judged, labelled.results) if j.doc not in train_docs]
    scores = [model.probability(e.features) for e in held]
    hand = [e.features["hand_set_confidence"] for e in held]
    labels = [e.label for e in held]
    by_doc: dict[str, list[float]] = {}
    for e, p in zip(held, scores):
        by_doc.setdefault(e.doc_id, []).append(p)
    hj, hr = [j for j, _ in held_split], [r for _, r in held_split]
    at = threshold_figures(labels, scores, model.threshold)
    figures: dict[str, Any] = {
        "held_out_documents": len(held_split), "held_out_statements": len(held),
        "auc": auc(labels, scores), "auc_hand_set": auc(labels, hand), "ece": ece(labels, scores),
        "ece_hand_set": ece(labels, hand), "threshold": model.threshold, "kept": at["kept"],
        "precision": at["precision"], "precision_all": at["precision_all"],
        "recall": recall(hj, hr, lambda d, i: by_doc[d][i] >= model.threshold),
        "recall_all": recall(hj, hr, lambda d, i: True),
        "train_oof_auc": auc([e.label for e in train + reviewed], fitted.oof),
        **cross_validated(train, fitted, [j for j, _ in split], [r for _, r in split], model.threshold),
        "reliability": reliability(labels, scores), "reliability_hand_set": reliability(labels, hand),
    }
    model.metrics = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()
                     if "reliability" not in k}
    model.trained.update(train_documents=len(train_docs), reviewed_statements=len(reviewed),
                         sources=sorted(set(TRAIN_SOURCES.values())))
    out = output or BUNDLED_MODEL
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    report = TrainReport(model, out, figures, time.time() - start)
    if png is not None:
        reliability_png(png, figures["reliability"], figures["reliability_hand_set"])
        report.png = png
    if docs is not None:
        write_docs(docs, report, png)
    return report


def _goal_rows(f: dict[str, Any], prefix: str) -> list[tuple[str, float, bool]]:
    recall_all = f[f"{prefix}recall_all"]
    kept = f[f"{prefix}recall"] / recall_all if recall_all else 0.0
    return [("AUC", f[f"{prefix}auc"] or 0.0, (f[f"{prefix}auc"] or 0) >= 0.85),
            ("expected calibration error (10 bins)", f[f"{prefix}ece"], f[f"{prefix}ece"] <= 0.05),
            ("strict precision at the default threshold", f[f"{prefix}precision"], f[f"{prefix}precision"] >= 0.85),
            ("share of the recall kept at the default threshold", kept, recall_all > 0 and kept >= RECALL_KEPT)]


def _describe(m: VerifierModel) -> str:
    setting: Any = m.trained.get("setting")
    if m.trained.get("model") == "trees":
        return (f"Gradient-boosted trees ({len(m.trees)} trees of depth {setting['max_depth']}, learning rate "
                f"{setting['learning_rate']}, subsample {setting['subsample']}, at least {setting['min_samples_leaf']} "
                "statements a leaf)")
    return f"Logistic regression (C={setting})"


def render(report: TrainReport, png: Path | None, docs: Path) -> str:
    f, m = report.figures, report.model
    rows = "\n".join(f"| {lo:.1f}-{hi:.1f} | {n} | {share:.2f} | {hn} | {hshare:.2f} |"
                     for (lo, hi, share, n), (_, _, hshare, hn) in zip(f["reliability"], f["reliability_hand_set"]))
    cv_rows = "\n".join(f"| {lo:.1f}-{hi:.1f} | {n} | {share:.2f} |" for lo, hi, share, n in f["cv_reliability"])
    image = f"![reliability diagram]({png.relative_to(docs.parent).as_posix()})\n\n" if png else ""
    goals = {"AUC": ">= 0.85", "expected calibration error (10 bins)": "<= 0.05",
             "strict precision at the default threshold": ">= 0.85",
             "share of the recall kept at the default threshold": f">= {RECALL_KEPT:.2f}"}
    goal_rows = "\n".join(
        f"| {name} | {cv:.3f} ({'yes' if cv_ok else 'no'}) | {held:.3f} ({'yes' if held_ok else 'no'}) | {goals[name]} |"
        for (name, cv, cv_ok), (_, held, held_ok) in zip(_goal_rows(f, "cv_"), _goal_rows(f, "")))
    tried = ", ".join(f"{k} {v:.3f}" for k, v in m.trained.get("cv_auc", {}).items())
    n_reviewed = m.trained.get("reviewed_statements")
    reviewed = f", {n_reviewed} from review judgements" if n_reviewed else ""
    return f"""{DOC_START}
## Statement verifier

Generated by `{COMMAND}` (rebuilds `claimgraph/data/verifier/model.json`, this section and the diagram;
{report.seconds:.0f} s on a loaded 2-core machine). Do not edit by hand: rerun the command. It is deterministic:
two runs on the same code and data write byte-identical model files (fixed folds, seeds and solvers; no dates).

`confidence` is the verifier's calibrated probability that a statement is strictly correct (asserter, stance,
subject, type family and object all right, as `claimgraph eval judged` scores it; a partial statement is a
wrong one here). Trained on {m.trained.get('train_documents')} judged documents whose licence allows it (re3d's
public-domain, OGL and CC BY sources: {', '.join(sorted(TRAIN_SOURCES))}; {f['cv_documents']} of them have
candidate statements: {m.trained.get('statements')}, {m.trained.get('positives')} correct{reviewed}).
{_describe(m)} with {m.trained.get('calibration')} calibration fitted on out-of-fold scores, chosen by grouped
cross-validation ({m.trained.get('folds')} folds by document; out-of-fold AUC of each candidate: {tried}).

Two measurements, both on documents the scoring model did not see:

- **cross-validated**: every training document scored by the model of the fold that left it out, calibrated on
  the other folds' scores only ({f['cv_statements']} statements of {f['cv_documents']} documents). AUC
  {_fmt(f['cv_auc'])}, 95% interval {_fmt(f['cv_auc_low'])}-{_fmt(f['cv_auc_high'])} (bootstrap over documents,
  {BOOTSTRAP} resamples); the hand-set confidence on the same statements: {_fmt(f['cv_auc_hand_set'])}.
- **held out**: the {f['held_out_documents']} judged documents whose licence keeps them out of training (EU
  Delegation, WikiEvents, MUC-4: {f['held_out_statements']} statements), another genre (news rather than
  government releases).

| goal | cross-validated | held out | target |
|---|---|---|---|
{goal_rows}

| held-out figure | verifier | hand-set confidence (before) |
|---|---|---|
| AUC | {_fmt(f['auc'])} | {_fmt(f['auc_hand_set'])} |
| expected calibration error (10 bins) | {_fmt(f['ece'])} | {_fmt(f['ece_hand_set'])} |

**Default threshold {m.threshold}** (`--min-confidence`): chosen on the training documents' out-of-fold
probabilities, never on the held-out ones, as the threshold of highest strict precision that keeps at least
{RECALL_KEPT:.0%} of the recall without a threshold. Cross-validated it keeps {f['cv_kept']} of
{f['cv_statements']} statements: strict precision {_fmt(f['cv_precision'])} (all: {_fmt(f['cv_precision_all'])}),
recall {_fmt(f['cv_recall'])} (without threshold: {_fmt(f['cv_recall_all'])}); this is where the threshold was
chosen, so it flatters. On held-out documents it keeps {f['kept']} of {f['held_out_statements']} statements: strict
precision {_fmt(f['precision'])} (all statements: {_fmt(f['precision_all'])}), recall {_fmt(f['recall'])} (without
threshold: {_fmt(f['recall_all'])}).

{image}Reliability on held-out documents (bars: the verifier, share correct per confidence bin; orange dots: the
hand-set confidence; grey: perfect calibration):

| confidence | statements | share correct | hand-set statements | hand-set share correct |
|---|---|---|---|---|
{rows}

Reliability, cross-validated:

| confidence | statements | share correct |
|---|---|---|
{cv_rows}
{DOC_END}
"""


def write_docs(docs: Path, report: TrainReport, png: Path | None) -> None:
    """Replace the verifier section of ``docs`` (docs/accuracy.md), or append it."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else ""
    section = render(report, png, docs)
    pattern = re.compile(re.escape(DOC_START) + ".*?" + re.escape(DOC_END) + "\n?", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    docs.write_text(text, encoding="utf-8")


def keep_section(old: str, new: str) -> str:
    """``new`` (a regenerated docs/accuracy.md) with the verifier section of ``old`` carried over."""
    found = re.search(re.escape(DOC_START) + ".*?" + re.escape(DOC_END) + "\n?", old, re.S)
    return new if found is None or DOC_START in new else new.rstrip("\n") + "\n\n" + found.group(0)
