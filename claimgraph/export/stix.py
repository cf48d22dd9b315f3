"""STIX 2.1 bundle export, written object by object so a long stream of documents never sits in memory.

Mapping (docs/exports.md): armed groups are ``threat-actor``; states, agencies, parties, outlets and people are
``identity``; places are ``location`` typed for OpenCTI; each document is a ``report`` (a ``grouping`` when it
has no date, since a report must have a publication date); each proposition (subject, event type, object) is a
``relationship``, written at the end of the bundle with what the claims say about it (counts, dates, a
confidence that is 0 unless something asserts it); each claim is an ``opinion`` of its claimant on that
relationship (``created_by_ref`` the claimant's identity, the outlet's for the report's own voice), or a
``note`` on the report when it names no pair of actors. Ids are UUIDv5 over a claimgraph namespace and each
object's natural key, so two exports of the same results are identical and objects from different exports
dedupe.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable

import stix2.v21 as stix

from ..kb import KnowledgeBase
from ..models import AUTHOR, Actor, ExtractionResult, Place, Statement
from .common import ActorLookup, ExportOptions, ExportSummary, ResultTap, document_url, outlet, uri
from .stix_types import OPINIONS, STYLES, location_type, opencti_type, relationship_type

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/claimgraph/claimgraph")
SCHEMA_URL = "https://github.com/claimgraph/claimgraph/blob/main/docs/stix-extension.json"
EXTENSION_VERSION = "2.0.0"
# Fixed so re-exports are byte-identical: the date the extension's version was defined.
EXTENSION_CREATED = dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)
# STIX requires ``created``/``modified`` even when a document has no date; the epoch marks "unknown". (No
# report is ever published on it: an undated document is a grouping, which has no publication date.)
UNKNOWN_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
UNKNOWN_OUTLET = "unknown outlet"
_NAMES_KEPT = 5  # claimant names per stance listed in a relationship's description

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


@functools.lru_cache(maxsize=512)
def country_name(alpha3: str) -> str:
    """The country's common name ("Pakistan", "Iran"), for the Country location OpenCTI keys by name."""
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3.upper())
    if country is None:
        return alpha3
    return getattr(country, "common_name", None) or country.name


@dataclass
class _Proposition:
    """What the claims in this export say about one proposition; its relationship is written at the end."""

    source: str
    target: str
    source_type: str
    target_type: str
    subject_name: str
    object_name: str
    event_type: str
    negated: bool
    subject: str
    object: str
    created: dt.datetime
    stances: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPINIONS, 0))
    names: dict[str, list[str]] = field(default_factory=dict)
    parties: dict[str, set[str]] = field(default_factory=lambda: {"asserts": set(), "denies": set()})
    best_assert: float = 0.0
    first: dt.date | None = None
    last: dt.date | None = None

    def add(self, s: Statement, claimant: str, party: str, when: tuple[dt.date | None, dt.date | None]) -> None:
        self.stances[s.stance] += 1
        names = self.names.setdefault(s.stance, [])
        if claimant not in names and len(names) < _NAMES_KEPT:
            names.append(claimant)
        if s.stance in self.parties:
            self.parties[s.stance].add(party)
        if s.stance == "asserts":
            self.best_assert = max(self.best_assert, s.confidence)
        start, end = when
        if start and (self.first is None or start < self.first):
            self.first = start
        if end and (self.last is None or end > self.last):
            self.last = end

    @property
    def contested(self) -> bool:
        asserts, denies = self.parties["asserts"], self.parties["denies"]
        return bool(asserts) and bool(denies) and not (len(asserts) == 1 and asserts == denies)

    def confidence(self) -> int:
        """How far the claims support it, 0-100: the best confidence of a statement asserting it, times the
        share of asserting among asserting and denying statements; 0 when nothing asserts it."""
        asserts, denies = self.stances["asserts"], self.stances["denies"]
        if not asserts:
            return 0
        return _confidence(self.best_assert * asserts / (asserts + denies))

    def description(self, rel_type: str) -> str:
        verb = ("did not " if self.negated else "") + self.event_type
        said = "; ".join(
            f"{stance} {n}" + (f" ({', '.join(self.names.get(stance, []))}"
                               + (", ..." if n > len(self.names.get(stance, [])) else "") + ")")
            for stance, n in self.stances.items() if n)
        state = "contested" if self.contested else ("asserted" if self.stances["asserts"] else "not asserted")
        return (f"Claimed, not established: {self.subject_name} {verb} {self.object_name} (PLOVER "
                f"{self.event_type}{', negated' if self.negated else ''}; STIX {rel_type}). Claims in this "
                f"export: {said}; {state}. Each claim is an opinion on this relationship.")


