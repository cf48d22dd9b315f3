"""The predicate, attribution, modality and light-verb lexicons, loaded from ``claimgraph/data/lexicon``.

The bundled files (``predicates_*.yaml``, ``attribution.yaml``, ``modality.yaml``, ``light_verbs.yaml``,
``party_gates.yaml``) are
read in name order, then the user's overlay files:
those named in the ``CLAIMGRAPH_LEXICON`` environment variable (paths separated by ``os.pathsep``; a
directory stands for its ``*.yaml`` files), then those passed to :func:`load_lexicon`. Every file has the
same shape - a mapping whose keys are sections (``entries``, ``reporting``, ``nominal``, ``prepositional``,
``anonymous_sources``, ``cues``, ``light_verbs``, ``party_gates``) plus ``remove`` (a list of ids to drop).
In an overlay, an entry whose id already exists in the same section replaces it. Everything is validated
against the ontology (event types, modes, contexts, stances, actor types); errors name file and line.
See docs/lexicons.md.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterable, Literal, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from .errors import DataFileError
from .models import ActorType, EventType, Stance
from .ontology import Ontology, load_ontology

ENV_VAR = "CLAIMGRAPH_LEXICON"

_LEMMA_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-'.")


def _check_words(values: list[str] | None) -> list[str] | None:
    """Lemmas are single lower-case tokens: the matcher compares them with spaCy lemmas, never raw text."""
    if values is None:
        return None
    out = []
    for value in values:
        word = str(value).strip().lower()
        if not word or not set(word) <= _LEMMA_CHARS:
            raise ValueError(f"{value!r} is not a single lower-case word (letters, digits, - ' .)")
        out.append(word)
    if len(set(out)) != len(out):
        dupes = sorted({w for w in out if out.count(w) > 1})
        raise ValueError(f"duplicate word(s) {', '.join(dupes)}")
    return out


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Constraints(_Entry):
    """Structural conditions on a trigger's head token (all optional; see docs/lexicons.md)."""

    with_child: list[str] | None = None  # a child, or the object of a child preposition, has one of these lemmas
    with_dobj: list[str] | None = None  # the direct object (or passive subject) has one of these lemmas
    with_prt: list[str] | None = None  # a particle / adverb child ("step up", "pull out")
    with_dep: list[str] | None = None  # a child with one of these dependency labels (e.g. xcomp)
    with_head: list[str] | None = None  # the head's lemma (through one preposition)
    without_child: list[str] | None = None
    without_head: list[str] | None = None
    without_dep: list[str] | None = None  # no child with one of these dependency labels ("demonstrated *the unity*")
    # the trigger's own dependency label is one of these: relational nouns ("ally", "proxy") name an event only
    # when predicated ("X became an *ally* of Y"), not when they refer ("our partners")
    as_dep: list[str] | None = None

    _words = field_validator(
        "with_child", "with_dobj", "with_prt", "with_head", "without_child", "without_head"
    )(classmethod(lambda cls, v: _check_words(v)))

    def specificity(self) -> int:
        """How constrained the entry is; among entries matching one token the most specific wins."""
        return (
            2 * bool(self.with_dobj) + 2 * bool(self.with_prt) + bool(self.with_child)
            + bool(self.with_dep) + bool(self.with_head) + bool(self.as_dep)
        )


# The targets of a noun trigger whose entry names no object prepositions: "support to Y", "attack on Y".
NOUN_OBJECT_PREPS = ("to", "against", "on", "for")


