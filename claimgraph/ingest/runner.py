"""The ingest loop: documents in, NLP in parallel batches, one transaction per document out.

Memory stays flat: documents are pulled from a generator as the extractor needs them, and only the few in
flight are held. Documents whose content hash is already stored are skipped before any NLP, so re-running
after a crash or Ctrl-C resumes where the last committed document left off.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from typing import Callable, Iterable, Iterator, Protocol

from pydantic import BaseModel, Field

from ..errors import ClaimgraphError, InputError, OfflineError
from ..models import Actor, Document, ExtractionResult
from ..store.base import PendingDocument, Store
from ..store.neardup import signature
from ..textio import check_text, content_hash, failure, prepare_document

SKIPPED_EXIT = 10  # exit code of `claimgraph ingest` when some input was reported and skipped
MAX_REPORTED = 1000  # problems kept in the summary; the count goes on


class Extracting(Protocol):
    """What the ingest engines need of an extractor (claimgraph.extract.Extractor; the tests' doubles)."""

    def extract_each(self, documents: Iterable[Document], n_process: int = 1,
                     batch_size: int = 16) -> Iterator[ExtractionResult | InputError]:
        """A result or an InputError for each document, in input order: one document's failure is its own."""
        ...


class IngestSummary(BaseModel):
    stored: int = 0
    duplicates: int = 0  # same content as a stored document (or earlier in this run): not stored again
    near_duplicates: int = 0  # stored, but grouped with an earlier near-identical document (one source)
    skipped: int = 0  # reported problems: unreadable, malformed, empty, not English...
    offline: int = 0  # of the skipped: URLs that could not be fetched because the network is unreachable
    statements: int = 0
    seconds: float = 0.0
    problems: list[str] = Field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.stored + self.duplicates + self.skipped

    @property
    def exit_code(self) -> int:
        return SKIPPED_EXIT if self.skipped else 0

    def progress_text(self) -> str:
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.stored} stored, {self.duplicates} duplicate, {self.skipped} skipped, "
                f"{self.statements} statements, {rate:.1f} docs/s")

    def line(self) -> str:
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.stored} stored ({self.near_duplicates} near-duplicate), {self.duplicates} duplicate, "
                f"{self.skipped} skipped; {self.statements} statements; {self.seconds:.1f}s ({rate:.1f} docs/s)")


ProblemHook = Callable[[ClaimgraphError], None]
ProgressHook = Callable[[IngestSummary], None]


def ingest(items: Iterable[Document | ClaimgraphError], store: Store, extractor: Extracting, workers: int = 2,
           batch_size: int = 16, on_problem: ProblemHook | None = None,
           on_progress: ProgressHook | None = None) -> IngestSummary:
    """Extract and store every document of ``items``; errors among the items are reported and counted."""
    summary = IngestSummary()
    started = time.monotonic()
    seen_hashes: set[bytes] = set()
    inflight: deque[tuple[Document, str]] = deque()
    lock = threading.Lock()  # the writer thread and the reading side both update the summary

    def report(problem: ClaimgraphError) -> None:
        with lock:
            summary.skipped += 1
            summary.offline += isinstance(problem, OfflineError)
            if len(summary.problems) < MAX_REPORTED:
                summary.problems.append(str(problem))
        if on_problem:
            on_problem(problem)
        tick()

    def tick() -> None:
        with lock:
            summary.seconds = time.monotonic() - started
            if on_progress:
                on_progress(summary)

    def candidates() -> Iterator[Document]:
        for item in items:
            if isinstance(item, ClaimgraphError):
                report(item)
                continue
            try:
                check_text(item.text, item.source or item.id)  # before normalising: controls are counted
                document = prepare_document(item)
            except InputError as exc:
                report(exc)
                continue
            except Exception as exc:  # noqa: BLE001  (one document is one unit of failure)
                report(failure(item.source or item.id, exc))
                continue
            digest = content_hash(document.text)
            raw = bytes.fromhex(digest)[:16]
            if raw in seen_hashes or store.has_document(digest):
                with lock:
                    summary.duplicates += 1
                tick()
                continue
            seen_hashes.add(raw)
            inflight.append((document, digest))
            yield document

    kb = getattr(extractor, "kb", None)

    def store_batch(batch: list[tuple[ExtractionResult, str]]) -> None:
        pending = [PendingDocument(result, digest, signature(result.document.text), _ancestors(result, kb))
                   for result, digest in batch]
        for stored in store.add_results(pending):
            with lock:
                if stored is None:
                    summary.duplicates += 1
                else:
                    summary.stored += 1
                    summary.statements += stored.statements
                    summary.near_duplicates += stored.near_duplicate_of is not None
        tick()

    with _Writer(store_batch) as writer:
        # Every document's outcome in its place (Extractor.extract_each): a failure is reported, the rest go on.
        for outcome in extractor.extract_each(candidates(), n_process=workers, batch_size=batch_size):
            _, digest = inflight.popleft()
            if isinstance(outcome, InputError):
                seen_hashes.discard(bytes.fromhex(digest)[:16])
                report(outcome)
            else:
                writer.put(outcome, digest)
    summary.seconds = time.monotonic() - started
    return summary


class _Writer:
    """Stores results on a thread of its own, so NLP and storage overlap. What has queued up meanwhile (at most
    ``BATCH``) is written in one transaction: cheaper per document, and still only whole documents.

    Leaving the block waits for every queued result to be written, also when the reading side failed or was
    interrupted: what was extracted is kept whole, and a re-run resumes after it. A write error stops the
    writer and is raised on the reading side.
    """

    QUEUE = 64  # results waiting to be written: bounds memory when storage is slower than NLP
    BATCH = 16  # documents per transaction at most

    def __init__(self, write: Callable[[list[tuple[ExtractionResult, str]]], None]):
        self.write = write
        self.queue: queue.Queue = queue.Queue(maxsize=self.QUEUE)
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, name="claimgraph-store-writer", daemon=True)

    # While the writer runs, hand the GIL over every 0.5 ms instead of 5 ms: the reading thread mostly waits on
    # the NLP workers' pipes, and with the default interval it waits up to 5 ms for the writer after each
    # batch arrives, which made storage look like a 15-20% slowdown instead of overlapping with NLP.
    SWITCH_INTERVAL = 0.0005

    def __enter__(self) -> "_Writer":
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self.SWITCH_INTERVAL))
        self.thread.start()
        return self

    def _run(self) -> None:
        done = False
        while not done:
            batch = [self.queue.get()]
            while len(batch) < self.BATCH and batch[-1] is not None:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is None:
                batch.pop()
                done = True
            if batch and self.error is None:
                try:
                    self.write(batch)
                except Exception as exc:  # noqa: BLE001  (handed to the reading side, which raises it)
                    self.error = exc

    def put(self, result: ExtractionResult, digest: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((result, digest))

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            self.queue.put(None)
            self.thread.join()
        finally:
            sys.setswitchinterval(self._interval)
        if self.error is not None and exc_type is None:
            raise self.error


def _ancestors(result: ExtractionResult, kb: object | None) -> list[Actor]:
    """Knowledge-base parents (transitively) of the document's actors that the document does not list."""
    if kb is None:
        return []
    listed = {a.id for a in result.actors}
    found: dict[str, Actor] = {}
    for actor in result.actors:
        parent = actor.parent
        while parent and parent not in listed and parent not in found:
            node = kb.get(parent)  # type: ignore[attr-defined]
            if node is None:
                break
            found[parent] = node
            parent = node.parent
    return list(found.values())
