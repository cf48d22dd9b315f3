"""``cg_line_breaks``: a headline or a paragraph break ends a sentence, before the parser decides.

Extracted web pages and wire copy put the headline on its own line without a full stop; the parser would read
"Clashes on the border\\nPakistan accused ..." as one sentence and make the headline a subject. Rules: a blank
line always ends a sentence; a single line break after the first line ends one when that line is short (a
headline, at most ``MAX_TITLE_TOKENS`` words), has no closing punctuation, does not end in a function word, and
the next line starts with a capital. Other single line breaks are left to the parser: presetting boundaries
changes its parses, and hard-wrapped prose breaks lines mid-sentence.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

MAX_TITLE_TOKENS = 10
_CLOSING = frozenset(".!?:;,-\u2013\u2014\"'\u201d\u2019)")
_FUNCTION_WORDS = frozenset("the a an of and or to in on at for with by from as that this".split())


def mark_line_breaks(doc: Doc) -> Doc:
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
    return doc


@Language.component("cg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks_component(doc: Doc) -> Doc:
    return mark_line_breaks(doc)
