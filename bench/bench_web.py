"""Workbench speed on the synthetic store of bench_store.py: API latency with concurrent clients, first paint of
each page, and the actor graph of 5,000 nodes / 20,000 edges in the browser.

    .venv/bin/python bench/bench_store.py --statements 1000000 --db bench/out/store-1m.db   # the store, once
    .venv/bin/python bench/bench_web.py --db bench/out/store-1m.db --write-docs

The server is `claimgraph serve` in its own process on a free loopback port; the clients are threads of this
process with one keep-alive connection each, every request timed from send to last byte. The browser is Debian's
chromium driven by Playwright (software WebGL: there is no GPU).

With ``--baseline-src DIR`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/base <commit>``) a second
server runs DIR's claimgraph over the same store, and every measurement alternates between the two: on a shared
machine the ratio of the two is the figure to trust, not either absolute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _docs import percentile, write_section  # noqa: E402

from claimgraph.models import EVENT_TYPES  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DAY0, DAYS = dt.date(2015, 1, 1), 3650  # the synthetic store's dates (bench_store.generate)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


class Server:
    def __init__(self, db: Path, source: str | None = None):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        env = {**os.environ, "CLAIMGRAPH_TOKEN": "bench-token-0123456789"}
        if source:  # that tree's claimgraph package comes before the installed one
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(source).resolve()), env.get("PYTHONPATH")]))
        # ``python -m`` puts the working directory first on sys.path: run in the tree whose code is measured
        self.proc = subprocess.Popen([sys.executable, "-m", "claimgraph.cli", "serve", "--db", str(Path(db).resolve()),
                                      "--port", str(self.port)], env=env, cwd=source or REPO,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(self.port, "/api/v1")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the server did not start: " + (self.proc.stderr.read().decode()
                                                                    if self.proc.poll() is not None else "timeout"))
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, int]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, len(body)


def workload(kind: str, rng: random.Random, n_actors: int) -> str:
    hot = min(50, n_actors)

    def actor() -> str:
        return f"A{rng.randrange(hot) if rng.random() < 0.5 else rng.randrange(n_actors):05d}"

    def month() -> tuple[str, str]:
        start = DAY0 + dt.timedelta(days=rng.randrange(DAYS - 31))
        return start.isoformat(), (start + dt.timedelta(days=30)).isoformat()

    if kind == "dossier":
        return "/api/v1/dossier?" + urlencode({"a": actor(), "b": actor()})
    if kind == "claims":
        since = (DAY0 + dt.timedelta(days=rng.randrange(3000))).isoformat()
        params = [{"subject": actor()}, {"event_type": rng.choice(EVENT_TYPES), "since": since},
                  {"asserter": actor(), "stance": "denies"}, {"object": actor(), "until": since, "min_sources": 2},
                  {"subject": actor(), "object": actor(), "stance": "asserts"}][rng.randrange(5)]
        return "/api/v1/statements?" + urlencode(params)
    if kind == "contested":
        return "/api/v1/contested?" + urlencode({"min_sources": rng.choice((0, 0, 2))})
    since, until = month()
    return "/api/v1/network?" + urlencode({"since": since, "until": until})


def load(port: int, urls: list[str], clients: int) -> dict:
    """``clients`` threads, each on its own keep-alive connection, take the next URL until none is left."""
    todo: queue.Queue[str] = queue.Queue()
    for url in urls:
        todo.put(url)
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                url = todo.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            try:
                status, _ = get(port, url, conn)
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                errors.append(f"{url}: {exc}")
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(elapsed)
                if status != 200 and status:
                    errors.append(f"{url}: HTTP {status}")
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"times": times, "errors": errors, "wall": time.perf_counter() - started}


def figures(runs: list[dict]) -> dict:
    times = [t for r in runs for t in r["times"]]
    errors = [e for r in runs for e in r["errors"]]
    return {"requests": len(times), "errors": len(errors), "error_examples": errors[:3],
            "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1), "throughput_rps": round(len(times) / sum(r["wall"] for r in runs), 1)}


def api_latency(ports: dict[str, int], clients: int, requests: int, n_actors: int, seed: int,
                chunk: int = 40) -> dict:
    """Each endpoint's workload on every server (the same URLs), in chunks of ``chunk`` requests that alternate
    between the servers, so that a change of the machine's load falls on both: {server: {endpoint: figures}}."""
    rng = random.Random(seed)
    out: dict[str, dict] = {name: {} for name in ports}
    mixed = [workload(k, rng, n_actors) for _ in range(requests // 4) for k in ("dossier", "claims", "contested",
                                                                               "network")]
    rng.shuffle(mixed)
    for kind in ("dossier", "claims", "contested", "network", "mixed"):
        warm = [workload(kind if kind != "mixed" else "dossier", rng, n_actors) for _ in range(20)]
        urls = mixed if kind == "mixed" else [workload(kind, rng, n_actors) for _ in range(requests)]
        for port in ports.values():
            load(port, warm, 4)  # warm the page cache
        runs: dict[str, list[dict]] = {name: [] for name in ports}
        for n, start in enumerate(range(0, len(urls), chunk)):
            order = list(ports.items()) if n % 2 == 0 else list(reversed(ports.items()))
            for name, port in order:
                runs[name].append(load(port, urls[start:start + chunk], clients))
        for name in ports:
            out[name][kind] = figures(runs[name])
    return out


