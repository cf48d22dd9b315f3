"""The actor knowledge base."""

from .knowledge_base import KB_ENV, KnowledgeBase, NameEntry, Problem, normalize_name

__all__ = ["KB_ENV", "KnowledgeBase", "NameEntry", "Problem", "normalize_name"]

import functools
import os


@functools.lru_cache(maxsize=8)
def _cached(paths: tuple[str, ...], env: str) -> KnowledgeBase:
    return KnowledgeBase.load(paths, use_env=True)


def get_knowledge_base(paths: tuple[str, ...] | list[str] = ()) -> KnowledgeBase:
    """The knowledge base for these overlay paths (plus $CLAIMGRAPH_KB), loaded once per process."""
    return _cached(tuple(str(p) for p in paths), os.environ.get(KB_ENV, ""))


__all__ += ["get_knowledge_base"]
