"""Precision gates of the predicate matcher on hand-made parses (spacy.blank): senses a constraint excludes,
relational nouns that only refer, partitive objects, nouns inside actor names, and event nouns whose excluded
sense takes the support verb's reading with it."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from claimgraph.lexicon import Lexicon, PredicateEntry
from claimgraph.nlp.annotations import MentionSpan, set_mentions
from claimgraph.nlp.claims.triggers import PredicateMatcher

NLP = spacy.blank("en")


def entry(entry_id: str, pos: str, lemmas: list[str], event: str, **fields) -> PredicateEntry:
    return PredicateEntry(id=entry_id, pos=pos, lemmas=lemmas, event=event, examples=["x"], **fields)


def matcher(*entries: PredicateEntry) -> PredicateMatcher:
    return PredicateMatcher(Lexicon(predicates=list(entries), reporting=[], nominal=[], prepositional=[],
                                    anonymous_sources=[], cues=[], light_verbs=[], files=[]))


def parse(rows: list[tuple[str, int, str, str, str]], mentions: dict[int, str] | None = None) -> Doc:
    """rows: (word, head index, dep, fine tag, lemma)."""
    doc = Doc(NLP.vocab, words=[r[0] for r in rows], heads=[r[1] for r in rows], deps=[r[2] for r in rows],
              tags=[r[3] for r in rows], lemmas=[r[4] for r in rows])
    set_mentions(doc, [MentionSpan(i, i + 1, a, "kb") for i, a in (mentions or {}).items()])
    return doc


def found(m: PredicateMatcher, doc: Doc) -> set[tuple[str, str]]:
    return {(x.entry_id, doc[x.head].text) for x in m.find(doc)}


DEMONSTRATE = entry("protest.demonstrate", "verb", ["demonstrate"], "PROTEST", without_dep=["dobj"])


def test_without_dep_keeps_the_intransitive_sense_only():
    m = matcher(DEMONSTRATE)
    marched = parse([("Farmers", 1, "nsubj", "NNS", "farmer"), ("demonstrated", 1, "ROOT", "VBD", "demonstrate"),
                      ("outside", 1, "prep", "IN", "outside"), ("parliament", 2, "pobj", "NN", "parliament")])
    showed = parse([("The", 1, "det", "DT", "the"), ("council", 2, "nsubj", "NN", "council"),
                    ("demonstrated", 2, "ROOT", "VBD", "demonstrate"), ("its", 4, "poss", "PRP$", "its"),
                    ("resolve", 2, "dobj", "NN", "resolve")])
    assert found(m, marched) == {("protest.demonstrate", "demonstrated")}
    assert found(m, showed) == set()


PARTNER = entry("cooperate.partner_noun", "noun", ["partner"], "COOPERATE", as_dep=["attr", "pobj:as"])


def test_relational_noun_is_an_event_only_when_predicated():
    m = matcher(PARTNER)
    became = parse([("Velmar", 1, "nsubj", "NNP", "Velmar"), ("became", 1, "ROOT", "VBD", "become"),
                    ("a", 3, "det", "DT", "a"), ("partner", 1, "attr", "NN", "partner"),
                    ("of", 3, "prep", "IN", "of"), ("Dorsk", 4, "pobj", "NNP", "Dorsk")])
    described = parse([("They", 1, "nsubj", "PRP", "they"), ("described", 1, "ROOT", "VBD", "describe"),
                       ("Velmar", 1, "dobj", "NNP", "Velmar"), ("as", 1, "prep", "IN", "as"),
                       ("a", 5, "det", "DT", "a"), ("partner", 3, "pobj", "NN", "partner")])
    referring = parse([("We", 1, "nsubj", "PRP", "we"), ("thanked", 1, "ROOT", "VBD", "thank"),
                       ("our", 3, "poss", "PRP$", "our"), ("partners", 1, "dobj", "NNS", "partner")])
    assert found(m, became) == {("cooperate.partner_noun", "partner")}
    assert found(m, described) == {("cooperate.partner_noun", "partner")}
    assert found(m, referring) == set()


HOLD_TALKS = entry("consult.hold_talks", "verb", ["hold"], "CONSULT", with_dobj=["talks"])


def test_partitive_object_is_looked_through():
    doc = parse([("She", 1, "nsubj", "PRP", "she"), ("held", 1, "ROOT", "VBD", "hold"), ("a", 3, "det", "DT", "a"),
                 ("round", 1, "dobj", "NN", "round"), ("of", 3, "prep", "IN", "of"),
                 ("talks", 4, "pobj", "NNS", "talks")])
    assert ("consult.hold_talks", "held") in found(matcher(HOLD_TALKS), doc)


COALITION = entry("cooperate.noun", "noun", ["coalition"], "COOPERATE")


def test_noun_inside_an_actor_name_is_no_event():
    rows = [("The", 1, "det", "DT", "the"), ("coalition", 2, "nsubj", "NN", "coalition"),
            ("struck", 2, "ROOT", "VBD", "strike"), ("depots", 2, "dobj", "NNS", "depot")]
    assert found(matcher(COALITION), parse(rows)) == {("cooperate.noun", "coalition")}
    assert found(matcher(COALITION), parse(rows, {1: "COALITION_X"})) == set()


CONDUCT = entry("assault.launch", "verb", ["conduct"], "ASSAULT", with_dobj=["operation", "airstrike"])
OPERATION = entry("assault.noun", "noun", ["operation"], "ASSAULT", without_child=["security"])
AIRSTRIKE = entry("assault.airstrike", "noun", ["airstrike"], "ASSAULT", with_child=["air"])


def test_support_verb_holds_only_where_its_noun_keeps_the_sense():
    m = matcher(CONDUCT, OPERATION, AIRSTRIKE)
    security = parse([("Frigates", 1, "nsubj", "NNS", "frigate"), ("conduct", 1, "ROOT", "VBP", "conduct"),
                      ("security", 3, "compound", "NN", "security"), ("operations", 1, "dobj", "NNS", "operation")])
    combat = parse([("Rebels", 1, "nsubj", "NNS", "rebel"), ("conduct", 1, "ROOT", "VBP", "conduct"),
                    ("night", 3, "compound", "NN", "night"), ("operations", 1, "dobj", "NNS", "operation")])
    # "airstrikes" lacks the "air" that assault.airstrike requires, which excludes no sense
    strikes = parse([("Jets", 1, "nsubj", "NNS", "jet"), ("conducted", 1, "ROOT", "VBD", "conduct"),
                     ("ten", 3, "nummod", "CD", "ten"), ("airstrikes", 1, "dobj", "NNS", "airstrike")])
    assert found(m, security) == set()
    assert ("assault.launch", "conduct") in found(m, combat)
    assert ("assault.launch", "conducted") in found(m, strikes)
