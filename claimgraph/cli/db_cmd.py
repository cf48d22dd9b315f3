"""``claimgraph db``: what the store holds, and ``db migrate`` to copy a store to another backend."""

from __future__ import annotations

import json

import click

from ..errors import StoreError
from .common import emit_rows, format_option, handle_errors, main
from .store_cmd import db_option


@main.group(invoke_without_command=True)
@db_option
@format_option(default="table", choices=("table", "json"))
@click.pass_context
@handle_errors
def db(ctx: click.Context, db_path: str | None, fmt: str) -> None:
    """Counts of what the store holds and its schema version (``db migrate``: copy it elsewhere)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..store import open_store

    with open_store(db_path, create=False) as store:
        stats = store.stats()
    if fmt == "json":
        click.echo(json.dumps(stats.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        emit_rows([{"item": k, "value": v} for k, v in stats.model_dump().items()], "table")


@db.command("migrate")
@click.option("--from", "source", required=True, metavar="PATH|URL", help="The store to copy (left unchanged).")
@click.option("--to", "target", required=True, metavar="PATH|URL",
              help="An empty store: a new SQLite file, or a PostgreSQL database (its tables are created).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@format_option(default="table", choices=("table", "json"))
@handle_errors
def migrate(source: str, target: str, quiet: bool, fmt: str) -> None:
    """Copy a whole store to another backend, e.g. --from sqlite:///cases.db --to postgresql://host/cases.

    Every table is copied with its keys in one transaction; then row counts and a checksum of the propositions
    are compared on both sides. Exit code 6 when they differ (or the target is not empty).
    """
    from ..store import open_store
    from ..store.copy import copy_store

    def progress(table: str, rows: int) -> None:
        if not quiet:
            click.echo(f"  {table}: {rows:,} rows", err=True)

    with open_store(source, create=False) as src, open_store(target) as dst:
        report = copy_store(src, dst, on_progress=progress)
    if fmt == "json":
        click.echo(json.dumps({**report.model_dump(mode="json"), "ok": report.ok}, indent=2))
    else:
        emit_rows([c.model_dump() for c in report.tables], "table", ["table", "source", "target"],
                  title=f"{report.source} -> {report.target}")
        click.echo(f"propositions checksum: source {report.source_checksum[:16]}, "
                   f"target {report.target_checksum[:16]}")
    if not report.ok:
        raise StoreError(f"the copy in {report.target} differs from {report.source} (see the counts above)")
    click.echo(f"copied {report.rows:,} rows; counts and checksum match", err=True)
