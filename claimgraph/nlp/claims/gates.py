"""Argument-type gates: which actors may fill the parties of a statement (``party_gates.yaml``).

An everyday sense of an event word ("a woman telephoned her neighbour", "the lawyer asked the witness", "he would
support himself") is told from the political event by who takes part: a gated event type needs at least one
party of a political or security type. The gate is applied per (subject, object) pair, after the roles are
resolved, so an unresolved role never counts as such a party.
"""

from __future__ import annotations

import functools

from spacy.tokens import Doc

from ...lexicon import Lexicon, PartyGate, load_lexicon
from ...identity import UNNAMED_PREFIXES
from ...models import Actor

UNKNOWN_TYPES = frozenset(("person", "other"))  # types that say nothing about a named provisional actor's role


class PartyGates:
    """The party gates of a lexicon, by event type."""

    def __init__(self, lexicon: Lexicon):
        self.by_event: dict[str, PartyGate] = {}
        for gate in lexicon.party_gates:
            for event in gate.events:
                self.by_event.setdefault(event, gate)

    def allows(self, doc: Doc, event_type: str, actor_ids: tuple[str | None, ...]) -> bool:
        """Whether a statement of ``event_type`` between these parties (None: unresolved) passes its gate."""
        gate = self.by_event.get(event_type)
        if gate is None:
            return True
        return any(_qualifies(gate, _actor(doc, a)) for a in actor_ids if a)


def _actor(doc: Doc, actor_id: str) -> Actor | None:
    actor = (doc._.cg_actors or {}).get(actor_id)
    if actor is None and doc._.cg_kb is not None:
        actor = doc._.cg_kb.get(actor_id)
    return actor


def _qualifies(gate: PartyGate, actor: Actor | None) -> bool:
    if actor is None or actor.type in gate.types:
        return True  # (an id nobody can look up is not judged here: unit tests, overlays)
    if actor.provisional and actor.id.startswith(UNNAMED_PREFIXES):
        return False  # "a woman", "the man", "a citizen": an unnamed private party
    if actor.provisional:
        return actor.type in UNKNOWN_TYPES  # a name outside the knowledge base may well be an official's
    return gate.known_persons and actor.type == "person"


@functools.lru_cache(maxsize=1)
def party_gates() -> PartyGates:
    """The gates of the bundled lexicon (with its environment overlays), loaded once per process."""
    return PartyGates(load_lexicon())


__all__ = ["PartyGates", "party_gates"]
