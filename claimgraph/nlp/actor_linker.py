"""``cg_actor_linker``: every entity, demonym phrase, defined acronym and anaphor resolved to an actor.

Runs after ``ner``. Resolution order (each result is a ``MentionSpan`` whose ``rule`` says how it was found):

1. Acronym definitions ("Long Form (LF)", "LF (Long Form)"): the acronym becomes a doc-level alias
   (``doc._.cg_doc_aliases``) of the long form's actor from there on. A KB acronym beats a long form that is not a
   KB name (a writer's misnaming: "Balochistan Nationalist Army (BLA)" -> BLA). A long form that is neither
   becomes a provisional actor when it looks like an organisation; otherwise the acronym names no actor (a
   project, a law).
2. Entities: ruler entities carry the actor id (rule ``kb``/``exact``/``metonym``; a metonym used as a place,
   "in Islamabad", or in a dateline is skipped); other entities are tried as doc aliases, KB names, then
   fuzzy-matched to KB names of a compatible type (rule ``fuzzy``); GPE/LOC entities that are not KB actors are
   places and get no mention; unresolved ORG/NORP/PERSON entities become provisional actors ``X-<SLUG>``.
3. Demonyms and country names + an organisation noun from ``sector_nouns.yaml`` (rule ``demonym_org``):
   "Indian agencies" -> IND_SPY, "Pakistan's military" -> PAK_MIL; a KB actor when the id exists, else a derived
   provisional actor with that id. A bare plural demonym is the country after "the" ("the Pakistanis" as an
   agent) and the country's people otherwise ("recruiting Indians"), rule ``demonym``.
4. Anaphora (``anaphora.py``): definite descriptions and pronouns to the most salient compatible actor.

Actors are reported (``doc_actors``) as of the document date; knowledge-base actors are never modified.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kb import NameEntry, get_knowledge_base, normalize_name
from ..models import Actor
from .acronyms import find_definitions
from .actor_lexicon import load_description_lexicon, load_sector_lexicon
from .actor_names import name_index, name_variants
from .anaphora import resolve_anaphora
from .annotations import MentionSpan, doc_actors, set_mentions

AGENT_LABELS = frozenset({"ORG", "NORP", "GPE", "PERSON"})
FUZZY_TYPES: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"person"}),
    "GPE": frozenset({"country"}),
    "LOC": frozenset({"country"}),
    "NORP": frozenset({"population", "armed_group", "political_org"}),
    "FAC": frozenset({"government", "military", "intelligence", "security_forces"}),
    "ORG": frozenset({"government", "military", "intelligence", "security_forces", "armed_group", "political_org",
                      "media", "igo", "ngo", "business", "other"}),
}
ORG_TYPES = FUZZY_TYPES["ORG"]
SENSE_BY_TYPE = {"country": "government", "government": "government"}
# A metonym after these prepositions is the place, not the government ("talks in Islamabad").
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "around", "across", "into", "within",
                            "throughout", "via", "through", "over", "beyond", "towards", "toward"})
POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019"})
DETERMINERS = frozenset({"the", "a", "an"})
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE)

CONFIDENCE = {"kb": 1.0, "exact": 1.0, "metonym": 0.85, "acronym": 0.9, "acronym_long": 0.85,
              "demonym_org": 0.85, "demonym_org_derived": 0.75, "demonym": 0.6, "provisional": 0.7,
              "generic": 0.5}


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Normalized names of countries, first-level subdivisions and cities with 15,000+ people."""
    import pycountry

    from ..gazetteer import geonames

    names = {x.name for x in pycountry.subdivisions} | {x.name for x in pycountry.countries}
    names |= {c["name"] for c in geonames().get_cities().values()}
    return frozenset(normalize_name(n) for n in names)


@functools.lru_cache(maxsize=1)
def language_names() -> frozenset[str]:
    import pycountry

    names: set[str] = set()
    for lang in pycountry.languages:
        names.add(lang.name.lower())
        names.add(lang.name.split()[-1].lower())  # "Southern Pashto" -> "pashto"
    return frozenset(names)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Z0-9]+", "-", normalize_name(text).upper()).strip("-")
    return slug or f"U{abs(hash(text)) % 10**8}"


