"""What every export format shares: the summary it returns, the error it raises, counting and name lookup.

Exports read a stream of ExtractionResults once. ``ResultTap`` wraps that stream so each writer can count
documents, statements and actors as they pass without holding the results themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..errors import ClaimgraphError
from ..kb import KnowledgeBase
from ..models import AUTHOR, Actor, ExtractionResult
from ..identity import actor_key, key_map, map_key

# PLOVER's numeric ``quad_code`` for each quad class of data/ontology/plover.yaml.
_QUAD_NUMBERS = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3, "material_conflict": 4}


def quad_code(event_type: str) -> int | None:
    from ..graph import quad_classes

    return _QUAD_NUMBERS.get(quad_classes().get(event_type, ""))


class ExportError(ClaimgraphError):
    """An export cannot be written: unknown format, or the output cannot take it."""

    exit_code = 3


@dataclass
class ExportSummary:
    """What an export wrote. ``objects`` counts the format's own units (STIX objects, lines, rows, nodes+edges)."""

    format: str
    documents: int = 0
    actors: int = 0
    statements: int = 0
    objects: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class ResultTap:
    """Iterates over results once, counting documents and statements and remembering which actors appeared."""

    def __init__(self, results: Iterable[ExtractionResult]):
        self._results = results
        self.documents = 0
        self.statements = 0
        self.actors: dict[str, Actor] = {}  # by store-wide key: one small record per actor, not per document

    def __iter__(self) -> Iterator[ExtractionResult]:
        for result in self._results:
            self.documents += 1
            self.statements += len(result.statements)
            for actor in result.actors:
                self.actors.setdefault(actor_key(actor, result.document.id), actor)
            yield result

    def summary(self, fmt: str, objects: int, actors: int | None = None) -> ExportSummary:
        return ExportSummary(format=fmt, documents=self.documents, actors=len(self.actors) if actors is None else actors,
                             statements=self.statements, objects=objects)


class ActorLookup:
    """Actor records for one document: the document's own actors first (as of its date), then the KB.

    ``key`` gives the store-wide actor key that every export writes instead of the raw id: a provisional
    actor's id means something only inside its document, its key (``prov:`` + normalized name) across them.
    """

    def __init__(self, result: ExtractionResult, kb: KnowledgeBase):
        self._local = {a.id: a for a in result.actors}
        self._keys = key_map(result)
        self._kb = kb

    def key(self, actor_id: str | None) -> str | None:
        return map_key(actor_id, self._keys)

    def get(self, actor_id: str | None) -> Actor | None:
        if actor_id is None or actor_id == AUTHOR:
            return None
        return self._local.get(actor_id) or self._kb.get(actor_id)

    def name(self, actor_id: str | None, author_name: str | None = None) -> str | None:
        if actor_id is None:
            return None
        if actor_id == AUTHOR:
            return author_name or AUTHOR
        actor = self.get(actor_id)
        return actor.name if actor else actor_id


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def author_label(result: ExtractionResult) -> str:
    """Who 'author' is for this document: its outlet when known."""
    source = result.document.source
    return f"author ({source})" if source else AUTHOR
