"""Golden corpus for actor linking: short reports (tests/golden/actors/NN_*.yaml) with every expected actor mention.

Each case lists all mentions that resolve to an actor, in text order, as {text, actor[, rule, sense]}; a missing
or extra mention fails the case (precision matters as much as recall). The cases run against a hermetic knowledge
base (kb_overlay.yaml only, the bundled files patched out) so that they do not move when the bundled KB changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from claimgraph.datafiles import load_yaml, strip_lines

from .test_actor_linking import actor_pipeline

GOLDEN = Path(__file__).parent / "golden" / "actors"
OVERLAY = GOLDEN / "kb_overlay.yaml"
CASES = sorted(p for p in GOLDEN.glob("*.yaml") if p != OVERLAY)


class ExpectedMention(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    actor: str
    rule: str | None = None
    sense: str | None = None


class ExpectedActor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str | None = None
    provisional: bool | None = None
    name: str | None = None


class GoldenCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    covers: list[str]
    text: str
    mentions: list[ExpectedMention]
    actors: dict[str, ExpectedActor] = {}
    aliases: dict[str, str] = {}


@pytest.fixture(scope="module")
def nlp():
    return actor_pipeline(OVERLAY)  # the English model + the actor components over the golden overlay alone


def test_corpus_is_big_enough():
    assert len(CASES) >= 12
    covered = {rule for path in CASES for rule in GoldenCase.model_validate(strip_lines(load_yaml(path))).covers}
    for rule in ("kb", "exact", "acronym", "fuzzy", "metonym", "demonym_org", "demonym", "anaphora", "provisional",
                 "pleonastic", "places"):
        assert rule in covered, rule


@pytest.mark.e2e
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_case(nlp, path: Path):
    case = GoldenCase.model_validate(strip_lines(load_yaml(path)))
    doc = nlp(case.text)
    got = [(doc[m.start:m.end].text, m.actor_id) for m in doc._.cg_mentions if m.actor_id and m.rule != "generic"]
    assert got == [(m.text, m.actor) for m in case.mentions]
    linked = [m for m in doc._.cg_mentions if m.actor_id and m.rule != "generic"]
    for expected, mention in zip(case.mentions, linked):
        if expected.rule:
            assert mention.rule == expected.rule, (expected.text, mention)
        if expected.sense:
            assert mention.sense == expected.sense, (expected.text, mention)
        if mention.rule == "anaphora":
            assert mention.antecedent is not None and mention.confidence < 1.0
    actors = doc._.cg_actors
    generic = {m.actor_id for m in doc._.cg_mentions if m.rule == "generic"}  # unnamed agents: not in the cases
    assert {m.actor for m in case.mentions} == set(actors) - generic
    for actor_id, expected_actor in case.actors.items():
        actor = actors[actor_id]
        for field, value in expected_actor.model_dump(exclude_none=True).items():
            assert getattr(actor, field) == value, (actor_id, field)
    for alias, actor_id in case.aliases.items():
        assert doc._.cg_doc_aliases.get(alias) == actor_id
