"""Text preparation for ALL-CAPS text (wire services of the 1980s and 90s, telexes, MUC-4): the cased English
model reads capitals as names, so that "THEY", "WHO", "IS" and "LET" become acronyms and every word a proper
noun. ``Truecaser`` gives such text ordinary casing and keeps its length, so that every offset into it is an
offset into the original: the pipeline reads the truecased text, the output quotes the original.

Which stretches: runs of lines whose letters are at least 85% capitals (a line of 12 letters or more starts a
run; a run ends at a line with lower-case letters). The rest of a document (a mixed-case body under a capitalised
headline, "QUESTION:" in a transcript) is left as it is.

How, for each word (the first rule that applies):

1. knowledge-base names of up to six words take the knowledge base's casing ("FARABUNDO MARTI NATIONAL
   LIBERATION FRONT", "U.S."), except one-word names that are English words ("WHO", "IS", "Coalition",
   "Congress"): nothing tells the acronym from the word; but acronyms, countries, their demonyms and capitals, places
   (countries, first-level subdivisions, cities of half a million people: ``place_names``) and the months are
   capitalised unless they are English verbs, adjectives, adverbs or stop words ("Bolivia", "Colombian",
   "Bogota", "November"; not "Nice", "may");
2. a dotted abbreviation is in capitals ("U.N."), and so is a short word in brackets after a phrase ("(FMLN)");
3. a word that is no English word (nor an inflected, derived or compound form of one) is a name: an acronym in
   capitals when it has at most three letters or no vowel ("ELN", "FMLN"), otherwise capitalised ("CRISTIANI");
4. a given name of a knowledge-base person that is no English verb, adjective or adverb ("GEORGE", "JOHN") is
   capitalised, and so are up to two following words that are none either ("GEORGE BUSH"); likewise after a
   name of rule 3 ("ARCE BATTALION") and after a person's title that is no adjective ("COL VARGAS", "FATHER
   JOSE"; ``person_titles.yaml``);
5. everything else is in lower case; sentence starts and "I" are capitalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from .kb import KnowledgeBase
from .models import Mention, Statement

CAPS_SHARE = 0.85
MIN_LETTERS = 12
MAX_NAME_WORDS = 6
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'\-]*")
_ALPHA = re.compile(r"[A-Za-z]+")
_DOTTED = re.compile(r"^(?:[a-z]\.){2,}[a-z]?\.?$")
_BRACKETED = re.compile(r"\w\s*\(([a-z]{2,8})\)")
_SENTENCE_END = re.compile(r"([.!?])(['\"\u201d)]*)(\s+)(['\"\u201c(]*)([a-z])")
_PARAGRAPH = re.compile(r"(\n\s*\n\s*['\"\u201c(]*|:\s*['\"\u201c]\s*)([a-z])")
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "ies", "ied", "ings", "'s")
_DERIVATIONS = ("al", "ally", "ic", "ical", "ist", "ists", "ism", "ity", "ive", "ous", "ment", "ments", "ness",
                "tion", "tions", "ization", "ize", "ized", "ise", "ised", "ful", "less", "an", "ian", "ians")
_PREFIXES = ("counter", "anti", "pro", "non", "ex", "re", "un", "pre", "post", "para", "semi", "mid", "self",
             "inter", "multi", "over", "under", "sub", "super", "de", "dis", "mis")
_VOWELS = frozenset("aeiouy")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,5}$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MIN_CITY_POPULATION = 500_000


@dataclass(frozen=True)
class Truecaser:
    """Built once per pipeline from the knowledge base and an English vocabulary (``english_vocabulary``)."""

    names: dict[str, str]  # lower-cased name -> its casing
    words: frozenset[str]  # lower-case English words and their irregular forms
    open_words: frozenset[str]  # English verbs, adjectives and adverbs
    titles: frozenset[str]  # lower-case person titles, without their full stops
    given_names: frozenset[str]  # lower-case given names of knowledge-base people

    @classmethod
    def build(cls, kb: KnowledgeBase, words: Iterable[str], open_words: Iterable[str], titles: Iterable[str],
              places: Iterable[str] = ()) -> Truecaser:
        vocabulary = frozenset(w.lower() for w in words) | frozenset(STOP_WORDS)
        open_set = frozenset(w.lower() for w in open_words) | frozenset(STOP_WORDS)
        names: dict[str, str] = {}

        def proper(name: str) -> None:  # a name that is capitalised whatever else it may be, unless a function word
            if " " in name.strip() or name.lower() not in open_set:
                names.setdefault(name.lower(), name)

        for place in [*places, *MONTHS]:
            if any(c.isupper() for c in place):
                proper(place)
                folded = _fold(place)
                if len(folded) == len(place):
                    proper(folded)  # "Bogota" as well as "Bogotá"
        given: set[str] = set()
        for actor in kb.actors.values():
            for name in [actor.name, *actor.aliases, *actor.exact_aliases, *actor.metonyms, *actor.demonyms]:
                key = name.lower()
                if not any(c.isupper() for c in name):
                    continue
                if " " in key or key not in vocabulary:
                    names[key] = name
                elif actor.type == "country" or _ACRONYM.match(name):
                    proper(name)  # "Bolivia"; "FARC", which dictionaries know as a word too, but not "LET"
            first = actor.name.split()[0].lower() if actor.type == "person" and " " in actor.name else ""
            if first.isalpha() and len(first) >= 3 and first not in open_set:
                given.add(first)
        return cls(names, vocabulary, open_set, frozenset(t.lower().rstrip(".") for t in titles), frozenset(given))

    def __call__(self, text: str) -> str:
        """``text`` with its ALL-CAPS stretches truecased: the same length, the same characters but for case."""
        regions = caps_regions(text)
        if not regions:
            return text
        chars = list(text)
        for start, end in regions:
            chars[start:end] = self.truecase(text[start:end])
        return "".join(chars)

    def truecase(self, text: str) -> str:
        lowered = text.lower()
        chars = list(lowered)
        words = [(m.start(), m.end()) for m in _WORD.finditer(lowered)]
        done = self._names(lowered, words, chars)
        following = 0  # words still to capitalise after a given name or a title
        for k, (start, end) in enumerate(words):
            word = lowered[start:end]
            bare = word.strip(".'-")
            if k in done or not bare:
                following = 0
                continue
            if _DOTTED.match(word):
                chars[start:end] = word.upper()
                following = 0
                continue
            if bare in self.titles and bare not in self.open_words:
                following = 2  # "COL VARGAS": a title, then the name
                continue
            if bare.isalpha() and not self.is_word(bare):
                acronym = len(bare) <= 3 or not (set(bare) & _VOWELS)
                chars[start:end] = word.upper() if acronym else _capitalised(word)
                following = 2 if not acronym else 0
                continue
            if following and bare.isalpha() and bare not in self.open_words:
                chars[start:end] = _capitalised(word)
                following -= 1
                continue
            if bare in self.given_names:
                chars[start:end] = _capitalised(word)
                following = 2
            else:
                following = 2 if bare in self.titles and bare not in self.open_words else 0
        for match in _BRACKETED.finditer(lowered):
            chars[match.start(1):match.end(1)] = match.group(1).upper()
        self._sentence_starts(lowered, chars)
        for match in re.finditer(r"(?<![\w'])i(?![\w'])", lowered):
            chars[match.start()] = "I"
        return "".join(chars)

    def _names(self, lowered: str, words: list[tuple[int, int]], chars: list[str]) -> set[int]:
        """Give known names their casing (longest first, across line breaks); the indexes of the words they
        cover."""
        done: set[int] = set()
        i = 0
        while i < len(words):
            for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
                span = " ".join(lowered[a:b] for a, b in words[i:i + n])
                known = self.names.get(span) or self.names.get(span.rstrip("."))
                parts = known.split(" ") if known else []
                if known and len(parts) == n and all(len(p) <= b - a for p, (a, b) in zip(parts, words[i:i + n])):
                    for part, (a, _) in zip(parts, words[i:i + n]):
                        chars[a:a + len(part)] = part
                    done.update(range(i, i + n))
                    i += n
                    break
            else:
                i += 1
        for k, (a, b) in enumerate(words):  # "AUGUST 1988", "12 MAY": a month that is also a word
            title = lowered[a:b].capitalize()
            if title in MONTHS and k not in done and any(
                    0 <= j < len(words) and lowered[words[j][0]:words[j][1]].rstrip(".,").isdigit() for j in (k - 1, k + 1)):
                chars[a:b] = title
                done.add(k)
        return done

    def _sentence_starts(self, lowered: str, chars: list[str]) -> None:
        first = next((k for k, c in enumerate(lowered) if c.isalpha()), None)
        if first is not None:
            chars[first] = chars[first].upper()
        for match in _PARAGRAPH.finditer(lowered):
            chars[match.start(2)] = chars[match.start(2)].upper()
        for match in _SENTENCE_END.finditer(lowered):
            before = lowered[:match.start(1)].rsplit(None, 1)[-1] if lowered[:match.start(1)].strip() else ""
            if match.group(1) == "." and (_DOTTED.match(before + ".") or len(before) <= 1 or (
                    before in self.titles)):
                continue  # "U.S. citizens", "Col. Vargas": an abbreviation, not the end of a sentence
            chars[match.start(5)] = chars[match.start(5)].upper()

    def is_word(self, word: str) -> bool:
        """An English word, or an inflected, derived, prefixed or compound form of one."""
        if self._known(word):
            return True
        if "-" in word:
            return all(self.is_word(part) for part in word.split("-") if part)
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and self._known(word[len(prefix):]):
                return True
        return False

    def _known(self, word: str) -> bool:
        if word in self.words:
            return True
        for suffix in _INFLECTIONS + _DERIVATIONS:
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)]
                if stem in self.words or stem + "e" in self.words or stem + "y" in self.words:
                    return True
                if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in self.words:  # "planned"
                    return True
        return word.endswith("men") and word[:-3] + "man" in self.words  # "clergymen"


def _fold(text: str) -> str:
    """``text`` without accents."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def caps_regions(text: str) -> list[tuple[int, int]]:
    """Character spans of the runs of ALL-CAPS lines."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    end = pos = 0
    for line in text.splitlines(keepends=True):
        letters = "".join(_ALPHA.findall(line))
        upper = sum(c.isupper() for c in letters)
        if letters and upper < CAPS_SHARE * len(letters):  # lower-case letters: the run ends
            if start is not None:
                regions.append((start, end))
                start = None
        elif letters and (start is not None or len(letters) >= MIN_LETTERS):
            start = pos if start is None else start
            end = pos + len(line)
        pos += len(line)
    if start is not None:
        regions.append((start, end))
    return regions


def place_names() -> list[str]:
    """Countries, first-level subdivisions and cities of ``MIN_CITY_POPULATION`` people, as written."""
    import pycountry

    from .gazetteer import geonames

    names = [c.name for c in pycountry.countries] + [getattr(c, "common_name", c.name) for c in pycountry.countries]
    names += [s.name for s in pycountry.subdivisions]
    names += [c["name"] for c in geonames().get_cities().values() if c["population"] >= MIN_CITY_POPULATION]
    return names


def english_vocabulary(nlp) -> tuple[frozenset[str], frozenset[str]]:
    """(all words, verbs + adjectives + adverbs) from the English pipeline's lemmatizer tables, irregular forms
    included; empty when the pipeline has no such tables."""
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups
        index, exceptions = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    except (KeyError, ValueError):
        return frozenset(), frozenset()
    words: set[str] = set()
    open_words: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        entries = set(index.get(pos, ())) | set(exceptions.get(pos, {}))
        words |= entries
        if pos != "noun":
            open_words |= entries
    return frozenset(words), frozenset(open_words)


def original_text(statements: list[Statement], mentions: list[Mention], text: str) -> tuple[list[Statement], list[Mention]]:
    """Statements and mentions read from a truecased copy of ``text``, with their quotes and words as ``text``
    has them (the offsets are the same)."""

    def words(value: str | None, start: int, end: int) -> str | None:
        if not value:
            return value
        at = text.lower().find(value.lower(), start, end) if end > start else -1
        if at < 0:
            at = text.lower().find(value.lower())
        return text[at:at + len(value)] if at >= 0 else value

    out_mentions = [m.model_copy(update={"text": text[m.start:m.end]}) for m in mentions]
    out_statements = []
    for s in statements:
        update: dict = {"quote": text[s.start:s.end]}
        if s.trigger_start is not None and s.trigger_end is not None:
            update["trigger"] = text[s.trigger_start:s.trigger_end]
        else:
            update["trigger"] = words(s.trigger, s.start, s.end)
        for field in ("subject_text", "object_text", "asserter_text"):
            update[field] = words(getattr(s, field), s.start, s.end)
        if s.time is not None and s.time.char_start is not None and s.time.char_end is not None:
            update["time"] = s.time.model_copy(update={"text": text[s.time.char_start:s.time.char_end]})
        if s.quantities:
            update["quantities"] = [q.model_copy(update={"text": words(q.text, s.start, s.end)}) for q in s.quantities]
        out_statements.append(s.model_copy(update=update))
    return out_statements, out_mentions
