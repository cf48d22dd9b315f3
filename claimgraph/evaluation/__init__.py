"""Accuracy on public gold data: one module per dataset, shared scoring in ``common`` and ``cameo``.

    from claimgraph.evaluation import run_dataset, DATASETS
    result = run_dataset("re3d", limit=10)          # -> DatasetResult (metrics, error cases)

Datasets are read from ``../shared/eval/<name>`` relative to the repository unless a path is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .common import SHARED_EVAL, DatasetResult, ErrorCase, EvaluationError, Metric, PRF

DATASETS: tuple[str, ...] = ("judged", "petrarch2-validation", "conflibert-cameo", "re3d", "wikievents", "muc4")


def _module(name: str) -> Callable[..., DatasetResult]:
    evaluate: Callable[..., DatasetResult]
    if name == "judged":
        from .judged import evaluate
    elif name == "petrarch2-validation":
        from .petrarch import evaluate
    elif name == "conflibert-cameo":
        from .conflibert import evaluate
    elif name == "re3d":
        from .re3d import evaluate
    elif name == "wikievents":
        from .wikievents import evaluate
    elif name == "muc4":
        from .muc4 import evaluate
    else:
        raise EvaluationError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)} or 'all'")
    return evaluate


def default_path(name: str) -> Path:
    """Where a dataset's data are; the judged set's texts come from the other datasets' folders."""
    return SHARED_EVAL if name == "judged" else SHARED_EVAL / name


def run_dataset(name: str, path: str | Path | None = None, limit: int | None = None, n_process: int = 2,
                extractor=None, command: str = "", **options) -> DatasetResult:
    """Evaluate one dataset; ``extractor`` defaults to a plain ``Extractor()`` (bundled knowledge base).
    ``options`` go to the dataset's scorer (the judged set takes ``split``)."""
    evaluate = _module(name)
    if extractor is None:
        from ..extract import Extractor

        extractor = Extractor()
    return evaluate(extractor, Path(path) if path else default_path(name), limit=limit, n_process=n_process,
                    command=command or f"claimgraph eval {name}" + (f" --limit {limit}" if limit else ""), **options)


__all__ = ["DATASETS", "DatasetResult", "ErrorCase", "EvaluationError", "Metric", "PRF", "default_path",
           "run_dataset"]
