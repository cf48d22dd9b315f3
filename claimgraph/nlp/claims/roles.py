"""Who did it and to whom: the subject and object of an event trigger, read off the dependency parse.

The rules are data (``data/lexicon/role_patterns.yaml``, loaded by role_rules.py): each has an id, the role it
fills, the name it records, a confidence and examples, and the ones that need no recursion are DependencyMatcher
patterns, matched once per Doc. This module is the walk: the order in which the rules are tried (the first that
finds a subject wins; objects and noun roles add up), what must hold besides a pattern (an actor mention, a
word class, a light verb), and the steps that recurse (coordination, control, participles) or read the
prepositions a lexicon entry names. Every argument records the rule that found it, so a statement can say why
its subject is its subject. Rule names (in ``Arg.rule``):

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

from ...identity import UNNAMED_PREFIXES
from ...lexicon import PredicateEntry
from ..actors.arguments import RELATIVE_PRONOUNS, Arg, possessor_fallback, resolve, resolve_all
from ..annotations import PredicateMatch, mention_at
from ..syntax import conjuncts, lemma_in, prep_objects
from ..wordclasses import word_classes
from .role_rules import RoleIndex, RolePatterns, RoleRules

COPULAS = frozenset(("be",))
MAX_DEPTH = 4  # how far the walk climbs to inherit a subject (conj of a control of a participle ...)


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


def is_passive(head: Token, depth: int = 0) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        return True
    if head.tag_ == "VBN" and any(c.dep_ == "agent" for c in head.children):
        return True
    if head.tag_ == "VBN" and head.dep_ == "conj" and depth < 3:  # "was struck and killed"
        return is_passive(head.head, depth + 1)
    return head.dep_ == "acl" and head.tag_ == "VBN"


def _has_to(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children) or token.tag_ == "VBG"


def _is_light_noun(token: Token) -> bool:
    return token.lemma_.lower() in word_classes().carrier


def _prep_objects_of(preps: list[Token]) -> list[Token]:
    return [c for p in preps for c in p.children if c.dep_ in ("pobj", "pcomp")]


class RoleReader:
    """Reads the roles of one Doc's triggers: the rules of role_patterns.yaml (their patterns matched once per
    Doc, their confidences) applied in the order and under the conditions below."""

    def __init__(self, doc: Doc, patterns: RolePatterns, light: LightVerbs):
        self.doc = doc
        self.rules: RoleRules = patterns.rules
        self.index: RoleIndex = patterns.index(doc)
        self.light = light
        # Nouns inside an event trigger ("the raid", "a raid conducted"): their own agent is the agent of what
        # they do as a subject ("the raid killed five") or of what happens in them ("killed in Taliban attacks").
        # A noun trigger's head, or the event noun a verb trigger consumes ("conducted a raid": ``with_dobj``).
        self.event_nouns: set[int] = set()
        self.trigger_heads: set[int] = set()  # every event trigger's head, nouns the tagger took for verbs included
        self.event_types: dict[int, str] = {}  # a trigger head's event type
        for m in doc._.cg_predicates or []:
            if m.entry is None:
                continue
            self.trigger_heads.add(m.head)
            self.event_types.setdefault(m.head, m.event_type)
            if m.pos == "noun":
                self.event_nouns.add(m.head)
            consumed = set(m.entry.with_dobj or ())
            self.event_nouns.update(i for i in range(m.start, m.end)
                                    if doc[i].pos_ == "NOUN" and doc[i].lemma_.lower() in consumed)

    # ---- helpers ----------------------------------------------------------------------------------------
    def _args(self, tokens: list[Token], rule_id: str) -> list[Arg]:
        """Arguments found by rule ``rule_id`` (its recorded name and confidence)."""
        rule = self.rules[rule_id]
        return resolve_all(self.doc, tokens, rule.rule, rule.confidence)

    def _arg(self, token: Token, rule_id: str) -> Arg:
        rule = self.rules[rule_id]
        return resolve(self.doc, token, rule.rule, rule.confidence)

    def _relabel(self, args: list[Arg], rule_id: str) -> list[Arg]:
        """Arguments inherited through rule ``rule_id``: "conj>active" is an active subject reached by conj."""
        rule = self.rules[rule_id]
        return [Arg(a.token, a.actor_id, a.text, f"{rule.rule}>{a.rule}", a.confidence * rule.confidence)
                for a in args]

    # ---- verbs ------------------------------------------------------------------------------------------
    def verb_subjects(self, head: Token, depth: int = 0) -> list[Arg]:
        doc = self.doc
        if depth > MAX_DEPTH:
            return []
        if is_passive(head):
            agents = prep_objects(head, ("by",))
            if not agents:  # "was struck and killed by an airstrike": coordinated participles share the agent
                others = [c for c in head.children if c.dep_ == "conj"] + ([head.head] if head.dep_ == "conj" else [])
                for other in others:
                    agents = prep_objects(other, ("by",))
                    if agents:
                        break
            found = self._args(agents, "verb.subject.passive")
            if not found:  # "were killed in Taliban attacks", "wounded during a raid by X"
                # of the same kind: "arrested during a protest organised by X" is no arrest by X
                kind = _family(self.event_types.get(head.i))
                events = [t for t in prep_objects(head, ("in", "during"))
                          if t.i in self.event_nouns and _family(self.event_types.get(t.i)) == kind]
                found = [a for t in events for a in self.event_agents(t, "verb.subject.passive-in-event")]
            return self._through_event_noun(found)
        for rule_id in ("verb.subject.active", "verb.subject.on-aux"):
            direct = self.index.tokens(rule_id, head, "subject")
            if direct:
                return self._through_event_noun(self._args(direct, rule_id))
        direct = [c for c in self.index.tokens("verb.subject.noun-compound", head, "subject") if mention_at(doc, c.i)]
        if direct:
            return self._args(direct[-1:], "verb.subject.noun-compound")
        return self.inherited_subjects(head, depth)

    def event_agents(self, noun: Token, rule_id: str) -> list[Arg]:
        """The actors an event noun names as its agent: "X's offensive", "the raid by X", "a raid conducted by
        X", "ISKP attacks". Only resolved ones: an event noun is not itself an actor."""
        doc = self.doc
        tokens = self.index.tokens("noun.subject.possessive", noun, "subject") + prep_objects(noun, ("by",))
        tokens += [a for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN" for a in prep_objects(c, ("by",))]
        rule = self.rules[rule_id]
        found = [a for a in resolve_all(doc, tokens, "event-noun") if a.actor_id]
        if not found:  # a modifier only when no agent is named ("a London protest organised by X" is X's)
            compounds = [c for c in self.index.tokens("noun.subject.compound", noun, "subject") if _agentive(doc, c)]
            found = [a for a in resolve_all(doc, compounds, "event-noun") if a.actor_id]
        return [Arg(a.token, a.actor_id, a.text, rule.rule, a.confidence * rule.confidence) for a in found]

    def _through_event_noun(self, args: list[Arg]) -> list[Arg]:
        """Subjects that are unresolved event nouns ("the raid conducted by X killed five", "a series of X
        airstrikes killed five") stand for the event's agent, when the noun names one."""
        if any(a.actor_id for a in args):
            return args
        for arg in args:
            token = self.doc[arg.token]
            nouns = [token] if token.i in self.event_nouns else []
            if token.lemma_.lower() in word_classes().partitive:
                nouns += [g for g in prep_objects(token, ("of",)) if g.i in self.trigger_heads]
            for noun in nouns:
                agents = self.event_agents(noun, "verb.subject.event-noun")
                if agents:
                    return agents
        return args

    def _holder_agents(self, holder: Token, rule_id: str) -> list[Arg]:
        """The resolved agents of what an adverbial phrase hangs on: a verb's subject ("In support of X, Y
        struck"), or the agent of the event noun a participle qualifies ("strikes coordinated with and in
        support of X", the strikes' agent, or the subject of the verb that performs them)."""
        if holder.dep_ == "acl" and holder.tag_ == "VBN" and holder.head.i in self.event_nouns:
            noun = holder.head
            agents = self.event_agents(noun, rule_id)
            if agents or noun.dep_ != "dobj" or not lemma_in(noun.head, self.light.perform):
                return agents
            holder = noun.head
        if holder.pos_ not in ("VERB", "AUX") or is_passive(holder):
            return []
        return [a for a in self._relabel(self.verb_subjects(holder), rule_id) if a.actor_id]

    def complement_controllers(self, head: Token, depth: int = 0) -> list[Arg] | None:
        """The subject of a complement of an adjective or an intention noun: "X is committed to supporting Y",
        "X remains ready to attack" (the adjective's subject), "X's commitment to supporting Y", "the decision
        by X to attack" (the noun's possessor or by-agent). None when ``head`` is no such complement; an empty
        list when the noun names nobody (the subject stays unknown rather than guessed)."""
        gov, dep = head.head, head.dep_
        if dep == "pcomp" and gov.lower_ == "to" and gov.dep_ == "prep":
            holder = gov.head
        elif dep in ("xcomp", "acl", "advcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
            holder = gov
        else:
            return None
        words = word_classes()
        lemma = holder.lemma_.lower()
        if holder.pos_ == "NOUN" and lemma in words.intention:
            owners = [c for c in holder.children if c.dep_ == "poss"] + prep_objects(holder, ("by",))
            # without an owner, "gave X the ability to attack" is for the given-control rule
            return self._args(owners, "verb.subject.noun-control") or None
        if lemma not in words.control_adjective and holder.lower_ not in words.control_adjective:
            return None
        if holder.pos_ == "ADJ" or holder.dep_ in ("acomp", "oprd"):
            if holder.dep_ in ("acomp", "oprd", "xcomp") and holder.head.pos_ in ("VERB", "AUX"):
                return self._relabel(self.verb_subjects(holder.head, depth + 1), "verb.subject.adjective-control")
            return []
        if holder.pos_ in ("VERB", "AUX") and dep == "pcomp":
            # "X has committed to supporting Y", "X was dedicated to fighting"; an infinitive under a verb is
            # the control rules' ("prepared the army to fight": the army fights)
            patients = [c for c in holder.children if c.dep_ == "nsubjpass"]
            if patients:
                return self._args(patients, "verb.subject.adjective-control")
            return self._relabel(self.verb_subjects(holder, depth + 1), "verb.subject.adjective-control")
        return None

    def inherited_subjects(self, head: Token, depth: int = 0) -> list[Arg]:
        light = self.light
        gov = head.head
        if gov is head:
            return []
        dep = head.dep_
        controllers = self.complement_controllers(head, depth)
        if controllers is not None:
            return controllers
        if dep == "conj" and gov.pos_ in ("VERB", "AUX"):
            return self._relabel(self.verb_subjects(gov, depth + 1), "verb.subject.conj")
        if dep in ("xcomp", "ccomp", "advcl") and _has_to(head):
            # Object control first: "asked the ISKP to go", "gave the army power to fight". Never from a direct
            # object into a purpose clause (advcl): in "sent a delegation to the border to meet X" the matrix
            # subject has the purpose; the receiver of a give verb ("gave the army power to fight") still does it.
            if gov.pos_ in ("VERB", "AUX"):
                objects = self.index.tokens("verb.subject.object-control", head, "subject")
                if dep == "advcl":
                    objects = [c for c in objects if c.dep_ in ("dative", "iobj") and c.pos_ != "ADP"
                               and lemma_in(gov, light.give)]
                controlling = [c for c in objects if not _is_light_noun(c)] or [
                    c for c in objects if c.dep_ in ("dative", "iobj")
                ]
                if controlling and (lemma_in(gov, light.object_control) or lemma_in(gov, light.give)):
                    return self._args(controlling, "verb.subject.object-control")
                passive_subj = self.index.tokens("verb.subject.passive-control", head, "subject")
                if passive_subj:
                    return self._args(passive_subj, "verb.subject.passive-control")
                if gov.lemma_ in COPULAS:
                    # "X's plan was to attack": the planner does it.
                    for subj in (c for c in gov.children if c.dep_ == "nsubj"):
                        if subj.lemma_.lower() in word_classes().plan:
                            owners = [c for c in subj.children if c.dep_ == "poss"]
                            return self._args(owners, "verb.subject.plan")
                return self._relabel(self.verb_subjects(gov, depth + 1), "verb.subject.control")
        if dep in ("xcomp", "ccomp", "advcl", "acl", "relcl") and _has_to(head):
            receivers = self.index.tokens("verb.subject.given-control", head, "subject")
            if gov.pos_ in ("NOUN", "PROPN") and gov.dep_ in ("dobj",) and lemma_in(gov.head, light.give):
                # "give X a free hand to undertake attacks": X undertakes them.
                return self._args(receivers, "verb.subject.given-control")
        if dep == "pcomp" and gov.lower_ == "by" and gov.head.pos_ in ("VERB", "AUX"):
            return self._relabel(self.verb_subjects(gov.head, depth + 1), "verb.subject.by-gerund")
        nouns = self.index.tokens("verb.subject.participle-noun", head, "subject")
        if nouns and head.tag_ == "VBG":  # "the fighters attacking the convoy"
            arg = self._arg(nouns[0], "verb.subject.participle-noun")
            if not arg.actor_id and gov.dep_ in ("dobj", "pobj") and gov.head.pos_ in ("VERB", "AUX", "ADP"):
                # "attacked its camps, killing 30 people": the parser hangs the participle on the object, but
                # the killing is the attackers'
                verb = gov.head if gov.head.pos_ != "ADP" else gov.head.head
                if verb.pos_ in ("VERB", "AUX"):
                    inherited = self._relabel(self.verb_subjects(verb, depth + 1), "verb.subject.participle-object")
                    return inherited or [arg]
            return [arg]
        relatives = self.index.tokens("verb.subject.relative", head, "subject")
        return [self._arg(t, "verb.subject.relative") for t in relatives]

    def verb_objects(self, head: Token, match: PredicateMatch, entry: PredicateEntry) -> list[Arg]:
        doc = self.doc
        preps = tuple(entry.object_preps)
        out: list[Arg] = []
        carried_preps = tuple(dict.fromkeys((*preps, "with", "to", "against", "on", "upon")))
        if is_passive(head):
            for noun in self.index.tokens("verb.object.acl-passive", head, "object"):
                if noun.i in self.event_nouns:  # "a raid conducted by X on Y": the raid's target, not the raid
                    out += self._args(prep_objects(noun, carried_preps), "verb.object.carried")
                else:
                    out.append(self._arg(noun, "verb.object.acl-passive"))
            for rule_id in ("verb.object.passive", "verb.object.passive-conj"):
                patients = self.index.tokens(rule_id, head, "object")
                if patients:
                    out += self._args(patients, rule_id)
                    break
            if not any(a.actor_id for a in out):
                out += [self._arg(t, "verb.object.passive-relative")
                        for t in self.index.tokens("verb.object.passive-relative", head, "object")]
        # "discussed Aleppo": for some entries the direct object is the topic, never a party
        direct = self.index.tokens("verb.object.direct", head, "object") if entry.direct_object else []
        # "sign deals with X", "declare war on X": the lexicon's noun (within the trigger's span) is not the
        # counterpart; its prepositions hold it. A noun that is itself an actor ("harbour LeT militants") stays
        # the object.
        carriers = [
            c for c in direct
            if (_is_light_noun(c) or match.start <= c.i < match.end) and not resolve(doc, c, "active").actor_id
        ]
        for noun in carriers:
            found = self._args(prep_objects(noun, carried_preps), "verb.object.carried")
            if not found and noun.lemma_.lower() in word_classes().partitive:
                # "held a round of talks with X": the counterpart hangs on the noun in the "of" phrase
                inner = [g for g in prep_objects(noun, ("of",)) if match.start <= g.i < match.end]
                found = self._args([t for g in inner for t in prep_objects(g, carried_preps)], "verb.object.carried")
            out += [possessor_fallback(doc, a) for a in found]
        if carriers and not out:  # "launched an assault on X": the parser hangs the target on the verb
            out += [possessor_fallback(doc, a)
                    for a in self._args(prep_objects(head, carried_preps), "verb.object.carried-on-verb")]
        if carriers and not out:
            # "conducted 15 strikes using aircraft against ISIL targets": the means clause carries the target
            for clause in (c for c in head.children if c.dep_ == "advcl" and lemma_in(c, word_classes().instrument)):
                targets = [g for t in clause.subtree if t.dep_ == "prep" and t.lower_ in ("against", "on", "upon")
                           for g in t.children if g.dep_ == "pobj"][:1]
                out += [possessor_fallback(doc, a) for a in self._args(targets, "verb.object.instrument")]
        direct = [c for c in direct if c not in carriers]
        if entry.secondary_object:
            # "declare X a terror organisation": the category noun is attached as appos/oprd/second dobj, or the
            # parser reads a small clause (ccomp "organisation" with X as its subject).
            for clause in (c for c in head.children if c.dep_ in ("ccomp", "xcomp", "oprd")):
                direct += [g for g in clause.children if g.dep_ in ("nsubj", "nsubjpass")]
            direct = [c for c in direct if mention_at(doc, c.i)] or direct[:1]
        out += self._args(direct, "verb.object.direct")
        out += self._args(prep_objects(head, preps), "verb.object.prep")
        # "the group that X attacked": the relative pronoun is the object.
        if head.dep_ == "relcl" and not out:
            rel = [c for c in head.children if c.dep_ == "dobj" and c.lower_ in RELATIVE_PRONOUNS]
            if rel:
                out.append(self._arg(head.head, "verb.object.relative"))
        return [possessor_fallback(doc, a) for a in out]

    def verb_roles(self, head: Token, match: PredicateMatch, entry: PredicateEntry) -> Roles:
        subjects = _named_conjuncts_first(self.doc, self.verb_subjects(head))
        objects = self.verb_objects(head, match, entry)
        voice = "passive" if is_passive(head) else "active"
        return Roles(subjects=subjects, objects=objects, rule=f"verb-{voice}")

    # ---- nouns ------------------------------------------------------------------------------------------
    def noun_roles(self, head: Token, entry: PredicateEntry) -> Roles:
        doc, light = self.doc, self.light
        roles = Roles(rule="noun")
        if entry.symmetric:
            counterparts = self.with_counterparts(head)
            if counterparts is not None:
                return counterparts
            parties = self.symmetric_parties(head)
            if len([p for p in parties if p.actor_id]) < 2 and head.dep_ in ("dobj", "pobj", "attr", "nsubjpass"):
                # "X and Y are seeking to deepen a partnership", "X signed a pact with Y": the verb's subjects
                verb = head.head.head if head.dep_ == "pobj" else head.head
                if verb.pos_ in ("VERB", "AUX"):
                    doers = [a for a in self.verb_subjects(verb) if a.actor_id]
                    known = {p.actor_id for p in parties if p.actor_id}
                    rule = self.rules["noun.party.verb-subject"]
                    more = [Arg(a.token, a.actor_id, a.text, rule.rule, a.confidence * rule.confidence)
                            for a in doers if a.actor_id not in known]
                    if more:
                        parties = [p for p in parties if p.actor_id] + more
            if len(parties) >= 2:
                return Roles(subjects=[parties[0]], objects=parties[1:], rule="symmetric", symmetric=True)
            if parties and parties[0].actor_id is None:  # "between the two": filled from the previous statement
                return Roles(subjects=[], objects=parties, rule="symmetric", symmetric=True)
        subject_preps = list(entry.subject_preps)
        object_preps = list(entry.object_preps_of_noun())
        (subject_preps if entry.of_role == "subject" else object_preps).append("of")
        subjects = self._args(self.index.tokens("noun.subject.possessive", head, "subject"), "noun.subject.possessive")
        subjects += self._args(prep_objects(head, subject_preps), "noun.subject.prep")
        compounds = [c for c in self.index.tokens("noun.subject.compound", head, "subject") if _agentive(doc, c)]
        # "a protest organised by X", "the raids carried out by X": the agent of the participle on the noun, which
        # outranks a modifier ("a London protest organised by X" is X's, not the city's)
        performed = [c for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN"]
        agents = self._args([a for c in performed for a in prep_objects(c, ("by",))], "noun.subject.acl-agent")
        if not any(a.actor_id for a in agents):
            subjects += self._args(compounds, "noun.subject.compound")
        subjects += agents
        objects = self._args(prep_objects(head, object_preps), "noun.object.prep")
        if not objects and head.dep_ == "pobj":
            # PP attachment: "questions about X's support to Y" often hangs "to Y" on "questions".
            holder = head.head.head
            late = [c for c in holder.children if c.dep_ == "prep" and c.i > head.i and c.lower_ in object_preps]
            objects = self._args(_prep_objects_of(late), "noun.object.prep-attached")
        verb = head.head
        if head.dep_ in ("dobj", "attr", "nsubj") and verb.pos_ in ("VERB", "AUX"):
            if lemma_in(verb, light.give):
                subjects = subjects or self._relabel(self.verb_subjects(verb), "noun.subject.light-give")
                # datives, objects of a preposition the parser labelled dative ("provide support to Israel"),
                # another direct object, then "to" objects
                receivers = [c for c in self.index.tokens("noun.object.light-give", head, "object") if c is not head]
                receivers += prep_objects(verb, ("to",))
                objects = objects or self._args(receivers, "noun.object.light-give")
            elif lemma_in(verb, light.perform):
                subjects = subjects or self._relabel(self.verb_subjects(verb), "noun.subject.light-perform")
            elif lemma_in(verb, light.receive):
                objects = objects or self._relabel(self.verb_subjects(verb), "noun.object.light-receive")
                subjects = subjects or self._args(prep_objects(verb, ("from", "of")), "noun.subject.light-receive")
                if lemma_in(verb, light.desire):
                    # "X needs the support of Y" is X asking Y: a request from X to Y.
                    roles.desired = True
                    subjects, objects = objects, subjects
            elif verb.lemma_ in COPULAS:
                # "the biggest target for X is Y" / "X is the target of Y"
                if not objects:
                    objects = self._args(self.index.tokens("noun.object.copula", head, "object"), "noun.object.copula")
        subjects = self._bound_possessor(head, subjects)
        if not any(a.actor_id for a in subjects) and head.dep_ == "pobj" and head.head.lower_ == "in" and (
                head.lemma_.lower() in word_classes().adverbial_event) and (
                not objects or any(a.actor_id for a in objects)):
            # "In support of X, Y struck", "Y crossed in support": the verb's subject does it (to an actor or to
            # nobody named: "in support of operations" is no dyad)
            subjects = self._holder_agents(head.head.head, "noun.subject.adverbial") or subjects
        if not subjects and head.dep_ == "pobj" and head.head.lower_ == "in":
            owner = head.head.head
            if owner.lemma_.lower() in word_classes().role:
                holders = self.index.tokens("noun.subject.role-of", head, "subject") + prep_objects(owner, ("of",))
                subjects = self._args(holders, "noun.subject.role-of")
        roles.subjects = _named_conjuncts_first(doc, [a for a in subjects if a.actor_id] or subjects[:1])
        roles.objects = [possessor_fallback(doc, a) for a in objects]
        return roles

    def _bound_possessor(self, head: Token, subjects: list[Arg]) -> list[Arg]:
        """"X reiterated their support for Y": a possessive pronoun on the event-noun object of a verb of one's
        own acts (syntax_cues.yaml ``own_event``) is the verb's subject; nobody, when that subject is unknown."""
        pronouns = [a for a in subjects if "possessive" in a.rule and self.doc[a.token].pos_ == "PRON"]
        if not pronouns:
            return subjects
        noun = head
        while noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
            noun = noun.head
        verb = noun.head
        if noun.dep_ != "dobj" or verb.pos_ not in ("VERB", "AUX") or not lemma_in(verb, word_classes().own_event):
            return subjects
        bound = [a for a in self._relabel(self.verb_subjects(verb), "noun.subject.bound-possessive") if a.actor_id]
        return bound + [a for a in subjects if a not in pronouns] if bound else subjects

    def with_counterparts(self, head: Token) -> Roles | None:
        """"X held (a round of) talks with A and B": X, the subject of the verb that has the noun, meets each
        of A and B (not A meeting B). Only when the noun names no party of its own ("between", a modifier); an
        unresolved subject ("she") stays the subject, unresolved, rather than a counterpart taking its place."""
        doc = self.doc
        if prep_objects(head, ("between", "among", "amongst")) or any(
                c.dep_ in ("compound", "poss", "nmod", "amod") and any(mention_at(doc, t.i) for t in c.subtree)
                for c in head.lefts):
            return None
        counterparts = [a for a in self._args(prep_objects(head, ("with",)), "noun.party.with") if a.actor_id]
        if not counterparts:
            return None
        noun = head
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
            noun = noun.head.head  # "a round of talks", "a series of meetings"
        if noun.dep_ not in ("dobj", "pobj", "attr"):
            return None
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head
        if verb.pos_ not in ("VERB", "AUX"):
            return None
        doers = self.verb_subjects(verb)
        if not doers:
            return None
        rule = self.rules["noun.party.verb-subject"]
        subjects = [Arg(a.token, a.actor_id, a.text, rule.rule, a.confidence * rule.confidence)
                    for a in doers if a.actor_id not in {c.actor_id for c in counterparts}]
        subjects = [a for a in subjects if a.actor_id] or subjects[:1]
        if not subjects:
            return None
        return Roles(subjects=subjects, objects=counterparts, rule="symmetric", symmetric=True)

    def symmetric_parties(self, head: Token) -> list[Arg]:
        """Both parties of a nexus/partnership/deal: "between X and Y", "the X-Y partnership", "X's deal with Y"."""
        doc = self.doc
        parties: list[Arg] = []
        between = prep_objects(head, ("between", "among", "amongst"))
        parties += self._args(between, "noun.party.between")
        modifiers: list[Arg] = []
        for child in head.lefts:
            if child.dep_ in ("compound", "poss", "nmod", "amod"):
                modifiers += [self._arg(t, "noun.party.modifier") for t in child.subtree if mention_at(doc, t.i)]
        if len(modifiers) == 1 and _venue(doc, doc[modifiers[0].token]):
            modifiers = []  # "the Minsk agreements", "the Geneva talks": named after where, not who
        parties += modifiers
        parties += self._args(prep_objects(head, ("with",)), "noun.party.with")
        seen: set[str] = set()
        unique = [a for a in parties if not a.actor_id and doc[a.token].lower_ in word_classes().pair][:1]
        for arg in parties:
            if arg.actor_id and arg.actor_id not in seen:
                seen.add(arg.actor_id)
                unique.append(arg)
        return unique

    # ---- either ----------------------------------------------------------------------------------------
    def roles_for(self, match: PredicateMatch, entry: PredicateEntry) -> Roles:
        """The roles of event trigger ``match`` (of lexicon ``entry``): read as a noun or as a verb."""
        head = self.doc[match.head]
        if match.pos == "noun" or (match.pos != "verb" and head.pos_ in ("NOUN", "PROPN")):
            roles = self.noun_roles(head, entry)
        else:
            roles = self.verb_roles(head, match, entry)
        if entry.reverse_roles:
            # "X won over Y", "X received aid from Y": the grammatical subject is the event's target.
            roles.subjects, roles.objects = roles.objects, roles.subjects
            roles.rule += "-reversed"
        return roles


def _venue(doc: Doc, token: Token) -> bool:
    """A city standing for its state (a metonym) as a compound modifier names a place: "the Kabul attack", "the
    Minsk agreements", "the Geneva talks" (not "Moscow's support", a possessor)."""
    mention = mention_at(doc, token.i)
    return mention is not None and mention.rule == "metonym" and token.dep_ in ("compound", "nmod")


VIOLENCE = frozenset(("ASSAULT", "COERCE"))


def _family(event_type: str | None) -> str | None:
    """Violent event types are one kind (a killing in an attack, a wounding during a raid); others their own."""
    return "violence" if event_type in VIOLENCE else event_type


def _named_conjuncts_first(doc: Doc, args: list[Arg]) -> list[Arg]:
    """"Taliban gunmen and suicide bombers attacked": an unnamed conjunct ("U-" actor) beside a named one is
    the named actor's people, not a second attacker (a named actor coded as unnamed is an error)."""
    named = [a for a in args if a.actor_id and not a.actor_id.startswith(UNNAMED_PREFIXES)]
    if not named:
        return args
    together: set[int] = set()
    for arg in named:
        first = doc[arg.token]
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        together.update(t.i for t in conjuncts(first))
    return [a for a in args if not (a.actor_id and a.actor_id.startswith(UNNAMED_PREFIXES) and a.token in together)]


def _agentive(doc: Doc, token: Token) -> bool:
    """A modifier of an event noun that is its agent ("ISKP attacks"), not its place ("the Dravik attack")."""
    mention = mention_at(doc, token.i)
    if mention is None or mention.actor_id is None or _venue(doc, token):
        return False
    actor = (doc._.cg_actors or {}).get(mention.actor_id)
    if actor is None and doc._.cg_kb is not None:
        actor = doc._.cg_kb.get(mention.actor_id)
    return actor is None or actor.type in word_classes().agentive
