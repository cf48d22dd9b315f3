"""The text the tokenizer is given, made safe from character runs that make it slow.

spaCy's tokenizer strips prefixes and suffixes from a whitespace-free chunk one at a time, searching the rest
of the chunk again each time: a chunk of n brackets or quotes takes time in n squared (32 KB of ``[`` and
``]`` took minutes). And a run of punctuation becomes one token per character, several times the tokens of
ordinary text of the same length, which every later stage pays for. Both are cut here, in linear time, by
replacing characters with spaces: the text keeps its length and offsets, and the output quotes the original.
"""

from __future__ import annotations

import re

MAX_CHUNK = 100  # characters without whitespace before a space is put in (URLs and ids are rarely longer)
MAX_SYMBOL_RUN = 8  # punctuation or symbols in a row that are kept ("?!?!", "...", a "--------" rule)

# Each pattern meets only runs longer than its limit, so a scan costs at most the limit per character.
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))
_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_SYMBOL_RUN + 1))


def tokenizer_safe(text: str) -> str:
    """``text`` with runs of punctuation cut to MAX_SYMBOL_RUN characters and a space every MAX_CHUNK characters
    of a whitespace-free chunk; the same length, and the same text when there is nothing to cut."""
    runs = list(_SYMBOL_RUN.finditer(text))
    chunks = list(_LONG_CHUNK.finditer(text))
    if not runs and not chunks:
        return text
    chars = list(text)
    for match in runs:
        chars[match.start() + MAX_SYMBOL_RUN:match.end()] = " " * (match.end() - match.start() - MAX_SYMBOL_RUN)
    for match in chunks:
        for at in range(match.start() + MAX_CHUNK, match.end(), MAX_CHUNK + 1):
            chars[at] = " "
    return "".join(chars)