def browser(executable: str):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    return manager, manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def first_paint(bases: dict[str, str], executable: str, repeats: int) -> dict:
    """First contentful paint of each page, loads alternating between the servers: {server: {page: figures}}."""
    manager, chromium = browser(executable)
    pages = {"home": "/", "search": "/search?q=A00003", "actor": "/actors/A00001",
             "dossier": "/dossier?a=A00000&b=A00001", "contested": "/contested", "network": "/network",
             "timeline": "/timeline?actor=A00420", "documents": "/documents", "document": "/documents/doc4242"}
    out: dict[str, dict] = {name: {} for name in bases}
    try:
        for name, path in pages.items():
            paints: dict[str, list[float]] = {server: [] for server in bases}
            for _ in range(repeats):
                for server, base in bases.items():
                    paints[server].append(_paint(chromium, base + path))
            for server, values in paints.items():
                out[server][name] = {"median_ms": round(statistics.median(values), 1),
                                     "max_ms": round(max(values), 1)}
    finally:
        chromium.close()
        manager.stop()
    return out


def _paint(chromium, url: str) -> float:  # noqa: ANN001
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status if response else '?'}")
        for _ in range(100):  # the paint entry can be recorded a little after the load event
            value = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
            if value is not None:
                return float(value)
            time.sleep(0.05)
        return float("nan")
    finally:
        context.close()


