"""Where a name ends: a one-word knowledge-base name written as part of a longer capitalised name is not that
actor. "Gamal Mubarak" is not Hosni Mubarak, "Edward Hayden" not Michael Hayden, the "Counter-Daesh Coalition"
not CJTF-OIR's Coalition, the "London Underground" not the British government.

Applies to one-word matches that are people's names, weak aliases, metonyms and exact aliases (not acronyms):
the word before is part of the name when it is a capitalised word that is no title ("President"), demonym
("Egyptian"), calendar word or stop word, a proper noun or not at a sentence start; or the tail of a hyphenated
capitalised name ("Counter-Daesh"). For people and metonyms, a proper noun after the match is part of the name
too ("Mubarak Ali", "Kabul University"), unless it is a noun that follows names ("Bush administration").
The actor ruler leaves such matches to ``ner``; the linker does not resolve them to the knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Doc

from ...models import Actor
from .lexicons import DescriptionLexicon, PersonTitles, SectorLexicon
from .names import NameIndex, looks_like_acronym

CALENDAR = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                      "february", "march", "april", "may", "june", "july", "august", "september", "october",
                      "november", "december"))
COVERING_KINDS = frozenset({"weak", "metonym", "exact"})

Covered = Callable[[int], "int | None"]  # token -> start of the match that covers it, or None


@dataclass(frozen=True)
class NameGlue:
    demonyms: frozenset[str]
    titles: PersonTitles
    followers: frozenset[str]  # nouns that follow a name without being part of it

    @classmethod
    def build(cls, names: NameIndex, titles: PersonTitles, sectors: SectorLexicon,
              descriptions: DescriptionLexicon) -> NameGlue:
        followers = titles.government_nouns | frozenset(w for phrase in sectors.by_phrase for w in phrase) | (
            frozenset(w for head in descriptions.by_head for w in head))
        return cls(frozenset(names.demonyms), titles, followers)

    def is_part(self, doc: Doc, start: int, end: int, actor: Actor, kind: str, covered: Covered) -> bool:
        """Is the match ``doc[start:end]`` of ``actor`` (by a name of ``kind``) part of a longer name?"""
        text = doc[start:end].text
        if " " in text or looks_like_acronym(text):
            return False
        person = actor.type == "person"
        if not (person or kind in COVERING_KINDS):
            return False
        return self._glued(doc, start - 1, covered, before=True) or (
            (person or kind == "metonym") and self._glued(doc, end, covered, before=False))

    def _glued(self, doc: Doc, k: int, covered: Covered, before: bool) -> bool:
        if k < 0 or k >= len(doc):
            return False
        token = doc[k]
        text = token.text
        if not (token.is_alpha and text[:1].isupper()) or text.isupper() or token.is_stop:
            return False
        lower = token.lower_
        if lower in CALENDAR or self.titles.kind(text) is not None or lower in self.demonyms:
            return False
        other = covered(k)
        if other is not None:  # "Counter-Daesh Coalition": the other match ends a hyphenated name
            j = other - 1
            if not before or j < 0 or covered(j) is not None:
                return False
            if doc[j].text == "-":
                return j >= 1 and doc[j - 1].text[:1].isupper() and covered(j - 1) is None
            return doc[j].text.endswith("-") and doc[j].text[:1].isupper()
        if before:
            return token.pos_ == "PROPN" or not token.is_sent_start
        return token.pos_ == "PROPN" and lower not in self.followers
