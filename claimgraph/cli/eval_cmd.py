"""``claimgraph eval``: accuracy on the public development sets, and docs/accuracy.md."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import click

from .common import handle_errors, kb_option, main


@main.command("eval")
@click.argument("dataset")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N records/documents.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--write-docs", type=click.Path(dir_okay=False), default=None,
              help="Write the figures and the error analysis as Markdown (e.g. docs/accuracy.md).")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Processes for the NLP pipeline.")
@click.option("--split", type=click.Choice(["all", "tune", "report"]), default="all", show_default=True,
              help="Judged set only: score the tuning or the reporting documents.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list every error case (false and partial statements, misses) after the figures.")
@kb_option
@handle_errors
def eval_command(dataset: str, path: str | None, limit: int | None, fmt: str, write_docs: str | None, workers: int,
                 split: str, show_errors: bool, kb_paths: tuple[str, ...]) -> None:
    """Score claimgraph on DATASET (judged, petrarch2-validation, conflibert-cameo, re3d, wikievents, muc4, or all).

    PATH defaults to ../shared/eval/DATASET next to the repository; with 'all' it is the folder holding them
    (the judged set reads its texts from that folder's re3d, wikievents and muc4).
    """
    from ..evaluation import DATASETS, EvaluationError, run_dataset
    from ..evaluation.report import render
    from ..extract import Extractor

    names = list(DATASETS) if dataset == "all" else [dataset]
    if dataset != "all" and dataset not in DATASETS:
        raise EvaluationError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)} or 'all'")
    command = " ".join(["claimgraph", "eval", *sys.argv[2:]]) if sys.argv[1:2] == ["eval"] else \
        f"claimgraph eval {dataset}"
    start = time.time()
    extractor = Extractor(kb_paths=kb_paths)
    results = []
    # 'all' scores the judged set's two halves apart: figures to report, figures tuned on.
    runs = [(n, s) for n in names for s in (["report", "tune"] if n == "judged" and dataset == "all" and split == "all"
                                              else [split])]
    for name, part in runs:
        data_path = (Path(path) / name if dataset == "all" and name != "judged" else Path(path)) if path else None
        sub_command = f"claimgraph eval {name}" + (f" {path}" if path and dataset != "all" else "") + \
            (f" --limit {limit}" if limit else "") + (f" --split {part}" if name == "judged" and part != "all" else "")
        click.echo(f"evaluating {name} ...", err=True)
        options = {"split": part} if name == "judged" else {}
        results.append(run_dataset(name, data_path, limit=limit, n_process=workers, extractor=extractor,
                                   command=sub_command, **options))
    if write_docs:
        from ..verifier.train import keep_section

        target = Path(write_docs)
        text = render(results, command, time.time() - start)
        if target.exists():  # the statement verifier's section is written by `claimgraph verifier train`
            text = keep_section(target.read_text(encoding="utf-8"), text)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {write_docs}", err=True)
    if fmt == "json":
        payload = [{"dataset": r.name, "path": r.path, "command": r.command, "seconds": round(r.seconds, 1),
                    "metrics": [dataclasses.asdict(m) for m in r.metrics],
                    "errors": [dataclasses.asdict(e) for e in r.errors] if show_errors else len(r.errors)}
                   for r in results]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in results:
        table = Table(title=f"{r.name} ({r.seconds:.0f} s)")
        for column in ("figure", "ours", "peer", "support"):
            table.add_column(column, overflow="fold")
        for m in r.metrics:
            table.add_row(m.name, f"{m.value:.3f}", m.peer or "", m.support)
        console.print(table)
        if show_errors:
            for e in sorted(r.errors, key=lambda e: (e.kind, e.category, e.doc_id)):
                click.echo(f"{r.name}\t{e.kind}\t{e.category}\t{e.doc_id}\t{e.snippet}\t{e.detail}")
