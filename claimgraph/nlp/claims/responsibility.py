"""Claims of responsibility, denials, disclaimers and admissions: whom the text makes answerable for an event.

"The group claimed responsibility for the bombing" is the group's own claim that it bombed; "X denied any role in
the attack" is X's denial that it attacked; "X said it was not responsible for the attack" and "X said it had no
connection to the attack" are denials too; "X pleaded guilty to supporting Y" is X's admission that it supported
Y, "pleaded not guilty" its denial; "X was behind the attack", "X played a role in the attack" name the
attacker. In each the event is an argument of a *responsibility* word (``responsibility`` and ``responsible`` in
``data/lexicon/syntax_cues.yaml``), whose holder is the event's subject.

``responsibility_of`` reads the construction around an event trigger; the statement builder (statements.py) makes
the holder the subject when the roles found none, and decides asserter and stance:

- ``claims`` (the verb is of the ``claiming`` class: claim, accept, take, admit, plead ...): the holder asserts
  it; ``denies`` (the ``denying`` class: deny, disclaim, reject ...): the holder denies it;
- ``states`` (be responsible, be behind, have a role, play a part): whoever carries the sentence asserts it;
- a negative construction ("not responsible", "no connection", "not guilty") is a denial when someone is
  speaking (a frame carries it, or the holder itself claims or pleads), else a negated assertion of the author.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Token

from ..wordclasses import WordClasses

# Prepositions that join an event to the responsibility word: "responsibility for", "role in", "link to",
# "guilty of", "complicity with".
EVENT_PREPOSITIONS = frozenset({"for", "in", "to", "of", "with", "over", "behind"})

Kind = Literal["claims", "denies", "states"]


@dataclass(frozen=True)
class Responsibility:
    holder: list[Token]  # who the text makes answerable (subjects of the verb, or the possessor)
    verb: Token | None  # the verb of the claim or denial (claimed, denied, pleaded, was), if any
    kind: Kind
    negative: bool  # "not responsible", "no connection", "not guilty"


def responsibility_of(head: Token, words: WordClasses) -> Responsibility | None:
    """The responsibility construction whose event is ``head``, if any (see the module docstring)."""
    if head.dep_ not in ("pobj", "pcomp") or head.head.dep_ not in ("prep", "agent"):
        return None
    prep = head.head
    if prep.lower_ not in EVENT_PREPOSITIONS:
        return None
    word = prep.head
    if word.lemma_.lower() in words.charge and word.dep_ == "pobj" and prep.lower_ == "of":
        return responsibility_of(word, words)  # "pleaded not guilty to charges of supporting X"
    if prep.lower_ == "behind" and word.lemma_ == "be":
        return _of_verb(word, word, words)  # "X was behind the attack"
    if word.pos_ in ("VERB", "AUX"):
        # "denied any role in the bombing": the parser may hang the preposition on the verb
        noun = next((c for c in word.children if c.dep_ == "dobj" and c.lemma_.lower() in words.responsibility), None)
        if noun is None:
            return None
        word = noun
    lemma = word.lemma_.lower()
    if word.pos_ in ("NOUN", "PROPN") and lemma in words.responsibility:
        negative = any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in word.children)
        if word.dep_ == "dobj" and word.head.pos_ in ("VERB", "AUX"):
            return _of_verb(word.head, word, words, negative)
        owners = [c for c in word.children if c.dep_ == "poss"]
        if owners:
            return Responsibility(owners, None, "states", negative)  # "the group's role in the attack"
        return None
    if lemma in words.responsible and word.dep_ in ("acomp", "oprd", "xcomp") and word.head.pos_ in ("VERB", "AUX"):
        return _of_verb(word.head, word, words)
    return None


def _of_verb(verb: Token, word: Token, words: WordClasses, negative: bool = False) -> Responsibility | None:
    holder = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not holder and verb.dep_ in ("xcomp", "conj") and verb.head.pos_ in ("VERB", "AUX"):
        holder = [c for c in verb.head.children if c.dep_ == "nsubj"]  # "refused to accept responsibility"
    if not holder:
        return None
    negative = negative or any(c.dep_ == "neg" for t in (verb, word) for c in t.children)
    lemma = verb.lemma_.lower()
    kind: Kind = "claims" if lemma in words.claiming else "denies" if lemma in words.denying else "states"
    return Responsibility(holder, verb, kind, negative)


__all__ = ["EVENT_PREPOSITIONS", "Responsibility", "responsibility_of"]
