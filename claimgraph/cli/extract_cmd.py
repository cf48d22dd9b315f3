"""``claimgraph extract``: statements from text, as the JSON contract, JSON lines or an explanation."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Iterable, cast

import click

from ..errors import InputError
from .common import (
    Progress, handle_errors, kb_option, main, min_confidence_option, resolve_min_confidence, verifier_option,
    workers_option,
)

if TYPE_CHECKING:
    from ..models import Document, ExtractionResult

SKIPPED_EXIT = 10


@main.command()
@click.argument("path", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default=None,
              help="json: one object (one document); jsonl: one object per input line. Default: by input type "
                   "(on standard input, JSON Lines when its first line is a JSON object).")
@click.option("--explain", is_flag=True, help="Print each sentence with its statements and the reason for each.")
@workers_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
@min_confidence_option
@verifier_option
@kb_option
@handle_errors
def extract(path: str, fmt: str | None, explain: bool, workers: int, quiet: bool, min_confidence: float | None,
            verifier_model: str | None, kb_paths: tuple[str, ...]) -> None:
    """Extract actors and statements from PATH (.txt, .md, .json, .jsonl, .html, a feed, .csv, a folder, or - for
    stdin). An input that cannot be read or extracted is reported and skipped (exit 10); a single input that
    fails exits with its error."""
    from ..extract import Extractor, extract_stream
    from ..ingest.sources import extract_input, known_count

    many, items = extract_input(path, jsonl=True if fmt == "jsonl" else (False if fmt == "json" else None))
    extractor = Extractor(kb_paths, verifier=verifier_model or "bundled")
    threshold = resolve_min_confidence(min_confidence)
    count = _Count()
    held: InputError | None = None  # the first failure waits: if it is the only item, it is the command's error
    with Progress(not quiet, None if quiet else known_count([path])) as progress:
        # from_file's items are Documents and the InputErrors of inputs that cannot be read
        for item in extract_stream(extractor, cast("Iterable[Document | InputError]", items), n_process=workers):
            count.seen += 1
            count.skipped += isinstance(item, InputError)
            progress.update(count)
            if held is not None:
                _emit(held, explain, many, threshold)
                held = None
            if isinstance(item, InputError) and count.seen == 1 and not many:
                held = item
                continue
            _emit(item, explain, many, threshold)
    if held is not None:
        raise held
    if count.skipped:
        sys.exit(SKIPPED_EXIT)


class _Count:
    """What extract has handled, for the progress line."""

    def __init__(self) -> None:
        self.seen = 0
        self.skipped = 0

    def progress_text(self) -> str:
        return f"{self.seen - self.skipped} extracted, {self.skipped} skipped"


def _emit(item: ExtractionResult | InputError, explain: bool, many: bool, threshold: float) -> None:
    from ..explain import explain as render
    from ..verifier import keep_confident

    if isinstance(item, InputError):
        click.echo(f"claimgraph: skipped: {item}", err=True)
        if many and not explain:
            click.echo(json.dumps({"document": None, "error": str(item), "actors": [], "statements": []}))
        return
    if explain:  # every statement, each with its confidence and why
        click.echo(render(item))
        return
    item = keep_confident(item, threshold)
    if many:
        click.echo(json.dumps(item.contract(), ensure_ascii=False))
    else:
        click.echo(json.dumps(item.contract(), ensure_ascii=False, indent=2))