class StixWriter:
    """Writes one bundle: ``{"type": "bundle", "objects": [...], "id": ...}``, the id last because it is a
    digest of the object ids and so is only known at the end."""

    def __init__(self, out: BinaryIO, kb: KnowledgeBase, options: ExportOptions | None = None):
        self.out = out
        self.kb = kb
        self.options = options or ExportOptions()
        if self.options.relationships not in STYLES:
            from .common import ExportError

            raise ExportError(f"unknown STIX relationship style {self.options.relationships!r}; choose one of "
                              f"{', '.join(STYLES)}")
        self.written: set[str] = set()  # ids only: what dedupes objects across documents
        self.kinds: dict[str, str] = {}  # SDO id -> OpenCTI entity type, for choosing relationship types
        self.propositions: dict[str, _Proposition] = {}
        self.digest = hashlib.sha256()
        self.count = 0
        self.counts: dict[str, int] = {}

    # ---- output ----------------------------------------------------------------------------------------
    def _emit(self, obj: Any) -> str:  # any stix2 v2.1 object
        if obj.id in self.written:
            return obj.id
        self.out.write(b",\n" if self.count else b"\n")
        self.out.write(obj.serialize(sort_keys=True).encode("utf-8"))
        self.written.add(obj.id)
        self.digest.update(obj.id.encode("ascii"))
        self.count += 1
        self.counts[obj.type] = self.counts.get(obj.type, 0) + 1
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
                        "a report, on opinions and notes (claims) and relationships (propositions).",
        ))

    def finish(self) -> None:
        for key, prop in self.propositions.items():
            self._relationship(key, prop)
        bundle_id = f"bundle--{uuid.uuid5(NAMESPACE, self.digest.hexdigest())}"
        self.out.write(f'\n], "id": "{bundle_id}"}}\n'.encode("ascii"))

    # ---- actors, outlets, places -------------------------------------------------------------------------
    def actor(self, key: str, actor: Actor | None, first_seen: dt.datetime) -> str:
        """The SDO for the actor with store-wide key ``key`` (written once); its id."""
        if actor is None:
            sdo_id = stix_id("identity", "actor", key)
            if sdo_id not in self.written:
                self._emit(stix.Identity(id=sdo_id, name=key, identity_class="unknown", created=first_seen,
                                         modified=first_seen, created_by_ref=IDENTITY_ID))
                self.kinds[sdo_id] = "Organization"
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
            self.kinds[sdo_id] = opencti_type("threat-actor")
        else:
            names = [a for a in dict.fromkeys(actor.aliases + actor.exact_aliases + actor.metonyms) if a != actor.name]
            if names:  # identity has no aliases property; keep them findable in the description
                description = (description + " " if description else "") + "Also known as: " + "; ".join(names) + "."
            extra = {"sectors": _SECTORS[actor.type]} if actor.type in _SECTORS else {}
            identity_class = _IDENTITY_CLASS.get(actor.type, "organization")
            obj = stix.Identity(identity_class=identity_class, description=description, **extra, **common)
            self.kinds[sdo_id] = opencti_type("identity", identity_class)
        self._emit(obj)
        country = alpha2(actor.country)
        if country and actor.country:
            loc_id = self.country(actor.country, first_seen)
            self._emit(stix.Relationship(
                id=stix_id("relationship", "located-at", sdo_id, loc_id), relationship_type="located-at",
                source_ref=sdo_id, target_ref=loc_id, created=first_seen, modified=first_seen,
                created_by_ref=IDENTITY_ID))
        return sdo_id

    def country(self, alpha3: str, first_seen: dt.datetime) -> str:
        """The one Country location of a real ISO country (an actor's country and a statement's place alike)."""
        code = alpha2(alpha3)
        return self._emit(stix.Location(
            id=stix_id("location", "country", code), name=country_name(alpha3), country=code, created=first_seen,
            modified=first_seen, created_by_ref=IDENTITY_ID, custom_properties={"x_opencti_location_type": "Country"}))

    def speaker(self, key: str, actor: Actor | None, first_seen: dt.datetime) -> str:
        """The identity that signs a claimant's opinions (``created_by_ref`` must be an identity). An armed
        group's threat-actor gets an identity of its own, to which the threat-actor is ``attributed-to``."""
        sdo_id = self.actor(key, actor, first_seen)
        if not sdo_id.startswith("threat-actor--"):
            return sdo_id
        identity_id = stix_id("identity", "speaker", key)
        if identity_id not in self.written:
            assert actor is not None  # an unknown actor is an identity already
            self._emit(stix.Identity(
                id=identity_id, name=actor.name, identity_class="organization", created=first_seen,
                modified=first_seen, created_by_ref=IDENTITY_ID,
                description=f"{actor.name} as the author of statements (the threat actor is attributed to it).",
                external_references=[stix.ExternalReference(source_name="claimgraph", external_id=key)]))
            self._emit(stix.Relationship(
                id=stix_id("relationship", "attributed-to", sdo_id, identity_id), relationship_type="attributed-to",
                source_ref=sdo_id, target_ref=identity_id, created=first_seen, modified=first_seen,
                created_by_ref=IDENTITY_ID))
        return identity_id

    def outlet(self, name: str | None, first_seen: dt.datetime) -> str:
        """The identity of the outlet that published a report (and is the voice of its 'author' claims)."""
        name = name or UNKNOWN_OUTLET
        sdo_id = stix_id("identity", "outlet", name)
        if sdo_id not in self.written:
            description = ("The outlet of reports that did not name one." if name == UNKNOWN_OUTLET
                           else "News outlet: publisher of reports claimgraph read.")
            self._emit(stix.Identity(id=sdo_id, name=name, identity_class="organization", sectors=["communications"],
                                     created=first_seen, modified=first_seen, created_by_ref=IDENTITY_ID,
                                     description=description))
        return sdo_id

    def place(self, place: Place, first_seen: dt.datetime) -> str | None:
        country = alpha2(place.country)
        has_point = place.latitude is not None and place.longitude is not None
        if not country and not has_point:
            return None  # STIX needs a country, a region or coordinates; the name stays in the claim's extension
        kind = location_type(place)
        if kind == "Country" and country and place.country:
            return self.country(place.country, first_seen)
        if kind == "Position" and not has_point:
            return None
        key = place.geonameid if place.geonameid is not None else (place.name, place.country, place.latitude,
                                                                    place.longitude)
        extra: dict = {}
        if has_point:
            extra.update(latitude=place.latitude, longitude=place.longitude)
        if country:
            extra["country"] = country
        if place.admin1:
            extra["administrative_area"] = place.admin1
        if kind == "City":
            extra["city"] = place.name
        if place.feature == "admin1" and place.admin1_code:
            extra["external_references"] = [{"source_name": "iso-3166-2", "external_id": place.admin1_code}]
        return self._emit(stix.Location(id=stix_id("location", "place", key), name=place.name, created=first_seen,
                                        modified=first_seen, created_by_ref=IDENTITY_ID,
                                        custom_properties={"x_opencti_location_type": kind}, **extra))

    # ---- documents and claims ----------------------------------------------------------------------------
    def document(self, result: ExtractionResult) -> None:
        document = result.document
        stamp = _stamp(document.date)
        lookup = ActorLookup(result, self.kb)
        source = outlet(result, self.options)
        outlet_id = self.outlet(source, stamp)
        refs: dict[str, None] = {}
        for actor in result.actors:
            refs[self.actor(lookup.key(actor.id) or actor.id, actor, stamp)] = None
        container_id = stix_id("report" if document.date else "grouping", document.id)
        claim_ids = {s.id: self._claim_id(document.id, s) for s in result.statements}
        for s in result.statements:
            rel_id = self._proposition(result, s, lookup, source, stamp)
            loc_id = self.place(s.location, stamp) if s.location else None
            claimant = self._claimant(s, lookup, source, outlet_id, stamp)
            refs[claimant[0]] = None
            if rel_id is not None:
                refs[self.propositions[rel_id].source] = refs[self.propositions[rel_id].target] = None
                self._emit(self._opinion(result, s, lookup, claimant, [rel_id, container_id, loc_id], claim_ids,
                                         stamp))
            else:
                subject = self._subject(s, lookup, stamp)
                targets = [r for r in (container_id, subject, loc_id) if r]
                self._emit(self._note(result, s, lookup, claimant, targets, claim_ids, stamp))
            for ref in (rel_id, loc_id, claim_ids[s.id]):
                if ref:
                    refs[ref] = None
        url = uri(document_url(result, self.options))
        reference: dict = {"source_name": source or "claimgraph", "external_id": document.id}
        if url:
            reference["url"] = url
        elif document_url(result, self.options):
            reference["description"] = f"address as given: {document_url(result, self.options)}"
        common = dict(id=container_id, name=document.title or document.id, created=stamp, modified=stamp,
                      created_by_ref=outlet_id, object_refs=list(refs) or [outlet_id], lang="en",
                      external_references=[stix.ExternalReference(**reference)])
        if document.date:
            self._emit(stix.Report(published=stamp, report_types=["threat-report"], **common))
        else:  # a report must have a publication date; a grouping is the same container without one
            self._emit(stix.Grouping(context="unspecified", description="A document with no known date.", **common))

    def _claim_id(self, doc_id: str, s: Statement) -> str:
        kind = "opinion" if s.subject and s.object and AUTHOR not in (s.subject, s.object) else "note"
        return stix_id(kind, doc_id, s.id)

    def _proposition(self, result: ExtractionResult, s: Statement, lookup: ActorLookup, source: str | None,
                     stamp: dt.datetime) -> str | None:
        """The id of the statement's relationship (tallied here, written at the end); None without a pair."""
        if not (s.subject and s.object) or AUTHOR in (s.subject, s.object):
            return None
        subject, obj = lookup.key(s.subject) or s.subject, lookup.key(s.object) or s.object
        rel_id = stix_id("relationship", subject, s.event_type, obj, s.negated)
        prop = self.propositions.get(rel_id)
        if prop is None:
            src, tgt = self.actor(subject, lookup.get(s.subject), stamp), self.actor(obj, lookup.get(s.object), stamp)
            prop = self.propositions[rel_id] = _Proposition(
                source=src, target=tgt, source_type=self.kinds[src], target_type=self.kinds[tgt],
                subject_name=lookup.name(s.subject) or subject, object_name=lookup.name(s.object) or obj,
                event_type=s.event_type, negated=s.negated, subject=subject, object=obj, created=stamp)
        claimant = lookup.name(s.asserter, _author_name(source)) or s.asserter
        party = f"author@{source or result.document.id}" if s.asserter == AUTHOR else (lookup.key(s.asserter) or "")
        start = s.time.start_date if s.time and s.time.start_date else result.document.date
        end = (s.time.end_date or s.time.start_date) if s.time and (s.time.end_date or s.time.start_date) else start
        prop.add(s, claimant, party, (start, end))
        return rel_id

    def _claimant(self, s: Statement, lookup: ActorLookup, source: str | None, outlet_id: str,
                  stamp: dt.datetime) -> tuple[str, str]:
        """(identity id, name) of who makes the claim: the outlet for the report's own voice."""
        if s.asserter == AUTHOR:
            return outlet_id, _author_name(source)
        key = lookup.key(s.asserter) or s.asserter
        return self.speaker(key, lookup.get(s.asserter), stamp), lookup.name(s.asserter) or key

    def _subject(self, s: Statement, lookup: ActorLookup, stamp: dt.datetime) -> str | None:
        if not s.subject or s.subject == AUTHOR:
            return None
        return self.actor(lookup.key(s.subject) or s.subject, lookup.get(s.subject), stamp)

    def _claim(self, result: ExtractionResult, s: Statement, lookup: ActorLookup, claimant: tuple[str, str],
               claim_ids: dict[str, str]) -> dict:
        """The claim extension: everything claimgraph knows about the statement."""
        claim = {
            "extension_type": "property-extension",
            "statement_id": s.id, "document_id": result.document.id,
            "claimant": lookup.key(s.asserter), "claimant_name": claimant[1], "claimant_ref": claimant[0],
            "stance": s.stance,
            "subject": lookup.key(s.subject), "subject_name": lookup.name(s.subject),
            "event_type": s.event_type, "mode": s.mode, "context": s.context or None,
            "object": lookup.key(s.object), "object_name": lookup.name(s.object), "negated": s.negated,
            "quote": s.quote, "span_start": s.start, "span_end": s.end,
            "trigger": s.trigger, "trigger_start": s.trigger_start, "trigger_end": s.trigger_end,
            "rule": s.rule, "confidence": _confidence(s.confidence),
            "parent_statement_id": s.parent,
            "parent_ref": claim_ids.get(s.parent) if s.parent else None,
            "time_text": s.time.text if s.time else None,
            "time_start": s.time.start_date.isoformat() if s.time and s.time.start_date else None,
            "time_end": s.time.end_date.isoformat() if s.time and s.time.end_date else None,
            "time_precision": s.time.precision if s.time else None,
            "location_name": s.location.name if s.location else None,
            "quantities": [q.model_dump(exclude_none=True) for q in s.quantities] or None,
        }
        return {k: v for k, v in claim.items() if v is not None}

    def _what(self, s: Statement, lookup: ActorLookup) -> str:
        verb = ("did not " if s.negated else "") + s.event_type
        return " ".join(x for x in (lookup.name(s.subject) or "(someone)", verb, lookup.name(s.object) or "") if x)

    def _opinion(self, result: ExtractionResult, s: Statement, lookup: ActorLookup, claimant: tuple[str, str],
                 targets: list[str | None], claim_ids: dict[str, str], stamp: dt.datetime) -> Any:
        """The claimant's opinion on the proposition (and on the report it was made in, which is where MISP,
        having no relationships between events' objects, keeps it)."""
        return stix.Opinion(
            id=claim_ids[s.id], created=stamp, modified=stamp, created_by_ref=claimant[0], authors=[claimant[1]],
            opinion=OPINIONS[s.stance], object_refs=[r for r in targets if r],
            explanation=f"{claimant[1]} {s.stance}: {self._what(s, lookup)}. Quote: \u201c{s.quote}\u201d",
            confidence=_confidence(s.confidence), lang="en",
            extensions={EXTENSION_ID: self._claim(result, s, lookup, claimant, claim_ids)},
        )

    def _note(self, result: ExtractionResult, s: Statement, lookup: ActorLookup, claimant: tuple[str, str],
              targets: list[str], claim_ids: dict[str, str], stamp: dt.datetime) -> Any:
        """A claim that names no pair of actors ("the VLF bombed a depot"): a note on the report, written by
        claimgraph (the note's author), saying who claims what."""
        return stix.Note(
            id=claim_ids[s.id], created=stamp, modified=stamp, created_by_ref=IDENTITY_ID, authors=["claimgraph"],
            abstract=f"{claimant[1]} {s.stance}: {self._what(s, lookup)}"[:250], content=s.quote,
            object_refs=targets, confidence=_confidence(s.confidence), lang="en",
            extensions={EXTENSION_ID: self._claim(result, s, lookup, claimant, claim_ids)},
        )

    def _relationship(self, key: str, prop: _Proposition) -> None:
        rel_type = relationship_type(self.options.relationships, prop.event_type, prop.negated, prop.source_type,
                                     prop.target_type)
        dates: dict = {}
        if prop.first:
            dates["start_time"] = _stamp(prop.first)
            # stop_time must be later than start_time: the end of the last day the claims date it to
            dates["stop_time"] = _stamp((prop.last or prop.first) + dt.timedelta(days=1))
        last = _stamp(prop.last) if prop.last else prop.created
        self._emit(stix.Relationship(
            id=key, relationship_type=rel_type, source_ref=prop.source, target_ref=prop.target,
            created=prop.created, modified=max(last, prop.created), created_by_ref=IDENTITY_ID,
            confidence=prop.confidence(), labels=["claim", "contested"] if prop.contested else ["claim"],
            description=prop.description(rel_type), **dates,
            extensions={EXTENSION_ID: {"extension_type": "property-extension", "event_type": prop.event_type,
                                       "negated": prop.negated, "subject": prop.subject, "object": prop.object,
                                       "stance_counts": {k: v for k, v in prop.stances.items() if v},
                                       "contested": prop.contested}},
        ))


