"""Long fuzzing run of every reader and of Extractor.extract_each (issue 10): examples per entry point, crashes.

The targets and strategies are those of the test suite (tests/fuzzing.py); here each runs for many more examples
and a crash is counted (with its exception and a short repr of the input) instead of stopping the run.

    nice -n 10 .venv/bin/python bench/bench_fuzz.py --examples 100000 --out /tmp/fuzz-readers.json --readers
    nice -n 10 .venv/bin/python bench/bench_fuzz.py --examples 100000 --out /tmp/fuzz-extract.json --extract
    .venv/bin/python bench/bench_fuzz.py --merge /tmp/fuzz-readers.json /tmp/fuzz-extract.json --write-docs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

DOCS = HERE.parent / "docs" / "robustness.md"


def run_target(name: str, strategy, target, examples: int, seed: int) -> dict:  # noqa: ANN001
    from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

    counts = {"examples": 0, "crashes": 0}
    crashes: list[dict] = []

    def probe(value) -> None:  # noqa: ANN001
        counts["examples"] += 1
        try:
            target(value)
        except Exception as exc:  # noqa: BLE001  (a crash is what this bench counts)
            counts["crashes"] += 1
            if len(crashes) < 5:
                crashes.append({"exception": f"{type(exc).__name__}: {str(exc)[:200]}", "input": repr(value)[:300],
                                "where": traceback.format_exc().strip().splitlines()[-3][:200]})

    test = settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))(given(strategy)(probe))
    test = hypothesis_seed(seed)(test)
    started = time.monotonic()
    test()
    seconds = time.monotonic() - started
    return {"entry_point": name, "examples": counts["examples"], "crashes": counts["crashes"],
            "seconds": round(seconds, 1), "examples_per_s": round(counts["examples"] / seconds, 1) if seconds else 0,
            "engine": "hypothesis", "first_crashes": crashes}


def run_random(name: str, make, target, examples: int, seed: int, batch: int = 1, progress=None,  # noqa: ANN001
               max_seconds: float = 0) -> dict:
    """The same property on inputs from tests/fuzzing.py's plain random generators (RANDOM_INPUTS): the long run's
    engine, about a hundred times cheaper per example than hypothesis's generation. ``batch`` examples go to the
    target at once (the extractor takes a list)."""
    import random

    rng = random.Random(seed)
    counts = {"examples": 0, "crashes": 0}
    crashes: list[dict] = []
    started = last = time.monotonic()
    while counts["examples"] < examples:
        if max_seconds and time.monotonic() - started > max_seconds:  # the time slice is up: stopped early
            break
        if progress is not None and time.monotonic() - last > 60:  # a long run stopped early keeps its count
            last = time.monotonic()
            progress({"entry_point": name, "examples": counts["examples"], "crashes": counts["crashes"],
                      "seconds": round(last - started, 1),
                      "examples_per_s": round(counts["examples"] / (last - started), 1), "engine": "random",
                      "first_crashes": crashes, "partial": True})
        values = [make(rng) for _ in range(min(batch, examples - counts["examples"]))]
        try:
            target(values if batch > 1 else values[0])
            counts["examples"] += len(values)
        except Exception:  # noqa: BLE001  (a crash is what this bench counts)
            # A batch that raised: each of its examples again alone, so that every example counted ran to its end
            # and every crash is counted with its own input.
            for value in values:
                counts["examples"] += 1
                try:
                    target([value] if batch > 1 else value)
                except Exception as exc:  # noqa: BLE001
                    counts["crashes"] += 1
                    if len(crashes) < 5:
                        crashes.append({"exception": f"{type(exc).__name__}: {str(exc)[:200]}",
                                        "input": repr(value)[:300],
                                        "where": traceback.format_exc().strip().splitlines()[-3][:200]})
    seconds = time.monotonic() - started
    return {"entry_point": name, "examples": counts["examples"], "crashes": counts["crashes"],
            "seconds": round(seconds, 1), "examples_per_s": round(counts["examples"] / seconds, 1) if seconds else 0,
            "engine": "random", "first_crashes": crashes, "partial": counts["examples"] < examples}


def markdown(results: list[dict], command: str) -> str:
    lines = ["## Fuzzing (issue 10)", "",
             "Every reader and `Extractor.extract_each`, fed hypothesis-generated hostile input of its format "
             "(tests/fuzzing.py); a crash is any exception out of the entry point (readers and the extractor must "
             "give Documents or reported errors). Goal: at least 100,000 examples per entry point, 0 crashes.", "",
             f"Command: `{command}`", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other engineers' work (loaded), "
             f"Python {platform.python_version()}, niced.", "",
             "| entry point | engine | examples | crashes | seconds | examples/s |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        name = r["entry_point"] + (" (stopped early)" if r.get("partial") else "")
        lines.append(f"| `{name}` | {r.get('engine', 'hypothesis')} | {r['examples']:,} | {r['crashes']} | "
                     f"{r['seconds']:,} | {r['examples_per_s']} |")
    lines.append(f"| **total** | | {sum(r['examples'] for r in results):,} | {sum(r['crashes'] for r in results)} | "
                 f"{sum(r['seconds'] for r in results):,.0f} | |")
    for r in results:
        for crash in r["first_crashes"]:
            lines += ["", f"- `{r['entry_point']}`: {crash['exception']} on `{crash['input'][:120]}`"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="Examples per entry point.")
    parser.add_argument("--readers", action="store_true", help="The readers' entry points.")
    parser.add_argument("--extract", action="store_true", help="Extractor.extract_each.")
    parser.add_argument("--only", default="", help="Comma-separated entry points (default: all selected).")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=0, help="Stop each entry point after this long.")
    parser.add_argument("--engine", choices=["random", "hypothesis"], default="random",
                        help="random: tests/fuzzing.py's plain generators (fast); hypothesis: its strategies.")
    parser.add_argument("--out", type=Path, help="Write the results as JSON here.")
    parser.add_argument("--merge", type=Path, nargs="*", default=None, help="Merge result files instead of running.")
    parser.add_argument("--write-docs", action="store_true", help=f"Write the figures into {DOCS.name}.")
    args = parser.parse_args()
    if args.merge is not None:
        results = [r for path in args.merge for r in json.loads(path.read_text())["results"]]
        command = " ; ".join(json.loads(path.read_text())["command"] for path in args.merge)
    else:
        from tests.fuzzing import (EXTRACT_TEXTS, RANDOM_INPUTS, READERS, make_extract, make_extract_batch,
                                    random_short_text)

        only = [n for n in args.only.split(",") if n]
        targets = []  # (name, strategy, random input, target, batch)
        if args.readers or not (args.readers or args.extract):
            targets += [(name, READERS[name][0], RANDOM_INPUTS[name], READERS[name][1], 1) for name in READERS]
        if args.extract or not (args.readers or args.extract):
            from claimgraph.extract import Extractor

            extractor = Extractor()
            targets.append(("Extractor.extract_each", EXTRACT_TEXTS, random_short_text, make_extract(extractor), 1))
            if args.engine == "random":  # sixteen short documents a call, as ingest gives them (batch_size 16)
                targets[-1] = (*targets[-1][:3], make_extract_batch(extractor), 16)
        if only:
            targets = sorted((t for t in targets if t[0] in only), key=lambda t: only.index(t[0]))
        command = "nice -n 19 .venv/bin/python bench/bench_fuzz.py " + " ".join(sys.argv[1:])
        results = []
        for name, strategy, make, target, batch in targets:
            def progress(partial: dict) -> None:
                if args.out:
                    args.out.write_text(json.dumps({"command": command, "results": [*results, partial]}, indent=2))

            if args.engine == "random":
                result = run_random(name, make, target, args.examples, args.seed, batch, progress, args.max_seconds)
            else:
                result = run_target(name, strategy, target, args.examples, args.seed)
            print(json.dumps({k: v for k, v in result.items() if k != "first_crashes"}), flush=True)
            results.append(result)
            if args.out:  # after each entry point: a long run stopped early keeps what it measured
                args.out.write_text(json.dumps({"command": command, "results": results}, indent=2))
    if args.write_docs:
        from _docs import write_section

        if not DOCS.exists():
            DOCS.write_text("# Robustness\n\nFigures of the hostile-input benchmarks (issue 10), each with the "
                            "command that produced it.\n", encoding="utf-8")
        write_section("bench_fuzz", markdown(results, command), DOCS)
    return 1 if any(r["crashes"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
