"""Typed models of claimgraph's data: documents, actors, mentions and statements.

These are the objects of the JSON contract (docs/json-contract.md). Field names listed there are fixed;
fields may be added. A statement is a claim: an asserter (an actor id, or ``"author"`` for the article's own
voice) takes a stance on a proposition (subject, event type, mode, object, time, place). A speech act (an
accusation, a denial) is itself a statement asserted by whoever reports it; the proposition it carries is a
separate statement whose ``parent`` is the speech act's id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AUTHOR = "author"

Stance = Literal["asserts", "denies", "predicts", "speculates"]
STANCES: tuple[str, ...] = ("asserts", "denies", "predicts", "speculates")

ActorType = Literal[
    "country",
    "government",
    "military",
    "intelligence",
    "security_forces",
    "armed_group",
    "political_org",
    "media",
    "igo",
    "ngo",
    "business",
    "population",
    "person",
    "other",
]
ACTOR_TYPES: tuple[str, ...] = ActorType.__args__  # type: ignore[attr-defined]

EventType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Document(_Model):
    """One input report. ``text`` is kept whole; every span in the output indexes into it."""

    id: str
    text: str = Field(repr=False)
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    date_origin: str | None = None  # where the date came from: "metadata", "dateline", None

    @property
    def text_chars(self) -> int:
        return len(self.text)

    def contract(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "url": self.url,
            "text_chars": self.text_chars,
        }


class Designation(_Model):
    """A listing of an actor as terrorist, sanctioned, banned... by an authority, with its date."""

    by: str  # actor id of the designating authority (e.g. USA, UN, GBR)
    list: str | None = None  # e.g. "FTO", "SDGT", "UNSC 1267", "Proscribed"
    date: dt.date | None = None
    note: str | None = None


class Affiliation(_Model):
    actor: str  # the other actor's id
    relation: str  # e.g. "province_of", "media_outlet_of", "faction_of", "ally_of", "splinter_of", "front_of"


class Period(_Model):
    """A span of time in which an actor's type, code or name differ from its defaults."""

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    type: ActorType | None = None
    code: str | None = None
    name: str | None = None
    note: str | None = None


class Actor(_Model):
    """A knowledge-base or provisional actor."""

    id: str
    name: str
    type: ActorType
    country: str | None = None  # ISO 3166-1 alpha-3
    code: str | None = None  # CAMEO-style actor code, e.g. "PAKSPY"
    aliases: list[str] = Field(default_factory=list)
    # Aliases matched case-sensitively only (acronyms and names that are also common words).
    exact_aliases: list[str] = Field(default_factory=list)
    # Names that stand for this actor in news (capitals, seats of government): "Islamabad", "the Pentagon".
    metonyms: list[str] = Field(default_factory=list)
    demonyms: list[str] = Field(default_factory=list)  # countries only: "Pakistani", "Pakistanis"
    # Names this actor shares with others and yields to any actor that claims them as a plain alias.
    weak_aliases: list[str] = Field(default_factory=list)
    parent: str | None = None
    qid: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    periods: list[Period] = Field(default_factory=list)
    affiliations: list[Affiliation] = Field(default_factory=list)
    designations: list[Designation] = Field(default_factory=list)
    description: str | None = None
    provisional: bool = False
    source_file: str | None = Field(default=None, exclude=True)
    source_line: int | None = Field(default=None, exclude=True)

    def as_of(self, date: dt.date | None) -> Actor:
        """The actor as it was on ``date``: a period in force overrides type, code and name."""
        if date is None or not self.periods:
            return self
        for period in self.periods:
            if (period.valid_from is None or period.valid_from <= date) and (
                period.valid_to is None or date <= period.valid_to
            ):
                update = {k: v for k, v in (("type", period.type), ("code", period.code), ("name", period.name)) if v}
                return self.model_copy(update=update)
        return self

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases, *self.exact_aliases]


class Mention(_Model):
    """A span of the document text that refers to an actor, and how it was resolved."""

    start: int
    end: int
    text: str
    actor: str | None = None  # actor id; None when nothing could be resolved
    rule: str = "kb"  # kb | acronym | fuzzy | metonym | demonym_org | anaphora | provisional ...
    confidence: float = 1.0
    sense: str | None = None  # for metonyms: what the name stands for ("government", "military")

    def contract(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "rule": self.rule}


class TimeExpression(_Model):
    """When an event happened or was said to happen, as an interval with a precision."""

    text: str | None = None  # the expression in the text ("in the last couple of months"), or None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    precision: Literal["day", "week", "month", "year", "years", "unknown"] = "unknown"
    relation: Literal["at", "before", "after", "during", "since", "unknown"] = "at"
    anchor: Literal["document", "absolute", "none"] = "document"
    char_start: int | None = None
    char_end: int | None = None


class Place(_Model):
    """A place attached to an event: a gazetteer entry with coordinates where one is known."""

    name: str
    country: str | None = None  # ISO alpha-3
    admin1: str | None = None
    admin1_code: str | None = None  # ISO 3166-2 code of the subdivision (of a city: the one it lies in)
    feature: str | None = None  # "country", "admin1", "city", "region"
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None
    char_start: int | None = None
    char_end: int | None = None


class Quantity(_Model):
    """A number stated with the event: casualties, recruits, counts."""

    kind: str  # "killed", "injured", "recruited", "arrested", "count"
    value: int
    text: str
    unit: str | None = None  # what was counted ("people", "persons from Kerala")
    # "dozens", "nearly 50", "about 20": the value is an estimate; with "dozens" it is a lower bound (24).
    approximate: bool = False
    bound: Literal["exact", "at_least", "at_most"] = "exact"  # "at least 12", "over 100" / "up to 50"


class Statement(_Model):
    """A claim: ``asserter`` takes ``stance`` on the proposition (subject, event_type, mode, object...)."""

    id: str
    asserter: str  # actor id or "author"
    stance: Stance
    subject: str | None
    event_type: EventType
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    object: str | None
    negated: bool = False
    time: TimeExpression | None = None
    location: Place | None = None
    quote: str
    start: int
    end: int
    trigger: str
    trigger_start: int | None = None
    trigger_end: int | None = None
    rule: str
    confidence: float
    parent: str | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    subject_text: str | None = None
    object_text: str | None = None
    asserter_text: str | None = None
    lexicon_entry: str | None = None  # id of the predicate-lexicon entry that matched the trigger

    def proposition_key(self) -> tuple[str | None, str, str | None, bool]:
        return (self.subject, self.event_type, self.object, self.negated)


class ExtractionResult(_Model):
    """What ``extract`` gives for one document: the contract's document, actors and statements."""

    document: Document
    actors: list[Actor]
    mentions: list[Mention]
    statements: list[Statement]

    def contract(self) -> dict[str, Any]:
        by_actor: dict[str, list[dict[str, Any]]] = {}
        for m in self.mentions:
            if m.actor:
                by_actor.setdefault(m.actor, []).append(m.contract())
        actors = []
        for a in self.actors:
            actors.append(
                {
                    "id": a.id,
                    "name": a.name,
                    "type": a.type,
                    "country": a.country,
                    "code": a.code,
                    "aliases": a.aliases,
                    "provisional": a.provisional,
                    "parent": a.parent,
                    "mentions": by_actor.get(a.id, []),
                }
            )
        return {
            "document": self.document.contract(),
            "actors": actors,
            "statements": [s.model_dump(mode="json") for s in self.statements],
        }
