"""Quantities stated with events: "killing 30 people", "at least 12 soldiers were killed", "dozens of militants".

``cg_quantities`` sets ``doc._.cg_quantities`` (QuantityMention list). Each number is tied to what it counts (the
noun) and to the event word it goes with (``head``: "killing", "recruit"), whose cue in
``data/lexicon/quantities.yaml`` gives the kind (killed, injured, recruited, arrested, abducted, displaced);
a number with no cue but a counted noun is a plain "count".
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.tokens import Doc, Token

from ...datafiles import load_yaml, package_data_path, validate_record
from ...errors import DataFileError
from ...models import Quantity
from ..annotations import QuantityMention
from ..component import DataComponent

Bound = Literal["exact", "at_least", "at_most"]

_WORD_NUMBERS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split())
}
_WORD_NUMBERS.update({w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)})
_SCALES = {"hundred": 100, "thousand": 1000, "lakh": 100_000, "million": 1_000_000, "crore": 10_000_000,
           "billion": 1_000_000_000}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
# Entities whose numbers are not head counts.
_SKIP_ENTITIES = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}


def parse_number(word: str) -> tuple[int, bool] | None:
    """(value, approximate) for one number word or numeral ("30", "1,200", "twenty-one", "a"), else None."""
    text = word.lower().strip()
    if _DIGITS.match(text):
        value = float(text.replace(",", ""))
        return int(value), value != int(value)
    if text in _WORD_NUMBERS:
        return _WORD_NUMBERS[text], False
    if "-" in text:
        parts = text.split("-")
        if len(parts) == 2 and parts[0] in _WORD_NUMBERS and parts[1] in _WORD_NUMBERS:
            return _WORD_NUMBERS[parts[0]] + _WORD_NUMBERS[parts[1]], False
    if text in _SCALES:
        return _SCALES[text], False
    return None


class Vague(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int
    bound: Bound = "exact"


class QuantityLexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: dict[str, list[str]]
    vague: dict[str, Vague] = Field(default_factory=dict)
    bounds: dict[Literal["at_least", "at_most", "about"], list[str]] = Field(default_factory=dict)

    def cue_kinds(self) -> dict[str, str]:
        return {word.lower(): kind for kind, words in self.kinds.items() for word in words}


def default_lexicon_path() -> Path:
    return package_data_path("lexicon", "quantities.yaml")


@functools.lru_cache(maxsize=8)
def load_quantity_lexicon(path: str | None = None) -> QuantityLexicon:
    file = Path(path) if path else default_lexicon_path()
    data = load_yaml(file)
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise DataFileError(file, "expected a mapping with a 'kinds' mapping")
    return validate_record(QuantityLexicon, data, file, "quantity lexicon")


class QuantityTagger:
    def __init__(self, lexicon: QuantityLexicon):
        self.lexicon = lexicon
        self.cues = lexicon.cue_kinds()
        # Longest bound phrases first, as token tuples: "more than a" before "more than".
        self.bounds = sorted(
            ((tuple(p.lower().split()), kind) for kind, phrases in lexicon.bounds.items() for p in phrases),
            key=lambda item: -len(item[0]),
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.cg_quantities = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[QuantityMention]:
        skip = {t.i for ent in doc.ents if ent.label_ in _SKIP_ENTITIES for t in ent}
        body_start = doc._.cg_body_start or 0
        found: list[QuantityMention] = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if i in skip or token.idx < body_start or not self._is_number(token):
                i += 1
                continue
            end = i + 1
            while end < len(doc) and end not in skip and self._is_number(doc[end]) and doc[end].lower_ in _SCALES:
                end += 1
            mention = self._quantity(doc, i, end)
            if mention is not None:
                found.append(mention)
            i = end
        return found

    def _is_number(self, token: Token) -> bool:
        if token.lower_ in self.lexicon.vague:
            return True
        if parse_number(token.text) is None:
            return False
        # "one" is as often a pronoun ("one must be mindful") as a number
        return token.lower_ != "one" or token.dep_ == "nummod"

    def _value(self, tokens: list[Token]) -> tuple[int, bool, Bound] | None:
        first = tokens[0].lower_
        if first in self.lexicon.vague:
            vague = self.lexicon.vague[first]
            return vague.value, vague.bound != "exact" or len(tokens) == 1 and first.endswith("s"), vague.bound
        total, approximate = 0, False
        for token in tokens:
            parsed = parse_number(token.text)
            if parsed is None:
                return None
            value, approx = parsed
            approximate = approximate or approx
            if token.lower_ in _SCALES and total:
                total *= value
            else:
                total += value
        return total, approximate, "exact"

    def _bound_before(self, doc: Doc, start: int) -> tuple[int, str | None]:
        for words, kind in self.bounds:
            begin = start - len(words)
            if begin >= 0 and tuple(t.lower_ for t in doc[begin:start]) == words:
                return begin, kind
        return start, None

    def _quantity(self, doc: Doc, start: int, end: int) -> QuantityMention | None:
        parsed = self._value(list(doc[start:end]))
        if parsed is None:
            return None
        value, approximate, bound = parsed
        number = doc[end - 1]
        noun = self._counted_noun(doc, number, end)
        cue = self._cue(noun if noun is not None else number)
        if cue is None and noun is None:
            return None  # a bare number with no event: "the two", "one of them"
        if cue is None and re.fullmatch(r"(?:1[89]|20)\d\d", number.text):
            return None  # "the 2023 attacks": a year the model did not tag, not a count
        if noun is not None and noun.pos_ not in ("NOUN", "PROPN", "PRON", ""):
            return None
        if noun is not None and noun.ent_type_ in _SKIP_ENTITIES:
            return None
        span_start, bound_kind = self._bound_before(doc, start)
        if bound_kind == "about":
            approximate = True
        elif bound_kind is not None:
            bound = cast(Bound, bound_kind)
            approximate = approximate or bound_kind == "at_most" and doc[span_start].lower_ in ("nearly", "almost")
        span_end = max(end, noun.i + 1) if noun is not None else end
        kind = self.cues[self._cue_word(cue)] if cue is not None else "count"
        head = cue.i if cue is not None else _governing_verb(noun if noun is not None else number)
        text = doc[span_start:span_end].text
        unit = self._unit(doc, noun) if noun is not None else None
        quantity = Quantity(kind=kind, value=value, text=text, unit=unit, approximate=approximate, bound=bound)
        return QuantityMention(start=span_start, end=span_end, value=quantity, head=head)

    @staticmethod
    def _counted_noun(doc: Doc, number: Token, end: int) -> Token | None:
        """What the number counts: the noun it modifies, or "of X" after "dozens"."""
        if number.lower_ not in _WORD_NUMBERS and not number.like_num:
            for child in number.rights:  # "dozens of militants"
                if child.dep_ == "prep" and child.lower_ == "of":
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects:
                        return objects[0]
            if end + 1 < len(doc) and doc[end].lower_ == "of" and not doc.has_annotation("DEP"):
                return doc[end + 1]
        if doc.has_annotation("DEP"):
            if number.dep_ in ("nummod", "quantmod") and number.head.i > number.i:
                return number.head
            return None
        # No parse (a blank pipeline): the next word is taken for the counted noun when it is a word.
        if end < len(doc) and doc[end].is_alpha and parse_number(doc[end].text) is None:
            return doc[end]
        return None

    def _cue_word(self, token: Token) -> str:
        for form in (token.lower_, token.lemma_.lower()):
            if form in self.cues:
                return form
        return token.lower_

    def _is_cue(self, token: Token) -> bool:
        return token.lower_ in self.cues or token.lemma_.lower() in self.cues

    def _cue(self, token: Token) -> Token | None:
        """The event word the counted noun (or bare number) goes with: its own participle ("two policemen
        injured", "12 dead"), the verb it is an argument of ("killing 30 people", "100 were arrested"), or the
        event noun it follows ("the deaths of 30 people")."""
        doc = token.doc
        if not doc.has_annotation("DEP"):
            return self._cue_linear(token)
        for child in token.children:
            if child.dep_ in ("acl", "amod", "relcl") and self._is_cue(child):
                return child
        current = token
        for _ in range(4):  # climb conjunctions and prepositions, never past a clause
            head = current.head
            if head.i == current.i:
                return None
            if self._is_cue(head) and current.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "attr", "conj",
                                                     "npadvmod", "appos", "oprd", "dep"):
                return head
            if current.dep_ in ("conj", "appos"):
                current = head
                continue
            if current.dep_ == "pobj" and head.dep_ == "prep":
                current = head.head if head.lower_ == "of" else head
                if head.lower_ == "of" and self._is_cue(current):
                    return current
                if head.lower_ != "of":
                    return None
                continue
            if current.dep_ in ("nsubj", "nsubjpass") and head.lemma_ == "be":
                acomp = [c for c in head.children if c.dep_ in ("acomp", "attr") and self._is_cue(c)]
                return acomp[0] if acomp else None
            return None
        return None

    def _cue_linear(self, token: Token) -> Token | None:
        """Without a parse: a cue word just before the number or within two words after the counted noun."""
        doc = token.doc
        window = [doc[j] for j in range(token.i + 1, min(len(doc), token.i + 4))]
        if token.i > 0:
            before = token.i - 1
            while before > 0 and (doc[before].lower_ in {w for b, _ in self.bounds for w in b}
                                  or parse_number(doc[before].text)):
                before -= 1
            window.insert(0, doc[before])
        for candidate in window:
            if self._is_cue(candidate):
                return candidate
        return None

    @staticmethod
    def _unit(doc: Doc, noun: Token) -> str:
        """The counted noun with its "from ..." origin ("persons from Kerala")."""
        end = noun.i + 1
        for child in noun.rights:
            if child.dep_ == "prep" and child.lower_ == "from":
                end = max(end, child.right_edge.i + 1)
        return doc[noun.i:end].text


def _governing_verb(token: Token) -> int | None:
    for t in [token, *token.ancestors]:
        if t.pos_ == "VERB":
            return t.i
    return None


_CLAUSE_DEPS = ("acl", "advcl", "xcomp", "relcl")
_OBJECT_DEPS = ("dobj", "nsubj", "nsubjpass", "pobj", "attr")


def quantities_for_tokens(doc: Doc, head_token_index: int) -> list[QuantityMention]:
    """The quantities that go with the event headed by token ``head_token_index``: those whose event word is
    the head itself, or a participle clause hanging on the head or on one of its arguments ("attacked its
    camps, killing 30 people"; "managed to recruit 21 persons")."""
    out = []
    parsed = doc.has_annotation("DEP")
    for q in doc._.cg_quantities or []:
        if q.head is None:
            continue
        if q.head == head_token_index:
            out.append(q)
            continue
        if not parsed:
            continue
        cue = doc[q.head]
        if cue.dep_ not in _CLAUSE_DEPS:
            continue
        parent = cue.head
        if parent.i == head_token_index or (parent.dep_ in _OBJECT_DEPS and parent.head.i == head_token_index):
            out.append(q)
    return out


@Language.factory(
    "cg_quantities",
    default_config={"lexicon_path": None},
    assigns=["doc._.cg_quantities"],
)
def make_quantity_tagger(nlp: Language, name: str, lexicon_path: str | None) -> DataComponent:
    """``lexicon_path``: the quantity cue file (default: the bundled quantities.yaml)."""
    return DataComponent(nlp, name, lambda: QuantityTagger(load_quantity_lexicon(lexicon_path)))


__all__ = ["parse_number", "quantities_for_tokens", "QuantityTagger", "load_quantity_lexicon", "QuantityLexicon"]
