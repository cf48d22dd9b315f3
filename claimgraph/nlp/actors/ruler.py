"""``cg_actor_ruler``: knowledge-base names as entities, before the statistical ``ner``.

Every name, alias and metonym of every actor is a phrase matched case-insensitively (on token LOWER), and every
exact alias, plus any all-caps alias ("US", "ISI"), case-sensitively (on ORTH). Phrases are split by the pipeline's
own tokenizer, so hyphenated names ("Jaish-e-Mohammed" -> Jaish - e - Mohammed) match the way the text is split,
and spelling variants are added automatically (``names.name_variants``: hyphen or space, with or without
"al-", either apostrophe). Matches become ``doc.ents`` with the actor id as ``ent_id_``; the longest match wins and
tokens outside matches are left for ``ner``. Demonyms are not phrases: the linker reads them in context.

Connector-joined names that no phrase matches ("Jaish-e-Muhammad", "Tehrik-e-Taliban Pakistan") are fuzzy-matched
here, before ``ner`` can split them into pieces.

Phrases live in a table of token tuples rather than a spaCy PhraseMatcher: the matching is the same (ORTH or
LOWER of consecutive tokens), but building a PhraseMatcher needs one Doc per phrase, and creating lexemes for
~10,000 phrases took over a second; the table builds in a fraction of that. Only words that are not plain letters
go through the tokenizer (cached per word), as a plain word is always one token.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...kb import NameEntry, get_knowledge_base
from ..component import DataComponent
from .lexicons import load_description_lexicon, load_person_titles, load_sector_lexicon
from .name_parts import NameGlue
from .names import entity_label, looks_like_acronym, name_index, name_variants

RULED_KINDS = ("name", "alias", "metonym", "weak")
# Short words that join the parts of transliterated names ("Jaish-e-Mohammed", "Harakat-ul-Mujahideen").
CHAIN_CONNECTORS = frozenset({"e", "i", "ul", "al", "el", "ud", "ur", "ut", "us", "bin", "ibn", "wal", "-"})
CHAIN_TYPES = frozenset({"armed_group", "political_org", "media", "ngo", "igo", "government", "military",
                         "intelligence", "security_forces", "business", "other", "person"})
_PLAIN_WORD = re.compile(r"^[A-Za-z]+$")


class PhraseTable:
    """Token-tuple phrases -> the KB entries they name; matched on ORTH (``lower=False``) or LOWER."""

    def __init__(self, lower: bool):
        self.lower = lower
        self.entries: dict[tuple[str, ...], tuple[NameEntry, ...]] = {}
        self.case_free: set[tuple[str, ...]] = set()  # phrases whose names are lower-case ("al-Qaeda" is not)
        self.lengths: dict[str, set[int]] = defaultdict(set)  # first token -> phrase lengths

    def add(self, tokens: tuple[str, ...], entries: tuple[NameEntry, ...], case_free: bool = False) -> None:
        if not tokens:
            return
        if self.lower:
            tokens = tuple(t.lower() for t in tokens)
        known = self.entries.get(tokens, ())
        self.entries[tokens] = known + tuple(e for e in entries if e not in known)
        self.lengths[tokens[0]].add(len(tokens))
        if case_free:
            self.case_free.add(tokens)

    def __call__(self, words: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        found = []
        n = len(words)
        for i, word in enumerate(words):
            for length in self.lengths.get(word, ()):
                if i + length <= n:
                    key = tuple(words[i:i + length])
                    if key in self.entries:
                        found.append((i, i + length, key))
        return found


class ActorRuler:
    def __init__(self, nlp: Language, kb_paths: list[str]):
        self.kb = get_knowledge_base(kb_paths, use_env=False)
        self.names = name_index(self.kb)
        self.glue = NameGlue.build(self.names, load_person_titles(), load_sector_lexicon(),
                                   load_description_lexicon())
        self._tokenizer: Any = nlp.tokenizer  # spaCy types it as a callable; it is a Tokenizer (rules, pipe)
        self._word_tokens: dict[str, tuple[str, ...]] = {}
        self.lower = PhraseTable(lower=True)
        self.orth = PhraseTable(lower=False)
        lower_names: dict[str, tuple[NameEntry, ...]] = {}
        orth_names: dict[str, set[NameEntry]] = defaultdict(set)
        for entries in self.kb.index.values():
            ruled = tuple(e for e in entries if e.kind in RULED_KINDS)
            for entry in ruled:
                if looks_like_acronym(entry.name):
                    orth_names[entry.name].add(entry)
                else:
                    lower_names[entry.name] = ruled
        for name, entries in self.kb.exact_index.items():
            orth_names[name].update(entries)
        variants = {name: name_variants(name) for name in lower_names}
        variants.update({name: name_variants(name, drop_article=False) for name in orth_names})
        self._tokenize_words({v for vs in variants.values() for v in vs})
        for name, name_entries in lower_names.items():
            for variant in variants[name]:
                self.lower.add(self.tokens(variant), name_entries, case_free=name == name.lower())
        for name, orth_entries in orth_names.items():
            for variant in variants[name]:
                self.orth.add(self.tokens(variant), tuple(sorted(orth_entries, key=lambda e: e.actor_id)))

    def _tokenize_words(self, phrases: set[str]) -> None:
        hard = sorted({w for p in phrases for w in p.split() if not _PLAIN_WORD.match(w)
                       or w in self._tokenizer.rules})
        for word, doc in zip(hard, self._tokenizer.pipe(hard, batch_size=1000)):
            self._word_tokens[word] = tuple(t.text for t in doc)

    def tokens(self, phrase: str) -> tuple[str, ...]:
        """``phrase`` split as the pipeline's tokenizer splits it."""
        out: list[str] = []
        for word in phrase.split():
            if word not in self._word_tokens:
                if _PLAIN_WORD.match(word) and word not in self._tokenizer.rules:
                    self._word_tokens[word] = (word,)
                else:
                    self._word_tokens[word] = tuple(t.text for t in self._tokenizer(word))
            out.extend(self._word_tokens[word])
        return tuple(out)

    def _transliterations(self, doc: Doc, spans: list[Span], date: dt.date | None) -> list[Span]:
        """Fuzzy matches for connector-joined names the phrases missed ("Jaish-e-Muhammad")."""
        found: list[Span] = []
        for start, end in connector_chains(doc):
            if any(s.start <= start and end <= s.end for s in spans):
                continue
            # Longest sub-run first; it must keep a connector and two words.
            options = sorted(((a, b) for a in range(start, end) for b in range(end, a + 2, -1)),
                             key=lambda ab: ab[0] - ab[1])
            for a, b in options:
                if not (_chain_word(doc[a]) or doc[a].lower_ in ("al", "el")) or not _chain_word(doc[b - 1]):
                    continue
                if not any(doc[k].lower_ in CHAIN_CONNECTORS for k in range(a, b)):
                    continue
                hit = self.names.fuzzy(doc[a:b].text, CHAIN_TYPES, date)
                if hit is not None:
                    actor = self.kb.actors[hit[0].actor_id].as_of(date)
                    found.append(Span(doc, a, b, label=entity_label(actor), span_id=actor.id))
                    break
        return found

    def __call__(self, doc: Doc) -> Doc:
        date: dt.date | None = doc._.cg_doc_date
        words = [t.text for t in doc]
        spans: list[Span] = []
        kinds: dict[tuple[int, int, str], str] = {}
        # Case-sensitive matches first so that, at equal length, they win in filter_spans.
        for table, words_seen in ((self.orth, words), (self.lower, [w.lower() for w in words])):
            for start, end, key in table(words_seen):
                if table.lower and key not in table.case_free and not any(
                        w[:1].isupper() for w in words[start:end]):
                    continue  # "islamic state" in running lower-case text is rarely the name
                if end - start == 1 and _pronoun_reading(doc[start]):
                    continue  # "the men WHO attacked", "WHO did it?": the word, not the organisation
                entry = self.names.choose(table.entries[key], date)
                if entry is None:
                    continue
                actor = self.kb.actors[entry.actor_id].as_of(date)
                spans.append(Span(doc, start, end, label=entity_label(actor), span_id=entry.actor_id))
                kinds[(start, end, entry.actor_id)] = entry.kind
        spans += self._transliterations(doc, spans, date)
        if not spans:
            return doc
        kept = filter_spans(spans)
        kept = self._drop_name_parts(doc, kept, kinds)
        kept_tokens = {i for s in kept for i in range(s.start, s.end)}
        previous = [e for e in doc.ents if not any(i in kept_tokens for i in range(e.start, e.end))]
        doc.set_ents(sorted(kept + previous, key=lambda s: s.start), default="unmodified")
        return doc


    def _drop_name_parts(self, doc: Doc, kept: list[Span], kinds: dict[tuple[int, int, str], str]) -> list[Span]:
        """A one-word match that is part of a longer capitalised name is left to ``ner`` (name_parts.py)."""
        covered = {i: s.start for s in kept for i in range(s.start, s.end)}
        out = []
        for span in kept:
            actor = self.kb.actors.get(span.id_)
            kind = kinds.get((span.start, span.end, span.id_), "")
            if actor is None or not self.glue.is_part(doc, span.start, span.end, actor, kind, covered.get):
                out.append(span)
        return out


