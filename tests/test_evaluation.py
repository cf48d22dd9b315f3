"""The evaluation harness: loaders and scorers on tiny hand-made inputs, and a CI regression guard.

The guard runs a quick subset of each development set in ../shared/eval (skipped when it is absent) and
checks the figures stay above thresholds set a little under the figures measured when it was written.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from claimgraph.evaluation import conflibert, muc4, petrarch, re3d, wikievents
from claimgraph.evaluation.cameo import actor_matches, load_table, root_pentaclass
from claimgraph.evaluation.common import (NO_TRIGGER, PRF, TRIGGER_NO_STATEMENT, DatasetResult, ErrorCase, Metric,
                                         TriggerHit, find_near, no_statement_category, overlaps, snippet)
from claimgraph.evaluation.report import cause_of, fix_for, render, top_error_categories
from claimgraph.models import Actor, Document, ExtractionResult, Statement

from .conftest import shared_path

# ---- helpers -------------------------------------------------------------------------------------------


def _statement(i: int, subject, event, obj, text: str, subject_text=None, object_text=None, **kw) -> Statement:
    fields = dict(id=f"d#s{i}", asserter="author", stance="asserts", subject=subject, event_type=event, object=obj,
                  quote=text, start=0, end=len(text), trigger="x", rule="test", confidence=0.5,
                  subject_text=subject_text, object_text=object_text)
    fields.update(kw)
    return Statement(**fields)


def _result(text: str, statements, actors=(), mentions=()) -> ExtractionResult:
    return ExtractionResult(document=Document(id="d", text=text), actors=list(actors), mentions=list(mentions),
                            statements=list(statements))


TABLE_TEXT = """# header line
03: AGREE
030: AGREE,  , diplomatic # Express intent to cooperate
04: CONSULT
042: CONSULT, visit, # Make a visit
11: ACCUSE
112: ACCUSE, allege, # Accuse
17: COERCE
173: COERCE, arrest, # Arrest
18: ASSAULT
19: ASSAULT
190: ASSAULT, , military # Use conventional military force
"""


@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text(TABLE_TEXT, encoding="utf-8")
    return load_table(path)


# ---- scoring primitives --------------------------------------------------------------------------------


def test_prf_counts_precision_and_recall_separately():
    counts = PRF(pred_matched=2, pred=4, gold_matched=1, gold=2)
    assert counts.precision == 0.5 and counts.recall == 0.5 and counts.f1 == 0.5
    assert PRF().f1 == 0.0
    counts.add(PRF(2, 2, 1, 2))
    assert (counts.pred_matched, counts.pred, counts.gold_matched, counts.gold) == (4, 6, 2, 4)


def test_overlaps_and_find_near():
    assert overlaps((0, 5), (4, 8)) and not overlaps((0, 4), (4, 8)) and not overlaps(None, (0, 1))
    text = "Rebels attacked. Later the rebels were attacked by rebels."
    assert find_near(text, "rebels", 40) == (51, 57)
    assert find_near(text, "Rebels", 40, window=(17, 58)) == (0, 6)  # falls back to the whole text
    assert find_near(text, None, 0) is None


def test_no_statement_category_tells_missing_trigger_from_unresolved_roles():
    hits = [TriggerHit(10, 16, "killed", "ASSAULT")]
    assert no_statement_category(hits) == (TRIGGER_NO_STATEMENT, "killed")
    assert no_statement_category(hits, span=(0, 9)) == (NO_TRIGGER, None)
    assert no_statement_category([]) == (NO_TRIGGER, None)
    assert cause_of(f"FightingAgainst: {TRIGGER_NO_STATEMENT}") != cause_of(f"FightingAgainst: {NO_TRIGGER}")


def test_snippet_is_short():
    text = " ".join(f"w{i}" for i in range(100))
    out = snippet(text, text.index("w50"), text.index("w50") + 3)
    assert "w50" in out and len(out.split()) <= 20


# ---- CAMEO <-> PLOVER ----------------------------------------------------------------------------------


def test_cameo_table_matches_code_or_root(table):
    assert table.matches("112", "ACCUSE") and table.matches("11", "ACCUSE")
    assert table.matches("1124", "ACCUSE")  # not in the table: its root is
    assert not table.matches("112", "ASSAULT")
    assert table.matches("020", "REQUEST")  # supplement: appeals
    assert table.plover_for("010") == set()  # public statements have no PLOVER type
    assert table.plover_pentaclass == {"AGREE": 1, "CONSULT": 1, "ACCUSE": 3, "COERCE": 4, "ASSAULT": 4}


def test_root_pentaclass_and_actor_codes():
    assert [root_pentaclass(r) for r in ("01", "02", "04", "07", "12", "14", "20")] == [0, 0, 1, 2, 3, 4, 4]
    assert actor_matches("RUSGOV", "RUSGOV") and not actor_matches("RUS", "RUSGOV")
    assert actor_matches("RUS", "RUSGOV", "country") and not actor_matches(None, "RUS", "country")


# ---- petrarch2-validation ------------------------------------------------------------------------------

XML = """<?xml version='1.0'?>
<Validation>
##########
# banner with <Sentence id="fake"> inside
##########
<Sentences>
<Sentence date="19950101" id="T-1" category="DEMO" sentence="true">
<!-- a comment with <EventCoding sourcecode="XXX" targetcode="YYY" eventcode="190"> -->
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="042"></EventCoding>
<Text>
Arnor visited
Gondor.
</Text>
<Parse>(ROOT)</Parse>
</Sentence>
<Sentence category="AFP" date="20080804" id="T-2" evaluate="true"/>
<EventCoding noevents="True"/>
<Text>Nothing happened.</Text>
</Sentence>
<Sentence date="19950101" id="T-3" category="ERROR">
<EventCoding error="sentencediscard"></EventCoding>
<Text>Discard me.</Text>
</Sentence>
</Sentences>
</Validation>
"""


def test_parse_records_skips_comments_and_banners():
    records = petrarch.parse_records(XML)
    assert [r.id for r in records] == ["T-1", "T-2", "T-3"]
    assert records[0].gold == [("ARN", "GON", "042")] and records[0].text == "Arnor visited Gondor."
    assert records[0].date == dt.date(1995, 1, 1) and records[0].category == "DEMO"
    assert records[1].gold == [] and records[2].error == "sentencediscard"


def test_parse_predictions(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("id\tcategory\tresult\tgold\tpetrarch2\nA\tX\tPASS\tARN|GON|042\tARN|GON|042;GON|ARN|043\n"
                    "B\tX\tFAIL\t\t\n", encoding="utf-8")
    table = petrarch.parse_predictions(path)
    assert table["A"] == ("PASS", [("ARN", "GON", "042")], [("ARN", "GON", "042"), ("GON", "ARN", "043")])
    assert table["B"] == ("FAIL", [], [])


def test_petrarch_dictionary_becomes_kb_records():
    raw = """<!-- header -->
