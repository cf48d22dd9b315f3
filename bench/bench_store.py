"""Query latency on a synthetic store: p50/p95 of dossier, filtered claims and contested.

The store is generated with bulk inserts (no NLP): actors with a skewed popularity, documents, statements
with random asserters, stances and event types, then the propositions table and full-text index are rebuilt.

    .venv/bin/python bench/bench_store.py                        # 1,000,000 statements (a few minutes)
    .venv/bin/python bench/bench_store.py --statements 100000    # quick
    .venv/bin/python bench/bench_store.py --write-docs           # also update docs/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _docs import peak_rss_mb, percentile, write_section  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from claimgraph.models import EVENT_TYPES  # noqa: E402
from claimgraph.store import ClaimFilter, open_store  # noqa: E402
from claimgraph.store import schema as t  # noqa: E402
from claimgraph.identity import proposition_key  # noqa: E402

STANCE_WEIGHTS = {"asserts": 0.8, "denies": 0.1, "predicts": 0.05, "speculates": 0.05}
CHUNK = 20_000
STATEMENT_FIELDS = ("pk", "doc_pk", "pos", "sid", "asserter", "asserter_key", "stance", "subject", "subject_key",
                    "event_type", "object", "object_key", "negated", "quote", "start", '"end"', "trigger", "rule",
                    "confidence", "prop_pk", "date", "dup_group", "context", "quantities")


def generate(path: Path, n_statements: int, n_actors: int, per_doc: int, seed: int) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    store = open_store(path)
    actors = [f"A{i:05d}" for i in range(n_actors)]
    # Zipf-like popularity: a few actors appear in most statements, as in news.
    weights = [1 / (i + 1) ** 0.9 for i in range(n_actors)]
    n_docs = max(1, n_statements // per_doc)
    day0 = dt.date(2015, 1, 1)
    stances, stance_w = list(STANCE_WEIGHTS), list(STANCE_WEIGHTS.values())
    props: dict[str, int] = {}
    with store.engine.begin() as conn:
        # Bulk load without the statement indexes, then build them once (same end state, much faster).
        for index in t.statements.indexes:
            index.drop(conn)
        conn.execute(insert(t.actors), [
            {"key": a, "actor_id": a, "name": f"Actor {a}", "name_key": f"actor {a.lower()}", "type": "armed_group",
             "provisional": False, "parent": None, "data": {"id": a, "name": f"Actor {a}", "type": "armed_group"}}
            for a in actors])
        conn.execute(insert(t.actor_names), [{"name_key": f"actor {a.lower()}", "actor_key": a, "rank": 0}
                                             for a in actors])
        for start in range(0, n_docs, CHUNK):
            conn.execute(insert(t.documents), [
                {"pk": i + 1, "doc_id": f"doc{i}", "content_hash": f"{i:064x}", "title": f"Report {i}",
                 "date": day0 + dt.timedelta(days=i * 3650 // n_docs), "source": f"outlet{i % 50}",
                 "text": f"Synthetic report {i}.", "dup_group": i + 1 - (i % 7 == 6)}
                for i in range(start, min(n_docs, start + CHUNK))])
        pk = 0
        for start in range(0, n_statements, CHUNK):
            rows, new_props = [], []
            subjects = rng.choices(actors, weights, k=min(CHUNK, n_statements - start))
            objects = rng.choices(actors, weights, k=len(subjects))
            for offset, (subject, obj) in enumerate(zip(subjects, objects)):
                pk += 1
                i = start + offset
                doc = i // per_doc
                event = EVENT_TYPES[rng.randrange(len(EVENT_TYPES))]
                stance = rng.choices(stances, stance_w)[0]
                asserter = "author" if rng.random() < 0.5 else rng.choices(actors, weights)[0]
                key = proposition_key(subject, event, obj, False)
                if key not in props:
                    props[key] = len(props) + 1
                    new_props.append((props[key], key, subject, event, obj))
                date = (day0 + dt.timedelta(days=doc * 3650 // n_docs)).isoformat()
                rows.append((pk, doc + 1, i % per_doc, f"doc{doc}-s{i % per_doc}", asserter, asserter, stance,
                             subject, subject, event, obj, obj, 0,
                             f"{subject} {event.lower()} {obj} said {asserter} in report {doc}", 0, 40,
                             event.lower(), "synthetic", 0.8, props[key], date, doc + 1 - (doc % 7 == 6),
                             "[]", "[]"))  # lists, as a Statement has them: the store rebuilds results whole
            raw = conn.connection.driver_connection  # plain executemany: 1M rows in minutes, not tens
            if new_props:
                raw.executemany("INSERT INTO propositions (pk, key, subject_key, event_type, object_key, negated, "
                                "n_statements, n_asserts, n_denies, n_predicts, n_speculates, n_sources, "
                                "n_reporting_sources, contested, complete) "
                                "VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)", new_props)
            raw.executemany(f"INSERT INTO statements ({', '.join(STATEMENT_FIELDS)}) "
                            f"VALUES ({', '.join('?' * len(STATEMENT_FIELDS))})", rows)
        for index in t.statements.indexes:
            index.create(conn)
    loaded = time.perf_counter()
    store.rebuild_propositions()
    with store.engine.begin() as conn:
        store.dialect.rebuild_fulltext(conn)
        conn.exec_driver_sql("ANALYZE")
    built = time.perf_counter()
    store.close()
    return {"documents": n_docs, "actors": n_actors, "propositions": len(props),
            "load_seconds": round(loaded - started, 1), "index_seconds": round(built - loaded, 1)}


def measure(path: Path, runs: int, n_actors: int, seed: int) -> dict:
    rng = random.Random(seed + 1)
    store = open_store(path)
    hot = [f"A{i:05d}" for i in range(min(50, n_actors))]
    every = [f"A{i:05d}" for i in range(n_actors)]

    def pick() -> str:
        return rng.choice(hot) if rng.random() < 0.5 else rng.choice(every)

    def claims_query() -> None:
        kind = rng.randrange(5)
        since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        flt = [ClaimFilter(subject=[pick()]),
               ClaimFilter(event_type=[rng.choice(EVENT_TYPES)], since=since),
               ClaimFilter(asserter=[pick()], stance=["denies"]),
               ClaimFilter(object=[pick()], until=since, min_sources=2),
               ClaimFilter(subject=[pick()], object=[pick()], stance=["asserts"])][kind]
        store.claims(flt)

    def dossier_query() -> None:
        a, b = store.resolve_actor(pick()), store.resolve_actor(pick())
        store.dossier(a, b, [a.key], [b.key])

    def contested_query() -> None:
        store.propositions(contested_only=True, limit=50, min_sources=rng.choice((0, 0, 2)))

    results = {}
    for name, query in (("dossier", dossier_query), ("claims", claims_query), ("contested", contested_query)):
        query()  # warm the page cache once
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            query()
            times.append((time.perf_counter() - t0) * 1000)
        results[name] = {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2),
                         "max_ms": round(max(times), 2)}
    stats = store.stats()
    store.close()
    results["statements"] = stats.statements
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--per-doc", type=int, default=10, help="Statements per synthetic document.")
    parser.add_argument("--runs", type=int, default=200, help="Timed runs per query kind.")
    parser.add_argument("--db", help="Keep the synthetic store here (default: a temporary file).")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing --db without regenerating.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-docs", action="store_true", help="Update the section in docs/performance.md.")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory() if not args.db else None
    path = Path(args.db) if args.db else Path(tmp.name) / "bench.db"  # type: ignore[union-attr]
    sidecar = path.with_name(path.name + ".build.json")  # what --reuse reports about the kept store
    if args.reuse and path.exists():
        build = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    else:
        for old in path.parent.glob(path.name + "*"):
            old.unlink()
        build = generate(path, args.statements, args.actors, args.per_doc, args.seed)
        if args.db:
            sidecar.write_text(json.dumps(build))
    latency = measure(path, args.runs, args.actors, args.seed)
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p != sidecar) / 1e6
    result = {"bench": "store", "build": build, "latency": latency, "db_mb": round(size_mb, 1),
              "peak_rss_mb": round(peak_rss_mb(), 1), "goal_p95_ms": 50,
              "ok": all(latency[k]["p95_ms"] < 50 for k in ("dossier", "claims", "contested"))}
    print(json.dumps(result, indent=2))
    if args.write_docs:
        lines = [
            "## Store queries (bench/bench_store.py)",
            "",
            f"Synthetic SQLite store: {latency['statements']:,} statements, {build.get('documents', '?'):,} documents, "
            f"{args.actors:,} actors, {build.get('propositions', '?'):,} propositions, {result['db_mb']} MB "
            f"(bulk-loaded with indexes in {build.get('load_seconds', '?')} s, then "
            f"{build.get('index_seconds', '?')} s for propositions and the full-text index). {args.runs} runs "
            f"per query, warm cache. Goal: p95 < 50 ms.",
            "",
            "Query mix: *dossier* of a random pair (each side one of the 50 busiest actors half the time), "
            "statements grouped by proposition with asserters and speech acts; *claims*: one of five filter sets "
            "(subject; event type + since; asserter + stance; object + until + min-sources 2; subject + object + "
            "stance), newest 100; *contested*: the top 50 contested propositions (min-sources 0 or 2).",
            "",
            "| query | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|",
            *(f"| {k} | {latency[k]['p50_ms']} | {latency[k]['p95_ms']} | {latency[k]['max_ms']} |"
              for k in ("dossier", "claims", "contested")),
            "",
            f"Reproduce: `.venv/bin/python bench/bench_store.py --statements {args.statements} --write-docs`",
        ]
        write_section("bench_store", "\n".join(lines))
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
