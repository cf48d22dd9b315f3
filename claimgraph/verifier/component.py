"""``cg_verifier``: the spaCy component that replaces each statement's hand-set confidence by the verifier's
calibrated probability that the statement is right."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .features import doc_features
from .model import load_model

BUNDLED = "bundled"  # the model shipped in the package (or $CLAIMGRAPH_VERIFIER_MODEL)


@Language.factory("cg_verifier", requires=["doc._.cg_statements", "doc._.cg_mentions", "doc._.cg_actors"],
                  assigns=["doc._.cg_statements"], default_config={"model": BUNDLED})
def make_verifier(nlp: Language, name: str, model: str):
    verifier = load_model(None if model == BUNDLED else model)  # VerifierError when missing or incompatible

    def component(doc: Doc) -> Doc:
        statements = doc._.cg_statements or []
        if statements:
            scores = [verifier.probability(f) for f in doc_features(doc, statements)]
            doc._.cg_statements = [s.model_copy(update={"confidence": round(p, 3)})
                                   for s, p in zip(statements, scores)]
        return doc

    return component
