"""Stub of the cg_actor_linker component; replaced by its real implementation."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("cg_actor_linker", default_config={"kb_paths": []})
def make_stub(nlp: Language, name: str, kb_paths: list[str]):
    def component(doc: Doc) -> Doc:
        return doc

    return component
