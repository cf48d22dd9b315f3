"""The data the actor linker reads: sector nouns (``sector_nouns.yaml``), descriptions (``descriptions.yaml``) and
the words written before people's names (``person_titles.yaml``).

Both files are validated on load; errors name the file and line.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ...datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from ...errors import DataFileError
from ...models import ActorType


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sector(_Record):
    type: ActorType
    name: str  # template with {adj} and {country}
    code: str | None = None  # CAMEO sector code of a derived actor ({ISO3} + code); default: the suffix itself


class SectorNoun(_Record):
    phrase: str  # lower-case lemmas separated by spaces
    suffixes: tuple[str, ...]


class Description(_Record):
    head: str  # lower-case lemma(s)
    types: tuple[ActorType, ...]
    plural: Literal["yes", "no"] = "no"
    country_suffixes: tuple[str, ...] = ()
    named: bool = False  # refers only to an actor called by the head ("the coalition")


class Pronoun(_Record):
    form: str
    role: Literal["subject", "object", "possessive", "reflexive"]
    types: tuple[ActorType, ...]


class SectorLexicon(_Record):
    sectors: dict[str, Sector]
    nouns: tuple[SectorNoun, ...]
    armed_group_heads: frozenset[str] = frozenset()
    org_type_cues: dict[ActorType, tuple[str, ...]] = Field(default_factory=dict)
    org_heads: frozenset[str] = frozenset()
    # Unnamed agents and victims ("gunmen", "civilians", "protesters"): actor type -> noun lemmas. Such a noun
    # phrase, when it is an argument, becomes a provisional actor (as event datasets code "unidentified gunmen").
    generic_agents: dict[ActorType, tuple[str, ...]] = Field(default_factory=dict)

    @functools.cached_property
    def by_phrase(self) -> dict[tuple[str, ...], SectorNoun]:
        return {tuple(n.phrase.split()): n for n in self.nouns}

    @functools.cached_property
    def max_len(self) -> int:
        return max((len(k) for k in self.by_phrase), default=1)


class DescriptionLexicon(_Record):
    determiners: frozenset[str]
    descriptions: tuple[Description, ...]
    pronouns: tuple[Pronoun, ...]
    pleonastic_adjectives: frozenset[str] = frozenset()
    pleonastic_verbs: frozenset[str] = frozenset()

    @functools.cached_property
    def by_head(self) -> dict[tuple[str, ...], Description]:
        return {tuple(d.head.split()): d for d in self.descriptions}

    @functools.cached_property
    def by_form(self) -> dict[str, Pronoun]:
        return {p.form: p for p in self.pronouns}


class Honorific(_Record):
    form: str
    gender: Literal["m", "f"] | None = None


class PersonTitles(_Record):
    """Words before a name: ``office`` titles may corroborate a knowledge-base person's bare surname, ``other``
    ranks and occupations say it is someone else, ``honorific`` ones say only that (and perhaps the gender)."""

    office: frozenset[str]
    other: frozenset[str]
    honorific: tuple[Honorific, ...]
    government_nouns: frozenset[str]  # "Assad's regime": a person's government

    @functools.cached_property
    def gender(self) -> dict[str, str]:
        return {h.form: h.gender for h in self.honorific if h.gender}

    @functools.cached_property
    def all_words(self) -> frozenset[str]:
        return self.office | self.other | frozenset(h.form for h in self.honorific)

    def kind(self, word: str) -> str | None:
        """"office", "other", "honorific" or None for a token text ("Gen." -> "office")."""
        key = word.lower().rstrip(".")
        if key in self.office:
            return "office"
        if key in self.other:
            return "other"
        if any(h.form == key for h in self.honorific):
            return "honorific"
        return None


_ITEM_MODELS: dict[str, type[BaseModel]] = {"nouns": SectorNoun, "descriptions": Description, "pronouns": Pronoun,
                                            "honorific": Honorific}


def _load(path: Path, model: type[BaseModel], what: str) -> BaseModel:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, f"a {what} file is a mapping", 1)
    # Validate list items one by one first so that an error names the line of the bad item.
    for key, value in data.items():
        if key in _ITEM_MODELS and isinstance(value, list):
            for item in value:
                validate_record(_ITEM_MODELS[key], item, path, key.rstrip("s"))
        elif key == "sectors" and isinstance(value, dict):
            for sector_id, sector in value.items():
                if sector_id != LINE_KEY:
                    validate_record(Sector, sector, path, f"sector {sector_id}")
    return validate_record(model, data, path, what)


@functools.lru_cache(maxsize=4)
def load_sector_lexicon(path: str | None = None) -> SectorLexicon:
    lexicon = _load(Path(path) if path else package_data_path("lexicon", "sector_nouns.yaml"), SectorLexicon,
                    "sector nouns")
    assert isinstance(lexicon, SectorLexicon)
    for noun in lexicon.nouns:
        unknown = [s for s in noun.suffixes if s not in lexicon.sectors]
        if unknown:
            raise DataFileError(path or "sector_nouns.yaml", f"noun {noun.phrase!r}: unknown sector(s) {unknown}")
    return lexicon


@functools.lru_cache(maxsize=4)
def load_description_lexicon(path: str | None = None) -> DescriptionLexicon:
    lexicon = _load(Path(path) if path else package_data_path("lexicon", "descriptions.yaml"), DescriptionLexicon,
                    "descriptions")
    assert isinstance(lexicon, DescriptionLexicon)
    return lexicon


@functools.lru_cache(maxsize=4)
def load_person_titles(path: str | None = None) -> PersonTitles:
    titles = _load(Path(path) if path else package_data_path("lexicon", "person_titles.yaml"), PersonTitles,
                   "person titles")
    assert isinstance(titles, PersonTitles)
    return titles
