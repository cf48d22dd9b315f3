"""The review log as JSON Lines: one judgement a line, oldest first, the machine's original statement in each.

    {"id": 1, "doc_id": "...", "statement_id": "...#s3", "verdict": "correct", "correction": {"object": "..."},
     "original": {...the statement as extracted...}, "reviewer": "...", "created_at": "2026-...Z", ...}
"""

from __future__ import annotations

import json
from typing import BinaryIO, Iterable

from ..store.models import Judgement
from .common import ExportSummary


def write_judgements_jsonl(judgements: Iterable[Judgement], out: BinaryIO) -> ExportSummary:
    summary = ExportSummary(format="judgements-jsonl")
    for judgement in judgements:
        line = json.dumps(judgement.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        out.write(line.encode("utf-8") + b"\n")
        summary.objects += 1
    summary.extra["judgements"] = summary.objects
    return summary
