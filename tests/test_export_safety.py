"""Exports meant to be shared: XML-invalid characters, spreadsheet formulas, local paths, and files that are
whole or not there (issue 10, findings 7, 8, 9 and 14's write errors; issue 13's OPSEC finding)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from claimgraph.export import ExportError, ExportOptions, export_file
from claimgraph.export.common import csv_safe, is_local_path, uri, xml_safe
from claimgraph.models import Actor, Document, ExtractionResult

try:
    from tests.export_data import ACTORS, _mentions, _statement, export, make_kb, make_results
except ImportError:  # tests/ is not a package
    from export_data import ACTORS, _mentions, _statement, export, make_kb, make_results  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def kb():
    return make_kb()


def hostile_results() -> list[ExtractionResult]:
    """A provisional actor whose name (and so id) holds control characters, and formula-like quotes."""
    name = "Sable\x01Hand\x0b\x1f Front"
    text = f"=HYPERLINK(\"http://x\") the VLF attacked the {name} near the river; +1 more; @home -2 dead."
    actor = Actor(id="P-1", name=name, type="armed_group", provisional=True)
    s = _statement(text, f"the VLF attacked the {name}", "s1", asserter="author", stance="asserts", subject="VLF",
                   event_type="ASSAULT", object="P-1", trigger="attacked")
    t = _statement(text, text[:30], "s2", asserter="author", stance="asserts", subject="VLF", event_type="ASSAULT",
                   object="P-1", trigger="HYPERLINK")
    document = Document(id="h\x02\x1b1", text=text, date=dt.date(2026, 2, 1), title="=cmd|' /C calc'!A0",
                        source="@evil")
    return [ExtractionResult(document=document, actors=[ACTORS["VLF"], actor],
                             mentions=_mentions(text, {"VLF": "VLF", "P-1": name}), statements=[s, t])]


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_control_characters_never_make_invalid_xml(kb, fmt, reader, tmp_path):
    path = tmp_path / f"g.{fmt}"
    summary = export_file(fmt, hostile_results(), path, kb)
    graph = reader(path)  # the XML parser accepts it
    assert graph.number_of_nodes() == summary.extra["nodes"] == 2
    names = {d.get("name") or d.get("label") for _, d in graph.nodes(data=True)}
    assert "SableHand Front" in names


def test_xml_safe_drops_only_what_xml_cannot_hold():
    assert xml_safe("a\x00b\x08c\x0bd\x1fe\ud800f\ufffeg") == "abcdefg"
    assert xml_safe("tab\tline\nret\r é ☃ 😀") == "tab\tline\nret\r é ☃ 😀"


def test_csv_cells_never_start_a_formula(kb):
    data, _ = export("csv", hostile_results(), kb)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    cells = [c for row in rows[1:] for c in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|' /C calc'!A0" in cells and "'@evil" in cells


def test_csv_safe_is_the_owasp_rule_and_leaves_numbers_alone():
    assert [csv_safe(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b")] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b"]
    assert csv_safe(-87.65) == -87.65 and csv_safe(-3) == -3


def test_cli_csv_output_is_neutralised_too():
    from claimgraph.cli.common import csv_cell

    assert csv_cell("=2+3") == "'=2+3" and csv_cell(-1) == "-1"


@pytest.mark.parametrize("value,local", [
    ("/home/me/reports/a.txt", True), ("./in/a.txt", True), ("in/feed.xml", True), ("a.txt", True),
    ("C:\\Users\\me\\a.html", True), ("~/a.md", True), ("<stdin>", True), ("file:///tmp/a.txt", True),
    ("Reuters", False), ("AP/Reuters", False), ("Dawn.com", False), ("https://example.org/a.html", False),
    ("The News International", False),
])
def test_local_paths_are_recognised(value, local):
    assert is_local_path(value) is local


def test_exports_name_documents_by_outlet_never_by_local_path(kb):
    path = "/home/analyst/cases/secret-source/report.txt"
    results = make_results()
    results[0] = results[0].model_copy(update={"document": results[0].document.model_copy(
        update={"source": path, "url": "file:///home/analyst/cases/report.txt"})})
    for fmt in ("stix", "plover", "csv"):
        data, _ = export(fmt, results, kb)
        assert b"/home/analyst" not in data, fmt
        assert b"author (" not in data or fmt == "stix", fmt  # the voice is just "author" without an outlet
    data, _ = export("csv", results, kb, ExportOptions(include_paths=True))
    assert path.encode() in data  # asked for explicitly


def test_uri_encodes_or_refuses():
    assert uri("https://example.org/a b?q=ü#x") == "https://example.org/a%20b?q=%C3%BC#x"
    assert uri("http://bücher.example/x") == "http://xn--bcher-kva.example/x"
    assert uri("example.org/x") is None and uri("/tmp/a.html") is None and uri("javascript:alert(1)") is None


# ---- files: whole or not at all ---------------------------------------------------------------------------
def test_missing_folder_is_a_clear_error_and_writes_nothing(kb, tmp_path):
    target = tmp_path / "no" / "such" / "out.json"
    with pytest.raises(ExportError, match="does not exist"):
        export_file("stix", make_results(), target, kb)
    assert not target.parent.exists()


def test_a_failure_mid_export_leaves_the_old_file_and_no_partial_one(kb, tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n")

    def results():
        yield from make_results()[:1]
        raise KeyboardInterrupt  # Ctrl-C half way

    with pytest.raises(KeyboardInterrupt):
        export_file("plover", results(), target, kb)
    assert target.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_new_file_appears_only_when_complete(kb, tmp_path):
    target = tmp_path / "new.csv"
    summary = export_file("csv", make_results(), target, kb)
    assert summary.objects == 6 and len(target.read_text().splitlines()) == 7
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_full_device_is_a_clear_error(kb):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(ExportError, match="no space left"):
        export_file("stix", make_results(), "/dev/full", kb)


_UNDER_A_FILE_SIZE_LIMIT = """
import resource, signal, sys
sys.path.insert(0, sys.argv[2])
from export_data import make_kb, make_results
from claimgraph.export import ExportError, export_file
kb, results = make_kb(), make_results() * 20
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    export_file("stix", results, sys.argv[1], kb)
except ExportError as exc:
    print(exc)
