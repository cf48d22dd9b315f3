"""Acronyms defined in the text: "Long Form Name (LFN)" or "LFN (Long Form Name)".

A long form is the run of capitalised words (and name connectors like "of", "e", "al", hyphens) next to the
brackets, trimmed on the left to the first word whose initial is the acronym's initial and to at most
``len(acronym) + 2`` content words, which is how writers build acronyms (a loose Schwartz-Hearst test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,9}$")
_CONNECTORS = frozenset({"of", "for", "and", "&", "-", "e", "i", "al", "ul", "ud", "ur", "wal", "de", "du", "la", "el"})
_MAX_LONG_TOKENS = 14


@dataclass(frozen=True)
class AcronymDefinition:
    acronym: str
    acr_start: int  # token range of the acronym
    acr_end: int
    long_start: int  # token range of the long form (no leading "the")
    long_end: int


def is_acronym(text: str) -> bool:
    return bool(ACRONYM_RE.match(text)) and sum(ch.isupper() for ch in text) >= 2


def _is_name_word(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def _content_words(doc: Doc, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if _is_name_word(doc[i].text) and doc[i].text.lower() not in _CONNECTORS]


def _trim(doc: Doc, start: int, end: int, acronym: str) -> tuple[int, int] | None:
    """The long form inside [start, end) for ``acronym``, or None when no word starts with its initial."""
    while start < end and doc[start].text.lower() in _CONNECTORS:
        start += 1
    while end > start and doc[end - 1].text.lower() in _CONNECTORS:
        end -= 1
    words = _content_words(doc, start, end)
    initial = acronym[0].lower()
    limit = len([ch for ch in acronym if ch.isupper() or ch.isdigit()]) + 2
    # Longest left-trimmed form that starts with the acronym's initial and is not much longer than the acronym.
    for n, index in enumerate(words):
        if len(words) - n <= limit and doc[index].text[:1].lower() == initial:
            return index, end
    return None


def _run_before(doc: Doc, end: int) -> int:
    start = end
    while start > 0 and end - start < _MAX_LONG_TOKENS:
        token = doc[start - 1]
        if token.is_sent_end and start - 1 != end - 1 and token.text in ".!?":
            break
        if not (_is_name_word(token.text) or token.text.lower() in _CONNECTORS):
            break
        start -= 1
    return start


def find_definitions(doc: Doc) -> list[AcronymDefinition]:
    """Every acronym definition in ``doc``, in text order."""
    found: list[AcronymDefinition] = []
    n = len(doc)
    for i, token in enumerate(doc):
        if token.text != "(":
            continue
        # "Long Form (LF)"
        if i + 2 < n and doc[i + 2].text == ")" and is_acronym(doc[i + 1].text) and i > 0:
            span = _trim(doc, _run_before(doc, i), i, doc[i + 1].text)
            if span and span[1] - span[0] >= 2:
                found.append(AcronymDefinition(doc[i + 1].text, i + 1, i + 2, span[0], span[1]))
                continue
        # "LF (Long Form)"
        if i > 0 and is_acronym(doc[i - 1].text):
            close = next((j for j in range(i + 1, min(n, i + 2 + _MAX_LONG_TOKENS)) if doc[j].text == ")"), None)
            if close is None or close - i < 3:
                continue
            inner = range(i + 1, close)
            if not all(_is_name_word(doc[j].text) or doc[j].text.lower() in _CONNECTORS for j in inner):
                continue
            span = _trim(doc, i + 1, close, doc[i - 1].text)
            if span and (span[0] == i + 1 or (doc[i + 1].text.lower() == "the" and span[0] == i + 2)):
                found.append(AcronymDefinition(doc[i - 1].text, i - 1, i, span[0], span[1]))
    return found
