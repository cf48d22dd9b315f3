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

import functools
import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...kb import NameEntry, get_knowledge_base, normalize_name
from ...models import ActorType
from ..annotations import MentionSpan, doc_actors, set_mentions
from ..component import DataComponent
from ..syntax import PLURAL_TAGS, noun_lemma
from .acronyms import find_definitions
from .anaphora import resolve_anaphora
from .lexicons import load_description_lexicon, load_person_titles, load_sector_lexicon
from .name_parts import NameGlue
from .names import name_index, name_variants
from .person_names import link_person_names, name_words
from .provisional import DocActors
from .refinements import generic_agents, rechoose_shared_names, titled_people
from .state import LINK_CONFIDENCE, LinkState

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
_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE)

@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Normalized names of countries, first-level subdivisions and cities with 15,000+ people."""
    import pycountry

    from ...gazetteer import geonames

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


class ActorLinker:
    def __init__(self, nlp: Language, kb_paths: list[str]):
        self.kb = get_knowledge_base(kb_paths, use_env=False)
        self.names = name_index(self.kb)
        self.sectors = load_sector_lexicon()
        self.descriptions = load_description_lexicon()
        self.titles = load_person_titles()
        self.glue = NameGlue.build(self.names, self.titles, self.sectors, self.descriptions)
        self.org_cue_words = frozenset(w for words in self.sectors.org_type_cues.values() for w in words)
        self.common_heads = frozenset(k[-1] for k in self.sectors.by_phrase) | frozenset(
            k[-1] for k in self.descriptions.by_head)
        self.generic_types = {noun: type_ for type_, nouns in self.sectors.generic_agents.items() for noun in nouns}
        self.people_nouns = frozenset(k[0] for k, n in self.sectors.by_phrase.items() if n.suffixes[0] == "PEOPLE")
        # common nouns for one person ("a guard", "the judge"): rivals of named people for "he" and "she"
        self.person_nouns = frozenset(self.generic_types) | self.titles.office | self.titles.other
        # built here, so that a saved pipeline has them (they cost a second: every city of geonames)
        self.place_names = place_names()
        self.language_names = language_names()
        self.name_starts = _name_starts(self.kb, frozenset(d.head for d in self.descriptions.descriptions if d.named))

    # ---- helpers ------------------------------------------------------------------------------------------
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
    def _acronyms(self, st: LinkState) -> None:
        doc = st.doc
        for d in find_definitions(doc):
            long_text = doc[d.long_start:d.long_end].text
            long_entry = self.names.resolve(long_text, st.date)
            acr_entry = self.names.resolve(d.acronym, st.date)
            if long_entry is not None and long_entry.kind != "metonym":
                actor_id = long_entry.actor_id
                long_rule = "exact" if long_entry.kind == "exact" else "kb"
                long_conf = LINK_CONFIDENCE["kb"]
            elif acr_entry is not None:
                actor_id, long_rule, long_conf = acr_entry.actor_id, "acronym", LINK_CONFIDENCE["acronym_long"]
            else:
                hit = self.names.fuzzy(long_text, ORG_TYPES, st.date)
                inner_kb = any(doc[k].ent_id_ for k in range(d.long_start, d.long_end))
                if hit is not None:
                    actor_id, long_rule, long_conf = hit[0].actor_id, "fuzzy", round(0.9 * hit[1] / 100, 2)
                elif inner_kb or not self._org_like(doc, d.long_start, d.long_end):
                    st.non_actor_acronyms.add(d.acronym)
                    continue
                else:
                    actor_id = st.actors.provisional(long_text, "ORG")
                    long_rule, long_conf = "provisional", LINK_CONFIDENCE["provisional"]
            st.aliases[d.acronym] = actor_id
            st.alias_from[d.acronym] = min(d.acr_start, d.long_start)
            st.add(MentionSpan(d.long_start, d.long_end, actor_id, long_rule, long_conf))
            same = acr_entry is not None and acr_entry.actor_id == actor_id
            acr_rule = ("exact" if acr_entry.kind == "exact" else "kb") if same and acr_entry else "acronym"
            st.add(MentionSpan(d.acr_start, d.acr_end, actor_id, acr_rule, LINK_CONFIDENCE[acr_rule]))

    def _is_surname(self, st: LinkState, actor_id: str, start: int, end: int) -> bool:
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
        person = st.actors.get(owner.actor_id) if owner.rule == "provisional" and owner.actor_id else None
        return person is not None and person.type == "person"

    def _entity(self, st: LinkState, ent: Span) -> None:
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
            st.add(MentionSpan(start, end, alias, "acronym", LINK_CONFIDENCE["acronym"]))
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
                if self.glue.is_part(doc, start, end, self.kb.actors[actor_id], kind,
                                     lambda k: st.claimed[k].start if k in st.claimed else None):
                    return  # "the Counter-Daesh Coalition" is not the Coalition
        if actor_id is not None:
            if self._is_surname(st, actor_id, start, end):
                return
            if kind == "metonym":
                if self._is_place_use(doc, start, end):
                    return
                actor = st.actors.get(actor_id)
                sense = SENSE_BY_TYPE.get(actor.type, actor.type) if actor else None
                st.add(MentionSpan(start, end, actor_id, "metonym", LINK_CONFIDENCE["metonym"], sense=sense))
            elif kind == "fuzzy":
                st.add(MentionSpan(start, end, actor_id, "fuzzy", round(0.9 * score / 100, 2)))
            else:
                rule = "exact" if kind == "exact" else "kb"
                st.add(MentionSpan(start, end, actor_id, rule, LINK_CONFIDENCE[rule]))
            return
        if label not in FUZZY_TYPES:
            return
        key = normalize_name(text)
        titled = label == "PERSON" and (key in self.names.surnames or (
            start > 0 and self.titles.kind(doc[start - 1].text) is not None))
        if (key in self.place_names or key in self.language_names) and not titled:
            return  # a place or language the model took for a name ("Kerry" the person is titled or known)
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

    def _unresolved(self, st: LinkState, start: int, end: int, label: str) -> None:
        doc = st.doc
        if label == "PERSON":  # "Mr Whitelaw", "Lt. Gen. Stephen J. Townsend": the person, not the title
            start = name_words(doc, start, end, self.titles)[0]
            if all(self.titles.kind(t.text) is not None or not t.is_alpha for t in doc[start:end]):
                return  # a title alone ("Sgt.")
        if doc[end - 1].text.endswith("-"):
            return  # the first half of a hyphenated word ("Counter-")
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
            st.add(MentionSpan(start, group_end, st.actors.provisional(name, "ORG", "armed_group"), "provisional",
                               LINK_CONFIDENCE["provisional"]))
            return
        if label == "NORP" and span.root.dep_ in ("amod", "compound") and span.root.tag_ not in PLURAL_TAGS:
            return  # an adjective ("a Sikh temple"), not the people
        type_: ActorType | None = None
        if label == "ORG" and end - start == 1 and span[0].tag_ == "NNPS" and not self._org_like(doc, start, end):
            type_ = "population"  # a people mis-tagged as an organisation ("the Pashtuns")
        st.add(MentionSpan(start, end, st.actors.provisional(span.text, label, type_), "provisional",
                           LINK_CONFIDENCE["provisional"]))

    def _armed_group_phrase(self, doc: Doc, k: int, st: LinkState) -> int | None:
        """End of "(adjectives/nouns) <armed-group head>" starting at token ``k``, or None."""
        for j in range(k, min(len(doc), k + 3)):
            t = doc[j]
            if j in st.claimed or t.pos_ not in ("ADJ", "NOUN"):
                return None
            if t.lemma_.lower() in self.sectors.armed_group_heads and (
                    j + 1 >= len(doc) or doc[j + 1].pos_ not in ("NOUN", "PROPN")):
                return j + 1
        return None

    def _alias_occurrences(self, st: LinkState) -> None:
        if not st.aliases:
            return
        for token in st.doc:
            actor_id = st.alias_for(token.text, token.i)
            if actor_id is not None and token.i not in st.claimed:
                st.add(MentionSpan(token.i, token.i + 1, actor_id, "acronym", LINK_CONFIDENCE["acronym"]))

    def _sector_at(self, doc: Doc, j: int, st: LinkState) -> tuple[int, tuple[str, ...]] | None:
        """(end, suffixes) of an organisation noun phrase starting within 3 tokens of ``j``."""
        for k in range(j, min(len(doc), j + 3)):
            t = doc[k]
            if k in st.claimed or t.pos_ not in ("ADJ", "NOUN", "PROPN", "VERB"):
                return None
            for width in range(min(self.sectors.max_len, len(doc) - k), 0, -1):
                noun = self.sectors.by_phrase.get(tuple(noun_lemma(doc[x]) for x in range(k, k + width)))
                if noun is None:
                    continue
                end = k + width
                while end < len(doc) and end not in st.claimed and doc[end].pos_ == "NOUN" and (
                        doc[end - 1].dep_ == "compound"):
                    end += 1
                return end, noun.suffixes
            if t.pos_ == "PROPN" or (t.text[:1].isupper() and (
                    t.ent_type_ == "NORP" or t.lower_ in self.names.demonyms)):
                return None  # "Syrian Arab forces", "Iraqi Kurdish fighters": a community's, not the state's
        return None

    def _demonyms(self, st: LinkState) -> None:
        doc = st.doc
        i = 0
        while i < len(doc):
            mention = st.claimed.get(i)
            if mention is not None:
                actor = st.actors.get(mention.actor_id) if mention.actor_id else None
                if (mention.end == i + 1 and mention.rule in ("kb", "exact") and actor is not None
                        and actor.type == "country" and not actor.provisional):
                    j = i + 1 + (1 if i + 1 < len(doc) and doc[i + 1].text in POSSESSIVES else 0)
                    found = self._sector_at(doc, j, st)
                    if found is not None:
                        st.remove(mention)
                        target, derived = st.actors.derived(actor.id, found[1])
                        rule_conf = LINK_CONFIDENCE["demonym_org_derived" if derived else "demonym_org"]
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
                target, derived = st.actors.derived(country, found[1])
                st.add(MentionSpan(i, found[0], target, "demonym_org",
                                   LINK_CONFIDENCE["demonym_org_derived" if derived else "demonym_org"]))
                i = found[0]
                continue
            k = i + width
            if k < len(doc) and doc[k].text[:1].isupper() and (doc[k].ent_type_ == "NORP" or (
                    doc[k].lower_ in self.names.demonyms)) and k not in st.claimed:
                found = self._sector_at(doc, k + 1, st)
                if found is not None and found[1][0] in ("MIL", "ARMY", "COP"):
                    # "Syrian Arab forces", "Iraqi Kurdish troops": a community's armed men, not the state's
                    name = doc[i:found[0]].text
                    st.add(MentionSpan(i, found[0], st.actors.provisional(name, "ORG", "armed_group"), "provisional",
                                       LINK_CONFIDENCE["provisional"]))
                    i = found[0]
                    continue
            group_end = self._armed_group_phrase(doc, i + width, st)
            if group_end is not None:  # "Afghan fighters": some armed group, not the Afghan state
                name = doc[i:group_end].text
                st.add(MentionSpan(i, group_end, st.actors.provisional(name, "ORG", "armed_group"), "provisional",
                                   LINK_CONFIDENCE["provisional"]))
                i = group_end
                continue
            last = doc[i + width - 1]
            plural = last.tag_ in PLURAL_TAGS or (
                last.text.endswith("s") and last.text[:-1].lower() in self.names.demonyms)
            if plural and last.dep_ not in ("amod", "compound"):
                if i > 0 and doc[i - 1].lower_ == "the":
                    target = country
                else:
                    target, _ = st.actors.derived(country, ("PEOPLE",))
                st.add(MentionSpan(i, i + width, target, "demonym", LINK_CONFIDENCE["demonym"]))
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

    def _extend_populations(self, st: LinkState) -> None:
        """"the Baloch people": the population mention takes in the people noun; "Baloch militants" are an
        armed group of their own, not the whole people."""
        doc = st.doc
        for m in list(st.mentions):
            actor = st.actors.get(m.actor_id) if m.actor_id else None
            if actor is None or actor.type != "population" or m.end >= len(doc) or m.end in st.claimed:
                continue
            if noun_lemma(doc[m.end]) in self.people_nouns:
                st.claimed[m.end] = m
                m.end += 1
                continue
            group_end = self._armed_group_phrase(doc, m.end, st)
            if group_end is not None:
                st.remove(m)
                name = doc[m.start:group_end].text
                st.add(MentionSpan(m.start, group_end, st.actors.provisional(name, "ORG", "armed_group"),
                                   "provisional", LINK_CONFIDENCE["provisional"]))

    def _described_names(self, st: LinkState) -> None:
        """"the global coalition": a description whose words begin a name of exactly one actor ("Global Coalition
        to Defeat ISIS") names it, for heads that refer only by name (``named`` in descriptions.yaml)."""
        doc = st.doc
        for token in doc:
            if token.lower_ != "the" or token.i + 2 >= len(doc):
                continue
            for width in (3, 2):
                end = token.i + 1 + width
                words = doc[token.i + 1:end]
                if end > len(doc) or not st.free(token.i, end) or any(t.text[:1].isupper() for t in words):
                    continue
                actors = self.name_starts.get(normalize_name(words.text), ())
                candidates = [a for a in actors if self.names.choose([NameEntry(a, "", "alias")], st.date)]
                if len(candidates) == 1:
                    st.add(MentionSpan(token.i, end, candidates[0], "description-name", LINK_CONFIDENCE["description_name"]))
                    break

    # ---- the component ------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        date = doc._.cg_doc_date
        st = LinkState(doc, date, DocActors(self.kb, self.sectors, date))
        if doc._.cg_kb is None:
            doc._.cg_kb = self.kb
        self._acronyms(st)
        for ent in doc.ents:
            self._entity(st, ent)
        self._alias_occurrences(st)
        self._demonyms(st)
        self._extend_populations(st)
        self._described_names(st)
        titled_people(st)
        link_person_names(st, self.names, self.titles)
        rechoose_shared_names(st)
        pairs = resolve_anaphora(doc, st.mentions, self.descriptions, st.actors.get,
                                 lambda iso, suffixes: st.actors.derived(iso, suffixes)[0], self.person_nouns)
        for mention, _ in pairs:
            st.claimed.update({k: mention for k in range(mention.start, mention.end)})
        st.mentions.extend(m for m, _ in pairs)
        # after anaphora, so that an unnamed group ("insurgents") is never the antecedent of "this terror group"
        generic_agents(st, self.generic_types)
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
                actor = st.actors.get(m.actor_id)
                if actor is not None:
                    actors[m.actor_id] = actor
        doc._.cg_doc_aliases = dict(st.aliases)
        return doc


def _name_starts(kb, heads: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The first two or three words of actors' names, when the last of them is one of ``heads`` ("global
    coalition" -> the actors with a name beginning "Global Coalition")."""
    starts: dict[str, set[str]] = {}
    for actor in kb.actors.values():
        for name in [actor.name, *actor.aliases]:
            words = normalize_name(name).split()
            for width in (2, 3):
                if len(words) > width and words[width - 1] in heads:
                    starts.setdefault(" ".join(words[:width]), set()).add(actor.id)
    return {k: tuple(sorted(v)) for k, v in starts.items()}


@Language.factory(
    "cg_actor_linker",
    default_config={"kb_paths": []},
    requires=["doc.ents"],
    assigns=["doc._.cg_mentions", "doc._.cg_token_mention", "doc._.cg_actors", "doc._.cg_doc_aliases",
             "doc._.cg_kb"],
)
def make_actor_linker(nlp: Language, name: str, kb_paths: list[str]) -> DataComponent:
    """``kb_paths``: knowledge-base overlay files or folders, after the bundled files."""
    return DataComponent(nlp, name, lambda: ActorLinker(nlp, kb_paths))
