"""``claimgraph kb ...`` and ``claimgraph actors ...``: inspect and validate the knowledge base."""

from __future__ import annotations

import json

import click

from ..kb import KnowledgeBase
from .common import emit_rows, format_option, handle_errors, kb_option, main


@main.group()
def kb() -> None:
    """Inspect and validate the actor knowledge base."""


@kb.command("validate")
@kb_option
@handle_errors
def kb_validate(kb_paths: tuple[str, ...]) -> None:
    """Check the knowledge-base files: bad records, duplicate ids, ambiguous aliases, dangling references."""
    base = KnowledgeBase.load(kb_paths, strict=False)
    problems = base.validate()
    for problem in problems:
        click.echo(str(problem), err=True)
    stats = base.stats()
    if problems:
        click.echo(f"{len(problems)} problem(s) in {stats['files']} file(s)", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {stats['actors']} actors, {stats['aliases']} names in {stats['files']} file(s)")


@kb.command("stats")
@kb_option
@format_option(default="table", choices=("table", "json"))
@handle_errors
def kb_stats(kb_paths: tuple[str, ...], fmt: str) -> None:
    """Counts of actors, names and actors by type."""
    stats = KnowledgeBase.load(kb_paths).stats()
    if fmt == "json":
        click.echo(json.dumps(stats, indent=2))
        return
    rows = [{"type": k, "actors": v} for k, v in stats["by_type"].items()]
    emit_rows(rows, "table", title=f"{stats['actors']} actors, {stats['aliases']} names")


@main.group()
def actors() -> None:
    """Look up actors in the knowledge base."""


@actors.command("search")
@click.argument("text")
@click.option("--limit", default=10, show_default=True)
@kb_option
@format_option()
@handle_errors
def actors_search(text: str, limit: int, kb_paths: tuple[str, ...], fmt: str) -> None:
    """Find actors by any of their names (fuzzy)."""
    base = KnowledgeBase.load(kb_paths)
    rows = [
        {"id": a.id, "name": a.name, "type": a.type, "country": a.country, "code": a.code,
         "matched": name, "score": round(score, 1)}
        for a, name, score in base.search(text, limit=limit)
    ]
    if not rows and fmt == "table":
        click.echo(f"no actor matches {text!r}")
        return
    emit_rows(rows, fmt)
