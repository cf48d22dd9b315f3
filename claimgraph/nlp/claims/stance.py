"""Stance: what a statement's asserter says of its proposition, and whether the proposition is negated.

This is the one place stance is decided. ``StanceEngine.decide`` gives (stance, negated) for a trigger from

1. the **cues** of ``data/lexicon/modality.yaml`` around the trigger: each cue's ``kind`` (stance, negation,
   conditional), ``stance`` (predicts, speculates), ``attach`` (where it sits relative to the trigger) and
   ``lemmas``; ``CUE_READINGS`` below says how each (kind, attach) is looked for;
2. **built-in structure**: any dependent the parser labels ``neg`` ("not", "n't", "never") negates; "X's plan was
   to attack" predicts (the ``plan`` nouns of ``syntax_cues.yaml``); an event in the about/over/of/regarding
   phrase of a ``doubt`` noun ("questions about X's support") is speculated;
3. the **frame** that carries the proposition: its content stance (from attribution.yaml: a denial ``denies``, a
   request ``predicts``, "suggested that" ``speculates``);
4. two properties of the trigger: a negative entry (``negative: true`` in the lexicon) flips negation; a desire
   light verb ("X needs the support of Y") makes the proposition a REQUEST that is asserted, not predicted, when
   no frame carries it.

Where cues are looked for: the trigger, then up its own clause chain through infinitives, conjunctions and noun
attachments (at most six steps), never into another clause (ccomp, advcl, relcl, parataxis) and never above the
heads of the frame that carries it (``stop``). Adjective cues count only on the trigger itself ("the *alleged*
attack"); governor cues only on a verb the walk reached by the dependencies their reading names ("*plans* to
attack": xcomp).

Precedence (``STANCE_PRECEDENCE``): when several sources give a stance, the first in this order wins:
``denies`` > ``predicts`` > ``speculates`` > ``asserts``. So a denial of a prediction is a denial, "may plan to
attack" is a prediction, and a hedged clause inside a report is speculated. Negation is separate: built-in
``neg`` sets it, each negating governor ("refused to", "refrained from") flips it, a negative trigger flips it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from spacy.tokens import Token

from ...lexicon import ModalityCue
from ...models import Stance
from ..syntax import lemma_in
from ..wordclasses import WordClasses

STANCE_PRECEDENCE: tuple[Stance, ...] = ("denies", "predicts", "speculates", "asserts")
_RANK = {stance: len(STANCE_PRECEDENCE) - n for n, stance in enumerate(STANCE_PRECEDENCE)}

# The dependency labels the walk follows up from the trigger; any other label is a clause boundary.
_SAME_CLAUSE = frozenset({"xcomp", "conj", "pcomp", "prep", "pobj", "dobj", "acl", "attr", "nsubj", "nsubjpass",
                          "dative", "appos", "compound", "poss"})
_MAX_STEPS = 6
_DOUBT_PREPOSITIONS = frozenset({"about", "over", "of", "regarding"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})

Reading = Literal["text", "lemma", "lemma_candidates"]


@dataclass(frozen=True)
class CueReading:
    """How the cues of one (kind, attach, stance) are found.

    A *child* cue is a dependent of a token on the walk, with one of ``deps``; a *governor* cue is a token the walk
    reached by one of ``deps`` (the dependency of the token below it). ``word`` is what is compared with the
    cue's lemmas: the lower-cased text, the lemma, or every reading of the lemma (``syntax.lemma_candidates``)."""

    kind: str
    attach: str
    stance: Stance | None  # the stance it gives (a conditional speculates); None for negation
    deps: frozenset[str]
    word: Reading
    trigger_only: bool = False


# In this order: for one dependent, the first reading whose lemmas hold it applies.
CUE_READINGS: tuple[CueReading, ...] = (
    CueReading("stance", "aux", "predicts", frozenset({"aux", "auxpass"}), "text"),  # will, would, must
    CueReading("stance", "aux", "speculates", frozenset({"aux"}), "text"),  # may, might, could
    CueReading("stance", "advmod", "speculates", frozenset({"advmod"}), "text"),  # reportedly, allegedly
    CueReading("stance", "advmod", "predicts", frozenset({"advmod"}), "text"),  # soon
    CueReading("stance", "amod", "speculates", frozenset({"amod"}), "lemma", trigger_only=True),  # alleged attack
    CueReading("stance", "amod", "predicts", frozenset({"amod"}), "lemma", trigger_only=True),  # planned attack
    CueReading("conditional", "mark", "speculates", frozenset({"mark"}), "text"),  # if, unless
    CueReading("stance", "governor", "predicts", frozenset({"xcomp"}), "lemma_candidates"),  # plans to attack
    CueReading("stance", "governor", "speculates", frozenset({"xcomp", "ccomp"}), "lemma_candidates"),  # appear to
    CueReading("negation", "governor", None, frozenset({"xcomp", "pcomp"}), "lemma_candidates"),  # refuse to
)


def strongest(*stances: Stance | None) -> Stance:
    """The stance that wins by ``STANCE_PRECEDENCE`` (``asserts`` when none is given)."""
    given = [s for s in stances if s is not None]
    return max(given, key=_RANK.__getitem__) if given else "asserts"


