"""The statement verifier: features from a Doc, the model file (loads fast, refuses what it cannot read),
calibration, deterministic fitting, the held-out figures and the docs section. No test reads a model's exact
confidences: extraction changes all the time, and the bundled model with it."""

from __future__ import annotations

import json

import pytest
import spacy
from click.testing import CliRunner
from spacy.tokens import Doc

from claimgraph.cli import main
from claimgraph.errors import VerifierError
from claimgraph.models import Actor, Statement
from claimgraph.nlp.annotations import MentionSpan, set_mentions
from claimgraph.verifier.features import FEATURE_SCHEMA, doc_features
from claimgraph.verifier.model import BUNDLED_MODEL, Calibration, VerifierModel, load_model
from claimgraph.verifier.plot import reliability_png
from claimgraph.verifier.train import DOC_END, DOC_START, keep_section
from claimgraph.verifier.training import Example, ece, fit, reliability, training_licence


def parsed_doc() -> tuple[Doc, list[Statement]]:
    """'Marovia attacked the Kolva Movement .' with a parse, two linked mentions and one statement."""
    nlp = spacy.blank("en")
    words = ["Marovia", "attacked", "the", "Kolva", "Movement", "."]
    doc = Doc(nlp.vocab, words=words, heads=[1, 1, 4, 4, 1, 1], deps=["nsubj", "ROOT", "det", "compound", "dobj",
                                                                          "punct"],
              pos=["PROPN", "VERB", "DET", "PROPN", "PROPN", "PUNCT"], lemmas=["Marovia", "attack", "the", "Kolva",
                                                                             "Movement", "."],
              sent_starts=[True, False, False, False, False, False])
    set_mentions(doc, [MentionSpan(0, 1, "MRV", "kb", 1.0), MentionSpan(3, 5, "KOLVA", "anaphora", 0.6)])
    doc._.cg_actors = {"MRV": Actor(id="MRV", name="Marovia", type="country"),
                       "KOLVA": Actor(id="KOLVA", name="Kolva Movement", type="armed_group", provisional=True)}
    statement = Statement(id="d#s1", asserter="author", stance="asserts", subject="MRV", event_type="ASSAULT",
                          object="KOLVA", quote=doc.text, start=0, end=len(doc.text), trigger="attacked",
                          trigger_start=8, trigger_end=16, rule="svo:active", confidence=0.7,
                          lexicon_entry="attack")
    return doc, [statement]


def test_features_describe_rule_trigger_arguments_and_sentence():
    doc, statements = parsed_doc()
    (f,) = doc_features(doc, statements)
    assert f["hand_set_confidence"] == 0.7 and f["rule=svo:active"] == 1.0 and f["rule_part=svo"] == 1.0
    assert f["trigger=attack"] == 1.0 and f["trigger_pos=VERB"] == 1.0 and f["entry=attack"] == 1.0
    assert f["subject_type=country"] == 1.0 and f["subject_link=kb"] == 1.0 and f["subject_side=before"] == 1.0
    assert f["subject_path=vnsubj"] == 1.0 and f["object_path=vdobj"] == 1.0  # down from the trigger
    assert f["object_link=anaphora"] == 1.0 and f["object_link_confidence"] == 0.6 and f["object_provisional"]
    assert f["asserter=author"] == 1.0 and 0 < f["sentence_tokens"] <= 1
    assert all(0.0 <= v <= 1.0 for v in f.values())


def test_a_null_role_beside_a_named_actor_of_the_sentence_is_a_feature():
    doc, (statement,) = parsed_doc()
    (full,) = doc_features(doc, [statement])
    assert "subject_empty_beside_named" not in full and full["named_roles=2"] == 1.0
    assert full["free_named_actors"] == 0.0 and full["trigger_statements=1"] == 1.0
    dropped = statement.model_copy(update={"subject": None})
    (f,) = doc_features(doc, [dropped])
    assert f["subject_empty_beside_named"] == 1.0 and f["subject_empty_beside_named_near"] == 1.0
    assert f["free_named_actors"] == 0.25 and f["named_roles=1"] == 1.0 and "object_empty_beside_named" not in f
    (a, _) = doc_features(doc, [statement, dropped])
    assert a["trigger_statements=2"] == 1.0


def model(**changes) -> VerifierModel:
    data = dict(feature_schema=FEATURE_SCHEMA, intercept=-0.5, weights={"rule=svo:active": 1.0, "negated": -2.0},
                calibration=Calibration(method="platt", a=1.0, b=0.0), threshold=0.3)
    return VerifierModel(**{**data, **changes})


def test_scores_are_probabilities_that_follow_the_weights():
    m = model()
    assert 0 < m.probability({"negated": 1.0}) < m.probability({}) < m.probability({"rule=svo:active": 1.0}) < 1
    iso = model(calibration=Calibration(method="isotonic", x=[0.1, 0.5, 0.9], y=[0.0, 0.4, 1.0]))
    scores = [iso.calibrate(z) for z in (-5, -1, 0, 1, 5)]
    assert scores == sorted(scores) and scores[0] == 0.0 and scores[-1] == 1.0


def test_the_bundled_model_is_small_and_versioned():
    # Its load time is measured by bench/, never by a timed test; a small file keeps it well under a second.
    m = load_model()
    assert m.feature_schema == FEATURE_SCHEMA and (m.weights or m.trees) and 0 < m.threshold < 1
    assert {"scikit-learn", "spacy", "numpy"} <= set(m.trained["versions"])
    assert BUNDLED_MODEL.stat().st_size < 200_000