class PredicateEntry(Constraints):
    """An event trigger. The role fields are read by claimgraph/nlp/claims/roles.py; their defaults live here."""

    id: str = Field(min_length=1)
    pos: Literal["verb", "noun", "adj"]
    lemmas: list[str] = Field(min_length=1)
    event: EventType
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    # Prepositions whose object is the target, besides dobj / nsubjpass; empty: none for a verb reading, and
    # NOUN_OBJECT_PREPS for a noun reading (see object_preps_of_noun).
    object_preps: list[str] = Field(default_factory=list)
    subject_preps: list[str] = Field(default_factory=lambda: ["by"], min_length=1)  # noun triggers: the agent's
    of_role: Literal["object", "subject"] = "object"  # nouns: "N of Y" names the object (or the subject)
    symmetric: bool = False
    secondary_object: bool = False
    negative: bool = False
    reverse_roles: bool = False  # the grammatical subject is the event's object ("host": the host receives the visit)
    # False: the direct object is what is talked about, never a party ("discussed the budget", "discussed Aleppo")
    direct_object: bool = True
    examples: list[str] = Field(min_length=1)
    # Sentences in which this entry must not fire: the everyday senses, idioms and names its constraints exclude
    # (each is a test case, like the examples).
    counterexamples: list[str] = Field(default_factory=list)

    _lemmas = field_validator("lemmas", "object_preps", "subject_preps")(classmethod(lambda cls, v: _check_words(v)))

    def object_preps_of_noun(self) -> tuple[str, ...]:
        """The target prepositions when the trigger is read as a noun."""
        return tuple(self.object_preps) or NOUN_OBJECT_PREPS


class ReportingEntry(Constraints):
    id: str = Field(min_length=1)
    lemmas: list[str] = Field(min_length=1)
    speech_act: EventType | None = None
    mode: str | None = None
    content_stance: Stance
    content_via: list[str] = Field(min_length=1)
    target_is_subject: bool = False
    # Where the accused hangs when the verb's object is the deed rather than the doer ("attributed the attack
    # *to* X", "blamed the bombing *on* X"): "prep:to", "prep:on", on the verb or on its object. A direct object
    # that is no actor is then the content, and the accused is the content's subject.
    target_via: list[str] = Field(default_factory=list)
    examples: list[str] = Field(min_length=1)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))


class NominalFrame(Constraints):
    id: str = Field(min_length=1)
    lemmas: list[str] = Field(min_length=1)
    speech_act: EventType | None = None
    mode: str | None = None
    content_stance: Stance
    content_via: list[str] = Field(min_length=1)
    speaker_via: list[str] = Field(min_length=1)
    examples: list[str] = Field(min_length=1)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))

    target_is_subject: ClassVar[bool] = False  # a claim noun has no object that could be its content's subject
    target_via: ClassVar[tuple[str, ...]] = ()


class PrepositionalFrame(Constraints):
    id: str = Field(min_length=1)
    lemmas: list[str] = Field(min_length=1)
    source_via: list[str] = Field(min_length=1)
    content_stance: Stance
    examples: list[str] = Field(min_length=1)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))

    # "According to X" names a source; it is no speech act and has no target.
    speech_act: ClassVar[None] = None
    mode: ClassVar[None] = None
    target_is_subject: ClassVar[bool] = False
    target_via: ClassVar[tuple[str, ...]] = ()


# What a trigger that is also a reporting frame carries (PredicateMatch.frame).
ReportingFrame = Union[ReportingEntry, NominalFrame, PrepositionalFrame]


class SourceModifier(_Entry):
    lemmas: list[str] = Field(min_length=1)
    actor_type: ActorType

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))


class AnonymousSource(_Entry):
    id: str = Field(min_length=1)
    lemmas: list[str] = Field(min_length=1)
    actor_type: ActorType
    modifiers: list[SourceModifier] = Field(default_factory=list)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))

    def actor_type_with(self, modifier_lemmas: Iterable[str]) -> ActorType:
        """The actor type given the lemmas of the noun's modifiers ("security" officials -> security_forces)."""
        found = {m.lower() for m in modifier_lemmas}
        for modifier in self.modifiers:
            if found & set(modifier.lemmas):
                return modifier.actor_type
        return self.actor_type


# Where a cue of each kind can sit relative to the trigger, as the stance engine reads them
# (claimgraph/nlp/claims/stance.py, CUE_READINGS). Negation by the parser's "neg" label is built in, not a cue.
CUE_PLACES = frozenset({
    ("stance", "aux"), ("stance", "advmod"), ("stance", "amod"), ("stance", "governor"),
    ("negation", "governor"), ("conditional", "mark"),
})


