"""``cg_line_breaks``: a headline or a paragraph break ends a sentence, before the parser decides.

Extracted web pages and wire copy put the headline on its own line without a full stop; the parser would read
"Clashes on the border\\nPakistan accused ..." as one sentence and make the headline a subject. Rules: a blank
line always ends a sentence; a single line break after the first line ends one when that line is short (a
headline, at most ``MAX_TITLE_TOKENS`` words), has no closing punctuation, does not end in a function word, and
the next line starts with a capital. Other single line breaks are left to the parser: presetting boundaries
changes its parses, and hard-wrapped prose breaks lines mid-sentence.

Very long sentences: text without sentence punctuation (a run of single letters, a list of names, hostile input)
would reach the parser as one sentence of thousands of tokens, and every stage that walks a sentence or a tree pays
for its length. ``cap_sentences`` starts a sentence after ``MAX_SENTENCE_TOKENS`` tokens with no sentence end
(a full stop, "!" or "?" as its own token, or a boundary set above); news sentences are far shorter, so ordinary
text gets no boundary from it. Only ``is_sent_start`` is set: the text, its offsets and the quotes are unchanged.

Glued sentences: text whose paragraphs were run together ("more than 260.Magistrate Judge X ordered ...") has a
full stop between a lower-case word or a number and a capitalised word with no space. ``split_glued_sentences``
makes the tokenizer split there (the full stop its own token; offsets unchanged), and ``mark_line_breaks`` starts
a sentence after it, so that two sentences are not parsed as one.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

MAX_TITLE_TOKENS = 10
MAX_SENTENCE_TOKENS = 200  # news sentences have well under 100; a longer stretch without an end is cut here
_SENTENCE_ENDS = frozenset(".!?\u2026")
_CLOSING = frozenset(".!?:;,-\u2013\u2014\"'\u201d\u2019)")
_FUNCTION_WORDS = frozenset("the a an of and or to in on at for with by from as that this".split())
# A sentence end glued to the next sentence: after a lower-case letter, a digit or a closing bracket, before a
# capital and a lower-case letter ("260.Magistrate", "attack.The") or a wiki heading ("killed.== References ==");
# not "U.S.Army", "3.5", "e.g" lower case.
GLUED_SENTENCE_END = r"(?<=[a-z0-9\)\]])[.!?](?=[A-Z][a-z]|==)"
_GLUED_FOLLOWER = re.compile(r"[A-Z][a-z]|==")


def split_glued_sentences(nlp: Language) -> None:
    """Add the glued sentence end to the tokenizer's infixes (the tokenizer is no pipeline component, so the
    pipeline builder calls this once)."""
    tokenizer: Any = nlp.tokenizer  # spaCy types it as a callable; it is a Tokenizer
    current = tokenizer.infix_finditer
    pattern = getattr(getattr(current, "__self__", None), "pattern", None)
    combined = f"{pattern}|{GLUED_SENTENCE_END}" if pattern else GLUED_SENTENCE_END
    tokenizer.infix_finditer = re.compile(combined).finditer


def mark_line_breaks(doc: Doc) -> Doc:
    _mark_glued(doc)
    line_start = 0
    for token in doc:
        if not token.is_space or "\n" not in token.text:
            continue
        nxt = token.i + 1
        while nxt < len(doc) and doc[nxt].is_space:
            nxt += 1
        first_line = line_start == 0
        line = [t for t in doc[line_start : token.i] if not t.is_space]
        line_start = nxt
        if nxt >= len(doc) or not line:
            continue
        blank = token.text.count("\n") >= 2 or any("\n" in doc[k].text for k in range(token.i + 1, nxt))
        headline = first_line and (
            len(line) <= MAX_TITLE_TOKENS and line[-1].text[-1:] not in _CLOSING
            and line[-1].lower_ not in _FUNCTION_WORDS and doc[nxt].text[:1].isupper()
        )
        if blank or headline:
            doc[nxt].is_sent_start = True
            if nxt + 1 < len(doc) and not doc[nxt + 1].is_space and not doc[nxt + 1].is_punct:
                # else the parser, handed a fixed start, tends to cut again right after it
                doc[nxt + 1].is_sent_start = False
    cap_sentences(doc)
    return doc


def cap_sentences(doc: Doc, limit: int = MAX_SENTENCE_TOKENS) -> Doc:
    """Start a sentence at the ``limit``-th non-space token after the last sentence end (a full stop, "!", "?"
    or "..." token, or a boundary already set), so that no stretch without one reaches the parser longer than
    ``limit`` tokens. Linear in the tokens."""
    run = 0
    for token in doc:
        if token.i > 0 and token.is_sent_start:
            run = 0
        if token.is_space:
            continue
        if run >= limit:
            token.is_sent_start = True
            if token.i + 1 < len(doc) and doc[token.i + 1].is_sent_start is None:
                doc[token.i + 1].is_sent_start = False  # else the parser, handed a fixed start, cuts right after it
            run = 0
        run += 1
        if token.text in _SENTENCE_ENDS or (len(token) > 1 and set(token.text) <= _SENTENCE_ENDS):
            run = 0
    return doc


def _mark_glued(doc: Doc) -> None:
    """A full stop with no space on either side, between a lower-case word or number and a capitalised word,
    ends a sentence (the tokenizer split it off: ``split_glued_sentences``)."""
    for token in doc[1:-1]:
        if token.text in (".", "!", "?") and not token.whitespace_ and not doc[token.i - 1].whitespace_:
            before, after = doc[token.i - 1].text, doc[token.i + 1].text
            if (before[-1:].islower() or before[-1:].isdigit() or before[-1:] in ")]") and _GLUED_FOLLOWER.match(after):
                doc[token.i + 1].is_sent_start = True


@Language.component("cg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks_component(doc: Doc) -> Doc:
    return mark_line_breaks(doc)
