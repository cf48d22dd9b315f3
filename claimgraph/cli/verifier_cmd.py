"""``claimgraph verifier``: train the statement verifier (the bundled model, or a local one with a store's
review judgements), and show which model is in use."""

from __future__ import annotations

from pathlib import Path

import click

from .common import handle_errors, kb_option, main


@main.group()
def verifier() -> None:
    """The statement verifier: the model that gives each statement its confidence."""


@verifier.command("train")
@click.option("--db", "db_path", default=None, metavar="PATH|URL",
              help="Also learn from this store's review judgements; writes a local model (-o), not the bundled one.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Model file to write (default: the bundled claimgraph/data/verifier/model.json; with --db "
                   "required). Use a local model with $CLAIMGRAPH_VERIFIER_MODEL=PATH.")
@click.option("--calibration", type=click.Choice(["platt", "isotonic"]), default="platt", show_default=True)
@click.option("--eval-data", "eval_data", type=click.Path(file_okay=False), default=None,
              help="The shared evaluation folder holding the judged texts (default ../shared/eval).")
@click.option("--no-docs", is_flag=True, help="Do not rewrite docs/accuracy.md and the reliability diagram.")
@kb_option
@handle_errors
def train(db_path: str | None, output: str | None, calibration: str, eval_data: str | None, no_docs: bool,
          kb_paths: tuple[str, ...]) -> None:
    """Rebuild the verifier from the judged set (and --db's judgements): deterministic, a few minutes.

    Trains on the licence-clean judged documents, measures on the rest, writes the model, and (for the bundled
    model) the figures in docs/accuracy.md and docs/img/verifier-reliability.png."""
    from ..errors import VerifierError
    from ..evaluation.common import REPO_ROOT, SHARED_EVAL
    from ..extract import Extractor
    from ..verifier.train import run_training

    if db_path and not output:
        raise VerifierError("with --db, give the local model's file with -o (the bundled model is trained on "
                            "public data only)")
    write_docs = not no_docs and not db_path
    docs = REPO_ROOT / "docs" / "accuracy.md" if write_docs else None
    png = REPO_ROOT / "docs" / "img" / "verifier-reliability.png" if write_docs else None
    extractor = Extractor(kb_paths, verifier=None)  # features and labels of the rule-based candidates

    def say(line: str) -> None:
        click.echo(f"claimgraph: {line}", err=True)

    if db_path:
        from ..store import open_store

        with open_store(db_path, read_only=True) as store:
            report = run_training(extractor, Path(eval_data) if eval_data else SHARED_EVAL,
                                  Path(output) if output else None, store, calibration, docs, png, say)
    else:
        report = run_training(extractor, Path(eval_data) if eval_data else SHARED_EVAL,
                              Path(output) if output else None, None, calibration, docs, png, say)
    for line in report.lines():
        click.echo(line)
    if docs:
        click.echo(f"wrote {docs} and {png}")


@verifier.command("show")
@click.option("--model", "model_file", type=click.Path(dir_okay=False), default=None,
              help="A model file (default: $CLAIMGRAPH_VERIFIER_MODEL, else the bundled one).")
@handle_errors
def show(model_file: str | None) -> None:
    """The verifier model in use: where it is, its threshold, what it was trained on and its held-out figures."""
    import json

    from ..verifier.model import load_model, model_path

    model = load_model(model_file)
    click.echo(json.dumps({"path": str(model_path(model_file)), "threshold": model.threshold,
                           "feature_schema": model.feature_schema, "weights": len(model.weights),
                           "calibration": model.calibration.method, "trained": model.trained,
                           "metrics": model.metrics}, indent=2, default=str))
