"""Refinements the actor linker makes once names are linked: unnamed agents, shared weak names, titled people.

Each works on the linker's per-document state (state.py), whose ``actors`` holds the knowledge base, the
sector nouns and the document's own actors.
"""

from __future__ import annotations

from spacy.tokens import Token

from ...models import ActorType
from ..annotations import MentionSpan
from ..syntax import noun_lemma
from .state import LINK_CONFIDENCE, LinkState


def generic_agents(st: LinkState, generic_types: dict[str, ActorType]) -> None:
    """"Gunmen stormed ...", "killing 30 people", "protesters marched": an argument headed by a noun for unnamed
    agents or victims becomes a provisional actor named by its phrase (modifiers kept, numbers and
    determiners dropped), as event datasets code "unidentified gunmen" or "civilians"."""
    doc = st.doc
    body_start = doc._.cg_body_start or 0
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN") or token.idx < body_start or not st.free(token.i, token.i + 1):
            continue
        if token.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "dative", "attr"):
            continue
        actor_type = generic_types.get(noun_lemma(token))
        if actor_type is None:
            # "the armed groups": a head that is generic only with its modifier (a two-word entry)
            actor_type = next((generic_types[f"{c.lemma_.lower()} {noun_lemma(token)}"] for c in token.lefts
                               if c.dep_ in ("amod", "compound") and st.free(c.i, c.i + 1)
                               and f"{c.lemma_.lower()} {noun_lemma(token)}" in generic_types), None)
        if actor_type is None:
            continue
        if any(c.dep_ in ("compound", "amod", "nmod", "poss") and not st.free(c.i, c.i + 1) for c in token.lefts):
            continue  # "ISIL terrorists", "Pakistani soldiers": the named actor's people, not unnamed ones
        if any(p.dep_ == "prep" and p.lower_ in ("of", "from") and any(
            g.dep_ == "pobj" and not st.free(g.i, g.i + 1) for g in p.children
        ) for p in token.children):
            continue  # "the spokesman of the ISKP", "fighters from the TTP"
        start = token.i
        while start > 0 and doc[start - 1].dep_ in ("compound", "amod") and doc[start - 1].head.i == token.i and (
            st.free(start - 1, start) and doc[start - 1].pos_ in ("ADJ", "NOUN", "PROPN", "VERB")
        ):
            start -= 1
        name = doc[start : token.i + 1].text
        actor_id = st.actors.unnamed(name, actor_type)
        st.add(MentionSpan(start, token.i + 1, actor_id, "generic", LINK_CONFIDENCE["generic"]))


def rechoose_shared_names(st: LinkState) -> None:
    """A name several actors share only weakly ("Congress": India's party, the US legislature, Nepal's party)
    goes to the claimant whose country the rest of the document is about, not to the first in the alphabet."""
    doc = st.doc
    countries: dict[str, int] = {}
    named: set[str] = set()  # actors named by a full (not weak) name somewhere in the document
    weak_mentions = []
    for m in st.mentions:
        actor = st.actors.get(m.actor_id) if m.actor_id else None
        if actor is not None and actor.country:
            countries[actor.country] = countries.get(actor.country, 0) + 1
        if m.rule not in ("kb", "exact") or not m.actor_id:
            continue
        entries = st.actors.kb.lookup(doc[m.start : m.end].text)
        claimants = {e.actor_id for e in entries if e.actor_id in st.actors.kb.actors}
        if entries and all(e.kind == "weak" for e in entries) and len(claimants) > 1:
            weak_mentions.append((m, claimants))
        else:
            named.add(m.actor_id)
    for m, claimants in weak_mentions:
        if any(st.actors.kb.actors[c].type == "person" for c in claimants):
            continue  # people's short names: person_names.py
        earlier = sorted(claimants & named)
        if len(earlier) == 1:
            m.actor_id = earlier[0]
            continue

        def support(actor_id: str) -> int:
            actor = st.actors.kb.actors[actor_id]
            return countries.get(actor.country or "", 0) - (1 if actor_id == m.actor_id else 0)  # noqa: B023

        if m.actor_id in claimants:
            best = max(sorted(claimants), key=support)
            if support(best) > support(m.actor_id):
                m.actor_id = best


_TITLE_GLUE = frozenset(("of", "for", "'s", "\u2019s", "-", "and"))


def titled_people(st: LinkState) -> None:
    """"French President Emmanuel Macron", "US Secretary of State Rex Tillerson", "Pakistan's army chief General
    X": a person outside the knowledge base introduced by a state's title acts for that state's government (or
    armed forces, by the title's sector noun). The person keeps a provisional id; its country, code and parent
    come from the title."""
    doc = st.doc
    by_token = {k: m for m in st.mentions for k in range(m.start, m.end)}
    for mention in list(st.mentions):
        actor = st.actors.by_id.get(mention.actor_id or "")
        if actor is None or not actor.provisional or actor.type != "person" or actor.country:
            continue
        k, title = mention.start - 1, list[Token]()  # the title words before the name
        while k >= 0 and k not in by_token and mention.start - k <= 6 and (
            doc[k].text[:1].isupper() or doc[k].lower_ in _TITLE_GLUE
        ) and not doc[k].is_sent_start:
            title.insert(0, doc[k])
            k -= 1
        owner = by_token.get(k) if k >= 0 else None
        if owner is None and not title:
            continue
        if owner is None and title:  # "French President X": the demonym is a title word
            owner_actor = None
            for t in title:
                entries = st.actors.kb.lookup(t.text)
                hit = next((e for e in entries if e.kind == "demonym"), None)
                if hit:
                    owner_actor = st.actors.get(hit.actor_id)
                    break
        else:
            owner_actor = st.actors.get(owner.actor_id) if owner and owner.actor_id else None
        if owner_actor is None or not owner_actor.country or owner_actor.type in ("population", "person"):
            continue
        suffix = "GOV"
        words = [noun_lemma(t) for t in title]
        for width in range(min(st.actors.sectors.max_len, len(words)), 0, -1):
            for i in range(len(words) - width + 1):
                noun = st.actors.sectors.by_phrase.get(tuple(words[i : i + width]))
                if noun is not None and noun.suffixes[-1] in ("GOV", "MIL", "COP", "SPY"):
                    suffix = noun.suffixes[-1]
        iso = owner_actor.country
        parent = owner_actor.id if owner_actor.type != "country" else st.actors.derived(iso, (suffix,))[0]
        st.actors.by_id[actor.id] = actor.model_copy(update={"country": iso, "code": f"{iso}{suffix}", "parent": parent})
