"""Review commands: ``review`` (a terminal queue, one key per verdict), ``judge`` (one verdict on a stored
statement) and ``judgements`` (the review log)."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

import click

from .common import emit_rows, handle_errors, kb_option, main
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


# ---- claimgraph review: the terminal review queue ------------------------------------------------------------
KEYS = {"y": "confirm", "n": "reject", "c": "correct"}
STYLES: dict[str, dict[str, Any]] = {
    "trigger": dict(fg="yellow", bold=True, reverse=True), "subject": dict(fg="cyan", bold=True, underline=True),
    "object": dict(fg="magenta", bold=True, underline=True), "asserter": dict(fg="green", underline=True)}
HELP = "[y] confirm  [n] reject  [c] correct  [s] skip  [q] quit"


def _find(quote: str, words: str | None, near: int) -> tuple[int, int] | None:
    """The occurrence of ``words`` in ``quote`` nearest to offset ``near``."""
    if not words:
        return None
    hits, at = [], quote.find(words)
    while at >= 0:
        hits.append(at)
        at = quote.find(words, at + 1)
    if not hits:
        return None
    start = min(hits, key=lambda h: abs(h - near))
    return start, start + len(words)


def highlight(claim) -> str:  # noqa: ANN001
    """The quote with the trigger and the words naming the subject, object and asserter styled (ANSI, which click
    drops when the output is not a terminal)."""
    quote = claim.quote
    trigger = None
    if claim.trigger_start is not None and claim.trigger_end is not None:
        trigger = (claim.trigger_start - claim.start, claim.trigger_end - claim.start)
    if trigger is None or not (0 <= trigger[0] < trigger[1] <= len(quote)):
        trigger = _find(quote, claim.trigger, 0)
    near = trigger[0] if trigger else 0
    spans: list[tuple[int, int, str]] = [(*trigger, "trigger")] if trigger else []
    for role in ("subject", "object", "asserter"):
        found = _find(quote, getattr(claim, f"{role}_text"), near)
        if found and not any(s < found[1] and found[0] < e for s, e, _ in spans):
            spans.append((*found, role))
    out, at = [], 0
    for start, end, role in sorted(spans):
        out.append(quote[at:start])
        out.append(click.style(quote[start:end], **STYLES[role]))
        at = end
    out.append(quote[at:])
    return "".join(out)


def _card(claim, position: str, earlier) -> str:  # noqa: ANN001
    head = (f"{position}  confidence {claim.confidence:.2f}  {claim.statement_id}  {claim.date or 'undated'}  "
            f"{claim.source or ''}").rstrip()
    proposition = (f"  {click.style('asserter', **STYLES['asserter'])} {claim.asserter_name} ({claim.stance})  "
                   f"{click.style('subject', **STYLES['subject'])} {claim.subject_name or '-'}  "
                   f"{click.style(claim.event_type, **STYLES['trigger'])}{' NOT' if claim.negated else ''}  "
                   f"{click.style('object', **STYLES['object'])} {claim.object_name or '-'}")
    lines = [click.style(head, bold=True), "  " + highlight(claim), proposition]
    if earlier is not None:
        fixed = "".join(f" {k}={v}" for k, v in (earlier.correction or {}).items())
        lines.append(f"  judged before: {earlier.verdict}{fixed} by {earlier.reviewer or 'anonymous'}")
    return "\n".join(lines)


def _correction(store, kb) -> dict | None:  # noqa: ANN001
    """Ask for the corrected fields; actor names resolve through the stored actors (keys pass unchanged)."""
    import shlex

    from ..errors import ClaimgraphError
    from ..store.judgements import ACTOR_FIELDS, check_correction, correction_from_pairs

    while True:
        line = click.prompt("  corrected fields (e.g. object=ISKP negated=true; empty to cancel)", default="",
                            show_default=False)
        if not line.strip():
            return None
        try:
            fields: dict = correction_from_pairs(shlex.split(line))
            for name in ACTOR_FIELDS:
                value = fields.get(name)
                if value and value.lower() not in ("none", "null", "-"):
                    fields[name] = store.resolve_actor(value, kb.get(), fuzzy=False).key
            return check_correction("correct", fields)
        except (ClaimgraphError, ValueError) as exc:
            click.echo(f"  {exc}")


@main.command()
@click.option("--order", type=click.Choice(["confidence", "newest"]), default="confidence", show_default=True,
              help="Lowest confidence first (what the verifier doubts most), or newest first.")
@click.option("--asserter", multiple=True, help="Only statements of this asserter (name or id).")
@click.option("--subject", multiple=True)
@click.option("--object", "object_", multiple=True)
@click.option("--limit", default=50, show_default=True, help="Statements to walk.")
@click.option("--include-judged", is_flag=True, help="Also statements judged before (default: skip them).")
@click.option("--notes", is_flag=True, help="Ask for a note after each verdict.")
@reviewer_option
@db_option
@kb_option
@handle_errors
def review(order: str, asserter: tuple[str, ...], subject: tuple[str, ...], object_: tuple[str, ...], limit: int,
           include_judged: bool, notes: bool, reviewer: str | None, db_path: str | None,
           kb_paths: tuple[str, ...]) -> None:
    """Walk statements in the terminal and judge each with one key: y confirm, n reject, c correct, s skip, q quit.

    The quote is shown with the trigger and the words naming the subject, object and asserter highlighted. Each
    verdict is appended to the store's review log at once (Ctrl-C keeps what was judged)."""
    from ..store import ClaimFilter
    from .store_cmd import _LazyKB, _resolve_many

    kb = _LazyKB(kb_paths)
    done = {"confirm": 0, "reject": 0, "correct": 0, "skip": 0}
    with _store(db_path, must_exist=True) as store:
        flt = ClaimFilter(asserter=_resolve_many(store, kb, asserter), subject=_resolve_many(store, kb, subject),
                          object=_resolve_many(store, kb, object_), order=order,
                          limit=limit if include_judged else limit * 4)
        queue = []
        for claim in store.claims(flt):
            earlier = store.judgements(doc_id=claim.doc_id, statement_id=claim.statement_id, limit=1)
            if earlier and not include_judged:
                continue
            queue.append((claim, earlier[0] if earlier else None))
            if len(queue) >= limit:
                break
        if not queue:
            click.echo("nothing to review")
            return
        click.echo(f"{len(queue)} statement(s) to review, {order} first. {HELP}")
        for n, (claim, earlier) in enumerate(queue, 1):
            click.echo("\n" + _card(claim, f"[{n}/{len(queue)}]", earlier))
            key = ""
            while key not in ("y", "n", "c", "s", "q"):
                click.echo(f"  {HELP} > ", nl=False)
                key = click.getchar().lower()
                click.echo(key if key.isprintable() else "")
            if key == "q":
                break
            if key == "s":
                done["skip"] += 1
                continue
            correction = _correction(store, kb) if key == "c" else None
            if key == "c" and correction is None:
                done["skip"] += 1
                continue
            note = click.prompt("  note", default="", show_default=False) if notes else None
            judgement = store.add_judgement(claim.doc_id, claim.statement_id, KEYS[key], correction, note=note,
                                            reviewer=reviewer)
            fixed = "".join(f" {k}={v}" for k, v in (judgement.correction or {}).items())
            click.echo(f"  -> {judgement.verdict}{fixed}")
            done[judgement.verdict] += 1
    click.echo("\nreviewed: " + ", ".join(f"{v} {k}" for k, v in done.items()))
