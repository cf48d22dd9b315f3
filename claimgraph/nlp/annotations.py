"""The annotations claimgraph's spaCy components set on a Doc, and the Doc extensions that hold them.

Token offsets are spaCy token indices (``end`` exclusive); character offsets come from the Span.
Components declare these in ``assigns``/``requires`` as ``doc._.cg_mentions`` etc.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from ..lexicon import PredicateEntry, ReportingFrame
from ..models import Actor, Place, Quantity, TimeExpression


@dataclass
class MentionSpan:
    """A resolved mention of an actor: tokens [start, end) of the Doc."""

    start: int
    end: int
    actor_id: str | None
    rule: str  # kb | exact | acronym | fuzzy | metonym | demonym_org | anaphora | provisional
    confidence: float = 1.0
    sense: str | None = None  # what a metonym stands for: "government", "military"...
    antecedent: int | None = None  # for anaphora: index of the mention it refers back to


@dataclass
class PredicateMatch:
    """A lexicon trigger found in the Doc (set by the predicate matcher).

    ``entry`` and ``frame`` are the typed lexicon entries themselves: what roles and frames read (role
    prepositions, content stance ...) is read from them, with the defaults of the lexicon models."""

    head: int  # token index of the trigger's head word (verb or noun)
    start: int  # token span of the whole trigger expression (may include particles, objects of light verbs)
    end: int
    entry_id: str  # id of the event entry, else of the reporting frame
    event_type: str  # the entry's event; for a frame alone its speech act, or "REPORT"
    mode: str | None  # may be refined by a consumed noun ("carried out a suicide *bombing*")
    context: list[str]
    pos: str  # "verb" | "noun" | "adj" | "adp" (a prepositional source frame)
    entry: PredicateEntry | None = None  # the event entry; None for a reporting frame that is no event
    frame: ReportingFrame | None = None  # the reporting frame the trigger also is, if any


@dataclass
class TimeMention:
    start: int  # token span
    end: int
    value: TimeExpression


@dataclass
class PlaceMention:
    start: int
    end: int
    value: Place


@dataclass
class QuantityMention:
    start: int
    end: int
    value: Quantity
    head: int | None = None  # token the number attaches to (e.g. the verb "killing")


EXTENSIONS: dict[str, object] = {
    "cg_doc_id": None,
    "cg_doc_date": None,  # datetime.date of the report (metadata or dateline)
    "cg_date_origin": None,  # "metadata" | "dateline" | None
    "cg_body_start": 0,  # char offset where the body starts (after a dateline)
    "cg_kb": None,  # the KnowledgeBase used (set by the pipeline, not serialised)
    "cg_actors": None,  # dict[str, Actor]: actors mentioned in this Doc (KB and provisional)
    "cg_mentions": None,  # list[MentionSpan], sorted by start
    "cg_token_mention": None,  # dict[int, int]: token index -> index into cg_mentions
    "cg_doc_aliases": None,  # dict[str, str]: aliases defined in the text (acronym -> actor id)
    "cg_predicates": None,  # list[PredicateMatch]
    "cg_times": None,  # list[TimeMention]
    "cg_places": None,  # list[PlaceMention]
    "cg_quantities": None,  # list[QuantityMention]
    "cg_statements": None,  # list[claimgraph.models.Statement]
}


def register_extensions() -> None:
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


def doc_actors(doc: Doc) -> dict[str, Actor]:
    if doc._.cg_actors is None:
        doc._.cg_actors = {}
    actors: dict[str, Actor] = doc._.cg_actors
    return actors


def mention_at(doc: Doc, token_index: int) -> MentionSpan | None:
    """The actor mention covering token ``token_index``, if any."""
    idx = (doc._.cg_token_mention or {}).get(token_index)
    return None if idx is None else doc._.cg_mentions[idx]


def set_mentions(doc: Doc, mentions: list[MentionSpan]) -> None:
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))
    doc._.cg_mentions = mentions
    doc._.cg_token_mention = {i: n for n, m in enumerate(mentions) for i in range(m.start, m.end)}


__all__ = [
    "MentionSpan", "PredicateMatch", "TimeMention", "PlaceMention", "QuantityMention",
    "register_extensions", "doc_actors", "mention_at", "set_mentions", "Place", "Quantity", "TimeExpression",
]
