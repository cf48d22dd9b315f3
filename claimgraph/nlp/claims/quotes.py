"""Quotations and who speaks them: a quotation keeps its speaker over every sentence it runs across.

The parser sees one sentence at a time, so in

    He added, "The militia shelled the port. We will not allow it to happen again."

only the first quoted sentence is the content of "added"; the second would be the author's. This module finds
the quotations of a text by their marks and gives each the speaker of the reporting frame that introduces or
closes it; the statement builder (statements.py) then makes that speaker the asserter of every event inside the
quotation that no frame of its own sentence carries.

Rules:

- **Marks**: curly double quotes open and close; a straight double quote opens when no quotation is open and
  closes otherwise. Single quotes are not read (they are apostrophes as often as quotes).
- **Paragraphs**: a quotation left open at the end of a paragraph continues when the next paragraph opens with a
  quote mark (the convention for a quotation over several paragraphs); otherwise it ends with its paragraph.
  Paragraphs are separated by blank lines in hard-wrapped text (most lines short, blank lines present), by any
  line break otherwise.
- **Attribution**: the reporting frame with a speaker whose trigger lies outside the quotation, in the sentence
  where the quotation opens and before the opening mark ("He added, ...", "X said: ..."), or in the sentence
  where it closes and after the closing mark ("...," Cook said.), or in the sentence just before the quotation
  when that sentence ends in a colon. All parts of a quotation over several paragraphs share one speaker.
- **Continuation**: a quotation with no attribution of its own that follows, in the same paragraph, a quotation
  attributed to X ("A," X said. "B.") is X's too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ...lexicon import ReportingEntry
from .frames import Frame

OPENING = frozenset("\u201c\u201e\u00ab")  # “ „ «
CLOSING = frozenset("\u201d\u00bb")  # ” »
STRAIGHT = '"'
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_HARD_WRAP_WIDTH = 100  # most lines at most this long, and blank lines between paragraphs: hard-wrapped text
MAX_QUOTATION_CHARS = 1500  # longer: marks out of step (a stray or missing one), not one quotation
MIN_QUOTATION_WORDS = 4  # shorter ones are scare quotes and titles ("a 'war' on terror"), not someone's words


@dataclass(frozen=True)
class Quotation:
    """Characters [start, end) of the text, marks included; ``chain`` is the index of the first part of a
    quotation that runs over several paragraphs (its own index otherwise)."""

    start: int
    end: int
    chain: int
    paragraph: int
    closed: bool  # ended by a closing mark (not by the end of its paragraph)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the paragraphs of ``text`` (see the module docstring)."""
    lines = [line for line in text.split("\n") if line.strip()]
    hard_wrapped = bool(lines) and _BLANK_LINE.search(text) is not None and (
        sum(len(line) <= _HARD_WRAP_WIDTH for line in lines) >= 0.8 * len(lines))
    breaks = _BLANK_LINE if hard_wrapped else re.compile(r"\n")
    out: list[tuple[int, int]] = []
    start = 0
    for m in breaks.finditer(text):
        if text[start : m.start()].strip():
            out.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def find_quotations(text: str) -> list[Quotation]:
    """The quotations of ``text`` in order."""
    out: list[Quotation] = []
    chain_open = False  # the previous paragraph ended inside a quotation
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        first = p_start + (len(text[p_start:p_end]) - len(text[p_start:p_end].lstrip()))
        if chain_open and not (first < p_end and (text[first] in OPENING or text[first] == STRAIGHT)):
            chain_open = False
        open_at: int | None = None
        glued: int | None = None  # the chain a quotation reopened in a glued paragraph goes on with
        for i in range(p_start, p_end):
            ch = text[i]
            if ch in OPENING:
                if open_at is None:
                    open_at = i
            elif ch in CLOSING:
                if open_at is not None:
                    out.append(_part(out, open_at, i + 1, number, chain_open, closed=True, chain=glued))
                    chain_open, open_at, glued = False, None, None
            elif ch == STRAIGHT:
                side = _straight_side(text, i)
                if open_at is None:
                    if side != "close":
                        open_at = i
                elif side == "open":
                    open_at = i  # the one before never closed: a stray mark
                else:
                    out.append(_part(out, open_at, i + 1, number, chain_open, closed=True, chain=glued))
                    chain_open, open_at, glued = False, None, None
                    if side == "glued" and _straight_side(text, _next_straight(text, i, p_end)) == "close":
                        # 'hours."This will be ... crimes." He': paragraphs glued together, the second
                        # going on with the same quotation
                        open_at, glued = i + 1, out[-1].chain
        if open_at is not None:
            out.append(_part(out, open_at, p_end, number, chain_open, closed=False, chain=glued))
            chain_open = True
        else:
            chain_open = False
    return [q for q in out if q.end - q.start <= MAX_QUOTATION_CHARS]


