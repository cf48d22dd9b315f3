"""End to end: short reports written for the project, with the statements an analyst would write down."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from claimgraph.models import Document

from .conftest import GOLDEN

REPORTS = yaml.safe_load((GOLDEN / "statements" / "reports.yaml").read_text(encoding="utf-8"))["reports"]


def _matches(statement, expected: dict, by_id: dict) -> bool:
    for key, value in expected.items():
        if key == "parent_event":
            parent = by_id.get(statement.parent)
            if parent is None or parent.event_type != value:
                return False
        elif getattr(statement, key) != value:
            return False
    return True


@pytest.mark.e2e
@pytest.mark.parametrize("report", REPORTS, ids=[r["id"] for r in REPORTS])
def test_golden_report(report, golden_extractor):
    date = report.get("date")
    document = Document(id=report["id"], text=report["text"], date=dt.date.fromisoformat(str(date)) if date else None)
    result = golden_extractor.extract(document)
    by_id = {s.id: s for s in result.statements}
    got = [
        f"{s.asserter} {s.stance} {s.subject} {s.event_type} {s.object} neg={s.negated} ({s.rule})"
        for s in result.statements
    ]
    for expected in report.get("expect", []):
        assert any(_matches(s, expected, by_id) for s in result.statements), f"missing {expected}; got {got}"
    for unwanted in report.get("absent", []):
        assert not any(_matches(s, unwanted, by_id) for s in result.statements), f"unexpected {unwanted}; got {got}"


@pytest.mark.e2e
def test_every_statement_points_into_the_text(golden_extractor):
    for report in REPORTS:
        result = golden_extractor.extract(Document(id=report["id"], text=report["text"]))
        for s in result.statements:
            assert result.document.text[s.start : s.end] == s.quote
            assert s.trigger_start is not None and s.start <= s.trigger_start < s.end
            assert s.rule and 0 < s.confidence <= 1