def test_a_missing_or_incompatible_model_is_a_clear_error(tmp_path):
    with pytest.raises(VerifierError, match="no verifier model file.*claimgraph verifier train"):
        load_model(tmp_path / "absent.json")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**json.loads(BUNDLED_MODEL.read_text()), "feature_schema": FEATURE_SCHEMA + 99}))
    with pytest.raises(VerifierError, match="feature schema"):
        load_model(old)
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(VerifierError, match="not a readable verifier model"):
        load_model(tmp_path / "junk.json")


def examples(n_docs: int = 12) -> list[Example]:
    out = []
    for d in range(n_docs):
        for i in range(10):
            good = (i + d) % 3 != 0
            features = {"hand_set_confidence": 0.5, "rule=a" if good else "rule=b": 1.0, f"noise={i % 4}": 1.0}
            out.append(Example(f"doc{d}", int(good if i % 5 else not good), features, "judged"))
    return out


def test_fitting_is_deterministic_and_learns_the_signal():
    first, second = fit(examples()), fit(examples())
    assert first.model.weights == second.model.weights and first.oof == second.oof
    m = first.model
    assert m.probability({"rule=a": 1.0}) > m.probability({"rule=b": 1.0})
    iso = fit(examples(), "isotonic").model
    assert iso.calibration.method == "isotonic" and iso.calibration.x == sorted(iso.calibration.x)
    with pytest.raises(VerifierError, match="both correct and wrong"):
        fit([Example("d", 1, {"x": 1.0}, "judged")] * 4)


def test_boosted_trees_score_as_scikit_learn_does():
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    from claimgraph.verifier.training import TREES, _init_score, _trees

    data = examples()
    for i, e in enumerate(data):  # a numeric feature whose values sit on the trees' thresholds
        e.features["hand_set_confidence"] = round(0.1 + 0.855 * (i % 7) / 6, 3)
    vectorizer = DictVectorizer(sparse=False, sort=True)
    X = vectorizer.fit_transform([e.features for e in data])
    trees = GradientBoostingClassifier(random_state=0, **TREES).fit(X, [e.label for e in data])
    m = model(weights={}, intercept=_init_score(trees), trees=_trees(trees, list(vectorizer.feature_names_)))
    ours = np.array([m.raw_score(e.features) for e in data])
    assert np.abs(ours - trees.decision_function(X)).max() < 1e-4
    assert m.raw_score({"unseen feature": 1.0}) == pytest.approx(trees.decision_function(np.zeros((1, X.shape[1])))[0],
                                                                 abs=1e-4)


def test_calibration_error_and_reliability_bins():
    labels, scores = [1, 0, 1, 1], [0.95, 0.05, 0.85, 0.95]
    assert ece(labels, scores) == pytest.approx((0.05 + 0.05 + 0.15 + 0.05) / 4)
    bins = reliability(labels, scores)
    assert len(bins) == 10 and sum(n for *_, n in bins) == 4 and bins[0][2] == 0.0 and bins[9][2] == 1.0


def test_only_licence_clean_documents_are_trained_on():
    assert training_licence("re3d:CENTCOM:abc") and training_licence("re3d:UK Government:abc")
    assert training_licence("re3d:Delegation of the European Union to Syria:abc") is None
    assert training_licence("wikievents:x") is None and training_licence("muc4:TST1") is None


def test_the_docs_section_survives_a_regenerated_accuracy_file(tmp_path):
    old = f"# Accuracy\nold figures\n\n{DOC_START}\nverifier figures\n{DOC_END}\n"
    assert keep_section(old, "# Accuracy\nnew figures\n").endswith(f"{DOC_START}\nverifier figures\n{DOC_END}\n")
    assert keep_section("# Accuracy\n", "# new\n") == "# new\n"


def test_the_reliability_diagram_is_a_png(tmp_path):
    path = tmp_path / "r.png"
    reliability_png(path, reliability([1, 0, 1], [0.9, 0.1, 0.6]))
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 500


def test_training_on_a_store_needs_a_local_model_file():
    outcome = CliRunner().invoke(main, ["verifier", "train", "--db", "x.db"])
    assert outcome.exit_code == VerifierError.exit_code and "-o" in outcome.output


def test_review_judgements_become_labels_of_the_statements_extracted_again(tmp_path):
    from claimgraph.store import open_store
    from claimgraph.verifier.training import label_reviews

    try:
        from tests.test_store import make_result
    except ImportError:  # tests/ is not a package
        from test_store import make_result  # type: ignore[no-redef]

    text = "Officials of Pakistan and the Afghan Taliban were quoted in this fictional report."
    specs = [("AFGTAL", "asserts", "PAK", "SUPPORT", "AFGTAL"), ("PAK", "denies", "PAK", "SUPPORT", "AFGTAL")]
    result = make_result("r1", text, statements=specs)

    class Extractor:
        def extract_with_features(self, documents):
            for _ in documents:
                yield result, [{"n": float(i)} for i in range(len(result.statements))]

    with open_store(str(tmp_path / "s.db")) as store:
        store.add_result(result)
        store.add_judgement("r1", "r1-s0", "reject")
        store.add_judgement("r1", "r1-s0", "confirm")  # the later one is in force
        store.add_judgement("r1", "r1-s1", "correct", {"negated": True})
        labels = label_reviews(Extractor(), store, lambda _: None)
    assert sorted((e.features["n"], e.label, e.origin) for e in labels) == [(0.0, 1, "review"), (1.0, 0, "review")]


def test_verifier_show_says_which_model_is_in_use(tmp_path):
    shown = CliRunner().invoke(main, ["verifier", "show"])
    assert shown.exit_code == 0 and json.loads(shown.output)["path"] == str(BUNDLED_MODEL)
    missing = CliRunner().invoke(main, ["verifier", "show", "--model", str(tmp_path / "none.json")])
    assert missing.exit_code == VerifierError.exit_code and "claimgraph verifier train" in missing.output
