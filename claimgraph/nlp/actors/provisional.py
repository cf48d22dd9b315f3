"""Actors a document adds to the knowledge base: provisional names, derived sector actors, unnamed agents and
victims, anonymous sources and speakers outside the knowledge base.

Their ids come from ``claimgraph.identity`` (the one place that mints ids); this module decides their names,
types, codes and parents. Knowledge-base actors are never modified: a document's changes ("French President X"
gives X a country) are made to its own copies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable

from spacy.tokens import Doc, Token

from ...identity import anonymous_id, derived_id, provisional_id, speaker_id, unnamed_id
from ...kb import KnowledgeBase, normalize_name
from ...models import Actor, ActorType
from ..annotations import MentionSpan, doc_actors, mention_at, set_mentions
from ..syntax import phrase_text
from .lexicons import SectorLexicon

# Modifiers that say nothing about who the source is ("senior officials" are officials).
_VAGUE = frozenset("recent other some several many senior top unnamed anonymous certain few".split())
ANONYMOUS_SOURCE_CONFIDENCE = 0.8
SPEAKER_CONFIDENCE = 0.6


@dataclass
class DocActors:
    """The actors the linker adds for one document, with the knowledge base and sector nouns they derive from."""

    kb: KnowledgeBase
    sectors: SectorLexicon
    date: dt.date | None
    by_id: dict[str, Actor] = field(default_factory=dict)

    def get(self, actor_id: str) -> Actor | None:
        """The document's own actor, else the knowledge base's, as of the document date."""
        actor = self.by_id.get(actor_id) or self.kb.actors.get(actor_id)
        return actor.as_of(self.date) if actor is not None else None

    def provisional(self, name: str, label: str, type_: ActorType | None = None) -> str:
        """A name outside the knowledge base; its type from ``type_``, else guessed from the entity label."""
        actor_id = provisional_id(name)
        if actor_id not in self.by_id:
            self.by_id[actor_id] = Actor(id=actor_id, name=name, type=type_ or self.guess_type(name, label),
                                         provisional=True)
        return actor_id

    def guess_type(self, name: str, label: str) -> ActorType:
        if label == "PERSON":
            return "person"
        if label == "NORP":
            return "population"
        words = set(normalize_name(name).split())
        for type_, cues in self.sectors.org_type_cues.items():
            if words & set(cues):
                return type_
        return "other"

    def derived(self, iso: str, suffixes: tuple[str, ...]) -> tuple[str, bool]:
        """``{iso}_{suffix}`` for the first suffix the KB has, else a derived actor with the first suffix;
        the flag says whether it was derived."""
        for suffix in suffixes:
            if derived_id(iso, suffix) in self.kb.actors:
                return derived_id(iso, suffix), False
        actor_id = derived_id(iso, suffixes[0])
        if actor_id not in self.by_id:
            country = self.kb.actors[iso].as_of(self.date)
            sector = self.sectors.sectors[suffixes[0]]
            adjective = country.demonyms[0] if country.demonyms else country.name
            name = sector.name.format(adj=adjective, country=country.name)
            self.by_id[actor_id] = Actor(id=actor_id, name=name, type=sector.type, country=country.country or iso,
                                         code=f"{country.code or iso}{sector.code or suffixes[0]}",
                                         parent=iso, provisional=True)
        return actor_id, True

    def unnamed(self, name: str, actor_type: ActorType) -> str:
        """Unnamed agents or victims ("gunmen", "civilians"), named by their phrase."""
        actor_id = unnamed_id(name)
        if actor_id not in self.by_id:
            self.by_id[actor_id] = Actor(id=actor_id, name=name, type=actor_type, provisional=True,
                                         description="unnamed actor")
        return actor_id


@dataclass
class AnonymousSources:
    """Which nouns make an anonymous source and the actor type each becomes (from attribution.yaml)."""

    actor_type: Callable[[str, Iterable[str]], ActorType | None]  # (head lemma, modifier lemmas) -> type or None


def anonymous_source(doc: Doc, token: Token, anon: AnonymousSources) -> str | None:
    """Make (or reuse) an actor for an unnamed source such as "security officials" or "intelligence inputs"."""
    modifiers = [c for c in token.lefts if c.dep_ in ("amod", "compound", "nmod") and c.pos_ in ("ADJ", "NOUN", "PROPN")]
    actor_type = anon.actor_type(token.lemma_.lower(), [m.lemma_.lower() for m in modifiers])
    if actor_type is None:
        return None
    words = [m.text for m in modifiers if m.lemma_.lower() not in _VAGUE]
    name = " ".join([*words, token.text])
    actor_id = anonymous_id(name)
    actors = doc_actors(doc)
    if actor_id not in actors:
        actors[actor_id] = Actor(id=actor_id, name=f"unnamed {name.lower()}", type=actor_type, provisional=True,
                                 description="anonymous source")
    start = min([token.i] + [m.i for m in modifiers])
    if mention_at(doc, token.i) is None:
        mentions = list(doc._.cg_mentions or [])
        mentions.append(MentionSpan(start, token.i + 1, actor_id, "anonymous-source", ANONYMOUS_SOURCE_CONFIDENCE))
        set_mentions(doc, mentions)
    return actor_id


def _named_in_full(doc: Doc, token: Token) -> str | None:
    """The one person named in full earlier in the document whose last name is this one-word speaker."""
    if token.pos_ != "PROPN" or any(c.dep_ not in ("punct", "compound") for c in token.children) or any(
            c.dep_ == "compound" and c.pos_ != "PROPN" for c in token.children):
        return None
    key = normalize_name(" ".join(t.text for t in token.subtree if t.pos_ == "PROPN"))
    actors = doc_actors(doc)
    found = set()
    for m in doc._.cg_mentions or []:
        actor = actors.get(m.actor_id or "")
        words = [normalize_name(t.text) for t in doc[m.start:m.end] if t.is_alpha]
        if actor is not None and actor.type == "person" and m.start < token.i and len(words) >= 2 and (
                words[-1] == key):
            found.add(actor.id)
    return found.pop() if len(found) == 1 else None


def provisional_speaker(doc: Doc, token: Token) -> str:
    """A provisional actor for a speaker phrase outside the knowledge base ("the spokesman of the ministry")."""
    name = phrase_text(token)
    words = name.split()
    if words and words[0].lower() in ("the", "a", "an"):
        name = " ".join(words[1:]) or name
    person = _named_in_full(doc, token)
    if person is not None:  # "General Jane Doe ... Doe added": the person named in full, one actor
        if mention_at(doc, token.i) is None:
            mentions = list(doc._.cg_mentions or [])
            mentions.append(MentionSpan(token.i, token.i + 1, person, "surname", SPEAKER_CONFIDENCE))
            set_mentions(doc, mentions)
        return person
    actor_id = speaker_id(name)
    actors = doc_actors(doc)
    if actor_id not in actors:
        actors[actor_id] = Actor(id=actor_id, name=name, type="person" if token.ent_type_ == "PERSON" else "other",
                                 provisional=True, description="speaker outside the knowledge base")
    if mention_at(doc, token.i) is None:
        mentions = list(doc._.cg_mentions or [])
        mentions.append(MentionSpan(token.left_edge.i, token.i + 1, actor_id, "speaker", SPEAKER_CONFIDENCE))
        set_mentions(doc, mentions)
    return actor_id


__all__ = ["AnonymousSources", "DocActors", "anonymous_source", "provisional_speaker"]