@dataclass
class _DocState:
    doc: Doc
    date: dt.date | None
    mentions: list[MentionSpan] = field(default_factory=list)
    claimed: dict[int, MentionSpan] = field(default_factory=dict)  # token -> mention
    actors: dict[str, Actor] = field(default_factory=dict)  # provisional and derived actors of this doc
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


class ActorLinker:
    def __init__(self, nlp: Language, kb_paths: list[str]):
        self.kb = get_knowledge_base(kb_paths)
        self.names = name_index(self.kb)
        self.sectors = load_sector_lexicon()
        self.descriptions = load_description_lexicon()
        self.org_cue_words = frozenset(w for words in self.sectors.org_type_cues.values() for w in words)
        self.common_heads = frozenset(k[-1] for k in self.sectors.by_phrase) | frozenset(
            k[-1] for k in self.descriptions.by_head)
        self.generic_types = {noun: type_ for type_, nouns in self.sectors.generic_agents.items() for noun in nouns}
        self.people_nouns = frozenset(k[0] for k, n in self.sectors.by_phrase.items() if n.suffixes[0] == "PEOPLE")

    # ---- helpers ------------------------------------------------------------------------------------------
    def actor_of(self, st: _DocState, actor_id: str) -> Actor | None:
        actor = st.actors.get(actor_id) or self.kb.actors.get(actor_id)
        return actor.as_of(st.date) if actor is not None else None

    def _kind(self, text: str, actor_id: str) -> tuple[str, float]:
        """How ``text`` names ``actor_id``: its KB name kind, "alias" for an automatic spelling variant, or
        "fuzzy" with the similarity when the ruler matched it by transliteration."""
        entries = list(self.kb.exact_index.get(text, [])) + self.kb.index.get(normalize_name(text), [])
        kinds = [e.kind for e in entries if e.actor_id == actor_id]
        for kind in ("exact", "name", "alias", "metonym", "weak"):
            if kind in kinds:
                return kind, 100.0
        from rapidfuzz import fuzz

        actor = self.kb.actors[actor_id]
        key = normalize_name(text)
        names = [*actor.all_names(), *actor.metonyms, *actor.weak_aliases]
        variants = {normalize_name(v) for n in names for v in name_variants(n)}
        if key in variants:
            return "alias", 100.0
        return "fuzzy", max((fuzz.ratio(key, v) for v in variants), default=0.0)

    def _provisional(self, st: _DocState, name: str, label: str, type_: str | None = None) -> str:
        actor_id = "X-" + _slug(name)
        if actor_id not in st.actors:
            st.actors[actor_id] = Actor(id=actor_id, name=name, type=type_ or self._guess_type(name, label),
                                        provisional=True)
        return actor_id

    def _guess_type(self, name: str, label: str) -> str:
        if label == "PERSON":
            return "person"
        if label == "NORP":
            return "population"
        words = set(normalize_name(name).split())
        for type_, cues in self.sectors.org_type_cues.items():
            if words & set(cues):
                return type_
        return "other"

    def _adjective(self, country: Actor) -> str:
        return country.demonyms[0] if country.demonyms else country.name

    def country_actor(self, st: _DocState, iso: str, suffixes: tuple[str, ...]) -> tuple[str, bool]:
        """``{iso}_{suffix}`` for the first suffix the KB has, else a derived actor with the first suffix."""
        for suffix in suffixes:
            if f"{iso}_{suffix}" in self.kb.actors:
                return f"{iso}_{suffix}", False
        actor_id = f"{iso}_{suffixes[0]}"
        if actor_id not in st.actors:
            country = self.kb.actors[iso].as_of(st.date)
            sector = self.sectors.sectors[suffixes[0]]
            name = sector.name.format(adj=self._adjective(country), country=country.name)
            st.actors[actor_id] = Actor(id=actor_id, name=name, type=sector.type, country=country.country or iso,
                                        code=f"{country.code or iso}{sector.code or suffixes[0]}",
                                        parent=iso, provisional=True)
        return actor_id, True

    def _is_place_use(self, doc: Doc, start: int, end: int) -> bool:
        """A metonym used as a place: after a locative preposition, or in a dateline ("Beijing, March 3")."""
        k = start - 1
        while k >= 0 and doc[k].lower_ in DETERMINERS:
            k -= 1
        if k >= 0 and doc[k].lower_ in LOCATIVE_PREPS:
            return True
        if doc[start:end].start_char < (doc._.cg_body_start or 0):
            return True
        at_sentence_start = start == 0 or doc[start].is_sent_start or doc[start - 1].is_space or (
            doc[start - 1].text in ("\n",) or doc[start - 1].ent_type_ == "DATE")
        return at_sentence_start and end + 1 < len(doc) and doc[end].text in (",", "-", "\u2014") and (
            doc[end + 1].ent_type_ == "DATE" or bool(_MONTH.match(doc[end + 1].text)))

    def _org_like(self, doc: Doc, start: int, end: int) -> bool:
        words = [t.lower_ for t in doc[start:end] if t.is_alpha]
        return bool(words) and (words[-1] in self.sectors.org_heads or bool(set(words) & self.org_cue_words))

    # ---- passes -------------------------------------------------------------------------------------------
    def _acronyms(self, st: _DocState) -> None:
        doc = st.doc
        for d in find_definitions(doc):
            long_text = doc[d.long_start:d.long_end].text
            long_entry = self.names.resolve(long_text, st.date)
            acr_entry = self.names.resolve(d.acronym, st.date)
            if long_entry is not None and long_entry.kind != "metonym":
                actor_id = long_entry.actor_id
                long_rule = "exact" if long_entry.kind == "exact" else "kb"
                long_conf = CONFIDENCE["kb"]
            elif acr_entry is not None:
                actor_id, long_rule, long_conf = acr_entry.actor_id, "acronym", CONFIDENCE["acronym_long"]
            else:
                hit = self.names.fuzzy(long_text, ORG_TYPES, st.date)
                inner_kb = any(doc[k].ent_id_ for k in range(d.long_start, d.long_end))
                if hit is not None:
                    actor_id, long_rule, long_conf = hit[0].actor_id, "fuzzy", round(0.9 * hit[1] / 100, 2)
                elif inner_kb or not self._org_like(doc, d.long_start, d.long_end):
                    st.non_actor_acronyms.add(d.acronym)
                    continue
                else:
                    actor_id = self._provisional(st, long_text, "ORG")
                    long_rule, long_conf = "provisional", CONFIDENCE["provisional"]
            st.aliases[d.acronym] = actor_id
            st.alias_from[d.acronym] = min(d.acr_start, d.long_start)
            st.add(MentionSpan(d.long_start, d.long_end, actor_id, long_rule, long_conf))
            same = acr_entry is not None and acr_entry.actor_id == actor_id
            acr_rule = ("exact" if acr_entry.kind == "exact" else "kb") if same and acr_entry else "acronym"
            st.add(MentionSpan(d.acr_start, d.acr_end, actor_id, acr_rule, CONFIDENCE[acr_rule]))

    def _is_surname(self, st: _DocState, actor_id: str, start: int, end: int) -> bool:
        """"Mahrang Baloch", "Ilyas Kashmiri": a one-word people name right after a capitalised given name that
        is no actor is part of a person's name, not the people."""
        actor = self.kb.actors.get(actor_id)
        if actor is None or actor.type != "population" or end - start != 1 or start == 0:
            return False
        before = st.doc[start - 1]
        if before.pos_ != "PROPN" or not before.text[:1].isupper() or self.names.resolve(before.text, st.date):
            return False
        if before.lower_ in self.names.demonyms:
            return False
        # the given name is free, or already a provisional person ("Abdul Malik" + "Baloch")
        owner = next((m for m in st.mentions if m.start <= start - 1 < m.end), None)
        if owner is None:
            return True
        person = self.actor_of(st, owner.actor_id) if owner.rule == "provisional" else None
        return person is not None and person.type == "person"

    def _entity(self, st: _DocState, ent: Span) -> None:
        doc, start, end = st.doc, ent.start, ent.end
        while start < end and doc[start].lower_ in DETERMINERS:
            start += 1
        while end > start and doc[end - 1].text in POSSESSIVES:
            end -= 1
        if start >= end or not st.free(start, end):
            return
        if doc[start].idx < (doc._.cg_body_start or 0):
            return  # the dateline names where the report was filed, not an actor
        text, label = doc[start:end].text, ent.label_
        alias = st.alias_for(text, start)
        if alias is not None and alias != ent.ent_id_:
            st.add(MentionSpan(start, end, alias, "acronym", CONFIDENCE["acronym"]))
            return
        actor_id, kind, score = None, None, 100.0
        if ent.ent_id_ and ent.ent_id_ in self.kb.actors:
            actor_id = ent.ent_id_
            kind, score = self._kind(text, actor_id)
        if actor_id is None and label in AGENT_LABELS | {"FAC", "LOC"}:
            if text in st.non_actor_acronyms or text.lower().replace("\u2019", "'") in self.names.demonyms:
                return  # demonyms are read in context by _demonyms
            entry = self.names.resolve(text, st.date)
            if entry is not None:
                actor_id, kind = entry.actor_id, entry.kind
        if actor_id is not None:
            if self._is_surname(st, actor_id, start, end):
                return
            if kind == "metonym":
                if self._is_place_use(doc, start, end):
                    return
                actor = self.actor_of(st, actor_id)
                sense = SENSE_BY_TYPE.get(actor.type, actor.type) if actor else None
                st.add(MentionSpan(start, end, actor_id, "metonym", CONFIDENCE["metonym"], sense=sense))
            elif kind == "fuzzy":
                st.add(MentionSpan(start, end, actor_id, "fuzzy", round(0.9 * score / 100, 2)))
            else:
                rule = "exact" if kind == "exact" else "kb"
                st.add(MentionSpan(start, end, actor_id, rule, CONFIDENCE[rule]))
            return
        if label not in FUZZY_TYPES:
            return
        key = normalize_name(text)
        if key in place_names() or key in language_names():
            return
        if end < len(doc) and doc[end].lemma_.lower() in ("language", "dialect", "script"):
            return
        if (key, label) not in st.fuzzy_memo:
            st.fuzzy_memo[(key, label)] = self.names.fuzzy(text, FUZZY_TYPES[label], st.date)
        hit = st.fuzzy_memo[(key, label)]
        if hit is not None:
            st.add(MentionSpan(start, end, hit[0].actor_id, "fuzzy", round(0.9 * hit[1] / 100, 2)))
            return
        if label in ("ORG", "NORP", "PERSON") and not self._is_place_use(doc, start, end):
            self._unresolved(st, start, end, label)

    def _unresolved(self, st: _DocState, start: int, end: int, label: str) -> None:
        doc = st.doc
        # "the Pashtuns of the region": the name ends where lower-case words after "of" begin.
        for k in range(start + 1, end - 1):
            if doc[k].lower_ == "of" and doc[k + 1].is_lower:
                end = k
                break
        span = doc[start:end]
        if not any(t.pos_ == "PROPN" or t.is_upper or t.text[:1].isupper() for t in span):
            return
        if end - start == 1 and (span[0].lemma_.lower() in self.common_heads or span[0].lower_ in self.common_heads):
            return  # a capitalised common noun ("Intelligence inputs")
        group_end = self._armed_group_phrase(doc, end, st)
        if group_end is not None:
            name = doc[start:group_end].text
            st.add(MentionSpan(start, group_end, self._provisional(st, name, "ORG", "armed_group"), "provisional",
                               CONFIDENCE["provisional"]))
            return
        if label == "NORP" and span.root.dep_ in ("amod", "compound") and span.root.tag_ not in PLURAL_TAGS:
            return  # an adjective ("a Sikh temple"), not the people
        type_ = None
        if label == "ORG" and end - start == 1 and span[0].tag_ == "NNPS" and not self._org_like(doc, start, end):
            type_ = "population"  # a people mis-tagged as an organisation ("the Pashtuns")
        st.add(MentionSpan(start, end, self._provisional(st, span.text, label, type_), "provisional",
                           CONFIDENCE["provisional"]))

    def _armed_group_phrase(self, doc: Doc, k: int, st: _DocState) -> int | None:
        """End of "(adjectives/nouns) <armed-group head>" starting at token ``k``, or None."""
        for j in range(k, min(len(doc), k + 3)):
            t = doc[j]
            if j in st.claimed or t.pos_ not in ("ADJ", "NOUN"):
                return None
            if t.lemma_.lower() in self.sectors.armed_group_heads and (
                    j + 1 >= len(doc) or doc[j + 1].pos_ not in ("NOUN", "PROPN")):
                return j + 1
        return None

    def _alias_occurrences(self, st: _DocState) -> None:
        if not st.aliases:
            return
        for token in st.doc:
            actor_id = st.alias_for(token.text, token.i)
            if actor_id is not None and token.i not in st.claimed:
                st.add(MentionSpan(token.i, token.i + 1, actor_id, "acronym", CONFIDENCE["acronym"]))

    def _sector_at(self, doc: Doc, j: int, st: _DocState) -> tuple[int, tuple[str, ...]] | None:
        """(end, suffixes) of an organisation noun phrase starting within 3 tokens of ``j``."""
        for k in range(j, min(len(doc), j + 3)):
            t = doc[k]
            if k in st.claimed or t.pos_ not in ("ADJ", "NOUN", "PROPN", "VERB"):
                return None
            for width in range(min(self.sectors.max_len, len(doc) - k), 0, -1):
                noun = self.sectors.by_phrase.get(tuple(_lemma(doc[x]) for x in range(k, k + width)))
                if noun is None:
                    continue
                end = k + width
                while end < len(doc) and end not in st.claimed and doc[end].pos_ == "NOUN" and (
                        doc[end - 1].dep_ == "compound"):
                    end += 1
                return end, noun.suffixes
            if t.pos_ == "PROPN":
                return None
        return None

    def _demonyms(self, st: _DocState) -> None:
        doc = st.doc
        i = 0
        while i < len(doc):
            mention = st.claimed.get(i)
            if mention is not None:
                actor = self.actor_of(st, mention.actor_id) if mention.actor_id else None
                if (mention.end == i + 1 and mention.rule in ("kb", "exact") and actor is not None
                        and actor.type == "country" and not actor.provisional):
                    j = i + 1 + (1 if i + 1 < len(doc) and doc[i + 1].text in POSSESSIVES else 0)
                    found = self._sector_at(doc, j, st)
                    if found is not None:
                        st.remove(mention)
                        target, derived = self.country_actor(st, actor.id, found[1])
                        rule_conf = CONFIDENCE["demonym_org_derived" if derived else "demonym_org"]
                        st.add(MentionSpan(mention.start, found[0], target, "demonym_org", rule_conf))
                        i = found[0]
                        continue
                i = mention.end
                continue
            width, country = self._demonym_at(doc, i)
            if country is None:
                i += 1
                continue
            found = self._sector_at(doc, i + width, st)
            if found is not None:
                target, derived = self.country_actor(st, country, found[1])
                st.add(MentionSpan(i, found[0], target, "demonym_org",
                                   CONFIDENCE["demonym_org_derived" if derived else "demonym_org"]))
                i = found[0]
                continue
            group_end = self._armed_group_phrase(doc, i + width, st)
            if group_end is not None:  # "Afghan fighters": some armed group, not the Afghan state
                name = doc[i:group_end].text
                st.add(MentionSpan(i, group_end, self._provisional(st, name, "ORG", "armed_group"), "provisional",
                                   CONFIDENCE["provisional"]))
                i = group_end
                continue
            last = doc[i + width - 1]
            plural = last.tag_ in PLURAL_TAGS or (
                last.text.endswith("s") and last.text[:-1].lower() in self.names.demonyms)
            if plural and last.dep_ not in ("amod", "compound"):
                if i > 0 and doc[i - 1].lower_ == "the":
                    target = country
                else:
                    target, _ = self.country_actor(st, country, ("PEOPLE",))
                st.add(MentionSpan(i, i + width, target, "demonym", CONFIDENCE["demonym"]))
            i += width

    def _demonym_at(self, doc: Doc, i: int) -> tuple[int, str | None]:
        if doc[i].lower_ not in self.names.demonym_starts:
            return 1, None
        for width in (2, 1):
            if i + width <= len(doc):
                text = doc[i:i + width].text.lower().replace("\u2019", "'")
                country = self.names.demonyms.get(text)
                if country is not None and country in self.kb.actors and doc[i].text[:1].isupper():
                    return width, country
        return 1, None

    def _extend_populations(self, st: _DocState) -> None:
        """"the Baloch people": the population mention takes in the people noun; "Baloch militants" are an
        armed group of their own, not the whole people."""
        doc = st.doc
        for m in list(st.mentions):
            actor = self.actor_of(st, m.actor_id) if m.actor_id else None
            if actor is None or actor.type != "population" or m.end >= len(doc) or m.end in st.claimed:
                continue
            if _lemma(doc[m.end]) in self.people_nouns:
                st.claimed[m.end] = m
                m.end += 1
                continue
            group_end = self._armed_group_phrase(doc, m.end, st)
            if group_end is not None:
                st.remove(m)
                name = doc[m.start:group_end].text
                st.add(MentionSpan(m.start, group_end, self._provisional(st, name, "ORG", "armed_group"),
                                   "provisional", CONFIDENCE["provisional"]))

    # ---- the component ------------------------------------------------------------------------------------
    def _generic_agents(self, st: _DocState) -> None:
        from .actor_refinements import generic_agents

        generic_agents(self, st)

    def _rechoose_shared_names(self, st: _DocState) -> None:
        from .actor_refinements import rechoose_shared_names

        rechoose_shared_names(self, st)

    def _titled_people(self, st: _DocState) -> None:
        from .actor_refinements import titled_people

        titled_people(self, st)

    def __call__(self, doc: Doc) -> Doc:
        st = _DocState(doc, doc._.cg_doc_date)
        if doc._.cg_kb is None:
            doc._.cg_kb = self.kb
        self._acronyms(st)
        for ent in doc.ents:
            self._entity(st, ent)
        self._alias_occurrences(st)
        self._demonyms(st)
        self._extend_populations(st)
        self._titled_people(st)
        self._rechoose_shared_names(st)
        pairs = resolve_anaphora(
            doc, st.mentions, self.descriptions, lambda a: self.actor_of(st, a),
            lambda iso, suffixes: self.country_actor(st, iso, suffixes)[0],
        )
        for mention, _ in pairs:
            st.claimed.update({k: mention for k in range(mention.start, mention.end)})
        st.mentions.extend(m for m, _ in pairs)
        # after anaphora, so that an unnamed group ("insurgents") is never the antecedent of "this terror group"
        self._generic_agents(st)
        body_start = doc._.cg_body_start or 0
        # nothing in the dateline is an actor, whichever rule found it
        mentions = sorted((m for m in st.mentions if doc[m.start].idx >= body_start), key=lambda m: (m.start, m.end))
        position = {id(m): n for n, m in enumerate(mentions)}
        for mention, antecedent in pairs:
            mention.antecedent = position[id(antecedent)]
        set_mentions(doc, mentions)
        actors = doc_actors(doc)
        for m in mentions:
            if m.actor_id and m.actor_id not in actors:
                actor = self.actor_of(st, m.actor_id)
                if actor is not None:
                    actors[m.actor_id] = actor
        doc._.cg_doc_aliases = dict(st.aliases)
        return doc


