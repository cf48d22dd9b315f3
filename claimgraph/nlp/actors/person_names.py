"""Who a person's short name is: a bare surname links to a knowledge-base person only with corroboration, and
the variants of one person's name in a document are one actor.

A name is *short* when, without the titles in front of it ("Gen.", "Mr", "Secretary"), it is one word. For a
short name, in this order:

1. Someone named in full in the document has that family name: the short name is that person ("Edward Hayden
   ... Hayden": not the former CIA director Michael Hayden; "John Kerry ... Kerry"). Two such people: unlinked.
2. A name the knowledge base gives as a plain alias of one person ("Obama", "Putin": news uses it for nobody
   else) links to that person, unless a rank or occupation stands before it or the document is dated before
   the person's first recorded office.
3. Otherwise a knowledge-base person of that family name may be meant, but only with corroboration:
   - an office title before it ("President Bush", "Secretary Kerry"), whose country, if it names one
     ("Iraqi President"), is the person's;
   - or, for a surname the knowledge base itself lists as the person's weak alias, the person's country is among
     those the document is about;
   and in both cases, when the document is dated, the person held a recorded office by then (a 1990 "Bush" is
   not the president of 2001-2009). A rank or occupation before it ("Sgt.", "reporter", "attorney") means
   somebody else. Several people fit: unlinked. A short name that stays unlinked is a person outside the
   knowledge base (``provisional``).
4. A one-word name that is nobody's family name may be the given name of one person named in full
   ("Dzhokhar" after "Dzhokhar Tsarnaev"); a name whose words end another person's full name is that person
   ("William Saab" after "Tarek William Saab"; middle initials do not count).

Rules recorded in the mention: ``surname`` (1 and 4), ``kb`` (2), ``surname-title`` and ``surname-country`` (3).
A person's government ("Assad's brutal regime", "the Maduro government") is the government of the person's
country (rule ``person-government``), also when the short name itself stays unlinked because every person it may
be shares that country.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from ...kb import normalize_name
from ...models import Actor
from ..annotations import MentionSpan
from .lexicons import PersonTitles
from .names import NameIndex, family_name_keys
from .state import LINK_CONFIDENCE, LinkState

_TITLE_GLUE = frozenset({"of", "the", "for", "'s", "\u2019s", "-", "and", "."})
_POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})


@dataclass
class _Person:
    """A person mention with the words of its name (titles taken off)."""

    mention: MentionSpan
    actor: Actor
    words: list[str]  # the name's words as written

    @property
    def key(self) -> str:
        return normalize_name(self.words[0]) if len(self.words) == 1 else ""

    def family_keys(self) -> set[str]:
        if not self.actor.provisional:
            return family_name_keys(self.actor.name, self.actor.country) or {normalize_name(self.words[-1])}
        return family_name_keys(" ".join(self.words), None)

    def core(self) -> list[str]:
        """The name's words without initials ("Stephen J. Townsend" -> Stephen, Townsend), normalized."""
        return [normalize_name(w) for w in self.words if not (len(w) <= 2 and w.endswith(".")) and len(w) > 1]


def name_words(doc: Doc, start: int, end: int, titles: PersonTitles) -> tuple[int, list[str]]:
    """(first token of the name proper, its words): the titles at the front taken off."""
    k = start
    while k < end - 1 and (titles.kind(doc[k].text) is not None or doc[k].text in _TITLE_GLUE):
        k += 1
    words = [t.text for t in doc[k:end] if t.text not in _POSSESSIVE and t.text != "."]
    return k, words


