"""PLOVER JSONL export: one event record per statement, in the field names of the PLOVER 2.0 manual.

The manual's "Data Fields" chapter (openeventdata/PLOVER) names the parties ``actor`` and ``recipient``, lists of
entity objects (``code``, ``sector``, ``entity_text``, ``identifier_id`` = the Wikidata id, ``identifier_text``);
``mode`` and ``context`` are lists; the location is ``event_loc``, Mordecai's location object
(``extracted_place``, ``resolved_place``, ``geonameid``, ``lat``, ``lon``, ``province`` and its ISO 3166-2
``province_code``, ``country``, ``country_code`` ISO alpha-3, ``feature_class``, ``feature_code``,
``resolution``); the citation ``cite_info``.

A claim's stance becomes what PLOVER can say about it: its auxiliary modes, carried in ``context`` (``future``
for a prediction, ``hypothetical`` for speculation, ``negation`` for a denial or a negated proposition), and
``has_event: false`` when the claim says the event did not happen, so a consumer counting events never counts
Pakistan's denial as SUPPORT. Claim fields PLOVER lacks (asserter, stance, parent) are added under their own
names, as the manual allows. A statement with no actor is not a PLOVER event (``actor`` is required) and is
left out, counted in the summary; it is in the CSV and STIX exports.
"""

from __future__ import annotations

import json
from typing import BinaryIO, Iterable

from ..kb import KnowledgeBase
from ..models import AUTHOR, ExtractionResult, Place, Statement
from .common import (
    ActorLookup, ExportOptions, ExportSummary, ResultTap, author_label, document_url, iso_date, outlet, quad_code,
)
from .stix import alpha2, country_name

CODEBOOK = "plover-2.0 (claimgraph event types, modes and contexts)"
# Mordecai/geonames descriptors of claimgraph's place features: feature class, feature code, resolution
# (5 sub-city, 4 city, 3 district, 2 province, 1 country).
_FEATURES = {"country": ("A", "PCLI", 1), "admin1": ("A", "ADM1", 2), "city": ("P", "PPL", 4),
             "region": ("L", "RGN", None)}


def _entities(actor_id: str | None, text: str | None, lookup: ActorLookup, author: str) -> list[dict]:
    """PLOVER's list of entity objects for one party."""
    if actor_id is None:
        return []
    if actor_id == AUTHOR:
        by_author = {"identifier_text": author, "entity_text": text, "claimgraph_id": AUTHOR}
        return [{k: v for k, v in by_author.items() if v is not None}]
    actor = lookup.get(actor_id)
    record: dict = {"entity_text": text, "identifier_text": actor.name if actor else actor_id,
                    "claimgraph_id": lookup.key(actor_id)}
    if actor is not None:
        # PLOVER's ``code`` is the 3-character top-level code (the country) and ``sector`` the rest of a
        # CAMEO-style code ("PAKSPY" -> code PAK, sector SPY).
        record.update(code=actor.country or (actor.code[:3] if actor.code else None), type=actor.type,
                      country=actor.country, provisional=actor.provisional)
        if actor.code and len(actor.code) > 3:
            record["sector"] = actor.code[3:]
        if actor.qid:
            record["identifier_id"] = actor.qid  # the manual: "This should be the Wikidata ID for the entity"
    return [{k: v for k, v in record.items() if v is not None}]


def _event_loc(place: Place | None, text: str) -> dict | None:
    if place is None:
        return None
    extracted = None
    if place.char_start is not None and place.char_end is not None:
        extracted = text[place.char_start:place.char_end] or None
    feature_class, feature_code, resolution = _FEATURES.get(place.feature or "", (None, None, None))
    record = {
        "extracted_place": extracted or place.name, "resolved_place": place.name, "geonameid": place.geonameid,
        "lat": place.latitude, "lon": place.longitude,
        "city": place.name if place.feature == "city" else None,
        "province": place.name if place.feature == "admin1" else place.admin1,
        "province_code": place.admin1_code,
        "country": country_name(place.country) if alpha2(place.country) else None,
        "country_code": place.country, "feature_class": feature_class, "feature_code": feature_code,
        "resolution": resolution,
    }
    return {k: v for k, v in record.items() if v is not None}