ARNOR_  [ARN]
+ARNORIAN
GOLLUM  # comment
+SMEAGOL
\t[HOB < 950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB > 990816]
ISILDUR  [+++]
THE_SHIRE  [FRO/BIL/SAM]
UNITED_NATIONS  [IGOUNO]
"""
    records = {r["id"]: r for r in petrarch.petrarch_actors_to_kb(raw)}
    assert set(records) == {"PV_ARNOR", "PV_GOLLUM", "PV_THE_SHIRE", "PV_UNITED_NATIONS"}
    assert records["PV_ARNOR"]["code"] == "ARN" and records["PV_ARNOR"]["aliases"] == ["Arnorian"]
    assert records["PV_ARNOR"]["type"] == "country"
    gollum = records["PV_GOLLUM"]
    assert gollum["aliases"] == ["Smeagol"] and len(gollum["periods"]) == 3
    assert gollum["periods"][1] == {"valid_from": dt.date(1995, 6, 1), "valid_to": dt.date(1999, 8, 15),
                                    "code": "HOBGOV", "type": "government"}
    assert records["PV_THE_SHIRE"]["code"] == "FRO"
    assert records["PV_UNITED_NATIONS"]["type"] == "igo" and "country" not in records["PV_UNITED_NATIONS"]
    for record in records.values():  # every record is a valid Actor
        Actor(**record)


def test_petrarch_agents_compose_with_country_actors():
    raw = """!PERSON! = MAN, MEN
