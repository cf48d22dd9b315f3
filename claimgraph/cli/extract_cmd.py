"""``claimgraph extract``: statements from text, as the JSON contract, JSON lines or an explanation."""

from __future__ import annotations

import json
import sys

import click

from ..errors import InputError
from .common import handle_errors, kb_option, main

SKIPPED_EXIT = 10


@main.command()
@click.argument("path", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default=None,
              help="json: one object (one document); jsonl: one object per input line. Default: by input type.")
@click.option("--explain", is_flag=True, help="Print each sentence with its statements and the reason for each.")
@click.option("--workers", type=int, default=1, show_default=True, help="Processes for the NLP pipeline.")
@kb_option
@handle_errors
def extract(path: str, fmt: str | None, explain: bool, workers: int, kb_paths: tuple[str, ...]) -> None:
    """Extract actors and statements from PATH (.txt, .md, .json, .jsonl, .html, a feed, .csv, or - for stdin)."""
    from ..explain import explain as render
    from ..extract import Extractor, extract_stream
    from ..textio import iter_input

    jsonl = True if fmt == "jsonl" else (False if fmt == "json" else None)
    if path != "-" and path.lower().endswith((".html", ".htm", ".xml", ".rss", ".atom", ".csv")):
        from pathlib import Path

        from ..ingest.sources import from_file

        items = from_file(Path(path))  # a web page's main text, a feed's entries, a CSV's text column
    else:
        items = iter_input(path, jsonl=jsonl)
    extractor = Extractor(kb_paths)
    skipped = 0
    many = jsonl is True or str(path).endswith((".jsonl", ".ndjson"))
    for item in extract_stream(extractor, items, n_process=workers):
        if isinstance(item, InputError):
            skipped += 1
            click.echo(f"claimgraph: skipped: {item}", err=True)
            if many and not explain:
                click.echo(json.dumps({"document": None, "error": str(item), "actors": [], "statements": []}))
                continue
            if not many:
                raise item
            continue
        if explain:
            click.echo(render(item))
        elif many:
            click.echo(json.dumps(item.contract(), ensure_ascii=False))
        else:
            click.echo(json.dumps(item.contract(), ensure_ascii=False, indent=2))
    if skipped:
        sys.exit(SKIPPED_EXIT)