class ModalityCue(_Entry):
    id: str = Field(min_length=1)
    kind: Literal["stance", "negation", "conditional"]
    stance: Literal["predicts", "speculates"] | None = None  # stance cues only
    attach: Literal["aux", "advmod", "amod", "governor", "mark"]
    lemmas: list[str] = Field(min_length=1)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))

    @model_validator(mode="after")
    def _readable(self) -> ModalityCue:
        if (self.kind, self.attach) not in CUE_PLACES:
            places = ", ".join(sorted(a for k, a in CUE_PLACES if k == self.kind))
            raise ValueError(f"a {self.kind} cue attaches as one of: {places} (not {self.attach})")
        if (self.stance is None) == (self.kind == "stance"):
            raise ValueError("a stance cue needs a stance; other cues take none")
        return self


class LightVerb(_Entry):
    """A support verb whose object is the event noun ("gave X a free hand", "had the backing of Y"). Which roles
    the verb's own arguments play is decided by its class in claimgraph/nlp/claims/roles.py."""

    id: str = Field(min_length=1)
    verb_class: Literal["give", "receive"] = Field(alias="class")
    lemmas: list[str] = Field(min_length=1)
    realis: Literal["actual", "desired"] = "actual"  # desired (need, seek): the subject asks for it, a REQUEST
    examples: list[str] = Field(min_length=1)

    _lemmas = field_validator("lemmas")(classmethod(lambda cls, v: _check_words(v)))


class PartyGate(_Entry):
    """An argument-type constraint: a statement of one of ``events`` needs a party (subject or object) of one of
    ``types`` - "help the neighbours", "a woman telephoned the police", "the lawyer asked the agent" are everyday
    senses, not political events. Read by claimgraph/nlp/claims/gates.py."""

    id: str = Field(min_length=1)
    events: list[EventType] = Field(min_length=1)
    types: list[ActorType] = Field(min_length=1)
    # a person of the knowledge base (not a provisional name) counts: notable people act for their office
    known_persons: bool = True
    examples: list[str] = Field(min_length=1)
    counterexamples: list[str] = Field(default_factory=list)


# section name -> (model, label used in error messages)
SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "entries": (PredicateEntry, "predicate entry"),
    "reporting": (ReportingEntry, "reporting entry"),
    "nominal": (NominalFrame, "nominal frame"),
    "prepositional": (PrepositionalFrame, "prepositional frame"),
    "anonymous_sources": (AnonymousSource, "anonymous source"),
    "cues": (ModalityCue, "modality cue"),
    "light_verbs": (LightVerb, "light verb"),
    "party_gates": (PartyGate, "party gate"),
}
# Sections whose ids share one namespace, because they all become PredicateMatch.entry_id values.
_MATCH_SECTIONS = ("entries", "reporting", "nominal", "prepositional")


@dataclass(frozen=True)
class Origin:
    path: str
    line: int | None


