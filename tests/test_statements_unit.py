"""Statement building on hand-made parses: roles, frames, stance, without the statistical model."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from claimgraph.lexicon import PredicateEntry, ReportingEntry
from claimgraph.nlp.annotations import MentionSpan, PredicateMatch, set_mentions
from claimgraph.nlp.claims.cues import load_cues
from claimgraph.nlp.claims.role_rules import RolePatterns, load_role_rules
from claimgraph.nlp.claims.statements import StatementBuilder

NLP = spacy.blank("en")


def event(event_type: str, pos: str, **fields) -> PredicateEntry:
    return PredicateEntry(id=f"{event_type.lower()}.test", pos=pos, lemmas=["x"], event=event_type, examples=["x"],
                          **fields)


def frame(**fields) -> ReportingEntry:
    return ReportingEntry(id="frame.test", lemmas=["x"], examples=["x"], **fields)


def build(rows: list[tuple[str, int, str, str, str]], actors: dict[int, str], preds: list[tuple]) -> Doc:
    """rows: (word, head index, dep, pos, lemma); preds: (token, event type, pos, event entry or reporting frame)."""
    words = [r[0] for r in rows]
    doc = Doc(NLP.vocab, words=words, heads=[r[1] for r in rows], deps=[r[2] for r in rows],
              pos=[r[3] for r in rows], lemmas=[r[4] for r in rows])
    doc._.cg_doc_id = "t"
    set_mentions(doc, [MentionSpan(i, i + 1, a, "kb") for i, a in actors.items()])
    doc._.cg_predicates = [
        PredicateMatch(i, i, i + 1, entry.id, ev, None, [], pos,
                       entry=entry if isinstance(entry, PredicateEntry) else None,
                       frame=entry if isinstance(entry, ReportingEntry) else None)
        for i, ev, pos, entry in preds
    ]
    return doc


def statements(doc: Doc):
    return StatementBuilder(doc, load_cues(), RolePatterns(load_role_rules(), NLP.vocab)).build()


def keyed(stmts):
    return {(s.asserter, s.stance, s.subject, s.event_type, s.object, s.negated) for s in stmts}


ACCUSE = frame(speech_act="ACCUSE", content_stance="asserts", content_via=["prep:of"], target_is_subject=True)
DENY = frame(speech_act="REJECT", content_stance="denies", content_via=["ccomp", "xcomp"])
SAY = frame(content_stance="asserts", content_via=["ccomp"])


def test_accusation_and_denial_of_the_charge():
    rows = [
        ("Dantrelia", 1, "nsubj", "PROPN", "Dantrelia"), ("accused", 1, "ROOT", "VERB", "accuse"),
        ("Marovia", 1, "dobj", "PROPN", "Marovia"), ("of", 1, "prep", "ADP", "of"),
        ("supporting", 3, "pcomp", "VERB", "support"), ("TLF", 4, "dobj", "PROPN", "TLF"),
        (",", 1, "punct", "PUNCT", ","), ("a", 8, "det", "DET", "a"), ("charge", 1, "dobj", "NOUN", "charge"),
        ("that", 11, "dobj", "PRON", "that"), ("Velgrad", 11, "nsubj", "PROPN", "Velgrad"),
        ("denies", 8, "relcl", "VERB", "deny"), (".", 1, "punct", "PUNCT", "."),
    ]
    doc = build(rows, {0: "DNT", 2: "MRV", 5: "TLF", 10: "MRV"},
                [(1, "ACCUSE", "verb", ACCUSE), (4, "SUPPORT", "verb", event("SUPPORT", "verb")), (11, "REJECT", "verb", DENY)])
    got = statements(doc)
    keys = keyed(got)
    assert ("author", "asserts", "DNT", "ACCUSE", "MRV", False) in keys
    assert ("DNT", "asserts", "MRV", "SUPPORT", "TLF", False) in keys
    assert ("author", "asserts", "MRV", "REJECT", "DNT", False) in keys
    assert ("MRV", "denies", "MRV", "SUPPORT", "TLF", False) in keys
    assert ("author", "asserts", "MRV", "SUPPORT", "TLF", False) not in keys
    by_id = {s.id: s for s in got}
    carried = next(s for s in got if s.asserter == "DNT")
    assert by_id[carried.parent].event_type == "ACCUSE"
    denied = next(s for s in got if s.stance == "denies")
    assert by_id[denied.parent].event_type == "REJECT"


def test_passive_agent_and_future_modal_under_say():
    # "Officials said TLF will be backed by Marovia ."
    rows = [
        ("Marovia", 1, "nsubj", "PROPN", "Marovia"), ("said", 1, "ROOT", "VERB", "say"),
        ("TLF", 5, "nsubjpass", "PROPN", "TLF"), ("will", 5, "aux", "AUX", "will"), ("be", 5, "auxpass", "AUX", "be"),
        ("backed", 1, "ccomp", "VERB", "back"), ("by", 5, "agent", "ADP", "by"), ("Dantrelia", 6, "pobj", "PROPN", "Dantrelia"),
        (".", 1, "punct", "PUNCT", "."),
    ]
    doc = build(rows, {0: "MRV", 2: "TLF", 7: "DNT"},
                [(1, "REPORT", "verb", SAY), (5, "SUPPORT", "verb", event("SUPPORT", "verb"))])
    keys = keyed(statements(doc))
    assert keys == {("MRV", "predicts", "DNT", "SUPPORT", "TLF", False)}


def test_negation_and_unresolved_object_is_not_guessed():
    # "Marovia will not attack the villages ."
    rows = [
        ("Marovia", 3, "nsubj", "PROPN", "Marovia"), ("will", 3, "aux", "AUX", "will"), ("not", 3, "neg", "PART", "not"),
        ("attack", 3, "ROOT", "VERB", "attack"), ("the", 5, "det", "DET", "the"), ("villages", 3, "dobj", "NOUN", "village"),
        (".", 3, "punct", "PUNCT", "."),
    ]
    doc = build(rows, {0: "MRV"}, [(3, "ASSAULT", "verb", event("ASSAULT", "verb"))])
    (s,) = statements(doc)
    assert (s.subject, s.object, s.negated, s.stance) == ("MRV", None, True, "predicts")
    assert s.object_text == "the villages"


def test_light_receive_verb_makes_the_giver_the_subject():
    # "TLF had the backing of Dantrelia ."
    rows = [
        ("TLF", 1, "nsubj", "PROPN", "TLF"), ("had", 1, "ROOT", "VERB", "have"), ("the", 3, "det", "DET", "the"),
        ("backing", 1, "dobj", "NOUN", "backing"), ("of", 3, "prep", "ADP", "of"), ("Dantrelia", 4, "pobj", "PROPN", "Dantrelia"),
        (".", 1, "punct", "PUNCT", "."),
    ]
    doc = build(rows, {0: "TLF", 5: "DNT"}, [(3, "SUPPORT", "noun", event("SUPPORT", "noun", of_role="subject"))])
    assert keyed(statements(doc)) == {("author", "asserts", "DNT", "SUPPORT", "TLF", False)}


def test_symmetric_between_the_two_takes_the_previous_pair():
    # "Dantrelia backs TLF . There is a nexus between the two ."
    rows = [
        ("Dantrelia", 1, "nsubj", "PROPN", "Dantrelia"), ("backs", 1, "ROOT", "VERB", "back"), ("TLF", 1, "dobj", "PROPN", "TLF"),
        (".", 1, "punct", "PUNCT", "."),
        ("There", 5, "expl", "PRON", "there"), ("is", 5, "ROOT", "VERB", "be"), ("a", 7, "det", "DET", "a"),
        ("nexus", 5, "attr", "NOUN", "nexus"), ("between", 7, "prep", "ADP", "between"), ("the", 10, "det", "DET", "the"),
        ("two", 8, "pobj", "NUM", "two"), (".", 5, "punct", "PUNCT", "."),
    ]
    doc = build(rows, {0: "DNT", 2: "TLF"}, [(1, "SUPPORT", "verb", event("SUPPORT", "verb")),
                                             (7, "COOPERATE", "noun", event("COOPERATE", "noun", symmetric=True))])
    keys = keyed(statements(doc))
    assert ("author", "asserts", "DNT", "COOPERATE", "TLF", False) in keys


def test_no_statement_without_any_actor():
    rows = [("Strikes", 1, "nsubj", "NOUN", "strike"), ("continued", 1, "ROOT", "VERB", "continue"),
            (".", 1, "punct", "PUNCT", ".")]
    doc = build(rows, {}, [(0, "ASSAULT", "noun", event("ASSAULT", "noun"))])
    assert statements(doc) == []