def _pronoun_reading(token) -> bool:
    """An all-caps acronym that is also a wh-word, read as one: a relative after a noun ("the men WHO attacked")
    or the subject of a question ("WHO attacked the mayor?"). Elsewhere ("WHO officials", "doctors from WHO",
    "WHO is sending doctors") it stays the name."""
    if token.tag_ not in ("WP", "WDT", "WRB") or not token.is_stop:
        return False
    doc = token.doc
    previous = doc[token.i - 1] if token.i > 0 else None
    if previous is not None and previous.tag_ in ("NNS", "NNPS", "NN") and token.dep_ in ("nsubj", "nsubjpass"):
        return True
    if token.dep_ in ("nsubj", "nsubjpass", "dobj") and (previous is None or previous.is_sent_end or previous.is_punct):
        sentence_end = next((t for t in doc[token.i:] if t.is_sent_end), doc[-1])
        return sentence_end.text == "?" or (sentence_end.i > 0 and doc[sentence_end.i].text.endswith("?"))
    return False


def _chain_word(token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and not token.is_stop


def connector_chains(doc: Doc) -> list[tuple[int, int]]:
    """Runs of capitalised words joined by name connectors ("Tehrik-e-Taliban Pakistan", "al-Qaidah")."""
    chains: list[tuple[int, int]] = []
    i, n = 0, len(doc)
    while i < n:
        starts_with_al = doc[i].lower_ in ("al", "el") and i + 1 < n and doc[i + 1].text == "-"
        if not (_chain_word(doc[i]) or starts_with_al):
            i += 1
            continue
        j = i + 1
        while j < n and (_chain_word(doc[j]) or doc[j].lower_ in CHAIN_CONNECTORS):
            j += 1
        while j > i and not _chain_word(doc[j - 1]):
            j -= 1
        has_connector = any(doc[k].lower_ in CHAIN_CONNECTORS - {"-"} for k in range(i, j))
        if 2 <= j - i <= 10 and has_connector:
            chains.append((i, j))
        i = max(j, i + 1)
    return chains


@Language.factory(
    "cg_actor_ruler",
    default_config={"kb_paths": []},
    assigns=["doc.ents", "token.ent_id", "token.ent_iob", "token.ent_type"],
)
def make_actor_ruler(nlp: Language, name: str, kb_paths: list[str]) -> DataComponent:
    """``kb_paths``: knowledge-base overlay files or folders, after the bundled files."""
    return DataComponent(nlp, name, lambda: ActorRuler(nlp, kb_paths))
