"""The verifier's model file: a calibrated linear or boosted-tree scorer as plain JSON, scored without scikit-learn.

The file holds the score's parts (the intercept, the weight of every feature name for a logistic regression,
the trees of a gradient-boosted model: each node the feature it tests and its threshold, each leaf its share of
the score), the calibration map (Platt: a sigmoid of the raw score; isotonic: a step function of the raw
probability), the feature schema, the versions of the libraries that trained it, what it was trained on and how
it scored. JSON rather than a pickle: it is small,
diffable, loads in milliseconds and cannot run code when it is opened.
"""

from __future__ import annotations

import json
import math
import os
import struct
from bisect import bisect_right
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..datafiles import package_data_path
from ..errors import VerifierError
from .features import FEATURE_SCHEMA, Features

FORMAT = "claimgraph-verifier"
FORMAT_VERSION = 2  # 2: boosted trees beside the weights
BUNDLED_MODEL = package_data_path("verifier") / "model.json"
MODEL_ENV = "CLAIMGRAPH_VERIFIER_MODEL"  # a local model (`claimgraph verifier train --db ... -o PATH`)


class Calibration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["platt", "isotonic"]
    a: float = 1.0  # platt: P = 1 / (1 + exp(-(a * score + b)))
    b: float = 0.0
    x: list[float] = Field(default_factory=list)  # isotonic: raw probability thresholds, ascending
    y: list[float] = Field(default_factory=list)  # ... and the calibrated probability at each


class Tree(BaseModel):
    """One regression tree, as parallel node arrays: node ``i`` sends a statement to ``left[i]`` when its value
    of ``feature[i]`` (0 when it lacks the feature) is at most ``threshold[i]``, else to ``right[i]``; a leaf
    (``left[i] == -1``) adds ``value[i]`` (learning rate included) to the raw score."""

    model_config = ConfigDict(extra="forbid")

    feature: list[str]
    threshold: list[float]
    left: list[int]
    right: list[int]
    value: list[float]

    def score(self, features: Features) -> float:
        """``features`` as 32-bit floats (``as_float32``), as scikit-learn's trees read them."""
        node = 0
        while self.left[node] >= 0:
            node = self.left[node] if features.get(self.feature[node], 0.0) <= self.threshold[node] \
                else self.right[node]
        return self.value[node]


def as_float32(features: Features) -> Features:
    """The feature values as scikit-learn's trees compare them (they read features as 32-bit floats): without
    this, a statement whose value lies on a threshold can take the other branch."""
    names = list(features)
    values = struct.unpack(f"{len(names)}f", struct.pack(f"{len(names)}f", *features.values()))
    return dict(zip(names, values))


class VerifierModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["claimgraph-verifier"] = FORMAT  # type: ignore[assignment]
    format_version: int = FORMAT_VERSION
    feature_schema: int
    intercept: float
    weights: dict[str, float] = Field(default_factory=dict)
    trees: list[Tree] = Field(default_factory=list)
    calibration: Calibration
    threshold: float  # the default --min-confidence this model was evaluated at
    trained: dict[str, Any] = Field(default_factory=dict)  # data, seeds, library versions, date
    metrics: dict[str, Any] = Field(default_factory=dict)  # held-out figures

    def raw_score(self, features: Features) -> float:
        weights = self.weights
        linear = sum(weights.get(name, 0.0) * value for name, value in features.items()) if weights else 0.0
        if not self.trees:
            return self.intercept + linear
        narrow = as_float32(features)
        return self.intercept + linear + sum(tree.score(narrow) for tree in self.trees)

    def probability(self, features: Features) -> float:
        return self.calibrate(self.raw_score(features))

    def calibrate(self, score: float) -> float:
        c = self.calibration
        if c.method == "platt":
            return _sigmoid(c.a * score + c.b)
        raw = _sigmoid(score)
        if not c.x:
            return raw
        i = bisect_right(c.x, raw)
        if i == 0:
            return c.y[0]
        if i >= len(c.x):
            return c.y[-1]
        x0, x1, y0, y1 = c.x[i - 1], c.x[i], c.y[i - 1], c.y[i]
        return y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1

    def save(self, path: str | os.PathLike) -> None:
        text = json.dumps(self.model_dump(mode="json"), indent=1, sort_keys=True, ensure_ascii=False)
        Path(path).write_text(text + "\n", encoding="utf-8")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def model_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else $CLAIMGRAPH_VERIFIER_MODEL, else the model shipped in the package."""
    return Path(path or os.environ.get(MODEL_ENV) or BUNDLED_MODEL)


def load_model(path: str | os.PathLike | None = None) -> VerifierModel:
    """The verifier model at ``path`` (see ``model_path``); VerifierError when it is missing or incompatible."""
    where = model_path(path)
    retrain = "rebuild it with `claimgraph verifier train`"
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise VerifierError(f"{where}: no verifier model file ({retrain})") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerifierError(f"{where}: not a readable verifier model ({exc}); {retrain}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VerifierError(f"{where}: not a claimgraph verifier model; {retrain}")
    if data.get("format_version") != FORMAT_VERSION or data.get("feature_schema") != FEATURE_SCHEMA:
        raise VerifierError(f"{where}: made for feature schema {data.get('feature_schema')} (format "
                            f"{data.get('format_version')}), this claimgraph reads schema {FEATURE_SCHEMA} (format "
                            f"{FORMAT_VERSION}); {retrain}")
    try:
        return VerifierModel.model_validate(data)
    except ValidationError as exc:
        raise VerifierError(f"{where}: invalid verifier model ({exc.errors()[0]['msg']}); {retrain}") from exc
