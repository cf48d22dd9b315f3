"""Cues for stance and roles (modals, hedges, negation, light verbs, anonymous sources), read from the lexicons.

TEMPORARY: constants until the modality/light-verb lexicon loader lands; replaced by data from
claimgraph/data/lexicon/*.yaml.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .attribution import AnonymousSources
from .roles import LightVerbs


@dataclass(frozen=True)
class Cues:
    future: frozenset[str]
    hedge_modals: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_verbs: frozenset[str]
    intent_verbs: frozenset[str]
    conditional: frozenset[str]
    doubt_nouns: frozenset[str]
    plan_nouns: frozenset[str]
    light: LightVerbs
    anonymous: AnonymousSources


def _fs(text: str) -> frozenset[str]:
    return frozenset(text.split())


@functools.lru_cache(maxsize=1)
def load_cues() -> Cues:
    return Cues(
        future=_fs("will would shall 'll wo 'd"),
        hedge_modals=_fs("may might could"),
        hedge_adverbs=_fs("reportedly allegedly possibly probably perhaps apparently likely maybe purportedly"),
        hedge_verbs=_fs("suggest appear seem"),
        intent_verbs=_fs("plan intend aim seek want prepare threaten vow expect hope try attempt mean decide"),
        conditional=_fs("if unless"),
        doubt_nouns=_fs("question questions concern concerns doubt doubts suspicion suspicions speculation fear fears worry rumour rumor"),
        plan_nouns=_fs("plan plans aim goal intention objective strategy design agenda"),
        light=LightVerbs(
            give=_fs("give provide extend offer lend grant do"),
            perform=_fs("conduct launch undertake stage mount execute wage commit carry perpetrate orchestrate plot"),
            receive=_fs("have receive get enjoy need seek want require win"),
            desire=_fs("need seek want require"),
            object_control=_fs("ask urge tell force pressure pressurise pressurize push allow help order encourage persuade use train instruct direct compel enable permit invite call press"),
        ),
        anonymous=AnonymousSources(
            types={"official": "government", "officials": "government", "source": "other", "sources": "other",
                   "input": "intelligence", "inputs": "intelligence", "report": "other", "reports": "other",
                   "analyst": "other", "analysts": "other", "expert": "other", "experts": "other",
                   "observer": "other", "observers": "other", "resident": "population", "residents": "population",
                   "witness": "population", "witnesses": "population", "man": "person", "woman": "person",
                   "spokesman": "person", "spokesperson": "person", "diplomat": "government", "diplomats": "government"},
            modifier_types={"security": "security_forces", "intelligence": "intelligence", "military": "military",
                            "police": "security_forces", "government": "government", "army": "military"},
        ),
    )
