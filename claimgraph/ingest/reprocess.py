"""Re-extract stored documents in place, after a change to the knowledge base, lexicons or rules.

Each document keeps its id, database row, duplicate group and anything else keyed by it (judgements); what
extraction found in it (actors, mentions, statements) is replaced in one transaction per document, and the
propositions it touched are recounted. An interrupted run leaves every document either as it was or
re-extracted, and running it again finishes the job (re-extracting a document twice gives the same rows).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from typing import Callable, Iterator

from pydantic import BaseModel, Field

from ..errors import InputError
from ..models import Document
from ..store.base import Store
from ..textio import check_text, prepare_document
from .runner import Extracting, _ancestors


class ReprocessSummary(BaseModel):
    total: int = 0  # documents selected
    done: int = 0  # re-extracted and stored
    skipped: int = 0  # refused by today's input checks: kept as they were
    statements_before: int = 0  # in the whole store, before and after
    statements_after: int = 0
    seconds: float = 0.0
    problems: list[str] = Field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.done + self.skipped

    def progress_text(self) -> str:
        return f"{self.done} re-extracted, {self.skipped} skipped"

    def line(self) -> str:
        rate = self.done / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.done} of {self.total} documents re-extracted ({self.skipped} skipped, kept as they were); "
                f"store statements {self.statements_before} -> {self.statements_after}; {self.seconds:.1f}s "
                f"({rate:.1f} docs/s)")


ProgressHook = Callable[[ReprocessSummary], None]


def reprocess(store: Store, extractor: Extracting, since: dt.date | None = None, until: dt.date | None = None,
              doc_ids: list[str] | None = None, workers: int = 1, batch_size: int = 16,
              on_progress: ProgressHook | None = None,
              on_problem: Callable[[InputError], None] | None = None) -> ReprocessSummary:
    """Re-extract the stored documents dated ``since``..``until`` (or with these ids), replacing their
    extraction in place."""
    summary = ReprocessSummary()
    started = time.monotonic()
    selected = list(store.iter_documents(since=since, until=until, doc_ids=doc_ids))
    summary.total = len(selected)
    summary.statements_before = store.stats().statements
    inflight: deque[int] = deque()
    kb = getattr(extractor, "kb", None)

    def tick() -> None:
        summary.seconds = time.monotonic() - started
        if on_progress:
            on_progress(summary)

    def skip(problem: InputError) -> None:
        """A document kept as it was: refused by today's input checks, or its extraction failed."""
        summary.skipped += 1
        summary.problems.append(str(problem))
        if on_problem:
            on_problem(problem)
        tick()

    def documents() -> Iterator[Document]:
        for pk, stored in selected:
            document = prepare_document(stored)
            try:
                check_text(document.text, document.id)
            except InputError as exc:
                skip(exc)
                continue
            inflight.append(pk)
            yield document

    # One outcome per document (Extractor.extract_each): a document over its time budget or breaking the
    # pipeline keeps its stored extraction, is reported, and the others go on.
    for outcome in extractor.extract_each(documents(), n_process=workers, batch_size=batch_size):
        pk = inflight.popleft()
        if isinstance(outcome, InputError):
            skip(outcome)
            continue
        store.replace_result(pk, outcome, _ancestors(outcome, kb))
        summary.done += 1
        tick()
    summary.statements_after = store.stats().statements
    summary.seconds = time.monotonic() - started
    return summary
