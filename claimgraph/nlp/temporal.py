"""Stub of the cg_time component; replaced by its real implementation."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("cg_time")
def make_stub(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        return doc

    return component


def split_dateline(text: str):
    """Stub: (date or None, char offset where the body starts)."""
    return None, 0
