"""The actor knowledge base."""

from .knowledge_base import KB_ENV, KnowledgeBase, NameEntry, Problem, normalize_name

__all__ = ["KB_ENV", "KnowledgeBase", "NameEntry", "Problem", "normalize_name"]

import functools
import os


@functools.lru_cache(maxsize=8)
def _cached(paths: tuple[str, ...], env: str | None) -> KnowledgeBase:
    return KnowledgeBase.load(paths, use_env=env is not None)


def get_knowledge_base(paths: tuple[str, ...] | list[str] = (), *, use_env: bool = True) -> KnowledgeBase:
    """The knowledge base for these overlay paths (plus $CLAIMGRAPH_KB when ``use_env``), loaded once per process
    for the same paths. The pipeline's components read it with ``use_env=False``: build_pipeline puts the
    environment's overlays into their config."""
    return _cached(tuple(str(p) for p in paths), os.environ.get(KB_ENV, "") if use_env else None)


__all__ += ["get_knowledge_base"]