@dataclass
class Lexicon:
    """All lexicons, with lemma indices for the matcher. Built by :func:`load_lexicon`."""

    predicates: list[PredicateEntry]
    reporting: list[ReportingEntry]
    nominal: list[NominalFrame]
    prepositional: list[PrepositionalFrame]
    anonymous_sources: list[AnonymousSource]
    cues: list[ModalityCue]
    light_verbs: list[LightVerb]
    files: list[str]
    party_gates: list[PartyGate] = field(default_factory=list)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)  # (section, id) -> where it was defined
    predicates_by_lemma: dict[tuple[str, str], list[PredicateEntry]] = field(default_factory=dict)
    reporting_by_lemma: dict[str, list[ReportingEntry]] = field(default_factory=dict)
    nominal_by_lemma: dict[str, list[NominalFrame]] = field(default_factory=dict)
    prepositional_by_lemma: dict[str, list[PrepositionalFrame]] = field(default_factory=dict)
    anonymous_by_lemma: dict[str, AnonymousSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.predicates:
            for lemma in entry.lemmas:
                self.predicates_by_lemma.setdefault((lemma, entry.pos), []).append(entry)
        _index(self.reporting, self.reporting_by_lemma)
        _index(self.nominal, self.nominal_by_lemma)
        _index(self.prepositional, self.prepositional_by_lemma)
        for source in self.anonymous_sources:
            for lemma in source.lemmas:
                self.anonymous_by_lemma.setdefault(lemma, source)

    def party_gate(self, event: str) -> PartyGate | None:
        """The argument-type constraint on statements of ``event``, if any (the first file's that names it)."""
        return next((g for g in self.party_gates if event in g.events), None)

    def predicate(self, entry_id: str) -> PredicateEntry | None:
        return next((e for e in self.predicates if e.id == entry_id), None)

    def anonymous_source(self, lemma: str, modifier_lemmas: Iterable[str] = ()) -> ActorType | None:
        """The actor type an anonymous-source noun stands for ("official" + ["security"] -> security_forces)."""
        source = self.anonymous_by_lemma.get(lemma.lower())
        return source.actor_type_with(modifier_lemmas) if source else None


def _index(entries: Sequence[Any], index: dict[str, list[Any]]) -> None:
    for entry in entries:
        for lemma in entry.lemmas:
            index.setdefault(lemma, []).append(entry)


# Other components keep their own data files in the same directory; only these belong to this loader.
BUNDLED_PATTERNS = ("predicates_*.yaml", "attribution.yaml", "modality.yaml", "light_verbs.yaml", "party_gates.yaml")


def bundled_files() -> list[Path]:
    directory = package_data_path("lexicon")
    return sorted({p for pattern in BUNDLED_PATTERNS for p in directory.glob(pattern)})


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        if not str(raw).strip():
            continue
        path = Path(raw).expanduser()
        out.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return out


def env_files() -> list[Path]:
    """Overlay files named by ``CLAIMGRAPH_LEXICON`` (``os.pathsep``-separated files or directories)."""
    return _expand(os.environ.get(ENV_VAR, "").split(os.pathsep))


def load_lexicon(extra_paths: Sequence[str | Path] = (), *, use_env: bool = True) -> Lexicon:
    """The bundled lexicons, then ``CLAIMGRAPH_LEXICON`` overlays (if ``use_env``), then ``extra_paths``.

    Results are cached per list of files, so pipelines built with the same overlays share one Lexicon.
    """
    overlays = (env_files() if use_env else []) + _expand(extra_paths)
    return _load_cached(tuple(str(p) for p in overlays))


@functools.lru_cache(maxsize=8)
def _load_cached(overlays: tuple[str, ...]) -> Lexicon:
    return build_lexicon(bundled_files(), [Path(p) for p in overlays], load_ontology())


def build_lexicon(base: Sequence[Path], overlays: Sequence[Path], ontology: Ontology) -> Lexicon:
    """Merge ``base`` files (ids must be unique) and ``overlays`` (same id replaces) and validate."""
    records: dict[str, dict[str, tuple[BaseModel, Origin]]] = {name: {} for name in SECTIONS}
    for path, overlay in [(p, False) for p in base] + [(p, True) for p in overlays]:
        data = load_yaml(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise DataFileError(path, "a lexicon file must be a mapping of sections", 1)
        for key in data:
            if key != LINE_KEY and key not in SECTIONS and key != "remove":
                allowed = ", ".join([*SECTIONS, "remove"])
                raise DataFileError(path, f"unknown section {key!r} (expected one of: {allowed})", _line_of_key(path, key))
        for entry_id in data.get("remove") or []:
            if not any(records[name].pop(str(entry_id), None) for name in SECTIONS):
                raise DataFileError(path, f"remove: no entry with id {entry_id!r}", _line_of_key(path, "remove"))
        for name, (model, label) in SECTIONS.items():
            raws = data.get(name)
            if raws is None:
                continue
            if not isinstance(raws, list):
                raise DataFileError(path, f"section {name!r} must be a list", _line_of_key(path, name))
            for raw in raws:
                entry = validate_record(model, raw, path, label)
                origin = Origin(str(path), raw.get(LINE_KEY))
                _check_entry(entry, origin, ontology)
                _place(records, name, entry, origin, overlay)
    lex = Lexicon(
        predicates=[m for m, _ in records["entries"].values()],  # type: ignore[misc]
        reporting=[m for m, _ in records["reporting"].values()],  # type: ignore[misc]
        nominal=[m for m, _ in records["nominal"].values()],  # type: ignore[misc]
        prepositional=[m for m, _ in records["prepositional"].values()],  # type: ignore[misc]
        anonymous_sources=[m for m, _ in records["anonymous_sources"].values()],  # type: ignore[misc]
        cues=[m for m, _ in records["cues"].values()],  # type: ignore[misc]
        light_verbs=[m for m, _ in records["light_verbs"].values()],  # type: ignore[misc]
        party_gates=[m for m, _ in records["party_gates"].values()],  # type: ignore[misc]
        files=[str(p) for p in [*base, *overlays]],
        origins={(name, i): o for name, recs in records.items() for i, (_, o) in recs.items()},
    )
    return lex


def _place(records: dict[str, dict[str, tuple[BaseModel, Origin]]], name: str, entry: Any, origin: Origin,
           overlay: bool) -> None:
    entry_id = entry.id
    if entry_id in records[name]:
        if not overlay:
            first = records[name][entry_id][1]
            raise DataFileError(origin.path, f"duplicate id {entry_id!r} (first at {first.path}:{first.line})", origin.line)
        records[name][entry_id] = (entry, origin)  # an overlay replaces the bundled entry with the same id
        return
    if name in _MATCH_SECTIONS:
        for other in _MATCH_SECTIONS:
            if other != name and entry_id in records[other]:
                first = records[other][entry_id][1]
                raise DataFileError(
                    origin.path, f"id {entry_id!r} is already used in section {other!r} ({first.path}:{first.line})",
                    origin.line,
                )
    records[name][entry_id] = (entry, origin)


def _check_entry(entry: Any, origin: Origin, ontology: Ontology) -> None:
    """Cross-checks against the ontology that pydantic cannot do alone."""
    where = (origin.path, origin.line)
    event = getattr(entry, "event", None) or getattr(entry, "speech_act", None)
    if event is not None and event not in ontology.events:
        raise DataFileError(where[0], f"{entry.id!r}: unknown PLOVER event {event!r}", where[1])
    mode = getattr(entry, "mode", None)
    if mode is not None:
        if event is None:
            raise DataFileError(where[0], f"{entry.id!r}: a mode needs an event type", where[1])
        if not ontology.has_mode(event, mode):
            known = ", ".join(sorted(ontology.modes(event))) or "none"
            raise DataFileError(where[0], f"{entry.id!r}: {mode!r} is not a mode of {event} (modes: {known})", where[1])
    for context in getattr(entry, "context", []) or []:
        if not ontology.has_context(context):
            raise DataFileError(where[0], f"{entry.id!r}: unknown PLOVER context {context!r}", where[1])
    stance = getattr(entry, "content_stance", None) or getattr(entry, "stance", None)
    if stance is not None and stance not in ontology.stances:
        raise DataFileError(where[0], f"{entry.id!r}: unknown stance {stance!r}", where[1])
    for gated in getattr(entry, "events", None) or []:
        if gated not in ontology.events:
            raise DataFileError(where[0], f"{entry.id!r}: unknown PLOVER event {gated!r}", where[1])
    types = [getattr(entry, "actor_type", None)] + [m.actor_type for m in getattr(entry, "modifiers", [])]
    types += list(getattr(entry, "types", None) or [])
    for actor_type in filter(None, types):
        if actor_type not in ontology.actor_types:
            raise DataFileError(where[0], f"{entry.id!r}: unknown actor type {actor_type!r}", where[1])


def _line_of_key(path: Path, key: str) -> int | None:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((n for n, line in enumerate(lines, start=1) if line.startswith(f"{key}:")), None)


__all__ = [
    "ENV_VAR", "Lexicon", "PredicateEntry", "ReportingEntry", "NominalFrame", "PrepositionalFrame",
    "AnonymousSource", "SourceModifier", "ModalityCue", "LightVerb", "PartyGate", "CUE_PLACES", "NOUN_OBJECT_PREPS",
    "ReportingFrame", "Constraints", "Origin",
    "load_lexicon", "build_lexicon", "bundled_files", "env_files",
]