"""


def test_a_write_refused_by_the_kernel_leaves_no_file(tmp_path):
    """A real write failure: past 4,096 bytes the kernel refuses (EFBIG), as a full disk would (ENOSPC)."""
    target = tmp_path / "bundle.json"
    done = subprocess.run([sys.executable, "-c", _UNDER_A_FILE_SIZE_LIMIT, str(target), str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "file too large" in done.stdout and "nothing was written" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_cli_export_to_a_full_device_says_so_without_a_traceback(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    from click.testing import CliRunner

    from claimgraph.cli import main
    from claimgraph.store import open_store

    db = tmp_path / "s.db"
    with open_store(db) as store:
        for result in make_results():
            store.add_result(result)
    done = CliRunner().invoke(main, ["export", "--format", "stix", "--db", str(db), "-o", "/dev/full"])
    assert done.exit_code == ExportError.exit_code, done.output
    assert "no space left" in done.stderr and "Traceback" not in done.stderr


def test_export_refuses_a_database_that_does_not_exist(tmp_path):
    from click.testing import CliRunner

    from claimgraph.cli import main

    missing = tmp_path / "typo.db"
    for args in (["export", "--format", "csv"], ["claims"], ["contested"], ["db"], ["search", "x"]):
        done = CliRunner().invoke(main, [*args, "--db", str(missing)])
        assert done.exit_code == 6 and "no such database" in done.stderr, (args, done.output)
    assert list(tmp_path.iterdir()) == []
