"""The judged development set: its data files, the working-file compiler and the scorer's verdicts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimgraph.errors import DataFileError
from claimgraph.evaluation.judged import label_results, score_document
from claimgraph.evaluation.judged_data import (JUDGED_DIR, JudgedActor, JudgedDocument, JudgedStatement,
                                               compile_working, decompile, document_text, dump_stored, load_judged,
                                               load_judged_set, without_quotes)
from claimgraph.models import Actor, Document, ExtractionResult, Mention, Statement

from .conftest import shared_path

TEXT = "Veldorian forces shelled Dravik on Monday. The Marovian ministry said rebels attacked a convoy."
#       0         1         2         3         4         5         6         7         8         9
SENT1, SENT2 = (0, 42), (43, len(TEXT))


def _judged(statements, actors=None) -> JudgedDocument:
    actors = actors or [
        JudgedActor(key="VEL", name="Veldoria's army", kb="VEL_MIL", accept=["VEL"], spans=[(0, 16)]),
        JudgedActor(key="DRV", name="Dravik", kb=None, spans=[(25, 31)]),
        JudgedActor(key="MIN", name="Marovian ministry", kb="MAR_GOV", spans=[(47, 64)]),
        JudgedActor(key="REB", name="rebels", generic=True, spans=[(70, 76)]),
    ]
    return JudgedDocument(doc="test:1", kind="wire", actors=actors, statements=statements)


def _gold(gid, span, trigger, subject, event, obj, **kw) -> JudgedStatement:
    return JudgedStatement(id=gid, span=span, trigger=trigger, subject=subject, event=event, object=obj, **kw)


def _out(n, trigger, subject, event, obj, asserter="author", stance="asserts", **kw) -> Statement:
    start = TEXT.index(trigger)
    return Statement(id=f"s{n}", asserter=asserter, stance=stance, subject=subject, event_type=event, object=obj,
                     quote=TEXT, start=0, end=len(TEXT), trigger=trigger, trigger_start=start,
                     trigger_end=start + len(trigger), rule=kw.pop("rule", "verb-active:active"), confidence=0.9, **kw)


def _result(statements, mentions=(), actors=()) -> ExtractionResult:
    return ExtractionResult(document=Document(id="test:1", text=TEXT), actors=list(actors), mentions=list(mentions),
                            statements=statements)


GOLD = [
    _gold("g1", SENT1, (17, 24), "VEL", "ASSAULT", "DRV"),
    _gold("g2", SENT2, (77, 85), "REB", "ASSAULT", None, asserter="MIN"),
]
X_DRAVIK = Actor(id="X-DRAVIK", name="Dravik", type="other", provisional=True)
DRAVIK_MENTION = Mention(start=25, end=31, text="Dravik", actor="X-DRAVIK", rule="provisional")


def _verdict(statement, mentions=(DRAVIK_MENTION,), actors=(X_DRAVIK,), gold=GOLD):
    return score_document(_judged(gold), _result([statement], mentions, actors)).verdicts[0]


def test_all_parts_right_is_correct_and_provisional_actors_match_by_their_words():
    v = _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", "X-DRAVIK"))
    assert v.verdict == "correct" and v.gold is not None and v.gold.id == "g1"


def test_accepted_ids_and_type_families_are_correct():
    assert _verdict(_out(1, "shelled", "VEL", "COERCE", "X-DRAVIK")).verdict == "correct"


def test_one_element_off_is_partial_with_its_class():
    v = _verdict(_out(1, "shelled", None, "ASSAULT", "X-DRAVIK"))
    assert (v.verdict, v.errors, v.error_class) == ("partial", ["subject"], "subject: named actor left null or unnamed")
    v = _verdict(_out(1, "shelled", "X-DRAVIK", "ASSAULT", "VEL_MIL"))
    assert (v.verdict, v.error_class) == ("partial", "subject and object swapped")
    v = _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", "X-DRAVIK", stance="predicts"))
    assert (v.verdict, v.error_class) == ("partial", "wrong stance or negation")
    v = _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", "X-DRAVIK", negated=True))
    assert v.verdict == "partial"


def test_a_named_actor_output_as_unnamed_is_partial_but_a_generic_one_is_right():
    unnamed = Mention(start=0, end=16, text="Veldorian forces", actor="U-FORCES", rule="generic")
    v = _verdict(_out(1, "shelled", "U-FORCES", "ASSAULT", "X-DRAVIK"), mentions=(DRAVIK_MENTION, unnamed))
    assert v.verdict == "partial"
    v = _verdict(_out(2, "attacked", "U-REBELS", "ASSAULT", None, asserter="MAR_GOV"))
    assert v.verdict == "correct"
    v = _verdict(_out(2, "attacked", None, "ASSAULT", None, asserter="MAR_GOV"))
    assert v.verdict == "correct"


def test_wrong_asserter_and_two_elements_off():
    v = _verdict(_out(2, "attacked", "U-REBELS", "ASSAULT", None))  # the ministry says so, not the author
    assert (v.verdict, v.error_class) == ("partial", "wrong asserter")
    v = _verdict(_out(2, "attacked", "VEL_MIL", "ASSAULT", None))
    assert (v.verdict, v.error_class) == ("wrong", "event right, several elements off")


def test_statements_where_nothing_is_judged_or_of_another_event_are_wrong():
    v = _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", "X-DRAVIK"), gold=GOLD[1:])
    assert (v.verdict, v.error_class) == ("wrong", "no event here (nothing judged in this sentence)")
    v = _verdict(_out(2, "said", "MAR_GOV", "CONSULT", "VEL_MIL", rule="verb-active:active"))
    assert (v.verdict, v.error_class) == ("wrong", "not an event the sentence reports (wrong event or sense)")


def test_alternatives_are_accepted():
    gold = [_gold("g1", SENT1, (17, 24), "VEL", "ASSAULT", "DRV", alt={"stance": ["speculates"], "object": [None]})]
    assert _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", None, stance="speculates"), gold=gold).verdict == "correct"


def test_recall_counts_an_event_once_and_only_required_ones():
    gold = [*GOLD, _gold("g3", SENT2, (77, 85), "REB", "ASSAULT", None, asserter="MIN", same="g2"),
            _gold("g4", SENT1, (17, 24), "VEL", "MOBILIZE", None, required=False)]
    score = label_results([_judged(gold)], [_result([_out(1, "shelled", "VEL_MIL", "ASSAULT", None)])])
    events = score.events()
    assert [g.id for _, g in events] == ["g1", "g2"]
    assert score.documents[0].found == {"g1": "partial", "g4": "partial"}  # g4 is optional: not in recall


def test_knowledge_base_links_are_judged_by_the_actor_whose_words_they_cover():
    mentions = [Mention(start=0, end=16, text="Veldorian forces", actor="VEL_MIL"),
                Mention(start=47, end=64, text="Marovian ministry", actor="VEL_GOV"),
                Mention(start=25, end=31, text="Dravik", actor="DRV_CITY"),
                Mention(start=86, end=93, text="a convoy", actor="CONVOY")]
    doc = score_document(_judged(GOLD), _result([], mentions))
    assert doc.links == {"correct": 1, "wrong": 2, "unjudged": 1}
    assert ("Dravik", "DRV_CITY", "none") in doc.wrong_links


# ---- files ------------------------------------------------------------------------------------------------------

@pytest.fixture()
def shared_root(tmp_path: Path) -> Path:
    (tmp_path / "wikievents").mkdir()
    (tmp_path / "wikievents" / "dev.jsonl").write_text(json.dumps({"doc_id": "t1", "text": TEXT}) + "\n")
    return tmp_path


def test_working_files_compile_to_offsets_and_back(shared_root: Path, tmp_path: Path):
    working = tmp_path / "w.yaml"
    working.write_text("""
