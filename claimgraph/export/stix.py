"""STIX 2.1 bundle export, written object by object so a long stream of documents never sits in memory.

Mapping (docs/exports.md): armed groups are ``threat-actor``; states, agencies, parties, outlets and people are
``identity``; places are ``location``; each document is a ``report``; each proposition (subject, event type,
object) is a ``relationship`` with a custom type such as ``attacks``; each claim about it is a ``note`` on that
relationship and the report, carrying claimant, stance, quote and span in a property extension that the
bundle's ``extension-definition`` describes. Ids are UUIDv5 over a claimgraph namespace and each object's
natural key, so two exports of the same results are identical and objects from different exports dedupe.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from typing import Any, BinaryIO, Iterable

import stix2.v21 as stix

from ..kb import KnowledgeBase
from ..models import AUTHOR, Actor, ExtractionResult, Place, Statement
from .common import ActorLookup, ExportSummary, ResultTap, author_label

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/claimgraph/claimgraph")
SCHEMA_URL = "https://github.com/claimgraph/claimgraph/blob/main/docs/stix-extension.json"
EXTENSION_VERSION = "1.0.0"
# Fixed so re-exports are byte-identical: the date the extension's version 1.0.0 was defined.
EXTENSION_CREATED = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
# STIX requires a timestamp (and a report's ``published``) even when a document has no date; the epoch marks
# "unknown" without pretending to a real date.
UNKNOWN_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

RELATIONSHIP_TYPES: dict[str, str] = {
    "AGREE": "agrees-with", "CONSULT": "consults", "SUPPORT": "supports", "CONCEDE": "concedes-to",
    "COOPERATE": "cooperates-with", "AID": "aids", "RETREAT": "retreats-from", "REQUEST": "requests",
    "ACCUSE": "accuses", "REJECT": "rejects", "THREATEN": "threatens", "PROTEST": "protests-against",
    "SANCTION": "sanctions", "MOBILIZE": "mobilizes-against", "COERCE": "coerces", "ASSAULT": "attacks",
}

_SECTORS: dict[str, list[str]] = {
    "country": ["government-national"], "government": ["government-national"], "military": ["defense"],
    "intelligence": ["government-national"], "security_forces": ["government-national"],
    "media": ["communications"], "igo": ["government"], "ngo": ["non-profit"],
}
_IDENTITY_CLASS = {"person": "individual", "population": "group", "other": "unknown"}
_TERROR_LISTS = ("fto", "sdgt", "terror", "proscri", "1267", "2253")


def stix_id(kind: str, *key: object) -> str:
    """A deterministic STIX id for an object of ``kind`` with natural key ``key``."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join([kind, *(str(k) for k in key)]))}"


IDENTITY_ID = stix_id("identity", "claimgraph")
EXTENSION_ID = stix_id("extension-definition", "claimgraph-claim", EXTENSION_VERSION)


def _stamp(date: dt.date | None) -> dt.datetime:
    if date is None:
        return UNKNOWN_DATE
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)


@functools.lru_cache(maxsize=512)
def alpha2(alpha3: str | None) -> str | None:
    """ISO 3166 alpha-2 for an alpha-3 code (STIX ``country`` is alpha-2); None for unknown or fictional codes."""
    if not alpha3:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3.upper())
    return country.alpha_2 if country else None


