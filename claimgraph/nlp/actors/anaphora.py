"""Definite descriptions ("the terror outfit", "this group") and pronouns ("it", "they", "he") resolved to an actor.

The heuristic (no coreference model; written for precision):

0. A definite description whose head names an earlier actor ("Assad's brutal regime ... the regime", "the
   Coalition ... the coalition": a mention ending in the head, or an actor with the head word in one of its
   names) refers to the nearest such actor in the window of step 3; for heads marked ``named`` (coalition,
   alliance, regime) at any distance, and there is no other way.
1. Anaphors. A pronoun listed in ``descriptions.yaml`` (tagged as a pronoun by the parser), or a determiner from
   the ``determiners`` list followed by up to three adjectives/common nouns ending in a listed head lemma that is the
   last noun of its phrase ("the group", not "the group leader"), not followed by "of", with no proper noun or
   entity inside ("the armed Balochistan groups" is a new reference, not an anaphor). A plural head only counts
   when the entry allows it ("the militants" yes, "these groups" no: that refers to several actors).
2. Pleonastic "it" is skipped: the parser's ``expl``; "it" + be + a listed adjective or any adjective with a
   that/to clause ("it is clear that", "it would be essential for"); a cleft ("it is Pakistan which ..."); "it" +
   seem/appear/emerge; "it is said/reported that"; "make it clear".
3. Candidates: actor mentions (including already resolved anaphors) before the anaphor in its own sentence and
   in the two sentences before, whose actor type is allowed for the anaphor (a country is also allowed for a
   description with ``country_suffixes``; it then links to the country's army/government/agency actor).
4. Binding: a non-possessive, non-reflexive pronoun does not refer to an actor that is a co-argument of its own
   verb, or of the verb controlling it ("It reminded Pakistan", "Islamabad wants to extend it").
5. Ranking: nearest sentence first; then grammatical role (subject of a verb governing the anaphor, as in
   "X said it would" > subject of the main clause > subject of another clause > object or possessor of a
   subject > other); then recency.
6. Competition from things: a subject "it"/"they" is not linked when a non-actor common noun of the same
   number was the subject of a main clause between the chosen candidate and the pronoun ("The deal was
   signed. It will ..."); an object "it"/"them" is not linked when such a noun is anywhere in its own or the
   previous sentence ("Islamabad must fix it" after "the security situation"), and only takes an actor of its
   own sentence: "it" as an object is mostly a thing.
7. Gender: "he"/"she" never takes a person already linked to the other gender or introduced with a gendered
   title ("Mr", "Ms"). A plural pronoun may take a country named by its plural demonym ("the Americans ...
   their").
An anaphor with no compatible candidate stays unlinked. Confidence is lower than for names and drops with
sentence distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Doc, Token

from ...models import Actor
from .lexicons import Description, DescriptionLexicon, Pronoun
from ..annotations import MentionSpan

ActorOf = Callable[[str], "Actor | None"]
CountrySuffix = Callable[[str, tuple[str, ...]], "str | None"]

_SUBJECT = ("nsubj", "nsubjpass")
_OBJECT = ("dobj", "dative", "attr", "oprd")
_ARGUMENTS = ("nsubj", "nsubjpass", "dobj", "dative", "iobj", "attr", "oprd", "agent")
_NOT_THINGS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
_MAX_SENTENCES_BACK = 2
_PLURAL_FORMS = frozenset({"they", "them", "their", "themselves"})
PRONOUN_CONFIDENCE = 0.55
DESCRIPTION_CONFIDENCE = 0.65


@dataclass
class _Candidate:
    mention: MentionSpan
    actor: Actor
    sent: int
    role: int


def _sentence_index(doc: Doc) -> list[int]:
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return [0] * len(doc)
    index = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _role_rank(token: Token, anaphor: Token) -> int:
    """Salience of a mention by its grammatical role: -1 subject of a verb that governs the anaphor ("X said
    it would"), 0 subject of the main clause, 1 subject of another clause, 2 object or possessor of a subject,
    3 anything else."""
    if token.dep_ in _SUBJECT:
        if token.head.pos_ in ("VERB", "AUX") and token.head != anaphor.head and token.head in anaphor.ancestors:
            return -1
        return 0 if token.head.dep_ == "ROOT" else 1
    if token.dep_ in _OBJECT or (token.dep_ == "poss" and token.head.dep_ in _SUBJECT):
        return 2
    return 3


def is_pleonastic(token: Token, lexicon: DescriptionLexicon) -> bool:
    """True when this "it" is a dummy subject/object and refers to nothing."""
    if token.lower_ != "it":
        return False
    if token.dep_ == "expl":
        return True
    head = token.head
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if token.dep_ in ("dobj",) and nxt is not None and nxt.lower_ in lexicon.pleonastic_adjectives:
        return True  # "made it clear that"
    if token.dep_ not in _SUBJECT:
        return False
    clause_children = {c.dep_ for c in head.children}
    if head.lemma_ in lexicon.pleonastic_verbs and clause_children & {"ccomp", "xcomp", "advcl"}:
        return True
    if head.tag_ == "VBN" and head.lemma_ in lexicon.pleonastic_adjectives and "ccomp" in clause_children:
        return True  # "it is said that"
    if head.lemma_ == "be":
        for child in head.children:
            if child.dep_ == "acomp":
                if child.lemma_.lower() in lexicon.pleonastic_adjectives:
                    return True
                if any(g.dep_ in ("ccomp", "xcomp") for g in child.children):
                    return True
            if child.dep_ == "attr" and any(g.dep_ == "relcl" for g in child.children):
                return True  # cleft: "it is X which/who ..."
            if child.dep_ in ("ccomp", "csubj") and child.i > token.i and any(
                    g.lower_ in ("which", "who", "that") and g.dep_ in _SUBJECT for g in child.children):
                return True
    return False


def _find_description(doc: Doc, i: int, claimed: set[int], lexicon: DescriptionLexicon, lemmas: list[str]
                      ) -> tuple[int, Description] | None:
    """(end token, entry) of a definite description starting at determiner ``i``."""
    det = doc[i]
    if det.lower_ not in lexicon.determiners or (det.lower_ != "the" and det.dep_ not in ("det", "")):
        return None
    for j in range(i + 1, min(len(doc), i + 5)):
        token = doc[j]
        if j in claimed or token.ent_type_ or token.pos_ == "PROPN":
            return None
        for width in (2, 1):
            if j + width > len(doc):
                continue
            key = tuple(lemmas[j:j + width])
            entry = lexicon.by_head.get(key)
            if entry is None:
                continue
            end = j + width
            after = doc[end] if end < len(doc) else None
            if after is not None and (after.pos_ in ("NOUN", "PROPN") or after.lower_ == "of"):
                continue  # not the head of its phrase ("the group leader", "the government of X")
            if doc[end - 1].tag_ in ("NNS", "NNPS") and entry.plural != "yes":
                return None
            return end, entry
        if token.pos_ not in ("ADJ", "NOUN", "VERB") and token.lower_ not in ("same", "very"):
            return None
    return None


def _named_antecedent(doc: Doc, ordered: list[MentionSpan], i: int, entry: Description, actor_of: ActorOf,
                      lemmas: list[str], earliest: int) -> tuple[MentionSpan, Actor] | None:
    """The nearest mention between token ``earliest`` and the description that is called by the description's
    head: "Assad's brutal regime ... the regime", "the Coalition ... the coalition" (an actor with the head word
    in one of its names)."""
    head = entry.head.split()[-1]
    for m in sorted((m for m in ordered if earliest <= m.start and m.end <= i and m.actor_id),
                    key=lambda m: -m.start):
        actor = actor_of(m.actor_id or "")
        if actor is None or (actor.type not in entry.types and not (entry.country_suffixes and actor.type == "country")):
            continue
        if lemmas[m.end - 1] == head or any(head in name.lower().split() for name in actor.all_names()):
            return m, actor
    return None


def _co_argument_actors(token: Token, mentions_by_token: dict[int, MentionSpan]) -> set[str]:
    """Actor ids of the other arguments of the pronoun's own verb."""
    out: set[str] = set()
    arguments = [c for c in token.head.children if c.i != token.i and c.dep_ in _ARGUMENTS]
    own_subject = any(c.dep_ in _SUBJECT for c in token.head.children)
    if token.head.dep_ in ("xcomp", "conj") and not own_subject:  # "Islamabad wants to extend it"
        arguments += [c for c in token.head.head.children if c.dep_ in _SUBJECT]
    for child in arguments:
        m = mentions_by_token.get(child.i)
        if m and m.actor_id:
            out.add(m.actor_id)
    return out


def _competing_thing(doc: Doc, start: int, end: int, pronoun: Token, claimed: set[int]) -> bool:
    """A non-actor noun of the pronoun's number in [start, end) that the pronoun more likely refers to."""
    plural = pronoun.lower_ in ("they", "them")
    tags = ("NNS",) if plural else ("NN",)
    object_position = pronoun.dep_ not in _SUBJECT
    if object_position and pronoun.lower_ == "it" and doc.has_annotation("DEP"):
        # An object "it" looks at every noun of its own and the previous sentence.
        sent_start = pronoun.sent.start
        start = min(start, doc[sent_start - 1].sent.start if sent_start > 0 else 0)
        end = pronoun.sent.end
    elif object_position:
        object_position = False  # "them": only subjects of main clauses compete, as for subject pronouns
    for k in range(start, end):
        t = doc[k]
        if k in claimed or t.tag_ not in tags or t.ent_type_ in _NOT_THINGS or t.dep_ == "compound":
            continue
        # An object pronoun most often means a thing ("claimed it", "fix it"); a subject pronoun competes only
        # with a thing that was itself the subject of a main clause ("The deal was signed. It will ...").
        if object_position or (t.dep_ in _SUBJECT and t.head.dep_ in ("ROOT", "conj")):
            return True
    return False


_GENDER_OF = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
_TITLE_GENDER = {"mr": "m", "mr.": "m", "sir": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f",
                 "lady": "f", "madam": "f"}


def _title_genders(doc: Doc, mentions: list[MentionSpan]) -> dict[str, str]:
    """Person actors introduced with a gendered title ("Mr Khan")."""
    out: dict[str, str] = {}
    for m in mentions:
        if m.actor_id and m.start > 0 and doc[m.start - 1].lower_ in _TITLE_GENDER:
            out[m.actor_id] = _TITLE_GENDER[doc[m.start - 1].lower_]
    return out


def resolve_anaphora(doc: Doc, mentions: list[MentionSpan], lexicon: DescriptionLexicon, actor_of: ActorOf,
                     country_suffix: CountrySuffix) -> list[tuple[MentionSpan, MentionSpan]]:
    """New anaphor mentions, each with the mention it refers back to."""
    sent = _sentence_index(doc)
    lemmas = [t.lemma_.lower() for t in doc]
    ordered = sorted(mentions, key=lambda m: m.start)
    by_token = {i: m for m in ordered for i in range(m.start, m.end)}
    claimed = set(by_token)
    # Gender learnt from titles and from earlier he/she links, so that "she" does not take a man's mention.
    gender = _title_genders(doc, ordered)
    found: list[tuple[MentionSpan, MentionSpan]] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in claimed:
            i += 1
            continue
        pronoun: Pronoun | None = lexicon.by_form.get(token.lower_)
        if pronoun is not None and token.tag_ in ("PRP", "PRP$", ""):
            suffixes: tuple[str, ...]
            end, types, suffixes, conf = i + 1, pronoun.types, (), PRONOUN_CONFIDENCE
            if is_pleonastic(token, lexicon):
                i += 1
                continue
        else:
            desc = _find_description(doc, i, claimed, lexicon, lemmas)
            if desc is None:
                i += 1
                continue
            end, entry = desc
            types, suffixes, conf = entry.types, entry.country_suffixes, DESCRIPTION_CONFIDENCE
        excluded = set()
        if pronoun is not None and pronoun.role not in ("possessive", "reflexive"):
            excluded = _co_argument_actors(token, by_token)
        best: _Candidate | None = None
        if pronoun is None:
            # the head names an actor: in the usual window, or anywhere before for heads marked ``named``
            earliest = 0 if entry.named else min(
                (k for k, n in enumerate(sent) if n >= sent[i] - _MAX_SENTENCES_BACK), default=0)
            named = _named_antecedent(doc, ordered, i, entry, actor_of, lemmas, earliest)
            if named is not None:
                best = _Candidate(named[0], named[1], sent[named[0].start], -2)
            elif entry.named:
                i = end
                continue
        for m in ordered if best is None else ():
            if m.end > i or m.actor_id is None or sent[m.start] < sent[i] - _MAX_SENTENCES_BACK:
                continue
            actor = actor_of(m.actor_id)
            if actor is None or m.actor_id in excluded:
                continue
            if actor.type not in types and not (suffixes and actor.type == "country") and not (
                    token.lower_ in _PLURAL_FORMS and m.rule == "demonym"):
                continue  # ("the Americans ... their" may name a country through its plural demonym)
            if token.lower_ in _GENDER_OF and gender.get(m.actor_id, _GENDER_OF[token.lower_]) != _GENDER_OF[
                    token.lower_]:
                continue
            cand = _Candidate(m, actor, sent[m.start], _role_rank(doc[m.start:m.end].root, token))
            if best is None or (-cand.sent, cand.role, -cand.mention.start) < (-best.sent, best.role,
                                                                                 -best.mention.start):
                best = cand
        object_it = token.lower_ == "it" and token.dep_ not in _SUBJECT and token.dep_ != "expl"
        if best is None or (object_it and best.sent != sent[i]) or (
                pronoun is not None and token.lower_ in ("it", "they", "them")
                and _competing_thing(doc, best.mention.end, i, token, claimed)):
            i = end
            continue
        actor_id = best.mention.actor_id
        if suffixes and best.actor.type == "country":
            actor_id = country_suffix(best.actor.id, suffixes)
        if actor_id is None:
            i = end
            continue
        if token.lower_ in _GENDER_OF:
            gender.setdefault(actor_id, _GENDER_OF[token.lower_])
        distance = sent[i] - best.sent
        mention = MentionSpan(i, end, actor_id, "anaphora", round(conf - 0.1 * distance, 2))
        found.append((mention, best.mention))
        ordered.append(mention)
        ordered.sort(key=lambda m: m.start)
        for k in range(i, end):
            by_token[k] = mention
            claimed.add(k)
        i = end
    return found
