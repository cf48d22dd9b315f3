"""Claims of responsibility, denials, disclaimers and admissions (claimgraph/nlp/claims/responsibility.py)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from claimgraph.models import Document
from claimgraph.nlp.claims.responsibility import responsibility_of
from claimgraph.nlp.wordclasses import word_classes

from .test_statements_unit import NLP


def parsed(rows: list[tuple[str, int, str, str, str]]) -> Doc:
    """rows: (word, head index, dep, pos, lemma)."""
    return Doc(NLP.vocab, words=[r[0] for r in rows], heads=[r[1] for r in rows], deps=[r[2] for r in rows],
               pos=[r[3] for r in rows], lemmas=[r[4] for r in rows])


def test_claimed_responsibility_for_an_event_makes_the_claimer_its_holder():
    # "Kestrel claimed responsibility for the bombing ."
    doc = parsed([
        ("Kestrel", 1, "nsubj", "PROPN", "Kestrel"), ("claimed", 1, "ROOT", "VERB", "claim"),
        ("responsibility", 1, "dobj", "NOUN", "responsibility"), ("for", 2, "prep", "ADP", "for"),
        ("the", 5, "det", "DET", "the"), ("bombing", 3, "pobj", "NOUN", "bombing"), (".", 1, "punct", "PUNCT", "."),
    ])
    found = responsibility_of(doc[5], word_classes())
    assert found is not None
    assert ([t.text for t in found.holder], found.kind, found.negative) == (["Kestrel"], "claims", False)


def test_a_preposition_hung_on_the_denying_verb_still_counts():
    # "Kestrel denied any role in the bombing ." (the parser attaches "in" to "denied")
    doc = parsed([
        ("Kestrel", 1, "nsubj", "PROPN", "Kestrel"), ("denied", 1, "ROOT", "VERB", "deny"),
        ("any", 3, "det", "DET", "any"), ("role", 1, "dobj", "NOUN", "role"), ("in", 1, "prep", "ADP", "in"),
        ("the", 6, "det", "DET", "the"), ("bombing", 4, "pobj", "NOUN", "bombing"), (".", 1, "punct", "PUNCT", "."),
    ])
    found = responsibility_of(doc[6], word_classes())
    assert found is not None and (found.kind, found.negative) == ("denies", False)


def test_no_connection_and_not_responsible_are_negative():
    # "it had no connection to the attack", "it was not responsible for the attack"
    had = parsed([
        ("it", 1, "nsubj", "PRON", "it"), ("had", 1, "ROOT", "VERB", "have"), ("no", 3, "det", "DET", "no"),
        ("connection", 1, "dobj", "NOUN", "connection"), ("to", 3, "prep", "ADP", "to"),
        ("the", 6, "det", "DET", "the"), ("attack", 4, "pobj", "NOUN", "attack"),
    ])
    was = parsed([
        ("it", 1, "nsubj", "PRON", "it"), ("was", 1, "ROOT", "AUX", "be"), ("not", 1, "neg", "PART", "not"),
        ("responsible", 1, "acomp", "ADJ", "responsible"), ("for", 3, "prep", "ADP", "for"),
        ("the", 6, "det", "DET", "the"), ("attack", 4, "pobj", "NOUN", "attack"),
    ])
    for doc in (had, was):
        found = responsibility_of(doc[6], word_classes())
        assert found is not None and (found.kind, found.negative, found.holder[0].text) == ("states", True, "it")


def test_an_event_under_an_ordinary_noun_has_no_holder():
    # "the report on the attack": no responsibility word
    doc = parsed([
        ("the", 1, "det", "DET", "the"), ("report", 1, "ROOT", "NOUN", "report"), ("on", 1, "prep", "ADP", "on"),
        ("the", 4, "det", "DET", "the"), ("attack", 2, "pobj", "NOUN", "attack"),
    ])
    assert responsibility_of(doc[4], word_classes()) is None


@pytest.mark.e2e
@pytest.mark.parametrize("sentence,asserter,stance,subject,event", [
    ("The Kestrel Brigade claimed responsibility for the bombing of the Veldar courthouse.",
     "X-KESTREL-BRIGADE", "asserts", "X-KESTREL-BRIGADE", "ASSAULT"),
    ("The Kestrel Brigade denied any role in the bombing of the Veldar courthouse.",
     "X-KESTREL-BRIGADE", "denies", "X-KESTREL-BRIGADE", "ASSAULT"),
    ("The Kestrel Brigade said it was not responsible for the attack on the Veldar courthouse.",
     "X-KESTREL-BRIGADE", "denies", "X-KESTREL-BRIGADE", "ASSAULT"),
    ("The Kestrel Brigade said it had no connection to the attack on the Veldar courthouse.",
     "X-KESTREL-BRIGADE", "denies", "X-KESTREL-BRIGADE", "ASSAULT"),
    ("Tomas Varga pleaded guilty to supporting the Kestrel Brigade.",
     "X-TOMAS-VARGA", "asserts", "X-TOMAS-VARGA", "SUPPORT"),
    ("Tomas Varga pleaded not guilty to charges of supporting the Kestrel Brigade.",
     "X-TOMAS-VARGA", "denies", "X-TOMAS-VARGA", "SUPPORT"),
    ("The Kestrel Brigade was behind the attack on the Veldar courthouse.",
     "author", "asserts", "X-KESTREL-BRIGADE", "ASSAULT"),
])
def test_claims_denials_and_admissions_end_to_end(extractor, sentence, asserter, stance, subject, event):
    result = extractor.extract(Document(id="t", text=sentence))
    got = {(s.asserter, s.stance, s.subject, s.event_type, s.negated) for s in result.statements}
    assert (asserter, stance, subject, event, False) in got
    assert not any(s.event_type == "REQUEST" for s in result.statements)  # a plea of guilt asks for nothing


@pytest.mark.e2e
@pytest.mark.parametrize("sentence,committed", [
    ("The Veldar police neither confirmed nor denied that the Kestrel Brigade attacked the courthouse.", False),
    ("The Veldar police would not confirm or deny that the Kestrel Brigade attacked the courthouse.", False),
    ("The Veldar police confirmed the arrests but denied that the Kestrel Brigade attacked the courthouse.", True),
])
def test_neither_confirmed_nor_denied_is_no_denial(extractor, sentence, committed):
    result = extractor.extract(Document(id="t", text=sentence))
    assert any(s.event_type == "REJECT" for s in result.statements) == committed
    assert any(s.stance == "denies" for s in result.statements) == committed
    assert not any(s.event_type == "ASSAULT" and s.stance == "asserts" for s in result.statements)
