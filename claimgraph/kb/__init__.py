"""The actor knowledge base."""

from .knowledge_base import KB_ENV, KnowledgeBase, NameEntry, Problem, normalize_name

__all__ = ["KB_ENV", "KnowledgeBase", "NameEntry", "Problem", "normalize_name"]
