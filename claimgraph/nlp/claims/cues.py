"""What the statement builder reads besides the parse, loaded from the lexicon data files: the stance engine
(modality cues of ``modality.yaml`` and the word classes), light verbs (``light_verbs.yaml``), anonymous sources
(``attribution.yaml``, all through ``claimgraph.lexicon``) and the word classes of the role rules
(``data/lexicon/syntax_cues.yaml``). Loaded once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ...lexicon import load_lexicon
from ..actors.provisional import AnonymousSources
from ..wordclasses import WordClasses, word_classes
from .roles import LightVerbs
from .stance import StanceEngine


@dataclass(frozen=True)
class Cues:
    stance: StanceEngine
    light: LightVerbs
    anonymous: AnonymousSources
    words: WordClasses


@functools.lru_cache(maxsize=1)
def load_cues() -> Cues:
    lexicon = load_lexicon()
    words = word_classes()
    give = {l for lv in lexicon.light_verbs if lv.verb_class == "give" for l in lv.lemmas}
    receive = {l for lv in lexicon.light_verbs if lv.verb_class == "receive" for l in lv.lemmas}
    desire = {l for lv in lexicon.light_verbs if lv.realis == "desired" for l in lv.lemmas}
    return Cues(
        stance=StanceEngine(lexicon.cues, words),
        light=LightVerbs(
            give=frozenset(give), receive=frozenset(receive), desire=frozenset(desire),
            perform=words.perform, object_control=words.object_control,
        ),
        anonymous=AnonymousSources(lexicon.anonymous_source),
        words=words,
    )