def big_graph(base: str, port: int, executable: str, target_edges: int) -> dict:
    """A window of the store with at least ``target_edges`` edges, drawn in the browser: time to draw, layout, and
    frame times while the camera moves and the pointer sweeps the graph."""
    days = 60
    while True:
        since, until = DAY0 + dt.timedelta(days=1800), DAY0 + dt.timedelta(days=1800 + days)
        query = urlencode({"since": since.isoformat(), "until": until.isoformat(), "max_groups": 50_000})
        t0 = time.perf_counter()
        status, size = get(port, f"/api/v1/network?{query}")
        api_ms = (time.perf_counter() - t0) * 1000
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", f"/api/v1/network?{query}", headers={"Host": f"127.0.0.1:{port}"})
        data = json.loads(conn.getresponse().read())
        if len(data["edges"]) >= target_edges or days > 2000:
            break
        days = int(days * 1.4)
    manager, chromium = browser(executable)
    try:
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        t0 = time.perf_counter()
        page.goto(f"{base}/network?{query}")
        while not page.evaluate("() => !!window.claimgraphNetwork"):
            time.sleep(0.05)
        drawn_ms = (time.perf_counter() - t0) * 1000
        while not page.evaluate("() => window.claimgraphNetwork.layoutDone"):
            time.sleep(0.1)
        laid_ms = (time.perf_counter() - t0) * 1000
        iterations = page.evaluate("() => window.claimgraphNetwork.iterations")
        page.evaluate("""() => { window.__frames = []; let last = performance.now();
            function tick(now) { window.__frames.push(now - last); last = now;
                                 if (window.__frames.length < 400) requestAnimationFrame(tick); }
            requestAnimationFrame(tick); }""")
        camera_start = time.perf_counter()
        page.evaluate("() => window.claimgraphNetwork.sigma.getCamera().animate({ratio: 0.3}, {duration: 1500})")
        page.wait_for_timeout(1700)
        for step in range(40):  # the pointer sweeps the canvas: hover picking and highlighting
            page.mouse.move(100 + step * 20, 300 + (step % 10) * 25)
        frames = page.evaluate("() => window.__frames.slice(1)")
        sweep_s = time.perf_counter() - camera_start
        box = page.evaluate("() => document.getElementById('graph').getBoundingClientRect().toJSON()")
        t1 = time.perf_counter()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        click_ms = (time.perf_counter() - t1) * 1000
    finally:
        chromium.close()
        manager.stop()
    return {"window": f"{since}..{until}", "nodes": len(data["nodes"]), "edges": len(data["edges"]),
            "json_mb": round(size / 1e6, 1), "api_ms": round(api_ms), "page_to_drawn_ms": round(drawn_ms),
            "page_to_layout_done_ms": round(laid_ms), "layout_iterations": iterations,
            "frames": len(frames), "frame_median_ms": round(statistics.median(frames), 1),
            "frame_p95_ms": round(percentile(frames, 95), 1), "interaction_seconds": round(sweep_s, 1),
            "click_ms": round(click_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="A store made by bench_store.py --db (default: generate one, --statements)")
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="Requests per endpoint.")
    parser.add_argument("--paint-repeats", type=int, default=5)
    parser.add_argument("--graph-edges", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--baseline-src", help="A source tree of an earlier claimgraph, measured alternately with this one")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    tmp = None
    if args.db:
        db = Path(args.db)
    else:
        from bench_store import generate

        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench.db"
        generate(db, args.statements, args.actors, 10, 7)
    from claimgraph.store import open_store

    with open_store(db, create=False, read_only=True) as store:
        statements = store.stats().statements
    load_start = os.getloadavg()
    servers = {"now": Server(db)}
    if args.baseline_src:
        servers["baseline"] = Server(db, args.baseline_src)
    ports = {name: server.port for name, server in servers.items()}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        api = api_latency(ports, args.clients, args.requests, args.actors, args.seed) if args.requests else {}
        print(json.dumps({"api": api}), file=sys.stderr, flush=True)  # kept if the browser part fails
        paint = graph = None
        if not args.skip_browser:
            executable = "/usr/bin/chromium"
            paint = first_paint(bases, executable, args.paint_repeats)
            graph = big_graph(bases["now"], ports["now"], executable, args.graph_edges)
    finally:
        for server in servers.values():
            server.stop()
    result = {"bench": "web", "statements": statements, "clients": args.clients, "api": api, "first_paint": paint,
              "graph": graph, "cores": os.cpu_count(), "load_average_start": load_start,
              "load_average": os.getloadavg(), "baseline": _commit(args.baseline_src) if args.baseline_src else None,
              "now": _commit(str(Path(__file__).resolve().parents[1]))}
    print(json.dumps(result, indent=2))
    if args.write_docs:
        write_section("bench_web", docs(result, args))
    if tmp:
        tmp.cleanup()


def _commit(source: str) -> str:
    done = subprocess.run(["git", "-C", source, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def docs(r: dict, args: argparse.Namespace) -> str:
    api, paint = r["api"], r["first_paint"]
    base = r["baseline"]
    load = ", ".join(f"{x:.1f}" for x in r["load_average_start"]) + " at the start, " + \
        ", ".join(f"{x:.1f}" for x in r["load_average"]) + " at the end"
    lines = [
        "## Workbench (bench/bench_web.py)",
        "",
        f"`claimgraph serve` (one uvicorn process) over the synthetic SQLite store of bench_store.py: "
        f"{r['statements']:,} statements. {r['clients']} concurrent clients on loopback (threads of the bench "
        f"process, one keep-alive connection each), {args.requests} requests per endpoint after a warm-up, every "
        f"request timed from send to last byte. **Machine: {r['cores']} cores shared by 8 developers' test runs and "
        f"benchmarks (load average {load}); the bench ran niced.** Goal: p95 < 100 ms with 0 errors.",
        "",
    ]
    if base:
        lines += [f"Two servers over the same store, measured alternately in the same run (same URLs): *now* is "
                  f"commit {r['now']}, *before* commit {base}. On this machine the ratio is the figure to trust.", ""]
    lines += [
        "Mix: *dossier* of a random pair (each side one of the 50 busiest actors half the time); *claims* "
        "(`/api/v1/statements`): one of the five filter sets of bench_store.py; *contested*: the first page "
        "(min-sources 0 or 2); *network*: the graph of a random 30-day window; *mixed*: the four shuffled together.",
        "",
    ]
    now = api.get("now", {})
    if base:
        before = api["baseline"]
        lines += ["| endpoint | requests | errors | p50 ms | p95 ms | before p50 ms | before p95 ms | p95 before/now | "
                  "requests/s (before) |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {k} | {v['requests']} | {v['errors']} + {before[k]['errors']} | {v['p50_ms']} | {v['p95_ms']} | "
                  f"{before[k]['p50_ms']} | {before[k]['p95_ms']} | {before[k]['p95_ms'] / v['p95_ms']:.2f} | "
                  f"{v['throughput_rps']} ({before[k]['throughput_rps']}) |" for k, v in now.items()]
    else:
        lines += ["| endpoint | requests | errors | p50 ms | p95 ms | max ms | requests/s |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {k} | {v['requests']} | {v['errors']} | {v['p50_ms']} | {v['p95_ms']} | {v['max_ms']} | "
                  f"{v['throughput_rps']} |" for k, v in now.items()]
    lines.append("")
    if paint:
        lines += [f"First contentful paint of each page in headless chromium (Playwright; a fresh context per load, "
                  f"{args.paint_repeats} loads each{', alternating between the servers' if base else ''}), same "
                  f"store. Goal: under 1 s.", ""]
        if base:
            lines += ["| page | median ms | max ms | before median ms | before max ms |", "|---|---|---|---|---|"]
            lines += [f"| {k} | {v['median_ms']} | {v['max_ms']} | {paint['baseline'][k]['median_ms']} | "
                      f"{paint['baseline'][k]['max_ms']} |" for k, v in paint["now"].items()]
        else:
            lines += ["| page | median ms | max ms |", "|---|---|---|"]
            lines += [f"| {k} | {v['median_ms']} | {v['max_ms']} |" for k, v in paint["now"].items()]
        lines.append("")
    if r["graph"]:
        g = r["graph"]
        lines += [
            f"The network page on a window with {g['nodes']:,} nodes and {g['edges']:,} edges ({g['window']}, "
            f"{g['json_mb']} MB of JSON, API {g['api_ms']} ms): drawn {g['page_to_drawn_ms']} ms after navigation, "
            f"ForceAtlas2 ({g['layout_iterations']} iterations, in steps between frames) done after "
            f"{g['page_to_layout_done_ms']} ms. Then a 1.5 s camera zoom and a pointer sweep (hover picking; "
            f"a graph of more than 5,000 edges highlights no neighbourhood): {g['frames']} frames, median {g['frame_median_ms']} ms, p95 {g['frame_p95_ms']} ms per "
            f"frame; a click answered in {g['click_ms']} ms. Rendering is software WebGL (SwiftShader, no GPU).",
            "",
        ]
    baseline = " --baseline-src /tmp/base" if base else ""
    lines.append(f"Reproduce: `.venv/bin/python bench/bench_store.py --statements {r['statements']} --db "
                 f"bench/out/store-1m.db`{', `git worktree add /tmp/base ' + base + '` (and a copy of claimgraph/web/static/vendor/ in it)' if base else ''}, then "
                 f"`nice -n 10 .venv/bin/python bench/bench_web.py --db bench/out/store-1m.db --clients {args.clients} "
                 f"--requests {args.requests} --paint-repeats {args.paint_repeats}{baseline} --write-docs`")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
