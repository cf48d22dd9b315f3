"""The workbench in a real browser: Playwright driving Debian's chromium against a server on a free loopback port
over the fictional store. Each page shows its data, the graph draws and a click on an edge lists its statements,
and a document full of XSS payloads stays inert. Screenshots of the main pages go to build/screenshots/.

Without chromium these tests skip, saying so; in CI (CI=true) that is a failure, since .ci/run installs it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from claimgraph.web import create_app, make_settings
from claimgraph.web.settings import TOKEN_ENV

try:
    from tests.web_data import XSS_NAME, build_store
except ImportError:  # tests/ is not a package
    from web_data import XSS_NAME, build_store  # type: ignore[no-redef]

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "build" / "screenshots"
TOKEN = "browser-test-token-0123456789"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
XSS_DOC = quote("xss-<b>1</b>", safe="")


def chromium_path() -> str:
    """Debian's chromium; skips (or fails, in CI) when it is not installed."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        reason = "the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{reason}; CI=true", pytrace=False)
        pytest.skip(reason)
    return found


class LiveServer:
    """uvicorn on a socket bound to a free loopback port, in a thread, for the life of the module."""

    def __init__(self, db: Path):
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.app = create_app(make_settings(db=str(db), port=self.port, environ={TOKEN_ENV: TOKEN}))
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workbench server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(build_store(tmp_path_factory.mktemp("browser") / "web.db")) as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=server.base)
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))  # type: ignore[attr-defined]
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    yield tab
    context.close()


def wait_until(page, predicate: str, seconds: float = 20) -> None:
    """Poll a page predicate from outside (``wait_for_function`` would evaluate a string, which the CSP forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        time.sleep(0.1)


def csp_reports(server) -> list:
    return list(server.app.state.csp_reports)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("name, path, expected", [
    ("home", "/", "Southland"),
    ("search", "/search?q=rifles", "supplied"),
    ("actor", "/actors/SLD", "Statements over time, by stance"),
    ("dossier", "/dossier?a=Southland&b=Eastern+Front", "independent source"),
    ("contested", "/contested", "Eastern Front"),
    ("timeline", "/timeline?actor=Northland&b=Southland", "rejected"),
    ("documents", "/documents", "Talks proposed"),
    ("document", "/documents/nr-005#s-nr-005-s2", "arming"),
])
def test_each_page_shows_its_data(page, server, name, path, expected):
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.get_by_text(expected).first.wait_for(state="visible", timeout=5000)
    if name == "actor":
        assert page.locator("svg.chart rect.bar").count() >= 3
    if name == "document":
        assert page.locator("mark.ent").count() >= 4 and page.locator(".seg.trigger").count() >= 3
        assert page.locator("li.statement.focus").get_attribute("data-s") == "nr-005-s2"  # the #s- link focused it
        assert page.locator(".seg.focus").count() >= 1
    shot(page, name)
    assert page.errors == [] and csp_reports(server) == []  # type: ignore[attr-defined]


def test_the_graph_draws_and_an_edge_click_lists_its_statements(page, server):
    page.goto("/network?stance=asserts&stance=denies")
    wait_until(page, "() => !!(window.claimgraphNetwork && window.claimgraphNetwork.layoutDone)")
    assert page.locator("#graph canvas").count() >= 2
    assert page.locator("#graph-status").inner_text().startswith("5 actors, 9 edges")
    # The screen position of the middle of the Southland -> Eastern Front edges (asserted and denied), from
    # sigma's camera.
    point = page.evaluate("""() => {
        const {graph, sigma} = window.claimgraphNetwork;
        const edge = graph.edges("SLD", "EFR")[0];
        const a = sigma.graphToViewport(graph.getNodeAttributes("SLD"));
        const b = sigma.graphToViewport(graph.getNodeAttributes("EFR"));
        const box = document.getElementById("graph").getBoundingClientRect();
        return {edge, x: box.left + (a.x + b.x) / 2, y: box.top + (a.y + b.y) / 2};
    }""")
    shot(page, "network")
    page.mouse.move(point["x"], point["y"])  # sigma picks the edge under the pointer as it moves
    page.wait_for_timeout(200)
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#edge-statements li.claim")
    panel.first.wait_for(timeout=5000)
    assert "Southland" in page.locator("#edge-hint").inner_text()
    ids = set(panel.evaluate_all("(items) => items.map((li) => li.dataset.statement)"))
    assert ids <= {"nr-002-s0", "nr-005-s0", "nr-005-s2", "nr-002-s1"} and ids
    shot(page, "network-edge")
    assert page.errors == [] and csp_reports(server) == []  # type: ignore[attr-defined]


def test_xss_payloads_in_a_document_stay_inert(page, server):
    dialogs, foreign = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(server.base) and
            not r.url.startswith("data:") else None)
    for path in (f"/documents/{XSS_DOC}", "/search?q=depot", "/contested", "/documents", "/timeline?actor=NRD",
                 f"/actors/{quote(XSS_NAME, safe='')}", "/network"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        for element in page.locator("mark.ent, .seg, a, q").all()[:60]:  # hover and focus what a reader would
            element.hover(timeout=2000, force=True)
        assert page.evaluate("window.__xss") is None, path
    page.goto(f"/documents/{XSS_DOC}")
    text = page.locator("#doc-text").inner_text()
    assert "<script>window.__xss = 1;" in text and "onerror=" in text  # shown as the text it is
    assert page.locator("#doc-text script, #doc-text img, #doc-text a, svg[onload]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    titles = page.locator("mark.ent").evaluate_all("(marks) => marks.map((m) => m.title)")
    assert any(t.startswith(XSS_NAME) for t in titles)  # the attribute holds the name, quotes and all
    shot(page, "xss-document")
    assert dialogs == [] and foreign == []
    time.sleep(0.3)  # a report the browser queued would arrive now
    assert csp_reports(server) == [], json.dumps(csp_reports(server))[:500]


def test_review_writes_a_judgement_with_the_token(page, server):
    page.goto("/review?doc=nr-003&statement=nr-003-s0")
    form = page.locator("#review-form")
    form.wait_for(state="visible", timeout=5000)  # shown by its script; hidden without one
    assert page.locator(".no-js-only").is_hidden()
    page.fill("input[name=token]", "not-the-token-at-all")
    page.get_by_role("button", name="Confirm").click()
    page.locator("#review-status.error").wait_for(timeout=5000)
    assert "not this server's" in page.locator("#review-status").inner_text()
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=reviewer]", "browser test")
    page.select_option("select[name=fix-stance]", "speculates")
    page.fill("textarea[name=note]", "residents said, not officials")
    page.get_by_role("button", name="Correct").click()
    page.locator("#review-status.saved").wait_for(timeout=5000)
    assert page.locator("#judgement-history tbody tr").first.inner_text().count("correct") >= 1
    shot(page, "review")
    store = server.app.state.workbench.store  # the server's own store: what the page wrote is in it
    (judgement,) = store.judgements(doc_id="nr-003", statement_id="nr-003-s0")
    assert (judgement.verdict, judgement.correction, judgement.reviewer) == (
        "correct", {"stance": "speculates"}, "browser test")
    page.goto("/documents/nr-003")  # the document shows the verdict in force beside the statement
    assert page.locator("#s-nr-003-s0 .verdict-correct").count() == 1
    # the one console error is the browser logging the refused wrong token
    assert [e for e in page.errors if "status of 403" not in e] == []  # type: ignore[attr-defined]
    assert csp_reports(server) == []

