"""The library's main entry point: text in, documents with actors, mentions and statements out.

    extractor = Extractor()                       # loads the pipeline and the knowledge base once
    result = extractor.extract(Document(id="a1", text="..."))
    for result in extractor.extract_many(documents, n_process=2):   # input order is kept
        ...
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from .dateline import split_dateline
from .errors import InputError
from .kb import KnowledgeBase, get_knowledge_base
from .models import Actor, Document, ExtractionResult, Mention
from .nlp.pipeline import MODEL_NAME, build_truecaser, cached_pipeline
from .textio import check_text, prepare_document
from .truecase import Truecaser, caps_regions, original_text


class Extractor:
    """Runs the claimgraph pipeline over documents. Safe to reuse; not to share across threads."""

    def __init__(self, kb_paths: Sequence[str] = (), model_name: str = MODEL_NAME, nlp: Language | None = None,
                 verifier: str | None = "bundled"):
        """``verifier``: the statement verifier model ("bundled", or $CLAIMGRAPH_VERIFIER_MODEL when set; a path;
        None for the hand-set confidences)."""
        self.kb_paths = tuple(str(p) for p in kb_paths)
        self.nlp = nlp or cached_pipeline(self.kb_paths, model_name, verifier)
        # the linker's own knowledge base (a loaded pipeline has it already), else the one of these paths
        linker = self.nlp.get_pipe("cg_actor_linker") if "cg_actor_linker" in self.nlp.pipe_names else None
        self.kb: KnowledgeBase = getattr(linker, "kb", None) or get_knowledge_base(self.kb_paths)
        self._truecaser: Truecaser | None = None  # built at the first ALL-CAPS document

    def extract(self, document: Document) -> ExtractionResult:
        return next(self.extract_many([document]))

    def extract_many(
        self, documents: Iterable[Document], n_process: int = 1, batch_size: int = 16
    ) -> Iterator[ExtractionResult]:
        """Results in input order. An invalid document raises InputError (check first with ``check_text``).

        With ``n_process > 1`` documents go in chunks to forked worker processes that share the loaded
        pipeline; each returns finished ExtractionResults, so nothing but models crosses process boundaries.
        """
        if n_process <= 1:
            pairs = ((self._make_doc(d), d) for d in map(prepare_document, documents))
            for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
                yield doc_to_result(document, doc, self.kb)
            return
        yield from _parallel(self, documents, n_process, batch_size)

    def extract_with_features(self, documents: Iterable[Document]) -> Iterator[tuple[ExtractionResult, list]]:
        """Results (in one process, input order) with the verifier's features of each statement, read from the
        parsed Doc before it is discarded: what ``claimgraph verifier train`` learns from."""
        from .verifier.features import doc_features

        pairs = ((self._make_doc(d), d) for d in map(prepare_document, documents))
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=8):
            features = doc_features(doc, list(doc._.cg_statements or []))
            yield doc_to_result(document, doc, self.kb), features

    def _make_doc(self, document: Document) -> Doc:
        check_text(document.text, document.id)
        doc = self.nlp.make_doc(self._model_text(document.text))
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

    def _extract_chunk(self, chunk: list[Document]) -> list[ExtractionResult]:
        return list(self.extract_many(chunk, n_process=1))


# The extractor a forked worker uses: set in the parent just before forking, inherited copy-on-write.
_WORKER: Extractor | None = None


def _work(chunk: list[Document]) -> list[ExtractionResult]:
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
    with context.Pool(n_process) as pool:
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
    """Results and input errors in input order; a document that fails its checks becomes its InputError."""
    buffer: list[Document | InputError] = []

    def flush() -> Iterator[ExtractionResult | InputError]:
        checked: list[Document | InputError] = []
        for item in buffer:
            if isinstance(item, Document):
                try:
                    check_text(item.text, item.id)
                except InputError as exc:
                    item = exc
            checked.append(item)
        documents = [d for d in checked if isinstance(d, Document)]
        results = iter(extractor.extract_many(documents, n_process=n_process if len(documents) > 8 else 1))
        for item in checked:
            yield item if isinstance(item, InputError) else next(results)
        buffer.clear()

    for item in items:
        buffer.append(item)
        if len(buffer) >= chunk:
            yield from flush()
    if buffer:
        yield from flush()
