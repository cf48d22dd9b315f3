"""The role rules (data/lexicon/role_patterns.yaml): every example finds its argument, through the pattern and
through the roles reader; the file and roles.py name the same rules; bad rules are refused with file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimgraph.errors import DataFileError
from claimgraph.nlp.claims.role_rules import RolePatterns, load_role_rules

RULES = load_role_rules()
ROLES_PY = Path(__file__).resolve().parents[1] / "claimgraph" / "nlp" / "claims" / "roles.py"


def _examples(pattern_rules_only: bool):
    return [pytest.param(rule.id, n, id=f"{rule.id}:{n}") for rule in RULES.rules.values()
            if rule.patterns or not pattern_rules_only for n in range(len(rule.examples))]


def test_roles_py_and_the_file_name_the_same_rules():
    named = set(re.findall(r'"((?:verb|noun)\.(?:subject|object|party)\.[a-z-]+)"', ROLES_PY.read_text()))
    assert named == set(RULES.rules)


def test_every_pattern_rule_has_examples_and_most_rules_do():
    assert all(rule.examples for rule in RULES.rules.values() if rule.patterns)
    assert sum(bool(r.examples) for r in RULES.rules.values()) >= len(RULES.rules) - 2


@pytest.fixture(scope="module")
def pipeline():
    from claimgraph.nlp.pipeline import cached_pipeline

    return cached_pipeline()


@pytest.mark.e2e
@pytest.mark.parametrize("rule_id,n", _examples(pattern_rules_only=True))
def test_the_pattern_finds_the_example_argument(pipeline, rule_id, n):
    rule, example = RULES[rule_id], RULES[rule_id].examples[n]
    doc = pipeline(example.text)
    trigger = next(t for t in doc if t.text == example.trigger)
    found = RolePatterns(RULES, pipeline.vocab).index(doc).tokens(rule_id, trigger, rule.role)
    assert example.argument in [t.text for t in found], [(t.text, t.dep_, t.head.text) for t in doc]


@pytest.mark.e2e
@pytest.mark.parametrize("rule_id,n", _examples(pattern_rules_only=False))
def test_the_roles_reader_applies_the_rule(pipeline, rule_id, n):
    from claimgraph.nlp.claims.cues import load_cues
    from claimgraph.nlp.claims.roles import RoleReader

    rule, example = RULES[rule_id], RULES[rule_id].examples[n]
    doc = pipeline(example.text)
    trigger = next(t for t in doc if t.text == example.trigger)
    match = next(m for m in doc._.cg_predicates if m.head == trigger.i)
    roles = RoleReader(doc, RolePatterns(RULES, pipeline.vocab), load_cues().light).roles_for(match, match.entry)
    args = {"subject": roles.subjects, "object": roles.objects, "party": roles.subjects + roles.objects}[rule.role]
    recorded = [(doc[a.token].text, re.split(r"[>+]", a.rule)) for a in args]
    assert any(text == example.argument and rule.rule in names for text, names in recorded), recorded


def _write(tmp_path, body: str) -> str:
    path = tmp_path / "roles.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


GOOD = """rules:
  - id: x.subject.test
    role: subject
    rule: active
    confidence: 1.0
    patterns:
      - - {RIGHT_ID: trigger, RIGHT_ATTRS: {}}
        - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: argument, RIGHT_ATTRS: {DEP: nsubj}}
    examples:
      - {text: "They came.", trigger: came, argument: They}
"""


@pytest.mark.parametrize("old,new,message", [
    ('REL_OP: ">"', 'REL_OP: "~~"', "bad pattern"),
    ("RIGHT_ID: argument", "RIGHT_ID: other", "RIGHT_ID argument"),
    ("confidence: 1.0", "confidence: 1.5", "confidence"),
    ('    examples:\n      - {text: "They came.", trigger: came, argument: They}\n', "", "needs examples"),
    ("role: subject", "role: agent", "role"),
])
def test_bad_rules_are_refused_with_file_and_line(tmp_path, old, new, message):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataFileError, match=message) as err:
        load_role_rules(path)
    assert str(err.value).startswith(f"{path}:2:")


def test_duplicate_ids_and_a_rule_read_in_another_role_are_errors(tmp_path):
    with pytest.raises(DataFileError, match="duplicate"):
        load_role_rules(_write(tmp_path, GOOD + GOOD.replace("rules:\n", "")))
    import spacy
    from spacy.tokens import Doc

    rules = load_role_rules(_write(tmp_path, GOOD))
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["They", "came"], heads=[1, 1], deps=["nsubj", "ROOT"])
    index = RolePatterns(rules, vocab).index(doc)
    assert [t.text for t in index.tokens("x.subject.test", doc[1], "subject")] == ["They"]
    with pytest.raises(DataFileError, match="read as object"):
        index.tokens("x.subject.test", doc[1], "object")