def _straight_side(text: str, i: int) -> str:
    """What a straight double quote at ``i`` looks like: "open" (space or start before, a word after), "close"
    (a word or punctuation before, space, punctuation or end after), or "glued" (no space on either side, as
    where paragraphs were run together: 'hours."This')."""
    if i < 0:
        return "none"
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{:\u2014\u2013-":
        return "open"
    if after.isspace() or after in ",.;:!?)]}\u2014\u2013-":
        return "close"
    return "glued"


def _next_straight(text: str, i: int, end: int) -> int:
    k = text.find(STRAIGHT, i + 1, min(end, i + 1 + MAX_QUOTATION_CHARS))
    return k


def _part(out: list[Quotation], start: int, end: int, paragraph: int, continues: bool, closed: bool,
          chain: int | None = None) -> Quotation:
    if chain is not None:
        return Quotation(start, end, chain, paragraph, closed)
    if continues and out and out[-1].paragraph == paragraph - 1 and not out[-1].closed:
        chain = out[-1].chain
    else:
        chain = len(out)
    return Quotation(start, end, chain, paragraph, closed)


class QuotationIndex:
    """Which quotation a character of the Doc is in, and its speaker once attributed."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.quotations = [q for q in find_quotations(doc.text)
                           if len(doc.text[q.start : q.end].split()) >= MIN_QUOTATION_WORDS]
        self._starts = [q.start for q in self.quotations]
        self.speaker_of: dict[int, int] = {}  # chain -> token index of the attributing frame's trigger

    def at(self, char: int) -> int | None:
        """Index of the quotation holding character ``char``, if any."""
        k = bisect.bisect_right(self._starts, char) - 1
        if k >= 0 and self.quotations[k].start <= char < self.quotations[k].end:
            return k
        return None

    def attribute(self, triggers: list[int]) -> None:
        """Give each quotation the reporting frame (by trigger token) that introduces or closes it; ``triggers``
        are the frames with a speaker, in any order."""
        doc = self.doc
        outside = [t for t in triggers if self.at(doc[t].idx) is None]
        by_sent: dict[int, list[int]] = {}
        for t in outside:
            by_sent.setdefault(doc[t].sent.start, []).append(t)
        for _, q in enumerate(self.quotations):
            if q.chain in self.speaker_of:
                continue
            found = self._introducing(q, by_sent) or self._closing(q, by_sent)
            if found is not None:
                self.speaker_of[q.chain] = found
        previous: Quotation | None = None
        for q in self.quotations:
            if q.chain not in self.speaker_of and previous is not None and previous.paragraph == q.paragraph and (
                previous.chain in self.speaker_of
            ):
                self.speaker_of[q.chain] = self.speaker_of[previous.chain]  # "A," X said. "B."
            previous = q

    def speaker_trigger(self, char: int) -> int | None:
        """The trigger of the frame that attributes the quotation holding ``char``."""
        k = self.at(char)
        return None if k is None else self.speaker_of.get(self.quotations[k].chain)

    def _sentence(self, char: int) -> Span | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span.sent if span is not None and len(span) else None

    def _introducing(self, q: Quotation, by_sent: dict[int, list[int]]) -> int | None:
        sent = self._sentence(q.start)
        if sent is None:
            return None
        before = [t for t in by_sent.get(sent.start, []) if self.doc[t].idx < q.start]
        if before:
            return before[-1]
        # "X said:" ending the sentence before the quotation
        first = sent.start
        if first > 0:
            prev = self.doc[first - 1].sent
            last = next((t for t in reversed(prev) if not t.is_space), None)
            if last is not None and last.text == ":":
                found = by_sent.get(prev.start, [])
                return found[-1] if found else None
        return None

    def _closing(self, q: Quotation, by_sent: dict[int, list[int]]) -> int | None:
        sent = self._sentence(max(q.start, q.end - 1))
        if sent is None:
            return None
        after = [t for t in by_sent.get(sent.start, []) if self.doc[t].idx >= q.end]
        return min(after) if after else None


class QuotationFrames:
    """The frame each quoted token is carried by when its own sentence has none: the attributing frame's
    speakers, with the stance ``asserts`` (a quotation is the speaker's own words; modality inside it is read as
    usual). Rule ``quote``."""

    def __init__(self, doc: Doc, frames: list[Frame]):
        self.index = QuotationIndex(doc)
        self.by_trigger = {f.trigger: f for f in frames if _attributes(doc, f)}
        if self.index.quotations and self.by_trigger:
            self.index.attribute(list(self.by_trigger))
        self._made: dict[int, Frame] = {}

    def get(self, token: int) -> Frame | None:
        trigger = self.index.speaker_trigger(self.index.doc[token].idx) if self.index.speaker_of else None
        if trigger is None:
            return None
        if trigger not in self._made:
            source = self.by_trigger[trigger]
            self._made[trigger] = Frame(trigger, source.match, list(source.speakers), [], [], "asserts", None, "quote")
        return self._made[trigger]


def _attributes(doc: Doc, frame: Frame) -> bool:
    """A reporting verb with a speaker the statement builder can name: resolved, or a phrase that is no
    pronoun (an unresolved "he added" names nobody)."""
    if frame.match is None or not isinstance(frame.match.frame, ReportingEntry):
        return False
    speakers = [s for s in frame.speakers if s.rule != "dateline"]
    return any(s.actor_id for s in speakers) or (
        bool(speakers) and not any(doc[s.token].pos_ == "PRON" for s in speakers))


def quotation_frames(doc: Doc, frames: list[Frame]) -> QuotationFrames:
    return QuotationFrames(doc, frames)
