"""Who is who: every actor id claimgraph mints, and the keys that identify actors and propositions in the store.

Actor ids, by kind (the NLP components mint them only through this module):

============================  ==========================  ===================================================
kind                          id                          example
============================  ==========================  ===================================================
knowledge base                the KB's own id             ``PAK``, ``PAK_ISI`` (never minted here)
derived sector actor          ``<ISO>_<SUFFIX>``          "Indian agencies" -> ``IND_SPY`` when the KB lacks it
provisional name              ``X-<slug of the name>``    "Baloch Front" -> ``X-BALOCH-FRONT``
provisional speaker           ``X-<slug of the phrase>``  "the spokesman of the ministry" -> ``X-SPOKESMAN-...``
unnamed agent or victim       ``U-<slug of the name>``    "gunmen" -> ``U-GUNMEN``
anonymous source              ``ANON-<slug of the phrase>``  "security officials" -> ``ANON-SECURITY-OFFICIALS``
============================  ==========================  ===================================================

Two slug rules coexist and are kept apart on purpose, because ids are stored and must not change under existing
data: names (``name_slug``) are slugged after ``normalize_name`` (accents folded, punctuation dropped), speaker
phrases (``phrase_slug``) from their raw upper-case text.

Store keys (``actor_key``): a knowledge-base or derived actor keeps its id; a provisional actor's id means
something only inside its document, so across documents it is keyed by its normalized name (two reports'
provisional "Baloch Liberation Front" are one party for corroboration); unnamed actors (``U-``, ``ANON-``) are
keyed within their document: two reports' "gunmen" are not one party and must not corroborate each other.
"""

from __future__ import annotations

import re

from .kb import normalize_name
from .models import AUTHOR, Actor, ExtractionResult

PROVISIONAL_PREFIX = "X-"
UNNAMED_PREFIX = "U-"
ANONYMOUS_PREFIX = "ANON-"
UNNAMED_PREFIXES = (UNNAMED_PREFIX, ANONYMOUS_PREFIX)  # a different party in every report
SPEAKER_SLUG_LIMIT = 60  # speaker phrases can be long ("the spokesman of the ... ministry")

PROVISIONAL_KEY_PREFIX = "prov:"
UNNAMED_KEY_PREFIX = "unnamed:"

_NOT_SLUG = re.compile(r"[^A-Z0-9]+")


# ---- minting --------------------------------------------------------------------------------------------------
def name_slug(name: str) -> str:
    """``name`` normalized, upper-cased, runs of other characters as one hyphen.

    A name with no letter or digit left (all punctuation, or a script ``normalize_name`` drops) falls back to a
    number from Python's ``hash``. That hash is salted per process, so such an id changes between runs: a known
    defect, kept until the extraction-quality work decides the replacement, because changing it changes ids."""
    slug = _NOT_SLUG.sub("-", normalize_name(name).upper()).strip("-")
    return slug or f"U{abs(hash(name)) % 10**8}"


def phrase_slug(phrase: str) -> str:
    """``phrase`` upper-cased as written, runs of other characters as one hyphen."""
    return _NOT_SLUG.sub("-", phrase.upper()).strip("-")


def provisional_id(name: str) -> str:
    """A name outside the knowledge base ("Baloch Front")."""
    return PROVISIONAL_PREFIX + name_slug(name)


def speaker_id(phrase: str) -> str:
    """A speaker phrase that names nobody in the knowledge base ("the spokesman of the ministry")."""
    return PROVISIONAL_PREFIX + phrase_slug(phrase)[:SPEAKER_SLUG_LIMIT]


def unnamed_id(name: str) -> str:
    """Unnamed agents and victims ("gunmen", "30 civilians"): never merged with a named actor."""
    return UNNAMED_PREFIX + name_slug(name)


def anonymous_id(phrase: str) -> str:
    """An anonymous source ("security officials", "intelligence inputs")."""
    return ANONYMOUS_PREFIX + phrase_slug(phrase)


def derived_id(country: str, suffix: str) -> str:
    """A country's sector actor ("Indian agencies" -> IND_SPY): the knowledge base's own convention."""
    return f"{country}_{suffix}"


def is_unnamed_agent(actor_id: str) -> bool:
    """``U-`` actors: unnamed agents and victims (not anonymous sources)."""
    return actor_id.startswith(UNNAMED_PREFIX)


# ---- keys -----------------------------------------------------------------------------------------------------
def actor_key(actor: Actor, document_id: str | None = None) -> str:
    """The store-wide key of ``actor`` as extracted from document ``document_id`` (see the module docstring)."""
    if actor.provisional and document_id is not None and actor.id.startswith(UNNAMED_PREFIXES):
        return f"{UNNAMED_KEY_PREFIX}{document_id}:{actor.id}"
    if actor.provisional:
        return PROVISIONAL_KEY_PREFIX + (normalize_name(actor.name) or actor.id)
    return actor.id


def key_map(result: ExtractionResult) -> dict[str, str]:
    """Raw actor id in this result -> store-wide actor key."""
    return {a.id: actor_key(a, result.document.id) for a in result.actors}


def map_key(raw: str | None, keys: dict[str, str]) -> str | None:
    """The store-wide key of a raw id from a statement (``author`` stays itself)."""
    if raw is None:
        return None
    if raw == AUTHOR:
        return AUTHOR
    return keys.get(raw, raw)


def proposition_key(subject: str | None, event_type: str, obj: str | None, negated: bool) -> str:
    """What makes two statements claims about the same proposition: actor keys, event type, negation."""
    return f"{subject or ''}|{event_type}|{obj or ''}|{int(bool(negated))}"


__all__ = [
    "ANONYMOUS_PREFIX", "PROVISIONAL_KEY_PREFIX", "PROVISIONAL_PREFIX", "UNNAMED_KEY_PREFIX", "UNNAMED_PREFIX",
    "UNNAMED_PREFIXES", "actor_key", "anonymous_id", "derived_id", "is_unnamed_agent", "key_map", "map_key",
    "name_slug", "phrase_slug", "proposition_key", "provisional_id", "speaker_id", "unnamed_id",
]