def _author_name(source: str | None) -> str:
    return f"author ({source})" if source else AUTHOR


def _confidence(value: float) -> int:
    """claimgraph's 0-1 confidence on STIX's 0-100 scale."""
    return max(0, min(100, round(value * 100)))


def write_stix(results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
               options: ExportOptions | None = None) -> ExportSummary:
    """Write a STIX 2.1 bundle. ``options.relationships`` picks the relationship types: ``standard`` (default;
    the STIX/OpenCTI type where one fits, else ``related-to``), ``related-to`` only, or ``custom``."""
    tap = ResultTap(results)
    writer = StixWriter(out, kb, options)
    writer.start()
    for result in tap:
        writer.document(result)
    reviews = 0
    if writer.options.judgements is not None:
        from .stix_reviews import write_reviews

        reviews = write_reviews(writer._emit, writer.written, writer.options.judgements, stix_id)
    writer.finish()
    summary = tap.summary("stix", writer.count)
    summary.extra = {k: writer.counts.get(k, 0) for k in ("opinion", "note", "relationship")}
    if reviews:
        summary.extra["review opinions"] = reviews
    return summary


def validate_bundle_text(text: str) -> list[str]:
    """Errors stix2-validator finds in a bundle (empty when valid); warnings are not errors."""
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(text, ValidationOptions(version="2.1"))
    return [str(e) for e in result.errors]


__all__ = ["write_stix", "stix_id", "validate_bundle_text"]
