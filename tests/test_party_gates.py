"""Argument-type gates (party_gates.yaml): gated event types need a political or security party."""

from __future__ import annotations

import pytest
import spacy

from claimgraph.lexicon import Lexicon, PartyGate, load_lexicon
from claimgraph.models import Actor, Document
from claimgraph.nlp.claims.gates import PartyGates

NLP = spacy.blank("en")
GATE = PartyGate(id="g", events=["CONSULT"], types=["government", "military"], examples=["x"])


def gates() -> PartyGates:
    return PartyGates(Lexicon(predicates=[], reporting=[], nominal=[], prepositional=[], anonymous_sources=[],
                              cues=[], light_verbs=[], files=[], party_gates=[GATE]))


def doc_with(*actors: Actor):
    doc = NLP("x")
    doc._.cg_actors = {a.id: a for a in actors}
    return doc


MINISTRY = Actor(id="VLM_GOV", name="Velmar government", type="government")
WOMAN = Actor(id="U-WOMAN", name="a woman", type="population", provisional=True)
LAWYER = Actor(id="X-ODA-PRELL", name="Oda Prell", type="person", provisional=True)
ENVOY = Actor(id="P_ENVOY", name="an envoy in the knowledge base", type="person")
FIRM = Actor(id="VLM_FIRM", name="a firm", type="business")


def test_unnamed_private_party_alone_is_no_event():
    doc = doc_with(MINISTRY, WOMAN, LAWYER, ENVOY, FIRM)
    g = gates()
    assert not g.allows(doc, "CONSULT", ("U-WOMAN", None))
    assert not g.allows(doc, "CONSULT", ("VLM_FIRM", "U-WOMAN"))
    assert g.allows(doc, "CONSULT", ("U-WOMAN", "VLM_GOV"))
    assert g.allows(doc, "CONSULT", ("P_ENVOY", None))  # a person of the knowledge base
    assert g.allows(doc, "CONSULT", ("X-ODA-PRELL", None))  # a name outside it may be an official's
    assert g.allows(doc, "ASSAULT", ("U-WOMAN", None))  # violence needs no political party


GATED = load_lexicon(use_env=False).party_gates


@pytest.mark.e2e
@pytest.mark.parametrize("sentence,gated", [(s, True) for g in GATED for s in g.examples]
                         + [(s, False) for g in GATED for s in g.counterexamples])
def test_party_gate_examples(extractor, sentence, gated):
    events = {e for g in GATED for e in g.events}
    found = {s.event_type for s in extractor.extract(Document(id="t", text=sentence)).statements} & events
    assert bool(found) == gated, found
