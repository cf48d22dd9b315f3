"""Keys that identify actors and propositions across documents.

Knowledge-base actors keep their id. A provisional actor's id is only meaningful inside its document (two
documents may both call an unknown group ``PROV_1``), so across documents it is keyed by its normalized name:
two documents' provisional "Baloch Liberation Front" are the same party for corroboration. Unnamed actors
(``U-`` and ``ANON-`` ids) are keyed within their document.
"""

from __future__ import annotations

from ..kb import normalize_name
from ..models import AUTHOR, Actor, ExtractionResult

PROVISIONAL_PREFIX = "prov:"


UNNAMED_PREFIXES = ("U-", "ANON-")  # "gunmen", "security officials": a different party in every report
UNNAMED_KEY_PREFIX = "unnamed:"


def actor_key(actor: Actor, document_id: str | None = None) -> str:
    """Store-wide key. Unnamed actors ("gunmen", "security officials") are keyed within their document: two
    reports' "gunmen" are not one party, and must not corroborate each other."""
    if actor.provisional and document_id is not None and actor.id.startswith(UNNAMED_PREFIXES):
        return f"{UNNAMED_KEY_PREFIX}{document_id}:{actor.id}"
    if actor.provisional:
        return PROVISIONAL_PREFIX + (normalize_name(actor.name) or actor.id)
    return actor.id


def key_map(result: ExtractionResult) -> dict[str, str]:
    """Raw actor id in this result -> store-wide actor key."""
    return {a.id: actor_key(a, result.document.id) for a in result.actors}


def map_key(raw: str | None, keys: dict[str, str]) -> str | None:
    if raw is None:
        return None
    if raw == AUTHOR:
        return AUTHOR
    return keys.get(raw, raw)


def proposition_key(subject: str | None, event_type: str, obj: str | None, negated: bool) -> str:
    return f"{subject or ''}|{event_type}|{obj or ''}|{int(bool(negated))}"
