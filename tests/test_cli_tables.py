"""Terminal tables: readable at 80 columns and when piped, nothing folded mid-word but running text, no markup."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from claimgraph.cli import main
from claimgraph.cli.tables import print_table

QUOTE = ("Officials said the agency had supplied [night-vision] goggles and [bold]rifles[/bold] to the group "
         "over the past year, according to people familiar with the matter.")


def lines_of(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("width", [80, 120])
def test_a_table_fits_and_keeps_dates_ids_and_headers_whole(capsys, width):
    rows = [["2025-03-12", "Marovian Intelligence Bureau", "asserts", "vel-003#s12", QUOTE],
            ["2025-11-15", "author", "speculates", "a-much-longer-document-id#s7", "short"]]
    print_table(rows, ["date", "asserter_name", "stance", "statement_id", "quote"], title="2 claim(s)", width=width)
    lines = lines_of(capsys)
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    for whole in ("2025-03-12", "2025-11-15", "vel-003#s12", "a-much-longer-document-id#s7", "speculates",
                  "asserter", "stance", "[night-vision]", "[bold]rifles[/bold]"):
        assert whole in text, whole
    assert not [line for line in lines if line != line.rstrip()]  # no padding carried into pipes


def test_too_many_columns_for_the_width_become_records(capsys):
    columns = ["date", "asserter_name", "stance", "subject_name", "event_type", "object_name", "negated",
               "sources", "quote", "doc_id", "statement_id"]
    row = ["2025-03-12", "Marovian Intelligence Bureau", "asserts", "Marovian Intelligence Bureau", "AID",
           "Veldorian Liberation Front", "False", "1", QUOTE, "vel-003", "vel-003#s12"]
    print_table([row], columns, width=80)
    lines = lines_of(capsys)
    assert lines[0].startswith("-- 1 ") and max(len(line) for line in lines) <= 80
    assert any(re.fullmatch(r"id +vel-003#s12", line) for line in lines)
    assert any(re.fullmatch(r"date +2025-03-12", line) for line in lines)
    assert "[night-vision]" in "\n".join(lines)


def test_cli_tables_when_piped_show_bracketed_text(tmp_path, monkeypatch):
    import claimgraph.extract

    try:
        from tests.test_store import FakeExtractor
    except ImportError:
        from test_store import FakeExtractor  # type: ignore[no-redef]
    monkeypatch.setattr(claimgraph.extract, "Extractor", lambda kb_paths=(), **kw: FakeExtractor())
    monkeypatch.setenv("COLUMNS", "80")
    text = "[night-vision] kit was sent, so USA asserts that USA AID PAK and more words follow here."
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "n1", "date": "2025-01-02", "text": text}) + "\n")
    db = str(tmp_path / "t.db")
    assert CliRunner().invoke(main, ["ingest", str(tmp_path / "in.jsonl"), "--db", db, "-q"]).exit_code == 0
    out = CliRunner().invoke(main, ["claims", "--db", db]).stdout
    assert "[night-vision]" in out and "2025-01-02" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    found = CliRunner().invoke(main, ["search", "night", "--db", db]).stdout
    assert "[night-vision]" in found or "[[night]-vision]" in found  # the FTS snippet marks the hit with []
