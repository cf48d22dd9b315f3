"""Review commands: ``judge`` (one verdict on a stored statement) and ``judgements`` (the review log)."""

from __future__ import annotations

import getpass
import os
import sys

import click

from .common import emit_rows, handle_errors, main
from .store_cmd import _json, _store, db_option

REVIEWER_ENV = "CLAIMGRAPH_REVIEWER"
JUDGEMENT_TABLE = ["created_at", "reviewer", "verdict", "statement_id", "claim", "correction", "note"]
JUDGEMENT_COLUMNS = ["id", "created_at", "reviewer", "verdict", "doc_id", "statement_id", "current_statement_id",
                     "start", "end", "proposition", "correction", "note"]


def default_reviewer() -> str | None:
    """$CLAIMGRAPH_REVIEWER, else the login name."""
    try:
        return os.environ.get(REVIEWER_ENV) or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return None


def reviewer_option(func):  # noqa: ANN001, ANN201
    return click.option("--reviewer", default=default_reviewer, show_default=f"${REVIEWER_ENV} or the login name",
                        help="Who judges (recorded with the judgement).")(func)


def _claim_text(original: dict) -> str:
    return (f"{original.get('asserter_name') or '?'} {original.get('stance') or '?'}: "
            f"{original.get('subject_name') or '(someone)'} {'NOT ' if original.get('negated') else ''}"
            f"{original.get('event_type') or '?'} {original.get('object_name') or ''}").strip()


@main.command()
@click.argument("statement")
@click.argument("verdict", type=click.Choice(["confirm", "reject", "correct"], case_sensitive=False))
@click.option("--correct", "corrections", multiple=True, metavar="FIELD=VALUE",
              help="A corrected field, with verdict 'correct' (repeatable): asserter, stance, subject, event_type, "
                   "object, negated, mode. Actors by key (as `claims --format json` shows them); none for no one.")
@click.option("--note", default=None, help="Why (kept with the judgement).")
@click.option("--doc", "doc_id", default=None, help="The statement's document id (when several share the id).")
@reviewer_option
@db_option
@handle_errors
def judge(statement: str, verdict: str, corrections: tuple[str, ...], note: str | None, doc_id: str | None,
          reviewer: str | None, db_path: str | None) -> None:
    """Judge one stored statement (its id, e.g. report-7#s3): confirm, reject, or correct --correct FIELD=VALUE.

    The judgement is appended to the store's review log with the statement as extracted; it still applies after
    `claimgraph reprocess`."""
    from ..store.judgements import correction_from_pairs

    with _store(db_path, must_exist=True) as store:
        judgement = store.add_judgement(doc_id, statement, verdict, correction_from_pairs(corrections) or None,
                                        note=note, reviewer=reviewer)
    fixed = "".join(f" {k}={v}" for k, v in (judgement.correction or {}).items())
    click.echo(f"judged {judgement.statement_id}: {judgement.verdict}{fixed} "
               f"({_claim_text(judgement.original)}) by {judgement.reviewer or 'anonymous'}")


@main.command()
@click.option("--doc", "doc_id", default=None, help="Only judgements of this document.")
@click.option("--statement", "statement_id", default=None, help="Only those that apply to this statement now.")
@click.option("--limit", default=50, show_default=True)
@click.option("--offset", default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "jsonl"]), default="table",
              show_default=True, help="jsonl: the whole log (all judgements, oldest first; --limit ignored).")
@click.option("--output", "-o", default="-", show_default=True, help="With jsonl: output file, or - for stdout.")
@db_option
@handle_errors
def judgements(doc_id: str | None, statement_id: str | None, limit: int, offset: int, fmt: str, output: str,
               db_path: str | None) -> None:
    """The review log, newest first; --format jsonl exports all of it."""
    if fmt == "jsonl":
        from ..export.files import write_file
        from ..export.judgements import write_judgements_jsonl

        with _store(db_path, read_only=True) as store:
            if output == "-":
                summary = write_judgements_jsonl(store.iter_judgements(), sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                summary = write_file(output, lambda out: write_judgements_jsonl(store.iter_judgements(), out))
        click.echo(f"exported {summary.objects} judgement(s)", err=True)
        return
    with _store(db_path, read_only=True) as store:
        found = store.judgements(doc_id=doc_id, statement_id=statement_id, limit=limit, offset=offset)
    if fmt == "json":
        _json([j.model_dump(mode="json") for j in found])
        return
    rows = []
    for j in found:
        row = j.model_dump(mode="json")
        row["claim"] = _claim_text(j.original)
        row["correction"] = ", ".join(f"{k}={v}" for k, v in (j.correction or {}).items())
        if j.current_statement_id != j.statement_id:
            row["statement_id"] = f"{j.statement_id} (now {j.current_statement_id or 'gone'})"
        rows.append(row)
    emit_rows(rows, fmt, JUDGEMENT_TABLE if fmt == "table" else JUDGEMENT_COLUMNS,
              title=f"{len(found)} judgement(s)")
