"""The actor linker's per-document state, shared by the linker's passes (linker.py) and its refinements
(refinements.py), and the confidence each linking rule gives a mention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ...kb import NameEntry
from ..annotations import MentionSpan
from .provisional import DocActors

# Confidence of a mention by the rule that found it (fuzzy matches carry their similarity instead).
LINK_CONFIDENCE = {"kb": 1.0, "exact": 1.0, "metonym": 0.85, "acronym": 0.9, "acronym_long": 0.85,
                   "demonym_org": 0.85, "demonym_org_derived": 0.75, "demonym": 0.6, "provisional": 0.7,
                   "generic": 0.5, "surname": 0.9, "surname-title": 0.85, "surname-country": 0.75,
                   "person-government": 0.8, "description_name": 0.8}


@dataclass
class LinkState:
    """What the linker has found so far in one document: mentions, the tokens they claim, aliases defined in
    the text, and the document's own actors."""

    doc: Doc
    date: dt.date | None
    actors: DocActors  # provisional and derived actors of this doc
    mentions: list[MentionSpan] = field(default_factory=list)
    claimed: dict[int, MentionSpan] = field(default_factory=dict)  # token -> mention
    aliases: dict[str, str] = field(default_factory=dict)
    alias_from: dict[str, int] = field(default_factory=dict)
    non_actor_acronyms: set[str] = field(default_factory=set)
    fuzzy_memo: dict[tuple[str, str], tuple[NameEntry, float] | None] = field(default_factory=dict)

    def free(self, start: int, end: int) -> bool:
        return not any(i in self.claimed for i in range(start, end))

    def add(self, mention: MentionSpan) -> MentionSpan | None:
        if mention.start >= mention.end or not self.free(mention.start, mention.end):
            return None
        self.mentions.append(mention)
        for i in range(mention.start, mention.end):
            self.claimed[i] = mention
        return mention

    def remove(self, mention: MentionSpan) -> None:
        self.mentions.remove(mention)
        for i in range(mention.start, mention.end):
            self.claimed.pop(i, None)

    def alias_for(self, text: str, start: int) -> str | None:
        if text in self.aliases and start >= self.alias_from[text]:
            return self.aliases[text]
        return None
