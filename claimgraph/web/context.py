"""The workbench's one store and knowledge base, and what pages and API assemble from library calls.

Names resolve as on the command line: through the stored actors first, then the knowledge base, which is
loaded only when a name is not stored (once, for the life of the server).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from ..errors import NotFoundError
from ..explain import reasons, time_note
from ..models import AUTHOR, ExtractionResult
from ..store import ActorRef, Claim, Judgement, Store
from .schemas import DocumentView, JudgementRequest, Reason, SearchResults, StatementView

PAIR_TIMELINE_LIMIT = 500  # statements per direction in a pair's timeline
DOCUMENT_JUDGEMENTS = 1000  # judgements of one document read for its page (the newest; the log keeps all)


class Workbench:
    def __init__(self, store: Store, kb_paths: tuple[str, ...] = ()):
        self.store = store
        self.kb_paths = kb_paths
        self._kb: Any = None
        self._lock = threading.Lock()

    def kb(self) -> Any:
        with self._lock:
            if self._kb is None:
                from ..kb import get_knowledge_base

                self._kb = get_knowledge_base(self.kb_paths)
            return self._kb

    def resolve(self, name: str) -> ActorRef:
        try:
            return self.store.resolve_actor(name, None)
        except NotFoundError:
            return self.store.resolve_actor(name, self.kb())

    def resolve_many(self, names: list[str]) -> list[str]:
        return [self.resolve(n).key for n in names]

    def scope(self, ref: ActorRef, exact: bool) -> list[str]:
        return self.store.actor_scope(ref.key, None, not exact)

    def pair_timeline(self, a: ActorRef, b: ActorRef, since: dt.date | None = None,
                      until: dt.date | None = None) -> list[Claim]:
        """The statements of the pair's dossier (either direction, knowledge-base families included), with
        the speech acts that report them, in date order."""
        result = self.store.dossier(a, b, self.scope(a, False), self.scope(b, False), limit=PAIR_TIMELINE_LIMIT)
        claims: dict[tuple[str, str], Claim] = {}
        for entry in result.entries:
            for claim in (*entry.claims, *entry.speech_acts):
                if (since is None or (claim.date and claim.date >= since)) and \
                        (until is None or (claim.date and claim.date <= until)):
                    claims[(claim.doc_id, claim.statement_id)] = claim
        return sorted(claims.values(), key=lambda c: (c.date or dt.date.min, c.doc_id, c.start, c.statement_id))

    def search(self, text: str, limit: int = 20) -> SearchResults:
        return SearchResults(query=text, actors=self.store.search_actors(text, limit),
                             documents=self.store.search_documents(text, limit), quotes=self.store.search(text, limit))

    def result(self, doc_id: str) -> ExtractionResult:
        for result in self.store.iter_results(doc_ids=[doc_id]):
            return result
        raise NotFoundError(f"no document {doc_id!r} in the store")

    def add_judgement(self, request: JudgementRequest) -> Judgement:
        return self.store.add_judgement(request.doc_id, request.statement_id, request.verdict,
                                        request.correction or None, request.note, request.reviewer)

    def judgements_in_force(self, doc_id: str) -> dict[str, Judgement]:
        """Statement id -> the latest judgement that applies to it now."""
        latest: dict[str, Judgement] = {}
        for judgement in self.store.judgements(doc_id=doc_id, limit=DOCUMENT_JUDGEMENTS):  # newest first
            if judgement.current_statement_id is not None:
                latest.setdefault(judgement.current_statement_id, judgement)
        return latest

    def document_view(self, doc_id: str) -> DocumentView:
        result = self.result(doc_id)
        judged = self.judgements_in_force(doc_id)
        names = {a.id: a.name for a in result.actors}
        names[AUTHOR] = "author"

        def name(actor_id: str | None, text: str | None) -> str | None:
            if actor_id is None:
                return f"({text})" if text else None
            return names.get(actor_id, actor_id)

        views = [StatementView(statement=s, asserter_name=name(s.asserter, s.asserter_text) or "author",
                               subject_name=name(s.subject, s.subject_text), object_name=name(s.object, s.object_text),
                               reasons=[Reason(label=k, value=v) for k, v in reasons(s)],
                               time=time_note(s) or None, judgement=judged.get(s.id))
                 for s in result.statements]
        return DocumentView(document=result.document, actors=result.actors, mentions=result.mentions,
                            statements=views)