class StixWriter:
    """Writes one bundle: ``{"type": "bundle", "objects": [...], "id": ...}``, the id last because it is a
    digest of the object ids and so is only known at the end."""

    def __init__(self, out: BinaryIO, kb: KnowledgeBase, relationship_style: str = "custom"):
        self.out = out
        self.kb = kb
        self.relationship_style = relationship_style
        self.written: set[str] = set()  # ids only: what dedupes objects across documents
        self.digest = hashlib.sha256()
        self.count = 0
        self.notes = 0
        self.relationships = 0

    # ---- output ----------------------------------------------------------------------------------------
    def _emit(self, obj: Any) -> str:  # any stix2 v2.1 object
        if obj.id in self.written:
            return obj.id
        self.out.write(b",\n" if self.count else b"\n")
        self.out.write(obj.serialize(sort_keys=True).encode("utf-8"))
        self.written.add(obj.id)
        self.digest.update(obj.id.encode("ascii"))
        self.count += 1
        return obj.id

    def start(self) -> None:
        self.out.write(b'{"type": "bundle", "objects": [')
        self._emit(stix.Identity(
            id=IDENTITY_ID, name="claimgraph", identity_class="system", created=EXTENSION_CREATED,
            modified=EXTENSION_CREATED, description="Claims extracted from news reports by claimgraph.",
        ))
        self._emit(stix.ExtensionDefinition(
            id=EXTENSION_ID, created_by_ref=IDENTITY_ID, created=EXTENSION_CREATED, modified=EXTENSION_CREATED,
            name="claimgraph claim", version=EXTENSION_VERSION, schema=SCHEMA_URL,
            extension_types=["property-extension"],
            description="Who claims what: claimant, stance, quote and character span of a claim extracted from "
                        "a report, attached to notes (claims) and relationships (propositions).",
        ))

    def finish(self) -> None:
        bundle_id = f"bundle--{uuid.uuid5(NAMESPACE, self.digest.hexdigest())}"
        self.out.write(f'\n], "id": "{bundle_id}"}}\n'.encode("ascii"))

    # ---- objects ---------------------------------------------------------------------------------------
    def actor(self, key: str, actor: Actor | None, first_seen: dt.datetime) -> str:
        """The SDO for the actor with store-wide key ``key`` (written once); its id."""
        if actor is None:
            sdo_id = stix_id("identity", "actor", key)
            if sdo_id not in self.written:
                self._emit(stix.Identity(id=sdo_id, name=key, identity_class="unknown", created=first_seen,
                                         modified=first_seen, created_by_ref=IDENTITY_ID))
            return sdo_id
        kind = "threat-actor" if actor.type == "armed_group" else "identity"
        sdo_id = stix_id(kind, "actor", key)
        if sdo_id in self.written:
            return sdo_id
        refs = [stix.ExternalReference(source_name="claimgraph", external_id=key)]
        if actor.qid:
            refs.append(stix.ExternalReference(source_name="wikidata", external_id=actor.qid,
                                               url=f"https://www.wikidata.org/wiki/{actor.qid}"))
        common = dict(id=sdo_id, name=actor.name, created=first_seen, modified=first_seen,
                      created_by_ref=IDENTITY_ID, external_references=refs,
                      labels=[actor.type] + (["provisional"] if actor.provisional else []))
        description = actor.description
        if kind == "threat-actor":
            aliases = [a for a in dict.fromkeys(actor.aliases + actor.exact_aliases) if a != actor.name]
            extra: dict = {"aliases": aliases} if aliases else {}
            if any(any(k in (d.list or "").lower() for k in _TERROR_LISTS) for d in actor.designations):
                extra["threat_actor_types"] = ["terrorist"]
            obj = stix.ThreatActor(description=description, **extra, **common)
        else:
            names = [a for a in dict.fromkeys(actor.aliases + actor.exact_aliases + actor.metonyms) if a != actor.name]
            if names:  # identity has no aliases property; keep them findable in the description
                description = (description + " " if description else "") + "Also known as: " + "; ".join(names) + "."
            extra = {"sectors": _SECTORS[actor.type]} if actor.type in _SECTORS else {}
            obj = stix.Identity(identity_class=_IDENTITY_CLASS.get(actor.type, "organization"),
                                description=description, **extra, **common)
        self._emit(obj)
        country = alpha2(actor.country)
        if country:
            loc_id = self._emit(stix.Location(
                id=stix_id("location", "country", country), name=actor.country, country=country,
                created=first_seen, modified=first_seen, created_by_ref=IDENTITY_ID))
            self._emit(stix.Relationship(
                id=stix_id("relationship", "located-at", sdo_id, loc_id), relationship_type="located-at",
                source_ref=sdo_id, target_ref=loc_id, created=first_seen, modified=first_seen,
                created_by_ref=IDENTITY_ID))
        return sdo_id

    def place(self, place: Place, first_seen: dt.datetime) -> str | None:
        country = alpha2(place.country)
        has_point = place.latitude is not None and place.longitude is not None
        if not country and not has_point:
            return None  # STIX needs a country, a region or coordinates; the name stays in the note's extension
        key = place.geonameid if place.geonameid is not None else (place.name, place.country, place.latitude,
                                                                    place.longitude)
        extra: dict = {}
        if has_point:
            extra.update(latitude=place.latitude, longitude=place.longitude)
        if country:
            extra["country"] = country
        if place.admin1:
            extra["administrative_area"] = place.admin1
        if place.feature == "city":
            extra["city"] = place.name
        return self._emit(stix.Location(id=stix_id("location", "place", key), name=place.name, created=first_seen,
                                        modified=first_seen, created_by_ref=IDENTITY_ID, **extra))

    def relationship_type(self, statement: Statement) -> str:
        if self.relationship_style == "related-to":
            return "related-to"
        verb = RELATIONSHIP_TYPES[statement.event_type]
        return f"not-{verb}" if statement.negated else verb

    def document(self, result: ExtractionResult) -> None:
        document = result.document
        stamp = _stamp(document.date)
        lookup = ActorLookup(result, self.kb)
        refs: dict[str, None] = {}
        for actor in result.actors:
            refs[self.actor(lookup.key(actor.id) or actor.id, actor, stamp)] = None
        report_id = stix_id("report", document.id)
        by_statement: dict[str, tuple[str | None, str | None]] = {}
        for s in result.statements:
            rel_id = None
            if s.subject and s.object and s.subject != AUTHOR and s.object != AUTHOR:
                subject, obj = lookup.key(s.subject) or s.subject, lookup.key(s.object) or s.object
                source = self.actor(subject, lookup.get(s.subject), stamp)
                target = self.actor(obj, lookup.get(s.object), stamp)
                rel_type = self.relationship_type(s)
                rel_id = stix_id("relationship", subject, s.event_type, obj, s.negated)
                if rel_id not in self.written:
                    self.relationships += 1
                    self._emit(stix.Relationship(
                        id=rel_id, relationship_type=rel_type, source_ref=source, target_ref=target,
                        created=stamp, modified=stamp, created_by_ref=IDENTITY_ID,
                        description=f"{lookup.name(s.subject)} {rel_type} {lookup.name(s.object)} "
                                    f"(PLOVER {s.event_type}{', negated' if s.negated else ''})",
                        extensions={EXTENSION_ID: {"extension_type": "property-extension",
                                                   "event_type": s.event_type, "negated": s.negated,
                                                   "subject": subject, "object": obj}},
                    ))
                refs[source] = refs[target] = refs[rel_id] = None
            loc_id = self.place(s.location, stamp) if s.location else None
            if loc_id:
                refs[loc_id] = None
            by_statement[s.id] = (rel_id, loc_id)
        external = stix.ExternalReference(source_name=document.source or "claimgraph", external_id=document.id,
                                          **({"url": document.url} if document.url else {}))
        self._emit(stix.Report(
            id=report_id, name=document.title or document.id, published=stamp, created=stamp, modified=stamp,
            created_by_ref=IDENTITY_ID, object_refs=list(refs) or [IDENTITY_ID], external_references=[external],
            report_types=["threat-report"], lang="en",
        ))
        author = author_label(result)
        for s in result.statements:
            rel_id, loc_id = by_statement[s.id]
            self._emit(self.note(result, s, lookup, author, report_id, rel_id, loc_id, stamp))
            self.notes += 1

    def note(self, result: ExtractionResult, s: Statement, lookup: ActorLookup, author: str, report_id: str,
             rel_id: str | None, loc_id: str | None, stamp: dt.datetime) -> stix.Note:
        doc_id = result.document.id
        claimant = lookup.name(s.asserter, author) or s.asserter
        claim = {
            "extension_type": "property-extension",
            "statement_id": s.id, "document_id": doc_id,
            "claimant": lookup.key(s.asserter), "claimant_name": claimant, "stance": s.stance,
            "subject": lookup.key(s.subject), "subject_name": lookup.name(s.subject),
            "event_type": s.event_type, "mode": s.mode, "context": s.context or None,
            "object": lookup.key(s.object), "object_name": lookup.name(s.object), "negated": s.negated,
            "quote": s.quote, "span_start": s.start, "span_end": s.end,
            "trigger": s.trigger, "trigger_start": s.trigger_start, "trigger_end": s.trigger_end,
            "rule": s.rule, "confidence": _confidence(s.confidence),
            "parent_statement_id": s.parent,
            "parent_ref": stix_id("note", doc_id, s.parent) if s.parent else None,
            "time_text": s.time.text if s.time else None,
            "time_start": s.time.start_date.isoformat() if s.time and s.time.start_date else None,
            "time_end": s.time.end_date.isoformat() if s.time and s.time.end_date else None,
            "time_precision": s.time.precision if s.time else None,
            "location_name": s.location.name if s.location else None,
            "quantities": [q.model_dump(exclude_none=True) for q in s.quantities] or None,
        }
        if s.asserter != AUTHOR:
            claim["claimant_ref"] = self.actor(lookup.key(s.asserter) or s.asserter, lookup.get(s.asserter), stamp)
        claim = {k: v for k, v in claim.items() if v is not None}
        what = " ".join(x for x in (lookup.name(s.subject) or "?", s.event_type.lower(),
                                    lookup.name(s.object) or "") if x)
        refs = [r for r in (rel_id, report_id, loc_id) if r]
        return stix.Note(
            id=stix_id("note", doc_id, s.id), created=stamp, modified=stamp, created_by_ref=IDENTITY_ID,
            abstract=f"{claimant} {s.stance}: {what}"[:250], content=s.quote, authors=[claimant],
            object_refs=refs, confidence=_confidence(s.confidence), lang="en",
            extensions={EXTENSION_ID: claim},
        )


def _confidence(value: float) -> int:
    """claimgraph's 0-1 confidence on STIX's 0-100 scale."""
    return max(0, min(100, round(value * 100)))


def write_stix(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
               relationship_style: str = "custom") -> ExportSummary:
    """Write a STIX 2.1 bundle. ``relationship_style="related-to"`` uses only the standard ``related-to`` type
    (the event type stays in the description and extension) for platforms that reject custom types."""
    tap = ResultTap(results)
    writer = StixWriter(out, kb, relationship_style)
    writer.start()
    for result in tap:
        writer.document(result)
    writer.finish()
    summary = tap.summary("stix", writer.count)
    summary.extra = {"notes": writer.notes, "relationships": writer.relationships}
    return summary


def validate_bundle_text(text: str) -> list[str]:
    """Errors stix2-validator finds in a bundle (empty when valid); warnings are not errors."""
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(text, ValidationOptions(version="2.1"))
    return [str(e) for e in result.errors]


__all__ = ["write_stix", "stix_id", "validate_bundle_text"]
