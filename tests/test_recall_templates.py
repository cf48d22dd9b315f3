"""Recall templates (issue 14, item 5), end to end on invented sentences: accusations that name the deed and its
author ("attributed the attack to X", "blamed the bombing on X"), verdicts ("convicted", "found guilty"), calls on
an addressee, captures ("fell to", "took control of"), counts of people ("dozens of aid workers"), and agreements
or attacks named after a place, which name no party."""

from __future__ import annotations

import pytest

from claimgraph.models import Document

pytestmark = pytest.mark.e2e


def _triples(extractor, text: str, trigger: str) -> set[tuple[str | None, str, str | None]]:
    result = extractor.extract(Document(id="t", text=text))
    return {(s.subject, s.event_type, s.object) for s in result.statements if trigger in s.trigger}


@pytest.mark.parametrize("text,trigger,triple", [
    # the deed is the object, its author the accused
    ("The Afghan government attributed the attack to the Taliban.", "attributed", ("AFG_GOV", "ACCUSE", "TALIBAN")),
    ("The Afghan government attributed the attack to the Taliban.", "attack", ("TALIBAN", "ASSAULT", None)),
    ("The Afghan government blamed the bombing on the Taliban.", "blamed", ("AFG_GOV", "ACCUSE", "TALIBAN")),
    ("The Afghan government blamed the bombing on the Taliban.", "bombing", ("TALIBAN", "ASSAULT", None)),
    # verdicts are accusations upheld; the passive names the accused
    ("A federal court convicted the Taliban commander of murder.", "convicted", (None, "ACCUSE", "TALIBAN")),
    ("The court found the Taliban commander guilty of murder.", "found", (None, "ACCUSE", "TALIBAN")),
    ("The Taliban were accused of killing civilians.", "accused", (None, "ACCUSE", "TALIBAN")),
    # "called on X to ...": X is addressed, and X is to do it
    ("The Pakistani government called on India to withdraw.", "called", ("PAK_GOV", "REQUEST", "IND")),
    ("The Pakistani government called on India to withdraw.", "withdraw", ("IND", "RETREAT", None)),
    # captures
    ("Kunduz fell to the Taliban after a week of fighting.", "fell", ("TALIBAN", "COERCE", None)),
    ("The Taliban took control of Kunduz on Sunday.", "took", ("TALIBAN", "COERCE", None)),
    # who is counted
    ("The Taliban kidnapped dozens of aid workers.", "kidnapped", ("TALIBAN", "ASSAULT", "U-AID-WORKERS")),
])
def test_template_reads_its_arguments(extractor, text, trigger, triple):
    found = _triples(extractor, text, trigger)
    assert triple in found, found


@pytest.mark.parametrize("text,trigger", [
    # an unresolved doer named as the object is no deed: nobody is made its author
    ("No government had blamed the armed forces of killing civilians.", "killing"),
    # the venue of an agreement or of talks is no party
    ("Observers reported violations of the Minsk agreements in the east.", "agreements"),
    ("The Geneva talks ended without a deal.", "talks"),
    # everyday senses of "fall to"
    ("The task of rebuilding fell to the Afghan government.", "fell"),
])
def test_no_agent_is_read(extractor, text, trigger):
    assert {s for s, _, _ in _triples(extractor, text, trigger)} <= {None}
