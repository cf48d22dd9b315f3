"""Keys that identify actors and propositions across documents.

Knowledge-base actors keep their id. A provisional actor's id is only meaningful inside its document (two
documents may both call an unknown group ``PROV_1``), so across documents it is keyed by its normalized name:
two documents' provisional "Baloch Liberation Front" are the same party for corroboration.
"""

from __future__ import annotations

from ..kb import normalize_name
from ..models import AUTHOR, Actor, ExtractionResult

PROVISIONAL_PREFIX = "prov:"


def actor_key(actor: Actor) -> str:
    if actor.provisional:
        return PROVISIONAL_PREFIX + (normalize_name(actor.name) or actor.id)
    return actor.id


def key_map(result: ExtractionResult) -> dict[str, str]:
    """Raw actor id in this result -> store-wide actor key."""
    return {a.id: actor_key(a) for a in result.actors}


def map_key(raw: str | None, keys: dict[str, str]) -> str | None:
    if raw is None:
        return None
    if raw == AUTHOR:
        return AUTHOR
    return keys.get(raw, raw)


def proposition_key(subject: str | None, event_type: str, obj: str | None, negated: bool) -> str:
    return f"{subject or ''}|{event_type}|{obj or ''}|{int(bool(negated))}"
