"""Stance, role and source cues for the statement builder, read from the lexicon data files.

Modal, hedge, negation and conditional cues come from ``data/lexicon/modality.yaml``; light verbs from
``light_verbs.yaml``; anonymous sources from ``attribution.yaml`` (all through ``claimgraph.lexicon``); the word
classes of the role rules from ``data/lexicon/syntax_cues.yaml``. Loaded once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ...lexicon import Lexicon, load_lexicon
from ..actors.provisional import AnonymousSources
from ..wordclasses import WordClasses, word_classes
from .roles import LightVerbs


@dataclass(frozen=True)
class Cues:
    future: frozenset[str]
    hedge_modals: frozenset[str]
    hedge_adverbs: frozenset[str]
    future_adverbs: frozenset[str]
    hedge_adjectives: frozenset[str]
    future_adjectives: frozenset[str]
    hedge_verbs: frozenset[str]
    intent_verbs: frozenset[str]
    negating_verbs: frozenset[str]
    conditional: frozenset[str]
    doubt_nouns: frozenset[str]
    plan_nouns: frozenset[str]
    light: LightVerbs
    anonymous: AnonymousSources
    words: WordClasses


def _cue_lemmas(lexicon: Lexicon, kind: str, attach: str, stance: str | None = None) -> frozenset[str]:
    out: set[str] = set()
    for cue in lexicon.cues:
        if cue.kind == kind and cue.attach == attach and (stance is None or cue.stance == stance):
            if cue.with_sibling:  # "would have": a hypothetical, not a plain future
                continue
            out.update(cue.lemmas)
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def load_cues() -> Cues:
    lexicon = load_lexicon()
    words = word_classes()
    give = {l for lv in lexicon.light_verbs if lv.verb_class == "give" for l in lv.lemmas}
    receive = {l for lv in lexicon.light_verbs if lv.verb_class == "receive" for l in lv.lemmas}
    desire = {l for lv in lexicon.light_verbs if lv.realis == "desired" for l in lv.lemmas}
    return Cues(
        future=_cue_lemmas(lexicon, "stance", "aux", "predicts"),
        hedge_modals=_cue_lemmas(lexicon, "stance", "aux", "speculates"),
        hedge_adverbs=_cue_lemmas(lexicon, "stance", "advmod", "speculates"),
        future_adverbs=_cue_lemmas(lexicon, "stance", "advmod", "predicts"),
        hedge_adjectives=_cue_lemmas(lexicon, "stance", "amod", "speculates"),
        future_adjectives=_cue_lemmas(lexicon, "stance", "amod", "predicts"),
        hedge_verbs=_cue_lemmas(lexicon, "stance", "governor", "speculates"),
        intent_verbs=_cue_lemmas(lexicon, "stance", "governor", "predicts"),
        negating_verbs=_cue_lemmas(lexicon, "negation", "governor"),
        conditional=_cue_lemmas(lexicon, "conditional", "mark"),
        doubt_nouns=words.doubt,
        plan_nouns=words.plan,
        light=LightVerbs(
            give=frozenset(give), receive=frozenset(receive), desire=frozenset(desire),
            perform=words.perform, object_control=words.object_control,
        ),
        anonymous=AnonymousSources(lexicon.anonymous_source),
        words=words,
    )