@dataclass(frozen=True)
class Modality:
    """What the trigger's own clause chain says: a stance (None when no cue applies) and negation."""

    stance: Stance | None
    negated: bool


class StanceEngine:
    """Stance and negation of propositions, from the modality cues and the word classes."""

    def __init__(self, cues: Sequence[ModalityCue], words: WordClasses):
        self.words = words
        self.lemmas: dict[CueReading, frozenset[str]] = {
            reading: frozenset(w for cue in cues if _reads(reading, cue) for w in cue.lemmas)
            for reading in CUE_READINGS
        }
        self._child = [r for r in CUE_READINGS if r.attach != "governor"]
        self._governor = [r for r in CUE_READINGS if r.attach == "governor"]

    def decide(self, head: Token, frame_stance: Stance | None, stop: set[int], *, negative_trigger: bool = False,
               requested: bool = False, presupposable: bool = False) -> tuple[Stance, bool]:
        """(stance, negated) of the proposition whose trigger is ``head``, carried by a frame of
        ``frame_stance`` (None: the author's own), whose heads ``stop`` the walk. ``presupposable``: the event's
        type is one a definite description presupposes (see ``presupposed``)."""
        if presupposable and self.presupposed(head):
            stop = stop | {head.i}  # "a response to the attacks that have taken place": they took place
            if frame_stance == "predicts":
                frame_stance = None  # "called for an inquiry into the attack": the attack is no wish
        elif head.dep_ == "relcl" and _past(head) and frame_stance == "predicts":
            frame_stance = None  # "called for an inquiry into the attack that killed 13": the killing happened
        local = self.modality(head, stop)
        stance = strongest(frame_stance, local.stance)
        if requested and stance == "predicts" and frame_stance is None:
            stance = "asserts"  # "X needs Y's support" asserts X's request; the want is not a future event
        return stance, local.negated != negative_trigger

    def presupposed(self, head: Token) -> bool:
        """An event noun whose occurrence the sentence takes for granted: definite or possessed ("the attack",
        "our ongoing support"), or with a relative clause in the past ("an attack that killed 13"), as the
        object of a preposition or of a verb that does not perform it ("will launch the offensive" predicts)."""
        if head.pos_ != "NOUN" or head.dep_ not in ("pobj", "dobj"):
            return False
        if head.dep_ == "dobj" and head.head.lemma_.lower() in self.words.perform:
            return False
        definite = any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in _DEFINITE) for c in head.children)
        return definite or any(c.dep_ == "relcl" and _past(c) for c in head.children)

    def modality(self, head: Token, stop: set[int]) -> Modality:
        """The cues on the clause chain of ``head`` (see the module docstring for the walk)."""
        stance: Stance | None = None
        negated = False
        token = head
        first = True
        came_by = ""
        for _ in range(_MAX_STEPS):
            for child in token.children:
                if child.dep_ == "neg":
                    negated = True  # "would not provide support": built in, whatever the word
                    continue
                reading = self._child_cue(child, first)
                if reading is not None and reading.stance is not None:
                    stance = strongest(stance, reading.stance)
            if not first:
                for reading in self._governor:
                    if came_by in reading.deps and self._holds(reading, token):
                        if reading.kind == "negation":
                            negated = not negated  # "refused to attack", "refrained from attacking"
                        else:
                            stance = strongest(stance, reading.stance)
            if token.i in stop or token.head is token:
                break
            infinitive = token.dep_ in ("advcl", "relcl") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
            if token.dep_ not in _SAME_CLAUSE and not infinitive:
                break  # a clause boundary (ccomp, advcl, relcl, parataxis): its modality is not ours
            if token.dep_ == "xcomp" and token.head.lemma_ == "be" and any(
                c.dep_ == "nsubj" and c.lemma_.lower() in self.words.plan for c in token.head.children
            ):
                stance = strongest(stance, "predicts")  # "X's plan was to attack"
            if token.dep_ == "pobj" and token.head.lower_ in _DOUBT_PREPOSITIONS:
                if token.head.head.lemma_.lower() in self.words.doubt:
                    stance = strongest(stance, "speculates")  # "questions about X's support"
            came_by = token.dep_
            token = token.head
            first = False
        return Modality(stance, negated)

    def _child_cue(self, child: Token, on_trigger: bool) -> CueReading | None:
        for reading in self._child:
            if child.dep_ in reading.deps and (on_trigger or not reading.trigger_only) and self._holds(reading, child):
                return reading
        return None

    def _holds(self, reading: CueReading, token: Token) -> bool:
        lemmas = self.lemmas[reading]
        if reading.word == "text":
            return token.lower_ in lemmas
        if reading.word == "lemma":
            return token.lemma_.lower() in lemmas
        return lemma_in(token, lemmas)


def _past(verb: Token) -> bool:
    """A clause in the past or perfect with no modal: "that killed 13", "that have taken place"."""
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
        return False
    return verb.tag_ == "VBD" or any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _reads(reading: CueReading, cue: ModalityCue) -> bool:
    return cue.kind == reading.kind and cue.attach == reading.attach and (
        cue.kind != "stance" or cue.stance == reading.stance)


__all__ = ["CUE_READINGS", "STANCE_PRECEDENCE", "CueReading", "Modality", "StanceEngine", "strongest"]
