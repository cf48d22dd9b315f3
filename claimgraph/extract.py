"""The library's main entry point: text in, documents with actors, mentions and statements out.

    extractor = Extractor()                       # loads the pipeline and the knowledge base once
    result = extractor.extract(Document(id="a1", text="..."))
    for result in extractor.extract_many(documents, n_process=2):   # input order is kept
        ...
    for item in extractor.extract_each(documents, n_process=2):     # a failing document becomes its InputError
        ...

Every document is its own unit of failure in ``extract_each``: refused by the input checks, over its time
budget, or breaking a pipeline component, it is given back as an InputError in its place and the others go on.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc

from .dateline import split_dateline
from .errors import InputError
from .kb import KnowledgeBase, get_knowledge_base
from .models import Actor, Document, ExtractionResult, Mention
from .nlp.pipeline import MODEL_NAME, build_truecaser, cached_pipeline
from .textio import MAX_CHARS, check_text, failure, prepare_document
from .tokenizer_safe import tokenizer_safe
from .truecase import Truecaser, caps_regions, original_text

Outcome = Union[ExtractionResult, InputError]


@dataclass(frozen=True)
class TimeBudget:
    """The wall-clock time one document may take in the pipeline: ``base`` seconds plus ``per_char`` for each
    character. Ordinary news runs at thousands of characters a second even on a saturated machine (a niced
    process on 2 cores under load 12 managed ~700), so the default, 200 characters a second, stops only what is
    pathological. A document over it is reported and skipped. ``base`` 0 turns it off."""

    base: float = 60.0
    per_char: float = 0.005

    def seconds(self, chars: int) -> float:
        return self.base + self.per_char * chars if self.base > 0 else 0.0


class DocumentTimeout(InputError):
    """A document took longer than its time budget."""


class Extractor:
    """Runs the claimgraph pipeline over documents. Safe to reuse; not to share across threads."""

    def __init__(self, kb_paths: Sequence[str] = (), model_name: str = MODEL_NAME, nlp: Language | None = None,
                 verifier: str | None = "bundled", budget: TimeBudget = TimeBudget()):
        """``verifier``: the statement verifier model ("bundled", or $CLAIMGRAPH_VERIFIER_MODEL when set; a path;
        None for the hand-set confidences). ``budget``: the wall-clock time one document may take."""
        self.kb_paths = tuple(str(p) for p in kb_paths)
        self.nlp = nlp or cached_pipeline(self.kb_paths, model_name, verifier)
        # the linker's own knowledge base (a loaded pipeline has it already), else the one of these paths
        linker = self.nlp.get_pipe("cg_actor_linker") if "cg_actor_linker" in self.nlp.pipe_names else None
        self.kb: KnowledgeBase = getattr(linker, "kb", None) or get_knowledge_base(self.kb_paths)
        # Every text check_text lets through is read whole (spaCy's default is exactly MAX_CHARS; said here
        # so that the two limits cannot drift apart).
        self.nlp.max_length = max(self.nlp.max_length, MAX_CHARS)
        self.budget = budget
        self._truecaser: Truecaser | None = None  # built at the first ALL-CAPS document

    def extract(self, document: Document) -> ExtractionResult:
        return next(self.extract_many([document]))

    def extract_many(
        self, documents: Iterable[Document], n_process: int = 1, batch_size: int = 16
    ) -> Iterator[ExtractionResult]:
        """Results in input order. A document that cannot be extracted raises its InputError (``extract_each``
        gives it back in its place instead and goes on).

        With ``n_process > 1`` documents go in chunks to forked worker processes that share the loaded
        pipeline; each returns finished ExtractionResults, so nothing but models crosses process boundaries.
        """
        for outcome in self.extract_each(documents, n_process=n_process, batch_size=batch_size):
            if isinstance(outcome, InputError):
                raise outcome
            yield outcome

    def extract_each(
        self, documents: Iterable[Document], n_process: int = 1, batch_size: int = 16
    ) -> Iterator[Outcome]:
        """A result or an InputError for each document, in input order; one document's failure (input checks,
        time budget, an exception in the pipeline) never stops the others."""
        if n_process <= 1:
            for chunk in _chunks(documents, batch_size):
                yield from self._extract_chunk(chunk)
            return
        yield from _parallel(self, documents, n_process, batch_size)

    def _extract_chunk(self, chunk: list[Document]) -> list[Outcome]:
        """A chunk in one batch through the pipeline (fast), within the sum of its documents' budgets; when
        that fails, document by document, each within its own budget, to give each its own outcome."""
        outcomes: list[Outcome | None] = []
        ready: list[tuple[Doc, Document]] = []
        for document in chunk:
            try:
                prepared = prepare_document(_checked(document))
                ready.append((self._make_doc(prepared), prepared))
                outcomes.append(None)
            except Exception as exc:  # noqa: BLE001  (this document's failure, reported in its place)
                outcomes.append(_as_input_error(exc, document))
        try:
            with _time_limit(self.budget.seconds(sum(len(d.text) for _, d in ready))):
                results: list[ExtractionResult | InputError] = [doc_to_result(document, doc, self.kb)
                           for doc, document in self.nlp.pipe(ready, as_tuples=True, batch_size=len(chunk))]
        except Exception:  # noqa: BLE001  (some document broke the batch: find which, one by one)
            results = [self._extract_alone(document) for _, document in ready]
        found = iter(results)
        return [outcome if outcome is not None else next(found) for outcome in outcomes]

    def _extract_alone(self, document: Document) -> Outcome:
        try:  # a fresh Doc: the batch may have left this one half annotated
            with _time_limit(self.budget.seconds(len(document.text))):
                return doc_to_result(document, self.nlp(self._make_doc(document)), self.kb)
        except Exception as exc:  # noqa: BLE001  (this document's failure, reported in its place)
            return _as_input_error(exc, document)

    def extract_with_features(self, documents: Iterable[Document]) -> Iterator[tuple[ExtractionResult, list]]:
        """Results (in one process, input order) with the verifier's features of each statement, read from the
        parsed Doc before it is discarded: what ``claimgraph verifier train`` learns from."""
        from .verifier.features import doc_features

        pairs = ((self._make_doc(d), d) for d in map(prepare_document, map(_checked, documents)))
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=8):
            features = doc_features(doc, list(doc._.cg_statements or []))
            yield doc_to_result(document, doc, self.kb), features

    def _make_doc(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(tokenizer_safe(self._model_text(document.text)))
        doc._.cg_doc_id = document.id
        doc._.cg_doc_date = document.date
        doc._.cg_date_origin = document.date_origin
        doc._.cg_body_start = _body_start(document)
        return doc

    def _model_text(self, text: str) -> str:
        """The text the pipeline reads: ALL-CAPS stretches truecased (claimgraph.truecase), offsets kept."""
        if not caps_regions(text):
            return text
        if self._truecaser is None:
            self._truecaser = build_truecaser(self.nlp, self.kb)
        return self._truecaser(text)



def _checked(document: Document) -> Document:
    check_text(document.text, document.id)  # on the text as given: controls count before they are replaced
    return document


def _as_input_error(exc: Exception, document: Document) -> InputError:
    where = f"{document.source or document.id}: document {document.id!r}"
    if isinstance(exc, DocumentTimeout):
        return DocumentTimeout(f"{where}: {exc}")
    if isinstance(exc, InputError):
        return exc
    return failure(where, exc)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in the block after ``seconds`` of wall-clock time (SIGALRM: only on the main thread
    of a process, where worker processes and the CLI run; elsewhere, and with 0 seconds, no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"over its time budget of {seconds:.0f} s; skipped")

    previous = signal.signal(signal.SIGALRM, expired)
    # Again every second after expiry: Python drops an exception raised while a __del__ runs, so one alarm
    # could be lost; the next lands in ordinary code.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# The extractor a forked worker uses: set in the parent just before forking, inherited copy-on-write.
_WORKER: Extractor | None = None


def _start_worker() -> None:
    """A worker leaves Ctrl-C to the parent (which stops the pool) and dies quietly on the SIGTERM the pool
    sends it: no worker traceback ever reaches the terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(chunk: list[Document]) -> list[Outcome]:
    assert _WORKER is not None
    return _WORKER._extract_chunk(chunk)


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(extractor: Extractor, documents: Iterable[Document], n_process: int, batch_size: int):
    import multiprocessing

    global _WORKER
    _WORKER = extractor
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process, initializer=_start_worker) as pool:
        # imap keeps order and pulls input lazily, so memory stays bounded on long streams.
        for results in pool.imap(_work, _chunks(documents, batch_size), chunksize=1):
            yield from results