def _lemma(token) -> str:
    lemma = token.lemma_.lower() or token.lower_
    if lemma == token.lower_ and token.tag_ in PLURAL_TAGS or (not token.lemma_ and token.lower_.endswith("s")):
        lemma = re.sub(r"ies$", "y", lemma) if lemma.endswith("ies") else re.sub(r"s$", "", lemma)
    return lemma


def actor_for_tokens(doc: Doc, start: int, end: int) -> MentionSpan | None:
    """The best actor mention for tokens [start, end): the one holding the range's syntactic root, else the most
    confident mention inside the range, else the most confident one overlapping it."""
    mentions = [m for m in (doc._.cg_mentions or []) if m.actor_id and m.start < end and m.end > start]
    if not mentions:
        return None
    if end > start:
        root = doc[start:end].root.i
        for m in mentions:
            if m.start <= root < m.end:
                return m
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    return min(inside or mentions, key=lambda m: (-m.confidence, m.start))


@Language.factory(
    "cg_actor_linker",
    default_config={"kb_paths": []},
    requires=["doc.ents"],
    assigns=["doc._.cg_mentions", "doc._.cg_token_mention", "doc._.cg_actors", "doc._.cg_doc_aliases"],
)
def make_actor_linker(nlp: Language, name: str, kb_paths: list[str]) -> ActorLinker:
    return ActorLinker(nlp, kb_paths)
