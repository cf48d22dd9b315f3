"""Store commands: ``ingest``, the queries (``actor``, ``dossier``, ``claims``, ``contested``, ``network``,
``timeline``, ``search``), ``export`` and ``demo``. Each is a thin layer over claimgraph.store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import click

from ..errors import OfflineError
from ..models import EVENT_TYPES, STANCES
from .common import (
    Progress, emit_rows, format_option, handle_errors, kb_option, main, min_confidence_option, resolve_min_confidence,
    verifier_option, workers_option,
)

CLAIM_COLUMNS = ["date", "asserter_name", "stance", "subject_name", "event_type", "object_name", "negated",
                 "sources", "quote", "doc_id", "statement_id"]
# The terminal's view of a claim: the proposition in one wrapping column, the document in the statement id.
CLAIM_TABLE = ["date", "asserter_name", "stance", "claim", "sources", "quote", "statement_id"]
PROP_COLUMNS = ["subject_name", "event_type", "object_name", "negated", "asserts", "denies", "predicts",
                "speculates", "sources", "first_seen", "last_seen", "contested", "who"]
PROP_TABLE = ["proposition", "asserts", "denies", "sources", "first_seen", "last_seen", "who"]


def db_option(func: Callable) -> Callable:
    return click.option("--db", "db_path", envvar="CLAIMGRAPH_DB", default=None, metavar="PATH|URL",
                        help="SQLite file or postgresql://user@host/dbname (default $CLAIMGRAPH_DB or "
                             "./claimgraph.db).")(func)


def date_option(name: str, help_text: str) -> Callable:
    return click.option(name, type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help=help_text)


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@contextmanager
def _store(db_path: str | None, must_exist: bool = False, read_only: bool = False) -> Iterator[Any]:
    """The store; with ``must_exist`` (reprocess) a missing database is an error, not created; ``read_only``
    (queries, export) also writes and creates nothing, so a store on read-only media can be queried."""
    from ..store import open_store

    store = open_store(db_path, create=not (must_exist or read_only), read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _kb(kb_paths: tuple[str, ...]) -> Any:
    from ..kb import get_knowledge_base

    return get_knowledge_base(kb_paths)


class _LazyKB:
    """The knowledge base, loaded only when a name is not found among the stored actors."""

    def __init__(self, kb_paths: tuple[str, ...]):
        self.kb_paths = kb_paths
        self._kb: Any = None

    def get(self) -> Any:
        if self._kb is None:
            self._kb = _kb(self.kb_paths)
        return self._kb

    @property
    def loaded(self) -> Any:
        return self._kb


def _resolve(store: Any, kb: _LazyKB, name: str) -> Any:
    """The actor a name stands for, said on stderr ("'Islamabad' is Pakistan [PAK], by metonym"); exact stored
    names first, the knowledge base (loaded only then) for the rest; weak matches refused with suggestions."""
    from ..errors import NotFoundError

    try:
        ref = store.resolve_actor(name, None, fuzzy=False)
    except NotFoundError:
        ref = store.resolve_actor(name, kb.get())
    how = f" ({ref.matched})" if ref.matched and ref.matched != "name" else ""
    click.echo(f"claimgraph: {name!r} is {ref.name} [{ref.key}]{how}", err=True)
    return ref


def _resolve_many(store: Any, kb: _LazyKB, names: tuple[str, ...]) -> list[str]:
    return [_resolve(store, kb, n).key for n in names]


def _who(prop: Any) -> str:
    return "; ".join(f"{a.name} {a.stance}" + (f" x{a.statements}" if a.statements > 1 else "") for a in prop.asserters)


def _prop_row(prop: Any) -> dict:
    row = prop.model_dump(mode="json", exclude={"asserters"})
    row["who"] = _who(prop)
    row["proposition"] = _prop_text(prop)
    return row


def _prop_text(prop: Any) -> str:
    return (f"{prop.subject_name or '(someone)'} {'NOT ' if prop.negated else ''}{prop.event_type} "
            f"{prop.object_name or '(no target)'}")


def _claim_rows(claims: list[Any], fmt: str) -> tuple[list[dict], list[str] | None]:
    """Rows and columns for printing claims in ``fmt``; a "review" column when an analyst judged one of them."""
    rows = [c.model_dump(mode="json") for c in claims]
    if fmt == "json":
        return rows, None
    reviewed = ["review"] if any(row.get("review") for row in rows) else []
    for row in rows:
        row["review"] = review_text(row)
    if fmt == "csv":
        return rows, CLAIM_COLUMNS + reviewed
    for row in rows:
        row["claim"] = (f"{row['subject_name'] or '(someone)'} {'NOT ' if row['negated'] else ''}"
                        f"{row['event_type']} {row['object_name'] or ''}").strip()
    return rows, CLAIM_TABLE + reviewed


_VERDICT_WORDS = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected"}


def review_text(row: dict) -> str:
    """The review in force on a claim row in words: who, when, and each corrected field beside the machine's
    value ("corrected by ana, 2026-12-03 14:02 UTC: object: Pakistan -> ISKP")."""
    review = row.get("review")
    if not review:
        return ""
    when = str(review["judged_at"])[:16].replace("T", " ")
    text = f"{_VERDICT_WORDS.get(review['verdict'], review['verdict'])} by {review.get('reviewer') or 'a reviewer'}, " \
           f"{when} UTC"
    changes = []
    for field, value in (review.get("corrected") or {}).items():
        if field in ("asserter", "subject", "object"):
            machine = row.get(f"{field}_name") or row.get(field) or "(none)"
            theirs = (review.get("corrected_names") or {}).get(field) or value or "(none)"
        else:
            machine, theirs = row.get(field), value
        changes.append(f"{field}: {machine} -> {theirs}")
    if changes:
        text += ": " + "; ".join(changes)
    return text + (f" ({review['note']})" if review.get("note") else "")


def _json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# ---- ingest ------------------------------------------------------------------------------------------
@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--text-column", default="text", show_default=True, help="CSV column holding the text.")
@workers_option
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 1000))
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine's processes; ray: JSONL/Parquet shards over a Ray cluster "
                   "(pip install 'claimgraph[ray]').")
@click.option("--address", default=None, metavar="auto|ray://HOST:PORT",
              help="With --engine ray: the cluster to use (default: a local one started for the run).")
@click.option("--writers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="With --engine ray: actors writing to the store (SQLite: always 1).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (problems are still reported on stderr).")
@db_option
@verifier_option
@kb_option
@handle_errors
def ingest(inputs: tuple[str, ...], text_column: str, workers: int, batch_size: int, engine: str,
           address: str | None, writers: int, quiet: bool, db_path: str | None, verifier_model: str | None,
           kb_paths: tuple[str, ...]) -> None:
    """Read files, folders, feeds, URLs or - (stdin), extract claims and store them.

    Exit code 0 when everything went in, 10 when something was reported and skipped, 7 when offline.
    """
    if engine == "ray":
        from ..ingest.ray_engine import RaySettings, ingest_ray
        from ..store import database_spec

        with Progress(not quiet, None) as progress:
            summary = ingest_ray(list(inputs), database_spec(db_path), kb_paths, RaySettings(
                address=address, workers=workers, writers=writers, batch_size=batch_size,
                verifier=verifier_model or "bundled"),
                on_problem=progress.problem, on_progress=progress.update)
        click.echo(summary.line())
        sys.exit(summary.exit_code)
    from ..extract import Extractor
    from ..ingest import ingest as run_ingest
    from ..ingest import iter_documents

    from ..ingest.sources import known_count

    total = None if quiet else known_count(inputs)
    with _store(db_path) as store, Progress(not quiet, total) as progress:
        extractor = Extractor(kb_paths, verifier=verifier_model or "bundled")

        summary = run_ingest(iter_documents(inputs, text_column=text_column), store, extractor, workers=workers,
                             batch_size=batch_size, on_problem=progress.problem, on_progress=progress.update)
    click.echo(summary.line())
    if summary.offline and not summary.stored and not summary.duplicates:
        raise OfflineError(summary.problems[0] if summary.problems else "the network is unreachable")
    sys.exit(summary.exit_code)


# ---- queries -----------------------------------------------------------------------------------------
@main.command()
@click.argument("name")
@click.option("--limit", default=20, show_default=True, help="Counterparties to list.")
@db_option
@kb_option
@format_option()
@handle_errors
def actor(name: str, limit: int, db_path: str | None, kb_paths: tuple[str, ...], fmt: str) -> None:
    """Profile of an actor: aliases, type, counterparties, statements by type and stance over time."""
    kb = _LazyKB(kb_paths)
    with _store(db_path, read_only=True) as store:
        ref = _resolve(store, kb, name)
        profile = store.actor_profile(ref, kb.loaded, limit=limit)  # the KB's aliases if it had to be loaded
    if fmt == "json":
        _json(profile.model_dump(mode="json"))
        return
    if fmt == "csv":
        rows = [{"section": "by_type", **r.model_dump(mode="json")} for r in profile.by_type]
        rows += [{"section": "over_time", **r.model_dump(mode="json")} for r in profile.over_time]
        rows += [{"section": "counterparty", "role": "", "event_type": "", "stance": "", "period": c.actor,
                  "statements": c.as_subject + c.as_object} for c in profile.counterparties]
        emit_rows(rows, "csv", ["section", "period", "role", "event_type", "stance", "statements"])
        return
    a = profile.actor
    click.echo(f"{a.name} [{a.key}] type={a.type or '?'} country={profile.country or '-'}"
               + (" (provisional)" if a.provisional else ""))
    if profile.aliases:
        click.echo(f"aliases: {', '.join(profile.aliases)}")
    click.echo(f"{profile.mentions} mentions in {profile.documents} documents, "
               f"first {profile.first_seen or '-'}, last {profile.last_seen or '-'}")
    emit_rows([c.model_dump() for c in profile.counterparties], "table", title="counterparties")
    emit_rows([r.model_dump() for r in profile.by_type], "table", ["role", "event_type", "stance", "statements"],
              title="statements by type and stance")
    emit_rows([r.model_dump() for r in profile.over_time], "table",
              ["period", "role", "event_type", "stance", "statements"], title="over time")


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--exact", is_flag=True, help="Only these two actors, not their knowledge-base parents/children.")
@click.option("--limit", default=200, show_default=True, help="Statements per direction.")
@min_confidence_option
@db_option
@kb_option
@format_option()
@handle_errors
def dossier(a: str, b: str, exact: bool, limit: int, min_confidence: float | None, db_path: str | None,
            kb_paths: tuple[str, ...], fmt: str) -> None:
    """Everything claimed about actors A and B (either direction), grouped by proposition."""
    kb = _LazyKB(kb_paths)
    with _store(db_path, read_only=True) as store:
        ref_a, ref_b = _resolve(store, kb, a), _resolve(store, kb, b)
        result = store.dossier(ref_a, ref_b, store.actor_scope(ref_a.key, None, not exact),
                               store.actor_scope(ref_b.key, None, not exact), limit=limit,
                               min_confidence=resolve_min_confidence(min_confidence))
    print_dossier(result, fmt)


def print_dossier(result: Any, fmt: str) -> None:
    if fmt == "json":
        _json(result.model_dump(mode="json"))
        return
    if fmt == "csv":
        rows = []
        for entry in result.entries:
            p = entry.proposition
            for kind, claims in (("claim", entry.claims), ("speech_act", entry.speech_acts)):
                for c in claims:
                    rows.append({"proposition": p.key, "contested": p.contested, "prop_sources": p.sources,
                                 "kind": kind, **c.model_dump(mode="json")})
        emit_rows(rows, "csv", ["proposition", "contested", "prop_sources", "kind", "statement_id", "parent",
                                *CLAIM_COLUMNS[:-1]])
        return
    click.echo(f"dossier: {result.a.name} [{', '.join(result.a_scope)}] <-> {result.b.name} "
               f"[{', '.join(result.b_scope)}]: {len(result.entries)} proposition(s)")
    for entry in result.entries:
        p = entry.proposition
        flag = " CONTESTED" if p.contested else ""
        click.echo(f"\n{_prop_text(p)}{flag}: {p.asserts} asserts, "
                   f"{p.denies} denies, {p.sources} source(s), {p.first_seen or '?'}..{p.last_seen or '?'}")
        rows = [{**c.model_dump(), "claim": "claim"} for c in entry.claims]
        rows += [{**c.model_dump(), "claim": f"speech act: {c.subject_name or '?'} {c.event_type} "
                  f"{c.object_name or '?'}"} for c in entry.speech_acts]
        emit_rows(rows, "table", ["date", "asserter_name", "stance", "claim", "quote", "doc_id"])


@main.command()
@click.option("--asserter", multiple=True, help="Asserter name or id ('author' for the article's voice).")
@click.option("--subject", multiple=True)
@click.option("--object", "object_", multiple=True)
@click.option("--event-type", multiple=True, type=click.Choice(EVENT_TYPES, case_sensitive=False))
@click.option("--stance", multiple=True, type=click.Choice(STANCES))
@date_option("--since", "Documents dated on or after (YYYY-MM-DD).")
@date_option("--until", "Documents dated on or before (YYYY-MM-DD).")
@click.option("--min-sources", default=0, show_default=True, help="Minimum independent sources.")
@click.option("--limit", default=100, show_default=True)
@min_confidence_option
@db_option
@kb_option
@format_option()
@handle_errors
def claims(asserter: tuple[str, ...], subject: tuple[str, ...], object_: tuple[str, ...],
           event_type: tuple[str, ...], stance: tuple[str, ...], since: dt.datetime | None, until: dt.datetime | None,
           min_sources: int, limit: int, min_confidence: float | None, db_path: str | None, kb_paths: tuple[str, ...],
           fmt: str) -> None:
    """Statements matching the filters, newest first."""
    from ..store import ClaimFilter

    kb = _LazyKB(kb_paths)
    with _store(db_path, read_only=True) as store:
        flt = ClaimFilter(asserter=_resolve_many(store, kb, asserter), subject=_resolve_many(store, kb, subject),
                          object=_resolve_many(store, kb, object_), event_type=[e.upper() for e in event_type],
                          stance=list(stance), since=_day(since), until=_day(until), min_sources=min_sources,
                          min_confidence=resolve_min_confidence(min_confidence), limit=limit)
        found = store.claims(flt)
    rows, columns = _claim_rows(found, fmt)
    emit_rows(rows, fmt, columns, title=f"{len(found)} claim(s)")


@main.command()
@click.option("--actor", "actors_", multiple=True, help="Only propositions with this actor as subject or object.")
@click.option("--min-sources", default=0, show_default=True)
@click.option("--limit", default=50, show_default=True)
@min_confidence_option
@db_option
@kb_option
@format_option()
@handle_errors
def contested(actors_: tuple[str, ...], min_sources: int, limit: int, min_confidence: float | None,
              db_path: str | None, kb_paths: tuple[str, ...], fmt: str) -> None:
    """Propositions that one party asserts and another denies, best-sourced first."""
    kb = _LazyKB(kb_paths)
    with _store(db_path, read_only=True) as store:
        props = store.propositions(contested_only=True, min_sources=min_sources, limit=limit,
                                   actor=_resolve_many(store, kb, actors_) or None,
                                   min_confidence=resolve_min_confidence(min_confidence))
    if fmt == "json":
        _json([p.model_dump(mode="json") for p in props])
    else:
        emit_rows([_prop_row(p) for p in props], fmt, PROP_TABLE if fmt == "table" else PROP_COLUMNS,
                  title=f"{len(props)} contested proposition(s)")


@main.command()
@date_option("--since", "Documents dated on or after (YYYY-MM-DD).")
@date_option("--until", "Documents dated on or before (YYYY-MM-DD).")
@click.option("--top", default=20, show_default=True, help="Edges to list (heaviest first).")
@click.option("--edges", "stances", default="asserts", show_default=True, type=click.Choice(["asserts", "all"]),
              help="Edges from asserted statements only, or one edge per stance.")
@min_confidence_option
@db_option
@format_option()
@handle_errors
def network(since: dt.datetime | None, until: dt.datetime | None, top: int, stances: str,
            min_confidence: float | None, db_path: str | None, fmt: str) -> None:
    """Actor graph of a time window: node and edge counts, heaviest edges split into cooperation/conflict."""
    from ..graph import QUADS, actor_graph
    from ..verifier import keep_confident

    threshold = resolve_min_confidence(min_confidence)
    with _store(db_path, read_only=True) as store:
        graph = actor_graph((keep_confident(r, threshold) for r in store.iter_results(since=_day(since),
                                                                                      until=_day(until))),
                            STANCES if stances == "all" else ("asserts",))
    edges = sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1], e[2]["stance"]))
    rows = [{"subject": s, "subject_name": graph.nodes[s]["name"], "object": o, "object_name": graph.nodes[o]["name"],
             **{k: d[k] for k in ("stance", "weight", "cooperation", "conflict", *QUADS)},
             "event_types": "; ".join(f"{k}:{v}" for k, v in sorted(d["event_types"].items()))}
            for s, o, d in edges[:top]]
    summary = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
               "statements": sum(d["weight"] for _, _, d in graph.edges(data=True)),
               "cooperation": sum(d["cooperation"] for _, _, d in graph.edges(data=True)),
               "conflict": sum(d["conflict"] for _, _, d in graph.edges(data=True))}
    if fmt == "json":
        _json({**summary, "since": _day(since), "until": _day(until), "top_edges": rows})
        return
    if fmt == "table":
        click.echo(", ".join(f"{k}: {v}" for k, v in summary.items()))
    columns = ["subject_name", "object_name", "stance", "weight", "cooperation", "conflict"]
    if fmt == "csv":
        columns = ["subject", "object", *columns, *QUADS, "event_types"]
    emit_rows(rows, fmt, columns, title=f"heaviest {len(rows)} edge(s)")


@main.command()
@click.argument("name")
@date_option("--since", "Documents dated on or after (YYYY-MM-DD).")
@date_option("--until", "Documents dated on or before (YYYY-MM-DD).")
@click.option("--limit", default=500, show_default=True)
@min_confidence_option
@db_option
@kb_option
@format_option()
@handle_errors
def timeline(name: str, since: dt.datetime | None, until: dt.datetime | None, limit: int,
             min_confidence: float | None, db_path: str | None, kb_paths: tuple[str, ...], fmt: str) -> None:
    """Statements by or about an actor in date order."""
    kb = _LazyKB(kb_paths)
    with _store(db_path, read_only=True) as store:
        ref = _resolve(store, kb, name)
        found = store.timeline([ref.key], since=_day(since), until=_day(until), limit=limit,
                               min_confidence=resolve_min_confidence(min_confidence))
    rows, columns = _claim_rows(found, fmt)
    emit_rows(rows, fmt, columns, title=f"{ref.name}: {len(found)} statement(s)")


@main.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True)
@min_confidence_option
@db_option
@format_option()
@handle_errors
def search(text: str, limit: int, min_confidence: float | None, db_path: str | None, fmt: str) -> None:
    """Full-text search over statement quotes."""
    with _store(db_path, read_only=True) as store:
        hits = store.search(text, limit=limit, min_confidence=resolve_min_confidence(min_confidence))
    if fmt == "json":
        _json([h.model_dump(mode="json") for h in hits])
        return
    rows, _ = _claim_rows([h.claim for h in hits], fmt)
    for row, hit in zip(rows, hits):
        row["snippet"] = hit.snippet
    columns = (["date", "asserter_name", "stance", "claim", "snippet", "statement_id"] if fmt == "table" else
               ["date", "asserter_name", "stance", "subject_name", "event_type", "object_name", "snippet", "doc_id",
                "statement_id"])
    emit_rows(rows, fmt, columns, title=f"{len(hits)} hit(s)")


# ---- export ------------------------------------------------------------------------------------------
@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["stix", "plover", "graphml", "gexf", "csv", "parquet"]))
@click.option("--output", "-o", default="-", show_default=True,
              help="Output file (written whole or not at all), or - for standard output.")
@date_option("--since", "Documents dated on or after (YYYY-MM-DD).")
@date_option("--until", "Documents dated on or before (YYYY-MM-DD).")
@click.option("--stix-relationships", "relationships", default="standard", show_default=True,
              type=click.Choice(["standard", "related-to", "custom"]),
              help="STIX relationship types: the STIX/OpenCTI type where one fits, else related-to (standard); "
                   "related-to only; or claimgraph's own verbs, which OpenCTI refuses (custom).")
@click.option("--edges", "stances", default="asserts", show_default=True,
              type=click.Choice(["asserts", "all"]),
              help="GraphML/GEXF: edges from asserted statements only, or from every stance (one edge per stance).")
@click.option("--include-paths", is_flag=True,
              help="Keep local file paths where a document has no outlet (off: exports never show them).")
@click.option("--min-confidence", "min_confidence", type=click.FloatRange(0.0, 1.0), default=None, metavar="P",
              help="Leave out statements below confidence P. Default: the verifier model's threshold for the graph "
                   "formats (GraphML, GEXF), 0 (every statement, with its confidence) for the others.")
@db_option
@kb_option
@handle_errors
def export(fmt: str, output: str, since: dt.datetime | None, until: dt.datetime | None, relationships: str,
           stances: str, include_paths: bool, min_confidence: float | None, db_path: str | None,
           kb_paths: tuple[str, ...]) -> None:
    """Export the store (streamed): STIX 2.1, PLOVER JSONL, GraphML, GEXF, CSV or Parquet."""
    from ..export import ExportOptions, export_file, write_export
    from ..models import STANCES

    from ..verifier import keep_confident

    options = ExportOptions(include_paths=include_paths, relationships=relationships,
                            stances=tuple(STANCES) if stances == "all" else ("asserts",))
    graph = fmt in ("graphml", "gexf")
    threshold = resolve_min_confidence(min_confidence) if graph or min_confidence is not None else 0.0
    with _store(db_path, read_only=True) as store:
        kb = _kb(kb_paths)
        if fmt == "stix":  # the reviewers' judgements, as their opinions of the exported claims
            options = dataclasses.replace(options, judgements=store.iter_judgements())
        results = (keep_confident(r, threshold) for r in store.iter_results(since=_day(since), until=_day(until)))
        if output == "-":
            summary = write_export(fmt, results, sys.stdout.buffer, kb, options)
            sys.stdout.buffer.flush()
        else:
            summary = export_file(fmt, results, output, kb, options)
    extra = "".join(f", {v} {k}" for k, v in summary.extra.items())
    click.echo(f"exported {summary.format}: {summary.documents} documents, {summary.actors} actors, "
               f"{summary.statements} statements, {summary.objects} objects{extra}", err=True)


# ---- reprocess ---------------------------------------------------------------------------------------
@main.command()
@date_option("--since", "Documents dated on or after (YYYY-MM-DD).")
@date_option("--until", "Documents dated on or before (YYYY-MM-DD).")
@click.option("--doc", "doc_ids", multiple=True, help="Only the document with this id (repeatable).")
@workers_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@db_option
@verifier_option
@kb_option
@handle_errors
def reprocess(since: dt.datetime | None, until: dt.datetime | None, doc_ids: tuple[str, ...], workers: int,
              quiet: bool, db_path: str | None, verifier_model: str | None, kb_paths: tuple[str, ...]) -> None:
    """Re-extract stored documents in place (after a knowledge-base or lexicon change): same document ids,
    each document's statements replaced in one transaction. Exit 10 when some were skipped."""
    from ..extract import Extractor
    from ..ingest import SKIPPED_EXIT
    from ..ingest import reprocess as run_reprocess

    with _store(db_path, must_exist=True) as store:
        selected = sum(1 for _ in store.iter_documents(since=_day(since), until=_day(until),
                                                       doc_ids=list(doc_ids) or None))
        if doc_ids and not selected:
            from ..errors import NotFoundError

            raise NotFoundError(f"no stored document with id {', '.join(repr(d) for d in doc_ids)}")
        with Progress(not quiet, selected) as progress:
            extractor = Extractor(kb_paths, verifier=verifier_model or "bundled")
            summary = run_reprocess(store, extractor, since=_day(since), until=_day(until),
                                    doc_ids=list(doc_ids) or None, workers=workers, on_progress=progress.update,
                                    on_problem=progress.problem)
    click.echo(summary.line())
    sys.exit(SKIPPED_EXIT if summary.skipped else 0)