def _title_before(st: LinkState, start: int, titles: PersonTitles, names: NameIndex) -> tuple[set[str], set[str]]:
    """(title kinds, countries named in the title) of the words right before token ``start``: "Iraqi President
    Fuad Masum" -> ({"office"}, {"IRQ"})."""
    doc = st.doc
    kinds: set[str] = set()
    countries: set[str] = set()
    k = start - 1
    while k >= 0 and start - k <= 7:
        token = doc[k]
        kind = titles.kind(token.text)
        owner = st.claimed.get(k)
        if kind is not None:
            kinds.add(kind)
        elif owner is not None and owner.actor_id:
            actor = st.actors.get(owner.actor_id)
            if actor is None or actor.type == "person" or not actor.country:
                break
            countries.add(actor.country)
            k = owner.start
        elif token.lower_ in names.demonyms:
            countries.add(names.demonyms[token.lower_])
        elif token.text not in _TITLE_GLUE:
            break
        k -= 1
    return kinds, countries


def _fits_date(actor: Actor, date: dt.date | None) -> bool:
    """False when the document is dated before every recorded office of the person."""
    if date is None or not actor.periods:
        return True
    starts = [p.valid_from for p in actor.periods if p.valid_from is not None]
    return not starts or min(starts) <= date


def _document_countries(st: LinkState) -> Counter:
    """Countries of the document's other actors (places, states, institutions, groups; not people)."""
    countries: Counter = Counter()
    for m in st.mentions:
        actor = st.actors.get(m.actor_id) if m.actor_id else None
        if actor is not None and actor.country and actor.type != "person":
            countries[actor.country] += 1
    return countries


def link_person_names(st: LinkState, names: NameIndex, titles: PersonTitles) -> None:
    doc = st.doc
    people: list[_Person] = []
    others: list[_Person] = []  # one-word names the model did not take for people ("Votel" as an ORG)
    for m in sorted(st.mentions, key=lambda m: m.start):
        actor = st.actors.get(m.actor_id) if m.actor_id else None
        if actor is None or m.rule in ("anaphora", "generic"):
            continue
        _, words = name_words(doc, m.start, m.end, titles)
        if not words:
            continue
        if actor.type == "person":
            people.append(_Person(m, actor, words))
        elif actor.provisional and m.rule == "provisional" and len(words) == 1 and m.end - m.start == 1:
            others.append(_Person(m, actor, words))
    full = [p for p in people if len(p.words) >= 2]
    for other in others:
        same = {p.mention.actor_id for p in full if other.key in p.family_keys()}
        if len(same) == 1:
            _relink(st, other, same.pop(), "surname")
    countries = _document_countries(st)
    settled: dict[str, str | None] = {}  # short name -> the person a corroborated mention of it was linked to
    for person in people:
        if len(person.words) == 1:
            _short_name(st, person, full, names, titles, countries, settled)
        else:
            _longer_variant(person, full)
    _person_governments(st, titles)


def _short_name(st: LinkState, person: _Person, full: list[_Person], names: NameIndex, titles: PersonTitles,
                countries: Counter, settled: dict[str, str | None]) -> None:
    m, key = person.mention, person.key
    same = {p.mention.actor_id for p in full if key in p.family_keys()}
    claimants = [c for c in names.surnames.get(key, ()) if c in st.actors.kb.actors]
    if same:
        target = same.pop() if len(same) == 1 else None
        _relink(st, person, target, "surname")
        return
    kinds, title_countries = _title_before(st, m.start, titles, names)
    kinds |= {k for k in (titles.kind(t.text) for t in st.doc[m.start:m.end]) if k}
    if not person.actor.provisional and _known_alone(st, person):
        # a name news uses for this one person ("Obama"), unless a rank says otherwise or the date does not fit
        if "other" in kinds or not _fits_date(person.actor, st.date):
            _relink(st, person, None, "surname")
        return
    if claimants:
        fitting = [c for c in claimants if _fits_date(st.actors.kb.actors[c], st.date)]
        target, rule = None, "provisional"
        if "other" in kinds:
            pass  # "Sgt. Hayden", "reporter Wang": someone else
        elif "office" in kinds:
            options = [c for c in fitting if not title_countries or st.actors.kb.actors[c].country in title_countries]
            if len(options) == 1:
                target, rule = options[0], "surname-title"
        else:
            options = [c for c in fitting if (key, c) in names.curated_surnames
                       and countries.get(st.actors.kb.actors[c].country or "", 0) > 0]
            if len(options) == 1:
                target, rule = options[0], "surname-country"
        if target is None and "other" not in kinds and settled.get(key):
            target, rule = settled[key], "surname"  # "Secretary Kerry ... Kerry said"
        if target is not None:
            settled.setdefault(key, target)
            m.actor_id, m.rule, m.confidence = target, rule, LINK_CONFIDENCE[rule]
            return
        shared = {st.actors.kb.actors[c].country for c in claimants}
        _relink(st, person, None, "surname", shared.pop() if len(shared) == 1 else None)
        return
    # nobody's family name: perhaps one person's given name ("Dzhokhar" after "Dzhokhar Tsarnaev")
    given = {p.mention.actor_id for p in full if normalize_name(p.words[0]) == key}
    if person.actor.provisional and len(given) == 1:
        _relink(st, person, given.pop(), "surname")