def _body_start(document: Document) -> int:
    return split_dateline(document.text)[1]


def doc_to_result(document: Document, doc: Doc, kb: KnowledgeBase) -> ExtractionResult:
    """Collect the pipeline's annotations into the contract's models."""
    known: dict[str, Actor] = dict(doc._.cg_actors or {})
    mentions: list[Mention] = []
    for m in doc._.cg_mentions or []:
        span = doc[m.start : m.end]
        mentions.append(
            Mention(start=span.start_char, end=span.end_char, text=span.text, actor=m.actor_id, rule=m.rule,
                    confidence=round(m.confidence, 3), sense=m.sense)
        )
    statements = list(doc._.cg_statements or [])
    if doc.text != document.text:  # the pipeline read a truecased copy: quote the original
        statements, mentions = original_text(statements, mentions, document.text)
    used = {m.actor for m in mentions if m.actor}
    for s in statements:
        used.update(x for x in (s.asserter, s.subject, s.object) if x and x != "author")
    actors = []
    for actor_id in sorted(used, key=lambda a: _first_position(a, mentions)):
        actor = known.get(actor_id) or kb.get(actor_id)
        if actor is not None:
            actors.append(actor.as_of(document.date))
    if document.date is None and doc._.cg_doc_date is not None:
        document = document.model_copy(update={"date": doc._.cg_doc_date, "date_origin": doc._.cg_date_origin})
    return ExtractionResult(document=document, actors=actors, mentions=mentions, statements=statements)


def _first_position(actor_id: str, mentions: list[Mention]) -> tuple[int, str]:
    for m in mentions:
        if m.actor == actor_id:
            return (m.start, actor_id)
    return (10**12, actor_id)


def extract_stream(
    extractor: Extractor, items: Iterable[Document | InputError], n_process: int = 1, chunk: int = 64
) -> Iterator[ExtractionResult | InputError]:
    """Results and input errors in input order; a document that cannot be extracted becomes its InputError."""
    buffer: list[Document | InputError] = []

    def flush() -> Iterator[ExtractionResult | InputError]:
        documents = [d for d in buffer if isinstance(d, Document)]
        outcomes = iter(extractor.extract_each(documents, n_process=n_process if len(documents) > 8 else 1))
        for item in buffer:
            yield item if isinstance(item, InputError) else next(outcomes)
        buffer.clear()

    for item in items:
        buffer.append(item)
        if len(buffer) >= chunk:
            yield from flush()
    if buffer:
        yield from flush()