doc: wikievents:t1
kind: wire
actors:
  - {key: VEL, name: Veldoria's army, kb: VEL_MIL, forms: [Veldorian forces]}
  - {key: REB, name: rebels, generic: true, forms: [rebels]}
statements:
  - {span: [0, 42], trigger: shelled, subject: VEL, event: ASSAULT, object: null}
  - {span: [43, 95], trigger: attacked, subject: REB, event: ASSAULT, object: null, same: g1, required: false}
""")
    judged = compile_working(working, shared_root)
    assert judged.actors[0].spans == [(0, 16)] and judged.statements[0].trigger == (17, 24)
    assert [s.id for s in judged.statements] == ["g1", "g2"]
    stored = tmp_path / "stored.yaml"
    stored.write_text(dump_stored(judged))
    assert "Veldorian forces" not in stored.read_text()  # offsets only, no text
    again = load_judged(stored)
    assert again == judged
    back = decompile(again, shared_root)
    assert back["actors"][0]["forms"] == ["Veldorian forces"] and back["statements"][1]["trigger"] == "attacked"


@pytest.mark.parametrize("change, message", [
    ("forms: [Veldorian forces]", "forms: [Veldorian army]"),
    ("trigger: shelled", "trigger: bombed"),
    ("span: [0, 42]", "span: [0, 4200]"),
    ("subject: VEL", "subject: NOBODY"),
    ("event: ASSAULT", "event: BOMBING"),
])
def test_working_file_errors_name_the_file_and_line(shared_root: Path, tmp_path: Path, change, message):
    working = tmp_path / "w.yaml"
    working.write_text("""doc: wikievents:t1
kind: wire
actors:
  - {key: VEL, name: Veldoria's army, kb: VEL_MIL, forms: [Veldorian forces]}
statements:
  - {span: [0, 42], trigger: shelled, subject: VEL, event: ASSAULT, object: null}
""".replace(change, message))
    with pytest.raises(DataFileError, match=re.escape(str(working))):
        compile_working(working, shared_root)


def test_stored_judged_set_is_valid_and_holds_no_article_text():
    docs = load_judged_set()
    for judged in docs:
        raw = (JUDGED_DIR / (re.sub(r"[^A-Za-z0-9._-]+", "_", judged.doc) + ".yaml")).read_text()
        for note in [judged.notes or ""] + [s.note or "" for s in judged.statements]:
            assert len(note.split()) <= 40, f"{judged.doc}: a note is long enough to quote the article"
        assert "text:" not in raw and "forms:" not in raw


def test_stored_offsets_fit_the_shared_texts():
    shared_path("eval", "re3d")
    for judged in load_judged_set():
        text, _ = document_text(judged.doc)
        for actor in judged.actors:
            assert all(0 <= a < b <= len(text) for a, b in actor.spans), (judged.doc, actor.key)
        for s in judged.statements:
            a, b = s.trigger  # type: ignore[misc]
            assert s.span[0] <= a < b <= s.span[1] <= len(text), (judged.doc, s.id)
            assert without_quotes(s.note or "", text) == (s.note or ""), (judged.doc, s.id)  # no article text


def test_two_annotations_agree_where_they_say_the_same():
    from claimgraph.evaluation.judged import agreement

    first = _judged(GOLD)
    second = _judged([GOLD[0], _gold("g2", SENT2, (77, 85), "REB", "ASSAULT", None)])  # author, not the ministry
    out = agreement(first, second, TEXT)
    assert out["second vs first"]["correct"] == 1 and out["second vs first"]["partial"] == 1
    assert out["first vs second"]["recall"] == 1.0


def test_an_unnamed_actor_in_the_wrong_role_is_not_the_judged_null():
    gold = [_gold("g1", SENT2, (77, 85), "REB", "ASSAULT", None, asserter="MIN")]
    rebels = Mention(start=70, end=76, text="rebels", actor="U-REBELS", rule="generic")
    v = _verdict(_out(2, "attacked", None, "ASSAULT", "U-REBELS", asserter="MAR_GOV"), mentions=(rebels,), gold=gold)
    assert (v.verdict, v.errors) == ("partial", ["swapped"])  # the rebels are the attackers, not the attacked


def test_a_far_trigger_of_the_same_family_is_another_event():
    gold = [_gold("g1", (0, len(TEXT)), (77, 85), "REB", "ASSAULT", None, asserter="MIN")]
    v = _verdict(_out(1, "shelled", None, "ASSAULT", None, asserter="MAR_GOV"), gold=gold)
    assert (v.verdict, v.there) == ("wrong", False)


def test_an_unnamed_actor_must_be_the_generic_one_or_unknown_to_the_annotation():
    convoy = Mention(start=86, end=94, text="a convoy", actor="U-CONVOY", rule="generic")
    forces = Mention(start=0, end=16, text="Veldorian forces", actor="U-FORCES", rule="generic")
    rebels = Mention(start=70, end=76, text="rebels", actor="U-REBELS", rule="generic")
    out = _out(2, "attacked", "U-CONVOY", "ASSAULT", None, asserter="MAR_GOV")
    assert _verdict(out, mentions=(convoy,)).verdict == "correct"  # a phrase the annotation does not know
    out = _out(2, "attacked", "U-FORCES", "ASSAULT", None, asserter="MAR_GOV")
    assert _verdict(out, mentions=(forces,)).verdict == "partial"  # a named actor where the generic one is
    out = _out(1, "shelled", "VEL_MIL", "ASSAULT", "U-REBELS")
    assert _verdict(out, mentions=(rebels,), gold=[_gold("g1", SENT1, (17, 24), "VEL", "ASSAULT", None)]).verdict \
        == "correct"


def test_both_roles_on_one_judged_actor_is_an_error():
    gold = [_gold("g1", SENT1, (17, 24), "VEL", "ASSAULT", "DRV", alt={"object": ["VEL"]})]
    v = _verdict(_out(1, "shelled", "VEL_MIL", "ASSAULT", "VEL"), gold=gold)
    assert v.verdict == "partial" and v.errors == ["object"]


def test_notes_lose_quotations_of_the_article():
    assert without_quotes("shelling: Veldorian forces shelled Dravik on Monday, per the ministry", TEXT) == \
        "shelling: [...] per the ministry"
    assert without_quotes("the army shelled a town", TEXT) == "the army shelled a town"