POLICE {} [ ~COP] # note
CONGRESS!PERSON! [~LEG]
MSF {}  [NGO~]
ARMY_NO_CODE
"""
    agents = petrarch.petrarch_agents(raw)
    assert agents["~COP"] == ["police", "polices"]
    assert agents["~LEG"] == ["congressman", "congressmen"]
    actors = [{"id": "PV_ARNOR", "name": "Arnor", "aliases": ["Arnorian"], "code": "ARN"},
              {"id": "PV_UN", "name": "United Nations", "aliases": [], "code": "IGOUNO"}]
    composed = {r["code"]: r for r in petrarch.compose_agents(actors, agents)}
    assert set(composed) == {"ARNCOP", "ARNLEG", "NGOARN"}  # only three-letter (country-level) codes compose
    police = composed["ARNCOP"]
    assert {police["name"], *police["aliases"]} >= {"Arnor Police", "Arnorian Police"}
    assert police["type"] == "security_forces" and police["country"] == "ARN"
    assert composed["NGOARN"]["type"] == "ngo" and "country" not in composed["NGOARN"]
    for record in composed.values():
        Actor(**record)


def test_our_triples_skip_denials_and_missing_roles(table):
    actors = [Actor(id="A", name="A", type="country", code="ARN"), Actor(id="B", name="B", type="country", code="GON")]
    text = "Arnor attacked Gondor."
    result = _result(text, [
        _statement(1, "A", "ASSAULT", "B", text),
        _statement(2, "A", "ASSAULT", "B", text),  # duplicate triple
        _statement(3, "B", "ACCUSE", "A", text, stance="denies"),
        _statement(4, "A", "CONSULT", None, text),
        _statement(5, "A", "COERCE", "B", text, negated=True),
    ], actors=actors)
    pred = petrarch.our_triples(result)
    assert pred == [("ARN", "GON", "ASSAULT")]
    counts, gold_hit, used = petrarch.match_triples([("ARN", "GON", "190"), ("GON", "ARN", "190")], pred,
                                                    table.matches, "exact")
    assert (counts.precision, counts.recall) == (1.0, 0.5) and gold_hit == [True, False] and used == [True]


# ---- conflibert-cameo ----------------------------------------------------------------------------------


def test_detokenize_and_bio_spans():
    tokens = ["Senior", "Hungarian", "officials", "(", "HU", ")", "agreed", ",", "Jordan", "'s", "army", "said", "."]
    tags = ["B-R", "I-R", "I-R", "O", "O", "O", "O", "O", "B-S", "I-S", "I-S", "O", "O"]
    text, spans = conflibert.detokenize(tokens)
    assert text == "Senior Hungarian officials (HU) agreed, Jordan's army said."
    chunks = conflibert.bio_spans(tags, spans)
    assert [(label, text[s:e]) for label, (s, e) in chunks] == [("R", "Senior Hungarian officials"),
                                                                 ("S", "Jordan's army")]


def test_read_conll_and_tsv(tmp_path):
    ner = tmp_path / "n.txt"
    ner.write_text("A B-S\nhit O\nB B-T\n\nC O\r\n", encoding="utf-8")
    assert conflibert.read_ner_file(ner) == [(["A", "hit", "B"], ["B-S", "O", "B-T"]), (["C"], ["O"])]
    tsv = tmp_path / "c.tsv"
    tsv.write_text("A hit B.\t4\r\nC said so.\t0\r\n", encoding="utf-8")
    assert conflibert.read_class_file(tsv) == [("A hit B.", 4), ("C said so.", 0)]


def test_predicted_class_uses_top_level_statement():
    shared_path("reference", "CAMEO2PLOVER-2021.txt")  # PentaClass comes from the CAMEO table in ../shared
    text = "X accused Y of bombing Z."
    speech = _statement(1, "X", "ACCUSE", "Y", text, confidence=0.6)
    carried = _statement(2, "Y", "ASSAULT", "Z", text, confidence=0.9, parent="d#s1")
    assert conflibert.predicted_class(_result(text, [speech, carried])) == 3
    assert conflibert.predicted_class(_result(text, [carried])) == 4
    assert conflibert.predicted_class(_result(text, [])) == 0


def test_macro_f1():
    macro, per = conflibert.macro_f1([0, 1, 1, 2], [0, 1, 2, 2], labels=range(3))
    assert per == {0: 1.0, 1: pytest.approx(2 / 3), 2: pytest.approx(2 / 3)}
    assert macro == pytest.approx(7 / 9)


# ---- re3d ----------------------------------------------------------------------------------------------


def test_re3d_rules_and_loader(tmp_path):
    rules = re3d.load_rules()
    assert {"FightingAgainst", "AlliesOf", "Dislikes", "Likes", "CommWith"} <= set(rules)
    assert "ASSAULT" in rules["FightingAgainst"].plover and rules["AlliesOf"].symmetric
    folder = tmp_path / "Src"
    folder.mkdir()
    text = "Rebels attacked the army."
    rows = {
        "documents.json": [{"_id": "D1", "text": text, "title": "t"}],
        "entities.json": [{"_id": "e1", "documentId": "D1", "begin": 0, "end": 6, "type": "Organisation"}],
        "relations.json": [{"_id": "r1", "documentId": "D1", "type": "FightingAgainst", "begin": 7, "end": 15,
                            "sourceBegin": 0, "sourceEnd": 6, "targetBegin": 16, "targetEnd": 24},
                           {"_id": "r2", "documentId": "D1", "type": "CoLocated", "begin": 0, "end": 1,
                            "sourceBegin": 0, "sourceEnd": 1, "targetBegin": 2, "targetEnd": 3}],
    }
    for name, items in rows.items():
        (folder / name).write_text("\ufeff" + "\n".join(json.dumps(i) for i in items), encoding="utf-8")
    docs = re3d.load_documents(tmp_path, set(rules))
    assert len(docs) == 1 and len(docs[0].relations) == 1 and docs[0].entities == [("Organisation", (0, 6))]
    good = _result(text, [_statement(1, "R", "ASSAULT", "A", text, "Rebels", "the army")])
    reversed_ = _result(text, [_statement(1, "A", "ASSAULT", "R", text, "the army", "Rebels")])
    relation = docs[0].relations[0]
    assert re3d._found(relation, rules["FightingAgainst"], good, {})
    assert not re3d._found(relation, rules["FightingAgainst"], reversed_, {})


# ---- wikievents ----------------------------------------------------------------------------------------


def test_wikievents_text_and_scoring():
    sentences = [[[["Bomb", 0, 4], ["kills", 5, 10], ["two", 11, 14]], "Bomb kills two"],
                 [[["Rebels", 0, 6], ["attacked", 7, 15], ["a", 16, 17], ["base", 18, 22], [".", 22, 23]],
                  "Rebels attacked a base."]]
    text, spans = wikievents.build_text(sentences)
    assert text == "Bomb kills two\n\nRebels attacked a base."
    assert [text[s:e] for s, e in spans] == ["Bomb", "kills", "two", "Rebels", "attacked", "a", "base", "."]
    doc = wikievents.WikiDoc(Document(id="w", text=text), {"E1": spans[3], "E2": (0, 4)}, {"E1": ["E1", "E2"]})
    pred = {(16, 22)}
    assert wikievents.score(doc, pred, {"E1"}, lenient=False).f1 == 1.0
    assert wikievents.score(doc, {(0, 4)}, {"E1"}, lenient=False).f1 == 0.0
    assert wikievents.score(doc, {(0, 4)}, {"E1"}, lenient=True).f1 == 1.0


# ---- muc4 ----------------------------------------------------------------------------------------------


def test_matching():
    assert muc4._matches(["members of the FMLN"], ["FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN"])
    assert not muc4._matches(["the army"], ["FMLN"])
    assert not muc4._matches(["FM"], ["FMLN"])  # whole words only


# ---- report and CLI ------------------------------------------------------------------------------------


def test_report_renders_goals_and_error_categories():
    result = DatasetResult("re3d", "/x/shared/eval/re3d", "claimgraph eval re3d")
    result.prf("FightingAgainst", PRF(1, 2, 1, 4), goal=">= 0.5")
    result.metrics.append(Metric("Organisation linking recall", 0.5, "1/2 entities"))
    result.errors = [ErrorCase("re3d", "miss", "FightingAgainst: no trigger found", f"D{i}",
                               "some words here", trigger="engaged") for i in range(3)]
    result.errors.append(ErrorCase("re3d", "false", "false FightingAgainst: ASSAULT statement", "D9", "x"))
    groups = top_error_categories(result.errors)
    assert [len(cases) for _, cases in groups] == [3, 1]
    text = render([result], "claimgraph eval all --write-docs docs/accuracy.md", 60.0)
    assert "| re3d | FightingAgainst F1 | 0.333 | >= 0.5 | no |" in text
    assert "claimgraph eval all --write-docs docs/accuracy.md" in text and "../shared/eval/re3d" in text
    assert "frequent triggers: engaged (3)" in text
    assert "## Error analysis" in text and "`D0`" in text and "`D1`" in text and "Lexicon" in text
    assert "| no trigger (lexicon coverage) | 3 | re3d 3 |" in text and "| over-general trigger | 1 | re3d 1 |" in text
    assert "No rule assigned" not in fix_for("wikievents Attacker: entity not recognised as an actor mention")
    assert cause_of("wrong direction (source and target swapped)") == "wrong direction"
    assert cause_of("something new") == "other"


def test_cli_rejects_unknown_dataset():
    from claimgraph.cli import main

    outcome = CliRunner().invoke(main, ["eval", "no-such-set"])
    assert outcome.exit_code == 2 and "unknown dataset" in outcome.output


def test_missing_folder_is_an_error(tmp_path):
    from claimgraph.evaluation import EvaluationError, run_dataset

    shared_path("reference", "CAMEO2PLOVER-2021.txt")  # two of the datasets read the CAMEO table first
    with pytest.raises(EvaluationError):
        run_dataset("re3d", tmp_path / "absent", extractor=object())
    with pytest.raises(EvaluationError):  # a folder without the dataset's files
        run_dataset("re3d", tmp_path, extractor=object())
    for name in ("wikievents", "muc4", "conflibert-cameo", "petrarch2-validation"):
        with pytest.raises(EvaluationError):
            run_dataset(name, tmp_path, extractor=object())


# ---- regression guard on the development sets -----------------------------------------------------------
# Thresholds sit a little under the figures measured on these subsets when the guard was written; raise them
# as the extractor improves (never set them to the exact current values).

# Measured on 2026-11-25 at 13:45 (commit after "Threats carry what they threaten"): GSR F1 0.121, unit pass
# 0.026; PentaClass acc 0.773, macro-F1 0.725, source/target overlap F1 0.716/0.589; re3d FightingAgainst 0.095,
# AlliesOf 0.385, CommWith 0.491, linking 0.790/0.289; wikievents Attacker 0.211, Target/Victim 0.222,
# Communicator (lenient) 0.335; muc4 perpetrator organisation F1 0.143.
# Lowered on 2026-12-03 after measuring each landing (issue 14): re3d AlliesOf 0.370 -> 0.296 on these 20 documents
# when quotations kept their speaker (one of 10 gold relations, "We will continue to support ...", lost its "We"),
# muc4 perpetrator F1 0.125 -> 0.118 (one more false organisation); the judged set rose over the same landings.
GUARD = {
    "petrarch2-validation": (78, {"GSR triples, exact actor codes F1": 0.10, "unit tests passing, all categories": 0.015}),
    "conflibert-cameo": (150, {"PentaClass accuracy": 0.68, "PentaClass macro-F1": 0.63,
                               "source spans (overlap) F1": 0.64, "target spans (overlap) F1": 0.52}),
    "re3d": (20, {"FightingAgainst F1": 0.07, "AlliesOf F1": 0.28, "CommWith F1": 0.42,
                  "Organisation linking recall": 0.70, "Location linking recall": 0.24}),
    "wikievents": (6, {"Attacker (attack events) F1": 0.17, "Target/Victim (attack events) F1": 0.18,
                       "Communicator as asserter, coreference-lenient F1": 0.28}),
}


@pytest.fixture(scope="module")
def eval_root():
    return shared_path("eval")


def _check(result: DatasetResult, thresholds: dict[str, float]) -> None:
    failures = [f"{name}: {result.metric(name):.3f} < {floor}" for name, floor in thresholds.items()
                if result.metric(name) < floor]
    assert not failures, "; ".join(failures)


@pytest.mark.parametrize("name", sorted(GUARD))
def test_regression_guard(name, eval_root, extractor):
    from claimgraph.evaluation import run_dataset

    limit, thresholds = GUARD[name]
    result = run_dataset(name, eval_root / name, limit=limit, extractor=extractor)
    assert result.metrics and all(0.0 <= m.value <= 1.0 for m in result.metrics)
    _check(result, thresholds)


def test_regression_guard_muc4(eval_root, extractor):
    result = muc4.evaluate(extractor, eval_root / "muc4", limit=40)
    _check(result, {"perpetrator organisation (truecased) F1": 0.11})