def _known_alone(st: LinkState, person: _Person) -> bool:
    """The knowledge base gives the one-word name as a plain alias of the person it links to ("Obama"), not
    as a weak alias shared with others ("Bush")."""
    text = st.doc[person.mention.start:person.mention.end].text
    entries = st.actors.kb.lookup(person.words[0]) + st.actors.kb.lookup(text)
    return any(e.actor_id == person.mention.actor_id and e.kind in ("name", "alias", "exact") for e in entries)


def _relink(st: LinkState, person: _Person, target: str | None, rule: str, country: str | None = None) -> None:
    """Point the short name at ``target``, or (None) at a person of its own outside the knowledge base; that
    person is of ``country`` when every knowledge-base person the name may be is ("Assad")."""
    m = person.mention
    if target is not None:
        m.actor_id, m.rule, m.confidence = target, rule, LINK_CONFIDENCE[rule]
        return
    if not person.actor.provisional:
        m.actor_id = st.actors.provisional(person.words[0], "PERSON")
        m.rule, m.confidence = "provisional", LINK_CONFIDENCE["provisional"]
    actor = st.actors.by_id.get(m.actor_id or "")
    if actor is not None and country and not actor.country:
        st.actors.by_id[actor.id] = actor.model_copy(update={"country": country})


def _longer_variant(person: _Person, full: list[_Person]) -> None:
    """A provisional full name whose words end (or equal, but for initials) a longer name is that person."""
    if not person.actor.provisional:
        return
    core = person.core()
    if not core:
        return
    longer = {p.mention.actor_id for p in full if p.mention is not person.mention
              and p.mention.actor_id != person.mention.actor_id and len(p.core()) >= len(core)
              and p.core()[-len(core):] == core and (len(p.core()) > len(core) or len(p.words) > len(person.words))}
    if len(longer) == 1:
        m = person.mention
        m.actor_id, m.rule, m.confidence = longer.pop(), "surname", LINK_CONFIDENCE["surname"]


def _person_governments(st: LinkState, titles: PersonTitles) -> None:
    """"Assad's brutal regime", "the Maduro government": the government of the person's country."""
    doc = st.doc
    for m in list(st.mentions):
        if m.rule in ("anaphora", "generic") or m.end >= len(doc):
            continue
        actor = st.actors.get(m.actor_id) if m.actor_id else None
        if actor is None or actor.type != "person" or not actor.country:
            continue
        k = m.end + (1 if doc[m.end].text in _POSSESSIVE else 0)
        start = k
        while k < len(doc) and k not in st.claimed and doc[k].pos_ == "ADJ":
            k += 1
        if k < len(doc) and k not in st.claimed and doc[k].lemma_.lower() in titles.government_nouns:
            target = st.actors.derived(actor.country, ("GOV",))[0]
            st.add(MentionSpan(start, k + 1, target, "person-government", LINK_CONFIDENCE["person-government"]))
