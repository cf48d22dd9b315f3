"""Word classes the role and stance rules rely on, read from ``data/lexicon/syntax_cues.yaml``.

Users extend them with ``CLAIMGRAPH_SYNTAX_CUES`` (YAML files of the same shape, separated by os.pathsep);
lists are merged.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import LINE_KEY, load_yaml, package_data_path
from ..errors import DataFileError

SYNTAX_CUES_ENV = "CLAIMGRAPH_SYNTAX_CUES"
SYNTAX_CLASSES = (
    "object_control", "perform", "doubt", "plan", "role", "member", "carrier", "pair", "part", "naming",
    "reciprocal", "agentive", "responsibility", "responsible", "claiming", "denying", "charge", "confirming",
    "scheduled", "control_adjective", "intention",
    "partitive", "adverbial_event", "own_event", "instrument", "quantity",
)


@dataclass(frozen=True)
class WordClasses:
    object_control: frozenset[str]
    perform: frozenset[str]
    doubt: frozenset[str]
    plan: frozenset[str]
    role: frozenset[str]
    member: frozenset[str]
    carrier: frozenset[str]
    pair: frozenset[str]
    part: frozenset[str]
    naming: frozenset[str]
    reciprocal: frozenset[str]
    agentive: frozenset[str]
    responsibility: frozenset[str]
    responsible: frozenset[str]
    claiming: frozenset[str]
    denying: frozenset[str]
    charge: frozenset[str]
    confirming: frozenset[str]
    scheduled: frozenset[str]
    control_adjective: frozenset[str]
    intention: frozenset[str]
    partitive: frozenset[str]
    adverbial_event: frozenset[str]
    own_event: frozenset[str]
    instrument: frozenset[str]
    quantity: frozenset[str]


def load_syntax_cues(extra: str | None = None) -> WordClasses:
    paths = [package_data_path("lexicon", "syntax_cues.yaml")]
    if extra or os.environ.get(SYNTAX_CUES_ENV):
        paths += [Path(p) for p in (extra or os.environ[SYNTAX_CUES_ENV]).split(os.pathsep) if p]
    classes: dict[str, set[str]] = {name: set() for name in SYNTAX_CLASSES}
    for path in paths:
        data = load_yaml(path) or {}
        if not isinstance(data, dict):
            raise DataFileError(path, "expected a mapping of word class -> list of lemmas", 1)
        for name, words in data.items():
            if name == LINE_KEY:
                continue
            if name not in classes:
                raise DataFileError(path, f"unknown word class {name!r}; known: {', '.join(SYNTAX_CLASSES)}",
                                    data.get(LINE_KEY))
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise DataFileError(path, f"{name}: expected a list of lemmas", data.get(LINE_KEY))
            classes[name].update(w.lower() for w in words)
    return WordClasses(**{name: frozenset(words) for name, words in classes.items()})


@functools.lru_cache(maxsize=1)
def word_classes() -> WordClasses:
    """The word classes, loaded once per process."""
    return load_syntax_cues()
