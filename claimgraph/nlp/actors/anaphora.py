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
   seem/appear/emerge; "it is said/reported that"; "make it clear" (any adjective after "make it"). A subject
   "it" of "be" with an adjective or a noun that is no actor ("it is unacceptable", "it is a painful reminder")
   speaks of a situation, not of an actor, and is skipped too; so is an emphatic reflexive ("the compound
   itself", "in itself").
3. Candidates: actor mentions (including already resolved anaphors) before the anaphor in its own sentence and
   in the two sentences before, whose actor type is allowed for the anaphor (a country is also allowed for a
   description with ``country_suffixes``; it then links to the country's army/government/agency actor).
4. Binding: a non-possessive, non-reflexive pronoun does not refer to an actor that is a co-argument of its own
   verb, or of the verb controlling it ("It reminded Pakistan", "Islamabad wants to extend it").
5. Salience (after Lappin and Leass): each candidate scores its sentence's recency (100 in the anaphor's own
   sentence, 50 one back, 25 two back) plus its grammatical role (subject of a verb governing the anaphor, as in
   "X said it would", 90; subject of the main clause 80; of another clause or a passive's by-agent 70; object 50;
   indirect object or possessor of a subject 40; inside a prepositional phrase 20; anything else 10); a
   conjunct takes the role of the phrase it is coordinated with. An actor keeps its best mention's score.
6. Competitors: words that are no actor but that the anaphor may mean score the same way and, when they win,
   leave the anaphor unlinked: for "it", a singular common noun that is not a person ("The deal was signed. It
   will ..."); for "they"/"them"/"their", a plural common noun ("gunmen attacked the villagers; they ...") and
   people named together ("X met Y. They discussed ..."); for "he"/"she", a person noun ("a guard", "the
   judge"); for a description, an unlinked noun of its own head ("a group of gunmen ... the group"). A plural
   pronoun loses 30 on an actor named in the singular ("the VLF"), which news may call "they" but less surely
   than a plural noun. When the best two candidates tie, the anaphor is unlinked: null when uncertain.
7. Competition from things (older, still applied): a subject "it"/"they" is not linked when a non-actor
   common noun of the same number was the subject of a main clause between the chosen candidate and the
   pronoun; an object "it" only takes an actor of its own sentence, and not when a thing of its number is
   anywhere in its own or the previous sentence ("Islamabad must fix it" after "the security situation").
8. Gender: "he"/"she" never takes a person already linked to the other gender or introduced with a gendered
   title ("Mr", "Ms"). A plural pronoun may take a country named by its plural demonym ("the Americans ...
   their"). "they" takes people only as competitors: one person is never "they".
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
    score: int


_RECENCY = (100, 50, 25)  # the anaphor's own sentence, one back, two back
_NUMBER_PENALTY = 30  # "they" for an actor named in the singular
# Below this an antecedent is too faint to link (a modifier one sentence back, a prepositional object two back).
_MIN_SALIENCE = 65
_EMPHATIC_PREPS = frozenset({"in", "of", "by"})  # "in itself", "by itself": no actor


def _sentence_index(doc: Doc) -> list[int]:
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return [0] * len(doc)
    index = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _governor(anaphor: Token) -> Token | None:
    """The verb whose clause holds the anaphor's clause: "said" in "X said it would", "wants" in "X wants to
    extend it"; for a possessive, the verb of its own clause ("as the Americans closed their embassy")."""
    if anaphor.dep_ == "poss":
        verb = anaphor.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
            verb = verb.head
        return verb if verb.pos_ in ("VERB", "AUX") else None
    clause = anaphor.head
    while clause.dep_ == "xcomp" and clause.head is not clause:
        clause = clause.head
    if clause.dep_ in ("ccomp", "xcomp", "advcl", "conj") and clause.head is not clause:
        return clause.head
    return None


def _role_weight(token: Token, anaphor: Token) -> int:
    """Salience of a phrase by its grammatical role (see step 5 of the module's docstring)."""
    t = token
    while t.dep_ in ("conj", "appos") and t.head is not t:
        t = t.head  # a conjunct or an apposition has the role of the phrase it goes with
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in ("NOUN", "PROPN") and (
            t.head.head.dep_ in _SUBJECT):
        t = t.head.head  # "the members of X reiterate their support": X, by its members
    if t.dep_ in _SUBJECT:
        if t.head.pos_ in ("VERB", "AUX") and t.head == _governor(anaphor):
            return 90
        return 80 if t.head.dep_ == "ROOT" else 70
    if t.dep_ == "pobj" and t.head.dep_ == "agent":
        return 70  # the by-agent of a passive is its logical subject
    if t.dep_ in _OBJECT:
        return 50
    if t.dep_ in ("dative", "iobj") or (t.dep_ == "poss" and t.head.dep_ in _SUBJECT):
        return 40
    if t.dep_ == "pobj":
        return 20
    return 10


def _plural_name(name: str) -> bool:
    """"Syrian Democratic Forces", "Kessel-Ardan Brigades": a name in the plural, whose acronym is "they"."""
    last = name.split()[-1].lower() if name.split() else ""
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _by_members(token: Token) -> bool:
    """"the members of the Council": an organisation named through its members, who are "they"."""
    return token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.tag_ in ("NNS", "NNPS")


def _salience(token: Token, anaphor: Token, sent: list[int]) -> int:
    distance = sent[anaphor.i] - sent[token.i]
    return _RECENCY[min(distance, len(_RECENCY) - 1)] + _role_weight(token, anaphor)


def _situation_it(token: Token, claimed: set[int]) -> bool:
    """"it is unacceptable", "it's very worthwhile", "it is a painful reminder": a subject "it" of "be" with an
    adjective or a noun that is no actor speaks of a situation, not of an actor."""
    if token.lower_ != "it" or token.dep_ not in _SUBJECT or token.head.lemma_ != "be":
        return False
    return any(c.dep_ == "acomp" or (c.dep_ == "attr" and c.pos_ == "NOUN" and c.i not in claimed)
               for c in token.head.children)


def _emphatic(token: Token) -> bool:
    """"the compound itself", "in itself": an emphatic reflexive, no argument of its own."""
    if token.lower_ not in ("itself", "themselves"):
        return False
    before = token.doc[token.i - 1] if token.i > 0 else None
    return before is not None and (before.lower_ in _EMPHATIC_PREPS or before.pos_ in ("NOUN", "PROPN"))


def _competitors(doc: Doc, anaphor: Token, end: int, kind: str, claimed: set[int], sent: list[int],
                 person_nouns: frozenset[str], head: str, earliest: int) -> list[tuple[int, int]]:
    """(score, token) of words that are no actor but that the anaphor may mean (step 6)."""
    out: list[tuple[int, int]] = []
    for k in range(earliest, anaphor.i):
        t = doc[k]
        if k in claimed or t.dep_ in ("compound", "amod", "nmod") or t.ent_type_ in _NOT_THINGS:
            continue
        if t.pos_ not in ("NOUN", "PROPN") or not t.is_alpha:
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("of", "from") and any(g.i in claimed for g in c.subtree)
               for c in t.children):
            continue  # "a group of terrorists from X", "the members of X": X's, which X competes for itself
        lemma = t.lemma_.lower()
        if kind == "description":
            ok = lemma == head
        elif kind == "plural":
            ok = t.tag_ in ("NNS", "NNPS")
        elif kind == "person":
            ok = t.tag_ == "NN" and lemma in person_nouns
        else:  # "it": one thing
            ok = t.tag_ in ("NN", "NNP") and lemma not in person_nouns and (
                t.tag_ == "NN" or t.ent_type_ in ("FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LOC"))
        if ok:
            out.append((_salience(t, anaphor, sent), k))
    return out


def _people_together(doc: Doc, ordered: list[MentionSpan], anaphor: Token, actor_of: ActorOf, sent: list[int],
                     earliest: int) -> list[tuple[int, int]]:
    """People named together ("X and Y", "X met Y"): a plural pronoun may mean them, so they compete."""
    people = [m for m in ordered if earliest <= m.start and m.end <= anaphor.i and m.actor_id
              and (a := actor_of(m.actor_id)) is not None and a.type == "person"]
    out = []
    for m in people:
        root = doc[m.start:m.end].root
        together = root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children) or any(
            o is not m and sent[o.start] == sent[m.start] and o.actor_id != m.actor_id for o in people)
        if together:
            out.append((_salience(root, anaphor, sent), m.start))
    return out


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
    if nxt is not None and nxt.pos_ == "ADJ" and token.i > 0 and doc[token.i - 1].lemma_.lower() == "make":
        return True  # "made it clear", however the parser attached it
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


def _coordinated_owner(token: Token, pronoun: Pronoun | None) -> Token | None:
    """The noun a possessive's phrase is coordinated with: "Veldoria" in "Veldoria and its allies"."""
    if pronoun is None or pronoun.role != "possessive" or token.dep_ != "poss" or token.head.dep_ != "conj":
        return None
    first = token.head.head
    return first if first.pos_ in ("NOUN", "PROPN") and first.i < token.i else None


def _kind(token: Token, pronoun: Pronoun | None) -> str:
    if pronoun is None:
        return "description"
    if token.lower_ in _PLURAL_FORMS:
        return "plural"
    return "person" if token.lower_ in _GENDER_OF else "thing"


def resolve_anaphora(doc: Doc, mentions: list[MentionSpan], lexicon: DescriptionLexicon, actor_of: ActorOf,
                     country_suffix: CountrySuffix, person_nouns: frozenset[str] = frozenset()
                     ) -> list[tuple[MentionSpan, MentionSpan]]:
    """New anaphor mentions, each with the mention it refers back to. ``person_nouns``: lemmas of common nouns
    for people ("guard", "judge"), which compete with named people for "he" and "she"."""
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
            if is_pleonastic(token, lexicon) or _situation_it(token, claimed) or _emphatic(token):
                i += 1
                continue
        else:
            pronoun = None
            desc = _find_description(doc, i, claimed, lexicon, lemmas)
            if desc is None:
                i += 1
                continue
            end, entry = desc
            types, suffixes, conf = entry.types, entry.country_suffixes, DESCRIPTION_CONFIDENCE
        kind = _kind(token, pronoun)
        earliest = min((k for k, n in enumerate(sent) if n >= sent[i] - _MAX_SENTENCES_BACK), default=0)
        excluded = set()
        if pronoun is not None and pronoun.role not in ("possessive", "reflexive"):
            excluded = _co_argument_actors(token, by_token)
        best: _Candidate | None = None
        partner = _coordinated_owner(token, pronoun)
        if partner is not None:
            # "Veldoria and its allies", "the parties and their supporters": the noun it is coordinated with
            owner = by_token.get(partner.i)
            actor = actor_of(owner.actor_id) if owner is not None and owner.actor_id else None
            if owner is None or actor is None or (actor.type not in types and not (
                    kind == "plural" and (owner.rule == "demonym" or _by_members(partner)))):
                i = end
                continue
            best = _Candidate(owner, actor, sent[owner.start], 1000)
        rivals: list[tuple[int, object]] = []  # (score, identity) of every candidate, actors and competitors
        if pronoun is None and best is None:
            # the head names an actor: in the usual window, or anywhere before for heads marked ``named``
            named = _named_antecedent(doc, ordered, i, entry, actor_of, lemmas, 0 if entry.named else earliest)
            if named is not None:
                best = _Candidate(named[0], named[1], sent[named[0].start], 1000)
            elif entry.named:
                i = end
                continue
        for m in ordered if best is None else ():
            if m.end > i or m.actor_id is None or m.start < earliest:
                continue
            actor = actor_of(m.actor_id)
            if actor is None or m.actor_id in excluded:
                continue
            root = doc[m.start:m.end].root
            members = kind == "plural" and _by_members(root)
            if actor.type not in types and not (suffixes and actor.type == "country") and not (
                    token.lower_ in _PLURAL_FORMS and m.rule == "demonym") and not members:
                continue  # ("the Americans ... their" may name a country through its plural demonym)
            if token.lower_ in _GENDER_OF and gender.get(m.actor_id, _GENDER_OF[token.lower_]) != _GENDER_OF[
                    token.lower_]:
                continue
            score = _salience(root, token, sent)
            if kind == "plural" and m.rule != "demonym" and root.tag_ not in ("NNS", "NNPS") and not members and (
                    not _plural_name(actor.name)):
                score -= _NUMBER_PENALTY
            rivals.append((score, m.actor_id))
            if best is None or score > best.score or (score == best.score and m.start > best.mention.start):
                best = _Candidate(m, actor, sent[m.start], score)
        if best is not None and best.score < 1000:
            head = lemmas[end - 1]
            rivals += [(score, ("word", k)) for score, k in _competitors(
                doc, token, end, kind, claimed, sent, person_nouns, head, earliest)]
            if kind == "plural":
                rivals += [(score, ("people", k)) for score, k in _people_together(
                    doc, ordered, token, actor_of, sent, earliest)]
            top = max(score for score, _ in rivals)
            if len({identity for score, identity in rivals if score == top}) > 1 or top > best.score or (
                    best.score < _MIN_SALIENCE):
                best = None  # a word that is no actor wins, or two candidates tie: null when uncertain
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
