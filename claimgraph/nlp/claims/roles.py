"""Who did it and to whom: the subject and object of an event trigger, read off the dependency parse.

Every argument records the rule that found it, so a statement can say why its subject is its subject.
Rules (in ``Arg.rule``):

- verbs: ``active`` (nsubj / dobj), ``passive`` (by-agent / nsubjpass), ``prep`` (object in a lexicon
  preposition: "fight against X"), ``conj`` (a coordinated verb shares its subject), ``control`` (infinitive
  under another verb: "asked X to attack" -> X; "was used to fight" -> the passive subject; "plans to attack" ->
  the planner), ``by-gerund`` ("did them a favour by declaring ..." -> the subject of "did"), ``participle``
  ("attacked the camps, killing 30" -> the subject of "attacked"), ``relative`` ("the group which attacked" ->
  "the group"), ``acl-passive`` ("a video released by X" -> object is the video's noun);
- nouns: ``possessive`` ("X's support to Y"), ``compound`` ("ISKP attacks"), ``noun-prep`` ("support to Y",
  "backing of X"), ``light-give`` ("X gave Y a free hand"), ``light-receive`` ("Y had the backing of X"),
  ``role-of`` ("the role of X in the strikes"), ``copula`` ("the target for X is Y"), ``symmetric`` ("a nexus
  between X and Y", "the X-Y partnership");
- any argument: the phrase is resolved to an actor by ``nlp/actors/arguments.py`` (``+appos``, ``+member``,
  ``possessor`` ...); ``pair`` ("between the two" -> the two parties of the previous statement) is filled by
  the statement builder.

A role whose phrase resolves to no actor keeps its text but no actor id: it is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ...lexicon import PredicateEntry
from ..actors.arguments import RELATIVE_PRONOUNS, Arg, possessor_fallback, resolve, resolve_all
from ..annotations import PredicateMatch, mention_at
from ..syntax import lemma_in, prep_objects
from ..wordclasses import word_classes

SUBJ_DEPS = ("nsubj", "csubj")
PASS_SUBJ_DEPS = ("nsubjpass", "csubjpass")
COPULAS = frozenset(("be",))


@dataclass
class Roles:
    subjects: list[Arg] = field(default_factory=list)
    objects: list[Arg] = field(default_factory=list)
    rule: str = ""
    symmetric: bool = False
    # A light "receive" verb of desire ("needs the support of X", "seeks favours from X") makes a request.
    desired: bool = False


@dataclass
class LightVerbs:
    give: frozenset[str]
    receive: frozenset[str]
    perform: frozenset[str]  # "carry out / launch / undertake attacks": the verb's subject does the noun's event
    desire: frozenset[str]  # receive-class verbs that want rather than have: need, seek, want
    object_control: frozenset[str]  # "ask X to V": X does V


def _prep_objects_of(preps: list[Token]) -> list[Token]:
    return [c for p in preps for c in p.children if c.dep_ in ("pobj", "pcomp")]


def is_passive(head: Token, depth: int = 0) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        return True
    if head.tag_ == "VBN" and any(c.dep_ == "agent" for c in head.children):
        return True
    if head.tag_ == "VBN" and head.dep_ == "conj" and depth < 3:  # "was struck and killed"
        return is_passive(head.head, depth + 1)
    return head.dep_ == "acl" and head.tag_ == "VBN"


# ---- verbs ----------------------------------------------------------------------------------------------
def verb_subjects(doc: Doc, head: Token, light: LightVerbs, depth: int = 0) -> list[Arg]:
    if depth > 4:
        return []
    if is_passive(head):
        agents = prep_objects(head, ("by",))
        if not agents:  # "was struck and killed by an airstrike": coordinated participles share the agent
            for other in [c for c in head.children if c.dep_ == "conj"] + ([head.head] if head.dep_ == "conj" else []):
                agents = prep_objects(other, ("by",))
                if agents:
                    break
        return resolve_all(doc, agents, "passive")
    direct = [c for c in head.children if c.dep_ in SUBJ_DEPS]
    # "X and Y however have opposed": the parser may hang the subject on the auxiliary
    direct = direct or [g for c in head.children if c.dep_ == "aux" for g in c.children if g.dep_ in SUBJ_DEPS]
    if direct:
        return resolve_all(doc, direct, "active")
    if head.pos_ == "NOUN":  # a verb the tagger took for a noun: its subject hangs as a compound
        direct = [c for c in head.lefts if c.dep_ == "compound" and mention_at(doc, c.i)]
        if direct:
            return resolve_all(doc, direct[-1:], "active", 0.8)
    return inherited_subjects(doc, head, light, depth)


def inherited_subjects(doc: Doc, head: Token, light: LightVerbs, depth: int = 0) -> list[Arg]:
    gov = head.head
    if gov is head:
        return []
    dep = head.dep_
    if dep == "conj" and gov.pos_ in ("VERB", "AUX"):
        return _relabel(verb_subjects(doc, gov, light, depth + 1), "conj", 0.95)
    if dep in ("xcomp", "ccomp", "advcl") and _has_to(head):
        # Object control first: "asked the ISKP to go", "gave the army power to fight".
        if gov.pos_ in ("VERB", "AUX"):
            controllers = [c for c in gov.children if c.dep_ in ("dobj", "dative", "iobj")]
            controllers = [c for c in controllers if not _is_light_noun(c)] or [
                c for c in gov.children if c.dep_ in ("dative", "iobj")
            ]
            if controllers and (lemma_in(gov, light.object_control) or lemma_in(gov, light.give)):
                return resolve_all(doc, controllers, "control", 0.9)
            passive_subj = [c for c in gov.children if c.dep_ in PASS_SUBJ_DEPS]
            if passive_subj:
                return resolve_all(doc, passive_subj, "control", 0.9)
            if gov.lemma_ in COPULAS:
                # "X's plan was to attack": the planner does it.
                for subj in (c for c in gov.children if c.dep_ == "nsubj"):
                    if subj.lemma_.lower() in word_classes().plan:
                        owners = [c for c in subj.children if c.dep_ == "poss"]
                        return resolve_all(doc, owners, "control-plan", 0.85)
            return _relabel(verb_subjects(doc, gov, light, depth + 1), "control", 0.9)
    if dep in ("xcomp", "ccomp", "advcl", "acl", "relcl") and _has_to(head):
        if gov.pos_ in ("NOUN", "PROPN") and gov.dep_ in ("dobj",) and lemma_in(gov.head, light.give):
            # "give X a free hand to undertake attacks": X undertakes them.
            receivers = [c for c in gov.head.children if c.dep_ in ("dative", "iobj")]
            return resolve_all(doc, receivers, "control", 0.85)
    if dep == "pcomp" and gov.lower_ == "by" and gov.head.pos_ in ("VERB", "AUX"):
        return _relabel(verb_subjects(doc, gov.head, light, depth + 1), "by-gerund", 0.9)
    if dep in ("advcl", "xcomp") and head.tag_ == "VBG" and gov.pos_ in ("VERB", "AUX"):
        return _relabel(verb_subjects(doc, gov, light, depth + 1), "participle", 0.8)
    if dep == "acl" and head.tag_ == "VBG":
        arg = resolve(doc, gov, "participle", 0.8)
        if not arg.actor_id and gov.dep_ in ("dobj", "pobj") and gov.head.pos_ in ("VERB", "AUX", "ADP"):
            # "attacked its camps, killing 30 people": the parser hangs the participle on the object, but the
            # killing is the attackers'
            verb = gov.head if gov.head.pos_ != "ADP" else gov.head.head
            if verb.pos_ in ("VERB", "AUX"):
                return _relabel(verb_subjects(doc, verb, light, depth + 1), "participle", 0.75) or [arg]
        return [arg]
    if dep == "relcl":
        return [resolve(doc, gov, "relative", 0.9)]
    return []


def verb_objects(doc: Doc, head: Token, match: PredicateMatch, entry: PredicateEntry) -> list[Arg]:
    preps = tuple(entry.object_preps)
    out: list[Arg] = []
    if is_passive(head):
        if head.dep_ == "acl":
            out.append(resolve(doc, head.head, "acl-passive", 0.9))
        patients = [c for c in head.children if c.dep_ in PASS_SUBJ_DEPS]
        if not patients and head.dep_ == "conj":
            patients = [c for c in head.head.children if c.dep_ in PASS_SUBJ_DEPS]
        out += resolve_all(doc, patients, "passive")
        if head.dep_ == "relcl" and not any(a.actor_id for a in out):
            out.append(resolve(doc, head.head, "relative", 0.9))
    direct = [c for c in head.children if c.dep_ in ("dobj", "dative", "iobj", "oprd")]
    # "sign deals with X", "declare war on X": the lexicon's noun (within the trigger's span) is not the
    # counterpart; its prepositions hold it. A noun that is itself an actor ("harbour LeT militants") stays
    # the object.
    carriers = [
        c for c in direct
        if (_is_light_noun(c) or match.start <= c.i < match.end) and not resolve(doc, c, "active").actor_id
    ]
    carried_preps = tuple(dict.fromkeys((*preps, "with", "to", "against", "on", "upon")))
    for noun in carriers:
        found = resolve_all(doc, prep_objects(noun, carried_preps), "prep")
        out += [possessor_fallback(doc, a) for a in found]
    if carriers and not out:  # "launched an assault on X": the parser hangs the target on the verb
        out += [possessor_fallback(doc, a)
                for a in resolve_all(doc, prep_objects(head, carried_preps), "prep")]
    direct = [c for c in direct if c not in carriers]
    if entry.secondary_object:
        # "declare X a terror organisation": the category noun is attached as appos/oprd/second dobj, or the
        # parser reads a small clause (ccomp "organisation" with X as its subject).
        for clause in (c for c in head.children if c.dep_ in ("ccomp", "xcomp", "oprd")):
            direct += [g for g in clause.children if g.dep_ in ("nsubj", "nsubjpass")]
        direct = [c for c in direct if mention_at(doc, c.i)] or direct[:1]
    out += resolve_all(doc, direct, "active")
    out += resolve_all(doc, prep_objects(head, preps), "prep")
    # "the group that X attacked": the relative pronoun is the object.
    if head.dep_ == "relcl" and not out:
        rel = [c for c in head.children if c.dep_ == "dobj" and c.lower_ in RELATIVE_PRONOUNS]
        if rel:
            out.append(resolve(doc, head.head, "relative", 0.9))
    return [possessor_fallback(doc, a) for a in out]


def _has_to(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children) or token.tag_ == "VBG"


def _is_light_noun(token: Token) -> bool:
    return token.lemma_.lower() in word_classes().carrier


def _relabel(args: list[Arg], rule: str, factor: float) -> list[Arg]:
    return [Arg(a.token, a.actor_id, a.text, f"{rule}>{a.rule}", a.confidence * factor) for a in args]


# ---- nouns ----------------------------------------------------------------------------------------------
def noun_roles(doc: Doc, head: Token, entry: PredicateEntry, light: LightVerbs) -> Roles:
    roles = Roles(rule="noun")
    if entry.symmetric:
        parties = symmetric_parties(doc, head)
        if len([p for p in parties if p.actor_id]) < 2 and head.dep_ in ("dobj", "pobj", "attr", "nsubjpass"):
            # "X and Y are seeking to deepen a partnership", "X signed a pact with Y": the verb's subjects
            verb = head.head.head if head.dep_ == "pobj" else head.head
            if verb.pos_ in ("VERB", "AUX"):
                doers = [a for a in verb_subjects(doc, verb, light) if a.actor_id]
                known = {p.actor_id for p in parties if p.actor_id}
                extra_parties = [Arg(a.token, a.actor_id, a.text, "symmetric-subject", a.confidence * 0.9)
                                 for a in doers if a.actor_id not in known]
                if extra_parties:
                    parties = [p for p in parties if p.actor_id] + extra_parties
        if len(parties) >= 2:
            return Roles(subjects=[parties[0]], objects=parties[1:], rule="symmetric", symmetric=True)
        if parties and parties[0].actor_id is None:  # "between the two": filled from the previous statement
            return Roles(subjects=[], objects=parties, rule="symmetric", symmetric=True)
    subject_preps = list(entry.subject_preps)
    object_preps = list(entry.object_preps_of_noun())
    (subject_preps if entry.of_role == "subject" else object_preps).append("of")
    subjects = resolve_all(doc, [c for c in head.children if c.dep_ == "poss"], "possessive")
    subjects += resolve_all(doc, prep_objects(head, subject_preps), "noun-prep")
    compounds = [c for c in head.lefts if c.dep_ in ("compound", "nmod", "amod") and _agentive(doc, c)]
    subjects += resolve_all(doc, compounds, "compound", 0.9)
    objects = resolve_all(doc, prep_objects(head, object_preps), "noun-prep")
    if not objects and head.dep_ == "pobj":
        # PP attachment: "questions about X's support to Y" often hangs "to Y" on "questions".
        holder = head.head.head
        late = [c for c in holder.children if c.dep_ == "prep" and c.i > head.i and c.lower_ in object_preps]
        objects = resolve_all(doc, _prep_objects_of(late), "noun-prep-attach", 0.85)
    verb = head.head
    if head.dep_ in ("dobj", "attr", "nsubj") and verb.pos_ in ("VERB", "AUX"):
        if lemma_in(verb, light.give):
            subjects = subjects or _relabel(verb_subjects(doc, verb, light), "light-give", 0.9)
            receivers = [c for c in verb.children if c.dep_ in ("dative", "iobj") and c.pos_ != "ADP"]
            # "provide support to Israel": the parser may call the preposition itself the dative
            receivers += [g for c in verb.children if c.dep_ == "dative" and c.pos_ == "ADP" for g in c.children
                          if g.dep_ == "pobj"]
            receivers += [c for c in verb.children if c.dep_ == "dobj" and c is not head]
            receivers += prep_objects(verb, ("to",))
            objects = objects or resolve_all(doc, receivers, "light-give", 0.9)
        elif lemma_in(verb, light.perform):
            subjects = subjects or _relabel(verb_subjects(doc, verb, light), "light-perform", 0.9)
        elif lemma_in(verb, light.receive):
            objects = objects or _relabel(verb_subjects(doc, verb, light), "light-receive", 0.85)
            subjects = subjects or resolve_all(doc, prep_objects(verb, ("from", "of")), "light-receive", 0.85)
            if lemma_in(verb, light.desire):
                # "X needs the support of Y" is X asking Y: a request from X to Y.
                roles.desired = True
                subjects, objects = objects, subjects
        elif verb.lemma_ in COPULAS:
            # "the biggest target for X is Y" / "X is the target of Y"
            other_dep = "attr" if head.dep_ == "nsubj" else "nsubj"
            others = [c for c in verb.children if c.dep_ == other_dep]
            if not objects:
                objects = resolve_all(doc, others, "copula", 0.8)
    if not subjects and head.dep_ == "pobj" and head.head.lower_ == "in":
        owner = head.head.head
        if owner.lemma_.lower() in word_classes().role:
            holders = [c for c in owner.children if c.dep_ == "poss"] + prep_objects(owner, ("of",))
            subjects = resolve_all(doc, holders, "role-of", 0.85)
    roles.subjects = [a for a in subjects if a.actor_id] or subjects[:1]
    roles.objects = [possessor_fallback(doc, a) for a in objects]
    return roles


def _agentive(doc: Doc, token: Token) -> bool:
    """A modifier of an event noun that is its agent ("ISKP attacks"), not its place ("the Dravik attack")."""
    mention = mention_at(doc, token.i)
    if mention is None or mention.actor_id is None:
        return False
    actor = (doc._.cg_actors or {}).get(mention.actor_id)
    if actor is None and doc._.cg_kb is not None:
        actor = doc._.cg_kb.get(mention.actor_id)
    return actor is None or actor.type in word_classes().agentive


def symmetric_parties(doc: Doc, head: Token) -> list[Arg]:
    """Both parties of a nexus/partnership/deal: "between X and Y", "the X-Y partnership", "X's deal with Y"."""
    parties: list[Arg] = []
    between = prep_objects(head, ("between", "among", "amongst"))
    parties += resolve_all(doc, between, "symmetric")
    for child in head.lefts:
        if child.dep_ in ("compound", "poss", "nmod", "amod"):
            parties += [resolve(doc, t, "symmetric") for t in child.subtree if mention_at(doc, t.i)]
    parties += resolve_all(doc, prep_objects(head, ("with",)), "symmetric")
    seen: set[str] = set()
    unique = [a for a in parties if not a.actor_id and doc[a.token].lower_ in word_classes().pair][:1]
    for arg in parties:
        if arg.actor_id and arg.actor_id not in seen:
            seen.add(arg.actor_id)
            unique.append(arg)
    return unique


def verb_roles(doc: Doc, head: Token, match: PredicateMatch, entry: PredicateEntry, light: LightVerbs) -> Roles:
    subjects = verb_subjects(doc, head, light)
    objects = verb_objects(doc, head, match, entry)
    voice = "passive" if is_passive(head) else "active"
    return Roles(subjects=subjects, objects=objects, rule=f"verb-{voice}")


def roles_for(doc: Doc, match: PredicateMatch, entry: PredicateEntry, light: LightVerbs) -> Roles:
    """The roles of event trigger ``match`` (of lexicon ``entry``): read as a noun or as a verb."""
    head = doc[match.head]
    if match.pos == "noun" or (match.pos != "verb" and head.pos_ in ("NOUN", "PROPN")):
        roles = noun_roles(doc, head, entry, light)
    else:
        roles = verb_roles(doc, head, match, entry, light)
    if entry.reverse_roles:
        # "X won over Y", "X received aid from Y": the grammatical subject is the event's target.
        roles.subjects, roles.objects = roles.objects, roles.subjects
        roles.rule += "-reversed"
    return roles
