"""The actor an argument phrase stands for: the mention it heads, or one reached through a relative pronoun, an
apposition, a name it is given, the organisation its members belong to, or the owner of what it names.

Every argument records the rule that found it (``Arg.rule``): the role rule of claims/roles.py, plus
``+appos``, ``+named`` ("the branch, known as ISKP"), ``+member`` ("ISKP fighters", "envoys from X"),
``+quantity`` ("dozens of aid workers", "one of the suspects"),
``relative`` ("the group which attacked"), ``possessor`` (an attack on "its camps" hits the camps' owner) and
``possessor-demonym`` ("the Russian building"). A phrase that resolves to no actor keeps its text but no actor
id: it is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..annotations import mention_at
from ..syntax import conjuncts, noun_lemma, phrase_text, prep_objects
from ..wordclasses import word_classes

RELATIVE_PRONOUNS = ("which", "who", "that", "whom", "whose")
# What a resolution step costs: the factor an argument's confidence is multiplied by when its actor is reached
# through the phrase instead of being named by it. (Where the phrase is, and what that costs, is the role rules'
# business: data/lexicon/role_patterns.yaml.)
RESOLUTION_CONFIDENCE = {
    "relative": 0.95,  # "the group which attacked": the antecedent of the relative pronoun
    "member": 0.9,  # "ISKP fighters", "envoys from X": the organisation of its members
    "possessor": 0.8,  # "its training camps": the owner of the target
    "possessor-deep": 0.75,  # "the last ISIS group bastion": an owner deeper in the compound
    "possessor-demonym": 0.7,  # "the Russian building": the country of the demonym
}


@dataclass
class Arg:
    """One resolved (or unresolved) argument of an event."""

    token: int
    actor_id: str | None
    text: str
    rule: str
    confidence: float = 1.0


def resolve(doc: Doc, token: Token, rule: str, confidence: float = 1.0, depth: int = 0) -> Arg:
    """An Arg for the phrase headed by ``token``: the actor a mention gives it, or none."""
    mention = mention_at(doc, token.i)
    if mention and mention.actor_id:
        return Arg(token.i, mention.actor_id, phrase_text(token), rule, confidence * mention.confidence)
    if depth < 3 and token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ in ("relcl", "acl"):
        antecedent = token.head.head
        arg = resolve(doc, antecedent, "relative", confidence * RESOLUTION_CONFIDENCE["relative"], depth + 1)
        if arg.actor_id:
            return arg
    for child in token.children:
        if child.dep_ in ("appos", "compound") and child.i != token.i:
            m = mention_at(doc, child.i)
            if m and m.actor_id and child.dep_ == "appos":
                return Arg(token.i, m.actor_id, phrase_text(token), rule + "+appos", confidence * m.confidence)
    words = word_classes()
    for child in token.children:
        # "the branch, known as ISKP": the name the phrase is given
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in words.naming:
            named = [g for g in child.children if g.dep_ == "oprd"] + prep_objects(child, ("as",))
            for name in named:
                m = mention_at(doc, name.i)
                if m and m.actor_id:
                    return Arg(token.i, m.actor_id, phrase_text(token), rule + "+named", confidence * m.confidence)
    if noun_lemma(token) in words.member:
        # "envoys from Veldoria", "fighters of the TTP", "the Members of the Council" (a capitalised plural the
        # lemmatizer leaves alone)
        for source in prep_objects(token, ("from", "of")):
            m = mention_at(doc, source.i)
            if m and m.actor_id:
                return Arg(token.i, m.actor_id, phrase_text(token), rule + "+member",
                           confidence * RESOLUTION_CONFIDENCE["member"] * m.confidence)
    if depth < 3 and (token.lemma_.lower() in words.quantity or token.lower_ in words.quantity
                      or token.pos_ == "NUM"):
        # "dozens of aid workers", "one of the suspects": who is counted
        for counted in prep_objects(token, ("of",)):
            arg = resolve(doc, counted, rule + "+quantity", confidence, depth + 1)
            if arg.actor_id:
                return Arg(token.i, arg.actor_id, phrase_text(token), arg.rule, arg.confidence)
    # "the Pakistan Army" is one mention; "ISKP fighters" is a mention inside a larger phrase.
    compound = [c for c in token.lefts if c.dep_ in ("compound", "amod", "nmod")]
    for child in compound:
        m = mention_at(doc, child.i)
        if m and m.actor_id and token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in word_classes().member:
            return Arg(token.i, m.actor_id, phrase_text(token), rule + "+member",
                       confidence * RESOLUTION_CONFIDENCE["member"] * m.confidence)
    return Arg(token.i, None, phrase_text(token), rule, confidence)


def resolve_all(doc: Doc, tokens: list[Token], rule: str, confidence: float = 1.0) -> list[Arg]:
    """An Arg for each token and each token coordinated with it (those record ``+conj``)."""
    args: list[Arg] = []
    for token in tokens:
        for conj in conjuncts(token):
            arg = resolve(doc, conj, rule if conj is token else rule + "+conj", confidence)
            args.append(arg)
            if arg.rule.endswith("+member"):
                args += _member_conjuncts(doc, conj, arg)
    return args


def _member_conjuncts(doc: Doc, token: Token, arg: Arg) -> list[Arg]:
    """"the ministers of X, Y and Z": the members of each organisation coordinated with the first."""
    out: list[Arg] = []
    for source in prep_objects(token, ("from", "of")):
        for other in conjuncts(source)[1:]:
            m = mention_at(doc, other.i)
            if m and m.actor_id and m.actor_id != arg.actor_id:
                out.append(Arg(other.i, m.actor_id, phrase_text(other), arg.rule + "+conj", arg.confidence))
    return out


def possessor_fallback(doc: Doc, arg: Arg) -> Arg:
    """An unresolved object whose possessor is an actor stands for that actor: "its training camps"."""
    if arg.actor_id:
        return arg
    token = doc[arg.token]
    if token.lemma_.lower() in word_classes().part:
        return arg  # "the group's branch" is not the group
    kb = doc._.cg_kb
    for child in token.children:
        # "the Russian building": a demonym on a target stands for the country (as event coders code it)
        if child.dep_ == "amod" and kb is not None and child.text[:1].isupper():
            country = next((e.actor_id for e in kb.lookup(child.text) if e.kind == "demonym"), None)
            if country:
                return Arg(arg.token, country, arg.text, "possessor-demonym",
                           arg.confidence * RESOLUTION_CONFIDENCE["possessor-demonym"])
    for child in token.children:
        # "its training camps", "the army's convoy", and "two TTP camps": what belongs to an actor stands for it
        if child.dep_ == "poss" or (child.dep_ == "compound" and mention_at(doc, child.i)):
            owner = resolve(doc, child, "possessor", RESOLUTION_CONFIDENCE["possessor"])
            if owner.actor_id:
                owner.text = arg.text
                return owner
        if child.dep_ == "compound":  # "the last ISIS group bastion": the owner sits deeper in the compound
            inner = next((t for t in child.subtree if mention_at(doc, t.i)), None)
            if inner is not None:
                owner = resolve(doc, inner, "possessor", RESOLUTION_CONFIDENCE["possessor-deep"])
                if owner.actor_id:
                    owner.text = arg.text
                    return owner
    return arg


__all__ = ["Arg", "RELATIVE_PRONOUNS", "RESOLUTION_CONFIDENCE", "possessor_fallback", "resolve", "resolve_all"]
