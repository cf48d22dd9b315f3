"""Names of knowledge-base actors as the actor ruler and linker use them: spelling variants, entity labels,
the choice among actors that share a name, and the keys for fuzzy matching of transliterations.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from ...kb import KnowledgeBase, NameEntry, normalize_name
from ...models import Actor

# spaCy entity label of a knowledge-base actor, by actor type.
LABEL_BY_TYPE = {"country": "GPE", "population": "NORP", "person": "PERSON"}
DEFAULT_LABEL = "ORG"

_KIND_RANK = {"exact": 0, "name": 1, "alias": 2, "metonym": 3, "demonym": 4, "weak": 5}
# Connectors of South Asian and Arabic names written with hyphens or spaces ("Jaish-e-Mohammed").
_CONNECTORS = r"(e|i|ul|al|ud|ur|ut|us|as|ad|an|ar|az|ash|ibn|bin|wal|wa)"
_AL_PREFIX = re.compile(r"^(?:al|el|ul)[-\s](?=\S{4,})", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,5}$")


def entity_label(actor: Actor) -> str:
    return LABEL_BY_TYPE.get(actor.type, DEFAULT_LABEL)


def looks_like_acronym(name: str) -> bool:
    """All-caps short names ("US", "ISI") are matched case-sensitively even when listed as plain aliases."""
    return bool(_ACRONYM.match(name))


_HYPHEN = re.compile(r"\s*-\s*")
_CONNECTOR_SPACED = re.compile(rf"\s+{_CONNECTORS}\s+", re.IGNORECASE)


def name_variants(name: str, drop_article: bool = True) -> set[str]:
    """Spellings of ``name`` a writer may use: hyphens or spaces, with or without a leading "al-", either apostrophe.

    ``drop_article`` also gives the name without a leading "The"; not for case-sensitive names, where "The
    Hindu" without its article is a religion, not the newspaper.
    """
    bases = {name}
    if "'" in name or "\u2019" in name:
        bases |= {name.replace("\u2019", "'"), name.replace("'", "\u2019")}
    out: set[str] = set()
    for base in bases:
        forms = {base}
        if "-" in base:
            forms.add(_HYPHEN.sub(" ", base))
        if " " in base:
            forms.add(_CONNECTOR_SPACED.sub(r"-\1-", base))
        # Hyphenated first words also appear with the hyphen dropped ("Al-Azaim" vs "Al Azaim").
        for form in list(forms):
            if _AL_PREFIX.match(form):
                forms.add(_AL_PREFIX.sub("", form))
            if drop_article and form[:4].lower() == "the " and len(form) > 8:
                forms.add(form[4:])
        out |= {f.strip() for f in forms if f.strip()}
    return out


def _consonant_skeleton(key: str) -> str:
    """A transliteration-tolerant key: no leading "al", no vowels after a word's first letter, no doubles.

    "jaish e muhammad" and "jaish e mohammed" both give "jsh mhmd"; "al qaida" and "al qaeda" give "qd".
    """
    words = [w for w in key.split() if w not in ("al", "el", "e", "i", "ul")]
    out = []
    for word in words:
        word = word.replace("ph", "f").replace("kh", "k").replace("q", "k").replace("z", "s").replace("w", "v")
        rest = re.sub(r"[aeiouy]", "", word[1:])
        word = (word[0] if word[0] not in "aeiouy" else "a") + rest
        out.append(re.sub(r"(.)\1+", r"\1", word))
    return " ".join(out)


@dataclass
class NameIndex:
    """Lookups derived from one knowledge base, built once per component."""

    kb: KnowledgeBase
    demonyms: dict[str, str] = field(default_factory=dict)  # lower-case demonym -> country actor id
    demonym_starts: set[str] = field(default_factory=set)  # first words of demonyms, a cheap pre-check
    fuzzy_keys: list[str] = field(default_factory=list)  # normalized names for fuzzy matching, by length
    fuzzy_lengths: list[int] = field(default_factory=list)
    skeletons: dict[str, list[str]] = field(default_factory=dict)  # skeleton -> normalized keys
    # normalized family name -> the knowledge-base people who have it ("kerry" -> P_JOHN_KERRY), and the
    # family names written in the knowledge base as weak aliases (a curated bare surname, not a derived one)
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    curated_surnames: set[tuple[str, str]] = field(default_factory=set)  # (key, actor id)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> NameIndex:
        index = cls(kb)
        for key, entries in kb.index.items():
            for entry in entries:
                if entry.kind == "demonym":
                    index.demonyms[entry.name.lower().replace("\u2019", "'")] = entry.actor_id
            if len(key) >= 6 and any(e.kind in ("name", "alias") for e in entries):
                index.fuzzy_keys.append(key)
                index.skeletons.setdefault(_consonant_skeleton(key), []).append(key)
        index.fuzzy_keys.sort(key=len)
        index.fuzzy_lengths = [len(k) for k in index.fuzzy_keys]
        index.demonym_starts = {d.split()[0] for d in index.demonyms if d.split()}
        surnames: dict[str, list[str]] = {}
        for actor in kb.actors.values():
            if actor.type != "person":
                continue
            keys = family_name_keys(actor.name, actor.country)
            for weak in actor.weak_aliases:
                key = normalize_name(weak)
                if len(key.split()) == 1:
                    keys.add(key)
                    index.curated_surnames.add((key, actor.id))
            for key in keys:
                surnames.setdefault(key, []).append(actor.id)
        index.surnames = {k: tuple(sorted(v)) for k, v in surnames.items()}
        return index

    def choose(self, entries: list[NameEntry] | tuple[NameEntry, ...], date: dt.date | None = None,
               kinds: tuple[str, ...] = ("exact", "name", "alias", "metonym", "weak")) -> NameEntry | None:
        """The entry a name stands for: strongest kind first, an actor valid on ``date`` before others. An actor
        that did not exist yet on ``date`` is never chosen (a 2005 "Coalition" is not the task force of 2014); one
        that had ceased to exist may still be written about."""
        usable = [e for e in entries if e.kind in kinds and e.actor_id in self.kb.actors]
        if date is not None:
            usable = [e for e in usable if not _later(self.kb.actors[e.actor_id], date)]
        if not usable:
            return None
        if date is not None:
            valid = [e for e in usable if _valid_on(self.kb.actors[e.actor_id], date)]
            usable = valid or usable
        return min(usable, key=lambda e: (_KIND_RANK[e.kind], e.actor_id))

    def resolve(self, text: str, date: dt.date | None = None) -> NameEntry | None:
        """A knowledge-base name (not a demonym) that ``text`` is, exactly or by normalized key."""
        text = text.strip()
        found = list(self.kb.exact_index.get(text, []))
        found += self.kb.index.get(normalize_name(text), [])
        return self.choose(found, date)

    def fuzzy(self, text: str, allowed_types: frozenset[str], date: dt.date | None = None,
              cutoff: float = 90.0) -> tuple[NameEntry, float] | None:
        """The closest knowledge-base name to ``text`` among actors of ``allowed_types`` (score 0-100)."""
        from rapidfuzz import fuzz, process

        key = normalize_name(text)
        if len(key) < 6 or not self.fuzzy_keys:
            return None
        # Names much shorter or longer than the key cannot reach the cutoff: compare only a length window.
        lo = bisect.bisect_left(self.fuzzy_lengths, int(len(key) * 0.75))
        hi = bisect.bisect_right(self.fuzzy_lengths, int(len(key) * 1.34) + 1)
        window = self.fuzzy_keys[lo:hi]
        candidates: list[tuple[str, float]] = []
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            candidates += [(k, s) for k, s, _ in process.extract(key, window, scorer=scorer,
                                                                  score_cutoff=cutoff, limit=5)]
        # A shared consonant skeleton tolerates vowel spellings ("Qaida"/"Qaeda") at a lower edit score.
        for k in self.skeletons.get(_consonant_skeleton(key), []):
            score = fuzz.ratio(key, k)
            if score >= 75:
                candidates.append((k, max(score, cutoff)))
        best: tuple[NameEntry, float] | None = None
        for k, score in sorted(candidates, key=lambda c: -c[1]):
            if not _words_agree(key, k, self.demonyms):
                continue
            entry = self.choose(self.kb.index.get(k, []), date, kinds=("name", "alias"))
            if entry is None or self.kb.actors[entry.actor_id].as_of(date).type not in allowed_types:
                continue
            if best is None or score > best[1]:
                best = (entry, score)
        return best


# Where the family name comes first ("Wang Yi" is Mr Wang).
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "SGP"})
# No family names at all, or none written alone.
NO_FAMILY_NAME = frozenset({"MMR", "IDN", "ISL", "ETH", "ERI"})
_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "vi"})
_PATRONYMIC = frozenset({"bin", "ibn", "bint", "ould", "wad"})


def family_name_keys(name: str, country: str | None) -> set[str]:
    """Normalized keys of the family name a person is called by alone: "John Kerry" -> {"kerry"}, "Bashar
    al-Assad" -> {"al assad", "assad"}, "Wang Yi" -> {"wang"}, "Osama bin Laden" -> {"bin laden"} (alone,
    "Laden" or "Salman" is the father). None for one-word names and where people have no family name."""
    words = [w for w in name.replace(",", " ").split() if w.lower().rstrip(".") not in _GENERATIONAL]
    if len(words) < 2 or country in NO_FAMILY_NAME:
        return set()
    if len(words) >= 3 and words[-2].lower() in _PATRONYMIC:  # "bin Laden", "bin Salman"
        return {normalize_name(" ".join(words[-2:]))}
    family = words[0] if country in FAMILY_NAME_FIRST else words[-1]
    stripped = _AL_PREFIX.sub("", family)
    if not stripped[:1].isupper() or len(stripped) < 3:
        return set()
    keys = {normalize_name(family), normalize_name(stripped)}
    return {k for k in keys if k and len(k.split()) <= 2}


_NAME_CONNECTORS = frozenset({"al", "el", "e", "i", "ul", "ud", "ur", "of", "the", "and"})


def _words_agree(a: str, b: str, demonyms: dict[str, str] | None = None) -> bool:
    """Two normalized names differ only in spelling word by word: the same number of content words, each pair
    close ("tehrik"/"tehreek") or with the same consonants ("tayyaba"/"taiba"), in order or sorted. A shared
    long prefix is not enough: "harakat ul sabr" is not "harakat ul ansar". Spelling variants keep their first
    sound (a consonant, or some vowel: "Osama"/"Usama"), so "Veldorian" is no spelling of "Ivorian"; and two
    words that name different countries ("Austrian"/"Australian") never agree."""
    from rapidfuzz import fuzz

    countries = demonyms or {}

    def close(x: str, y: str) -> bool:
        if x == y:
            return True
        if x[:1] != y[:1] and not (x[:1] in _VOWELS and y[:1] in _VOWELS):
            return False
        if x in countries and y in countries and countries[x] != countries[y]:
            return False
        return fuzz.ratio(x, y) >= 70 or _consonant_skeleton(x) == _consonant_skeleton(y)

    wa = [w for w in a.split() if w not in _NAME_CONNECTORS]
    wb = [w for w in b.split() if w not in _NAME_CONNECTORS]
    if len(wa) != len(wb):
        return False
    return all(close(x, y) for x, y in zip(wa, wb)) or all(close(x, y) for x, y in zip(sorted(wa), sorted(wb)))


_VOWELS = frozenset("aeiouy")
_INDEXES: dict[int, tuple[KnowledgeBase, NameIndex]] = {}  # cache: id(kb) -> (kb, its index)


def name_index(kb: KnowledgeBase) -> NameIndex:
    """The NameIndex of ``kb``, built once and shared by the ruler and the linker."""
    cached = _INDEXES.get(id(kb))
    if cached is None or cached[0] is not kb:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        cached = _INDEXES[id(kb)] = (kb, NameIndex.build(kb))
    return cached[1]


def _later(actor: Actor, date: dt.date) -> bool:
    """The actor came into being after ``date``."""
    return actor.valid_from is not None and date < actor.valid_from


def _valid_on(actor: Actor, date: dt.date) -> bool:
    return (actor.valid_from is None or actor.valid_from <= date) and (actor.valid_to is None or date <= actor.valid_to)
