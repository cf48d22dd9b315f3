"""The workbench's REST API and pages over the fictional store, in process (no browser): data, paging, ETags,
problem details, security headers and limits, escaping, and the committed OpenAPI document."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from claimgraph.errors import ConfigError
from claimgraph.store import open_store
from claimgraph.web import create_app, make_settings
from claimgraph.web.settings import TOKEN_ENV

try:
    from tests.web_data import XSS_NAME, build_store
except ImportError:  # tests/ is not a package
    from web_data import XSS_NAME, build_store  # type: ignore[no-redef]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"
HOST = "http://127.0.0.1:8750"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture(scope="module")
def client(db):
    app = create_app(make_settings(db=str(db), environ={TOKEN_ENV: "test-token-0123456789"}))
    with TestClient(app, base_url=HOST) as c:
        yield c


def items(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()["items"]


# ---- data -----------------------------------------------------------------------------------------------------
def test_documents_newest_first_and_a_document_with_its_reasons(client):
    docs = items(client, "/api/v1/documents")
    assert [d["doc_id"] for d in docs][:2] == ["xss-<b>1</b>", "nr-005"]
    assert {d["doc_id"]: d["statements"] for d in docs}["nr-001"] == 3
    view = client.get("/api/v1/documents/nr-001").json()
    assert view["document"]["title"] == "Northland accuses the Eastern Front over border raid"
    first = view["statements"][1]
    assert first["asserter_name"] == "Northland" and first["subject_name"] == "Eastern Front"
    assert {r["label"]: r["value"] for r in first["reasons"]} == {
        "trigger": '"attacking"', "rule": "verb-active:fixture", "confidence": "0.60",
        "lexicon": "assault.fixture", "carried by": "nr-001-s0"}
    assert view["statements"][0]["time"].startswith('time "on Saturday"')
    assert client.get("/api/v1/documents/nope").status_code == 404


def test_statement_filters_are_those_of_claims(client):
    assert {c["statement_id"] for c in items(client, "/api/v1/statements?stance=denies")} == {
        "nr-001-s2", "nr-002-s1", "xss-<b>1</b>-s1"}
    by_name = items(client, "/api/v1/statements?subject=Southland&object=the%20Front&stance=asserts")
    assert {c["statement_id"] for c in by_name} == {"nr-002-s0", "nr-005-s0", "nr-005-s2"}
    window = items(client, "/api/v1/statements?since=2025-02-01&until=2025-02-28&event_type=ASSAULT")
    assert [c["statement_id"] for c in window] == ["nr-003-s0"]
    assert {c["statement_id"] for c in items(client, "/api/v1/statements?min_sources=2&stance=denies")} == {
        "nr-001-s2", "nr-002-s1"}  # a proposition only denied has no asserting source
    confident = items(client, "/api/v1/statements?min_confidence=0.65")
    assert len(confident) == 2 and all(c["confidence"] >= 0.65 for c in confident)
    assert items(client, "/api/v1/statements?asserter=author&event_type=CONSULT")[0]["trigger"] == "offered"


def test_cursor_pages_cover_the_listing_once(client):
    everything = [c["statement_id"] for c in items(client, "/api/v1/statements?limit=500")]
    seen, url = [], "/api/v1/statements?limit=4"
    while url:
        body = client.get(url).json()
        seen += [c["statement_id"] for c in body["items"]]
        url = f"/api/v1/statements?limit=4&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == everything and len(everything) == 14
    cursor = client.get("/api/v1/statements?limit=4").json()["next_cursor"]
    other = client.get(f"/api/v1/statements?limit=4&stance=denies&cursor={cursor}")
    assert other.status_code == 400 and other.json()["type"].endswith("invalid-cursor")
    assert client.get("/api/v1/statements?cursor=not-a-cursor").status_code == 400


def test_contested_dossier_timeline(client):
    contested = items(client, "/api/v1/contested")
    assert [p["key"] for p in contested] == ["SLD|SUPPORT|EFR|0", "EFR|ASSAULT|NRD|0"]
    dossier = client.get("/api/v1/dossier?a=Southland&b=Eastern%20Front").json()
    entry = dossier["entries"][0]
    assert entry["proposition"]["contested"] and entry["proposition"]["sources"] == 2
    assert {c["stance"] for c in entry["claims"]} == {"asserts", "denies"}
    assert [s["statement_id"] for s in entry["speech_acts"]] == ["nr-005-s1"]
    timeline = items(client, "/api/v1/timeline?actor=Southland")
    assert [c["date"] for c in timeline] == sorted(c["date"] for c in timeline)
    pair = items(client, "/api/v1/timeline?actor=Northland&b=Southland")
    assert {c["statement_id"] for c in pair} >= {"nr-004-s0", "nr-004-s1"}
    assert all({c["subject"], c["object"]} <= {"NRD", "NRDARMY", "SLD", "EFR"} for c in pair)


def test_actor_profile_and_search(client):
    profile = client.get("/api/v1/actors/Norvik").json()
    assert profile["actor"]["key"] == "NRD" and "Norvik" in profile["aliases"]
    assert {c["actor"] for c in profile["counterparties"]} >= {"EFR", "SLD"}
    assert [h["actor"]["key"] for h in client.get("/api/v1/actors?q=front").json()] == ["EFR"]
    found = client.get("/api/v1/search?q=rifles").json()
    assert [d["document"]["doc_id"] for d in found["documents"]] == ["nr-002"]
    assert [q["claim"]["statement_id"] for q in found["quotes"]] == ["nr-002-s0"]
    assert client.get("/api/v1/search?q=south").json()["actors"][0]["actor"]["key"] == "SLD"


def test_network_of_a_window_with_filters(client):
    graph = client.get("/api/v1/network").json()
    assert {(e["source"], e["target"]) for e in graph["edges"]} >= {("SLD", "EFR"), ("NRDARMY", "EFR")}
    assert all(e["stance"] == "asserts" for e in graph["edges"])
    support = next(e for e in graph["edges"] if (e["source"], e["target"]) == ("SLD", "EFR"))
    assert support["weight"] == 3 and support["family"] == "verbal_cooperation" and support["cooperation"] == 3
    nodes = {n["key"]: n for n in graph["nodes"]}
    assert nodes["EFR"]["type"] == "armed_group"
    window = client.get("/api/v1/network?since=2025-02-01&until=2025-02-28&stance=asserts&stance=denies").json()
    assert {(e["source"], e["target"], e["stance"]) for e in window["edges"]} == {
        ("SLD", "EFR", "asserts"), ("SLD", "EFR", "denies"), ("NRDARMY", "EFR", "asserts")}
    by_asserter = client.get("/api/v1/network?asserter=Eastern%20Front").json()
    assert [(e["source"], e["target"]) for e in by_asserter["edges"]] == [("SLD", "EFR")]
    assert client.get("/api/v1/network?min_confidence=0.95").json()["edges"] == []


def test_export_download(client):
    response = client.get("/api/v1/exports/csv?until=2025-01-31")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="claimgraph-2025-01-31.csv"' in response.headers["content-disposition"]
    lines = response.text.strip().splitlines()
    assert len(lines) == 1 + 3 and lines[0].startswith("document_id,")
    again = client.get("/api/v1/exports/csv?until=2025-01-31", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


# ---- HTTP behaviour -------------------------------------------------------------------------------------------
def test_etag_answers_304_and_changes_with_the_data(tmp_path):
    path = build_store(tmp_path / "e.db")
    app = create_app(make_settings(db=str(path), environ={}))
    with TestClient(app, base_url=HOST) as c:
        first = c.get("/api/v1/contested")
        assert c.get("/api/v1/contested", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        with open_store(path) as store:
            store.delete_document("nr-002")
        changed = c.get("/api/v1/contested", headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]


def test_errors_are_problem_details(client):
    missing = client.get("/api/v1/actors/Nowhereland%20Liberation%20Army%20Council")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    body = missing.json()
    assert body["type"] == "urn:claimgraph:problem:not-found" and body["status"] == 404 and "Nowhereland" in body["detail"]
    invalid = client.get("/api/v1/statements?limit=0&since=yesterday")
    assert invalid.status_code == 422
    assert {tuple(e["location"]) for e in invalid.json()["errors"]} == {("query", "limit"), ("query", "since")}
    assert client.get("/api/v1/nothing-here").json()["status"] == 404
    page = client.get("/actors/Nowhereland%20Liberation%20Army%20Council", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "Nowhereland" in page.text


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/api/v1/stats", "/static/app.css", "/api/v1/actors/nobody-at-all-here", "/nothing"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_requests_are_bounded(client):
    assert client.get("/api/v1/stats", headers={"Host": "attacker.example"}).status_code == 421
    assert client.get("/api/v1/search?q=" + "a" * 5000).status_code == 414
    assert client.get("/api/v1/search?q=" + "a" * 300).status_code == 422
    assert client.get("/api/v1/statements?" + "&".join(["stance=asserts"] * 21)).status_code == 422
    big = client.post("/api/v1/csp-reports", content=b"x" * 70_000, headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert client.get("/api/v1/documents?limit=501").status_code == 422


def test_judgements_are_read_freely_and_written_with_the_token(tmp_path):
    """The review log through the API: appended with the token (never updated), read by anyone, and shown on
    the statement's document and review page."""
    path = build_store(tmp_path / "j.db")
    token = "judge-token-0123456789"
    app = create_app(make_settings(db=str(path), environ={TOKEN_ENV: token}))
    auth = {"Authorization": f"Bearer {token}"}
    confirm = {"doc_id": "nr-002", "statement_id": "nr-002-s0", "verdict": "confirm", "reviewer": "ana"}
    with TestClient(app, base_url=HOST) as c:
        before = c.get("/api/v1/judgements")
        assert before.status_code == 200 and before.json()["items"] == []
        missing = c.post("/api/v1/judgements", json=confirm)
        assert missing.status_code == 401 and missing.json()["type"].endswith("token-required")
        wrong = c.post("/api/v1/judgements", json=confirm, headers={"Authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 403
        created = c.post("/api/v1/judgements", json=confirm, headers=auth)
        assert created.status_code == 201, created.text
        assert created.json()["verdict"] == "confirm" and created.json()["current_statement_id"] == "nr-002-s0"
        assert created.json()["original"]["stance"] == "asserts"  # the machine's statement, kept
        fixed = c.post("/api/v1/judgements", headers=auth, json={**confirm, "verdict": "correct", "note": "misread",
                                                                    "correction": {"stance": "speculates"}})
        assert fixed.status_code == 201 and fixed.json()["correction"] == {"stance": "speculates"}
        for body, status in [({**confirm, "verdict": "correct"}, 400),  # a correction needs its fields
                             ({**confirm, "correction": {"stance": "denies"}}, 400),  # only 'correct' takes them
                             ({**confirm, "verdict": "correct", "correction": {"quote": "x"}}, 400),
                             ({**confirm, "statement_id": "nr-002-s9"}, 404),
                             ({**confirm, "verdict": "approve"}, 422), ({**confirm, "extra": 1}, 422)]:
            answer = c.post("/api/v1/judgements", json=body, headers=auth)
            assert answer.status_code == status, (body, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
        log = c.get("/api/v1/judgements").json()["items"]
        assert [j["verdict"] for j in log] == ["correct", "confirm"]  # newest first
        first = c.get("/api/v1/judgements?limit=1").json()
        assert len(first["items"]) == 1 and first["next_cursor"]
        mine = c.get("/api/v1/judgements?doc_id=nr-002&statement_id=nr-002-s0").json()["items"]
        assert len(mine) == 2 and c.get("/api/v1/judgements?doc_id=nr-001").json()["items"] == []
        assert c.delete("/api/v1/judgements").status_code == 405 and c.put("/api/v1/judgements").status_code == 405
        view = c.get("/api/v1/documents/nr-002").json()
        judged = {v["statement"]["id"]: v["judgement"] for v in view["statements"]}
        assert judged["nr-002-s0"]["verdict"] == "correct" and judged["nr-002-s1"] is None
        review = c.get("/review?doc=nr-002&statement=nr-002-s0")
        assert review.status_code == 200 and "misread" in review.text and "speculates" in review.text
        assert '<script src="/static/js/review.js">' in review.text and "Bearer" not in review.text
        assert "nr-002-s0" in c.get("/review").text
        assert c.get("/review?doc=nr-002&statement=nope").status_code == 404


def test_settings_refuse_a_public_address_without_a_token():
    with pytest.raises(ConfigError, match="not a loopback address"):
        make_settings(host="0.0.0.0", environ={})
    with pytest.raises(ConfigError, match="at least 16"):
        make_settings(environ={TOKEN_ENV: "short"})
    assert make_settings(host="0.0.0.0", environ={TOKEN_ENV: "a-long-enough-token-0000"}).host == "0.0.0.0"
    generated = make_settings(environ={})
    assert generated.token_generated and len(generated.token) >= 16
    assert make_settings(host="::1", environ={}).token_generated


def test_the_serve_command_refuses_before_binding(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from claimgraph.cli import main

    monkeypatch.delenv(TOKEN_ENV, raising=False)
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0"])
    assert result.exit_code == ConfigError.exit_code and "not a loopback address" in result.output
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 6 and "no such database" in result.output


# ---- pages ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, expected", [
    ("/", "Most contested"), ("/search?q=rifles", "with rifles"),
    ("/actors/NRD", "A fictional coastal state."), ("/dossier?a=Southland&b=EFR", "independent source"),
    ("/contested", "Southland"), ("/network", "Northland Army"), ("/timeline?actor=HRM", "send aid"),
    ("/documents", "Talks proposed"), ("/documents/nr-003", "verb-active:fixture"),
    ("/statements?subject=SLD&object=EFR&stance=denies", "strongly denied"),
])
def test_pages_render_their_data(client, url, expected):
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200 and expected in response.text


def test_attacker_text_is_escaped_everywhere(client):
    for url in ("/documents/xss-%3Cb%3E1%3C/b%3E", "/documents", "/search?q=depot", "/contested",
                "/timeline?actor=Northland", "/statements?object=NRD"):
        html = client.get(url, headers={"Accept": "text/html"}).text
        for raw in ("<script>window", "<img src=x", "<svg onload", "<b>1</b>", 'href="javascript:',
                    '" onmouseover="alert', "' onfocus='alert"):
            assert raw not in html, (url, raw)
    document = client.get("/documents/xss-%3Cb%3E1%3C/b%3E").text
    assert "&lt;script&gt;window.__xss = 1;" in document and "javascript:alert(3)" in document  # shown, not linked
    assert XSS_NAME.replace('"', "&#34;").replace(">", "&gt;").replace("<", "&lt;") in document


def test_the_web_layer_holds_no_sql():
    import ast

    package = Path(__file__).resolve().parents[1] / "claimgraph" / "web"
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("sqlalchemy", "sqlite3") or n.endswith("store.schema")
                               for n in names), path


# ---- the OpenAPI document -------------------------------------------------------------------------------------
def test_openapi_document_matches_the_committed_snapshot(client):
    served = client.get("/api/v1/openapi.json").json()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(served, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert served == committed, "the API changed: review it, then UPDATE_SNAPSHOTS=1 make test"
    assert served["openapi"].startswith("3.") and "/api/v1/statements" in served["paths"]