# ---- demo --------------------------------------------------------------------------------------------
@main.command()
@click.option("--db", "db_path", default="demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="Database the demo writes (kept, so you can query it afterwards with --db).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--quiet", "-q", is_flag=True)
@kb_option
@handle_errors
def demo(db_path: str, workers: int, quiet: bool, kb_paths: tuple[str, ...]) -> None:
    """Ingest the bundled sample reports into ./demo.db and show contested claims, busy pairs and a dossier."""
    from ..demo import run_demo

    with Progress(not quiet) as progress:
        report = run_demo(db_path, kb_paths=kb_paths, workers=workers, on_progress=progress.update,
                          on_problem=progress.problem)
    for note in report.notes:
        click.echo(f"note: {note}")
    click.echo(f"samples: {report.samples}\ndatabase: {report.db} (query it: claimgraph dossier A B --db {report.db})")
    click.echo(f"ingest: {report.ingest.line()}")
    s = report.stats
    click.echo(f"store: {s.documents} documents in {s.duplicate_groups} source groups, {s.actors} actors, "
               f"{s.statements} statements, {s.propositions} propositions, {s.contested} contested\n")
    emit_rows([_prop_row(p) for p in report.contested], "table", PROP_TABLE, title="most contested propositions")
    emit_rows([p.model_dump() for p in report.pairs], "table",
              ["subject_name", "object_name", "statements", "propositions", "contested"], title="busiest actor pairs")
    if report.dossier is not None:
        click.echo("")
        print_dossier(report.dossier, "table")