def stance_contexts(s: Statement) -> tuple[bool, list[str]]:
    """(has_event, auxiliary modes) of a claim: whether it says the event happened, and PLOVER's future,
    hypothetical and negation contexts for predictions, speculation and denials or negated propositions."""
    negation = s.negated != (s.stance == "denies")  # denying "did not attack" says it did
    auxiliary = []
    if s.stance == "predicts":
        auxiliary.append("future")
    if s.stance == "speculates":
        auxiliary.append("hypothetical")
    if negation:
        auxiliary.append("negation")
    return not negation, auxiliary


def plover_record(result: ExtractionResult, s: Statement, lookup: ActorLookup, author: str,
                  options: ExportOptions | None = None) -> dict:
    """The PLOVER record of one statement. ``id`` is ``document id:statement id``, unique within an export."""
    document = result.document
    options = options or ExportOptions()
    cite_info = {
        "citation": document.id, "url": document_url(result, options), "title": document.title,
        "publication": outlet(result, options), "language": "en", "coder": "claimgraph", "codebook": CODEBOOK,
    }
    size: dict[str, int] = {}
    for q in s.quantities:
        key = {"killed": "dead"}.get(q.kind, q.kind)
        size[key] = size.get(key, 0) + q.value
    time = s.time
    has_event, auxiliary = stance_contexts(s)
    # the words in the report: the statement's own, else the actor's first mention in the document
    said: dict[str | None, str] = {}
    for m in result.mentions:
        said.setdefault(m.actor, m.text)
    actor = _entities(s.subject, s.subject_text or said.get(s.subject), lookup, author)
    recipient = _entities(s.object, s.object_text or said.get(s.object), lookup, author)
    record = {
        "id": f"{document.id}:{s.id}",
        "has_event": has_event,
        "date": iso_date(time.start_date if time and time.start_date else document.date),
        "enddate": iso_date(time.end_date) if time and time.end_date else None,
        "actor": actor,
        "recipient": recipient,
        "event": [s.event_type],
        "event_loc": _event_loc(s.location, document.text),
        "event_text": [s.trigger],
        "quad_code": quad_code(s.event_type),
        "mode": [s.mode] if s.mode else [],
        "context": [*s.context, *(c for c in auxiliary if c not in s.context)],
        "text": s.quote,
        "text_info": {"start": s.start, "end": s.end},
        "cite_info": {k: v for k, v in cite_info.items() if v is not None},
        "coder": "claimgraph",
        # fields beyond the manual's, under names of their own
        "size": size or None,
        "story_date": iso_date(document.date),
        "actor_country": actor[0].get("country") if actor else None,
        "recipient_country": recipient[0].get("country") if recipient else None,
        "trigger_start": s.trigger_start, "trigger_end": s.trigger_end,
        "time_text": time.text if time else None,
        "time_precision": time.precision if time else None,
        "negated": s.negated,
        "claim_id": s.id,
        "asserter": _entities(s.asserter, s.asserter_text or said.get(s.asserter), lookup, author),
        "stance": s.stance,
        "parent": f"{document.id}:{s.parent}" if s.parent else None,
        "confidence": round(s.confidence, 3),
        "rule": s.rule,
    }
    return {k: v for k, v in record.items() if v is not None or k in _ALWAYS}


# The manual's required fields, and the recipient, kept (as null or []) even when unknown so every line has them.
_ALWAYS = frozenset({"id", "date", "actor", "recipient", "event"})


def write_plover(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                 options: ExportOptions | None = None) -> ExportSummary:
    tap = ResultTap(results)
    lines = no_actor = 0
    for result in tap:
        lookup = ActorLookup(result, kb)
        author = author_label(result, options)
        for s in result.statements:
            if s.subject is None:
                no_actor += 1  # PLOVER requires an actor
                continue
            record = plover_record(result, s, lookup, author, options)
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            lines += 1
    summary = tap.summary("plover", lines)
    summary.extra = {"left out (no actor)": no_actor}
    return summary
