"""PLOVER JSONL export: one event record per statement, in the field names of the PLOVER specification.

PLOVER (Open Event Data Alliance, "JSON Data Fields") names the acting party ``source``, the target
``recipient``, the location ``event_loc`` (geonames field names) and the citation ``cite_info``; POLECAT and the
claimgraph issue call them actor, location and citation. Records carry both spellings so either kind of reader
finds them. Claim fields PLOVER lacks (asserter, stance, parent) are added under their own names, which the
specification allows ("providers should feel free to include named fields beyond those provided").
"""

from __future__ import annotations

import json
from typing import BinaryIO, Iterable

from ..kb import KnowledgeBase
from ..models import AUTHOR, ExtractionResult, Place, Statement
from .common import (
    ActorLookup, ExportOptions, ExportSummary, ResultTap, author_label, document_url, iso_date, outlet, quad_code,
)
from .stix import alpha2

CODEBOOK = "plover-base-0.7 (claimgraph event types; REQUEST = PLOVER DEMAND)"


def _actor_object(actor_id: str | None, text: str | None, lookup: ActorLookup, author: str) -> list[dict]:
    """PLOVER's list of actor objects (code, sector, actor_text, identifier_id, identifier_text)."""
    if actor_id is None:
        return []
    if actor_id == AUTHOR:
        record = {"identifier_id": AUTHOR, "identifier_text": author, "actor_text": text}
        return [{k: v for k, v in record.items() if v is not None}]
    actor = lookup.get(actor_id)
    record: dict = {"identifier_id": lookup.key(actor_id), "identifier_text": actor.name if actor else actor_id,
                    "actor_text": text}
    if actor is not None:
        # PLOVER's ``code`` is the 3-character top-level code (the country) and ``sector`` the rest of a
        # CAMEO-style code ("PAKSPY" -> code PAK, sector SPY).
        top = actor.country or (actor.code[:3] if actor.code else None)
        record.update(code=top, type=actor.type, country=actor.country, provisional=actor.provisional)
        if actor.code and len(actor.code) > 3:
            record["sector"] = actor.code[3:]
        if actor.qid:
            record["wikidata"] = actor.qid
    return [{k: v for k, v in record.items() if v is not None}]


def _location(place: Place | None) -> dict | None:
    if place is None:
        return None
    record = {
        "name": place.name, "geonameid": place.geonameid, "latitude": place.latitude,
        "longitude": place.longitude, "country code": alpha2(place.country), "cc3": place.country,
        "admin1 code": place.admin1, "feature": place.feature,
    }
    return {k: v for k, v in record.items() if v is not None}


def plover_record(result: ExtractionResult, s: Statement, lookup: ActorLookup, author: str,
                  options: ExportOptions | None = None) -> dict:
    """The PLOVER record of one statement. ``id`` is ``document id:statement id``, unique within an export."""
    document = result.document
    options = options or ExportOptions()
    actor = _actor_object(s.subject, s.subject_text, lookup, author)
    recipient = _actor_object(s.object, s.object_text, lookup, author)
    asserter = _actor_object(s.asserter, s.asserter_text, lookup, author)
    location = _location(s.location)
    citation = {
        "citation": document.id, "url": document_url(result, options), "title": document.title,
        "publication": outlet(result, options),
        "language": "en", "coder": "claimgraph", "codebook": CODEBOOK,
    }
    citation = {k: v for k, v in citation.items() if v is not None}
    size = {}
    for q in s.quantities:
        key = {"killed": "dead", "injured": "injured", "arrested": "arrested"}.get(q.kind, q.kind)
        size[key] = size.get(key, 0) + q.value
    time = s.time
    record = {
        "id": f"{document.id}:{s.id}",
        "has_event": True,
        "date": iso_date(time.start_date if time and time.start_date else document.date),
        "enddate": iso_date(time.end_date) if time and time.end_date else None,
        "story_date": iso_date(document.date),
        "actor": actor, "source": actor,
        "actor_country": actor[0].get("country") if actor else None,
        "recipient": recipient,
        "recipient_country": recipient[0].get("country") if recipient else None,
        "event": [s.event_type],
        "quad_code": quad_code(s.event_type),
        "mode": s.mode,
        "context": list(s.context),
        "negated": s.negated,
        "location": location, "event_loc": location,
        "event_text": [s.trigger],
        "text": s.quote,
        "text_info": {"start": s.start, "end": s.end, "trigger_start": s.trigger_start,
                      "trigger_end": s.trigger_end},
        "citation": citation, "cite_info": citation,
        "size": size or None,
        "time_text": time.text if time else None,
        "time_precision": time.precision if time else None,
        # claim fields: who says it, how, and the speech act it is carried by
        "claim_id": s.id,
        "asserter": asserter,
        "stance": s.stance,
        "parent": f"{document.id}:{s.parent}" if s.parent else None,
        "confidence": round(s.confidence, 3),
        "rule": s.rule,
        "coder": "claimgraph",
    }
    return {k: v for k, v in record.items() if v is not None or k in _ALWAYS}


# Fields PLOVER requires, and the target, kept (as null or []) even when unknown so every line has them.
_ALWAYS = frozenset({"id", "date", "actor", "source", "recipient", "event"})


def write_plover(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                 options: ExportOptions | None = None) -> ExportSummary:
    tap = ResultTap(results)
    lines = 0
    for result in tap:
        lookup = ActorLookup(result, kb)
        author = author_label(result, options)
        for s in result.statements:
            record = plover_record(result, s, lookup, author, options)
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            lines += 1
    return tap.summary("plover", lines)
