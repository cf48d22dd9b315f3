"""ALL-CAPS text preparation (claimgraph/truecase.py)."""

from __future__ import annotations

import pytest

from claimgraph.kb import KnowledgeBase
from claimgraph.models import Actor, Document, Mention, Statement
from claimgraph.truecase import Truecaser, caps_regions, original_text


@pytest.fixture(scope="module")
def truecaser() -> Truecaser:
    kb = KnowledgeBase()
    for actor in (Actor(id="KRF", name="Kestrel Ridge Front", type="armed_group", exact_aliases=["KRF"]),
                  Actor(id="WHO", name="World Health Organization", type="igo", exact_aliases=["WHO"]),
                  Actor(id="VEL", name="Veldoria", type="country", demonyms=["Veldorian"], metonyms=["Port Arlen"]),
                  Actor(id="P_JOHN_MARLOW", name="John Marlow", type="person")):
        kb.add(actor)
    words = {"member", "attack", "army", "say", "who", "they", "town", "ridge", "front", "colonel", "john", "bush",
             "kill", "general", "strike", "take", "the", "of", "in", "near", "capital", "veldorian", "last", "night"}
    open_words = {"say", "attack", "kill", "take", "general", "last"}
    return Truecaser.build(kb, words | {"killed", "took", "said"}, open_words | {"killed", "took", "said"},
                           ["col", "colonel", "president"], places=["San Telmo"])


def test_caps_regions_skip_mixed_case_lines():
    text = "QUESTION: Did you see it?\nTHE KESTREL RIDGE FRONT ATTACKED\nTHE TOWN.\nThe end."
    assert [text[a:b] for a, b in caps_regions(text)] == ["THE KESTREL RIDGE FRONT ATTACKED\nTHE TOWN.\n"]


def test_truecasing_keeps_length_and_restores_names(truecaser):
    text = ("MEMBERS OF THE KESTREL RIDGE FRONT (KRF) ATTACKED SAN TELMO, NEAR PORT ARLEN. THEY SAID WHO\n"
            "TOOK PART. COL VARGAS AND JOHN BUSH OF THE VELDORIAN ARMY KILLED ZAMORANO LAST NIGHT.")
    out = truecaser(text)
    assert len(out) == len(text) and out.lower() == text.lower()
    assert out.startswith("Members of the Kestrel Ridge Front (KRF) attacked San Telmo, near Port Arlen.")
    assert "They said who\ntook part." in out  # pronouns are no acronyms
    assert "Col Vargas and John Bush of the Veldorian army killed Zamorano last night." in out


def test_mixed_case_text_is_left_alone(truecaser):
    text = "The WHO said the KRF attacked."
    assert truecaser(text) == text


def test_original_text_quotes_the_original():
    text = "THE KRF ATTACKED."
    statement = Statement(id="s1", asserter="author", stance="asserts", subject="KRF", event_type="ASSAULT",
                          object=None, quote="The KRF attacked.", start=0, end=17, trigger="attacked",
                          trigger_start=8, trigger_end=16, rule="r", confidence=1.0, subject_text="the KRF")
    mention = Mention(start=4, end=7, text="KRF", actor="KRF")
    statements, mentions = original_text([statement], [mention], text)
    assert (statements[0].quote, statements[0].trigger, statements[0].subject_text) == (text, "ATTACKED", "THE KRF")
    assert mentions[0].text == "KRF"


@pytest.mark.e2e
def test_all_caps_report_end_to_end(extractor):
    text = ("GUERRILLAS OF THE FARC ATTACKED A POLICE STATION IN MEDELLIN LAST NIGHT. THEY SAID WHO\n"
            "WILL PAY FOR THE DAMAGE IS NOT CLEAR, A POLICE SPOKESMAN SAID.")
    result = extractor.extract(Document(id="caps", text=text))
    linked = {m.actor for m in result.mentions}
    assert "WHO" not in linked and "FARC" in linked  # "WHO" is the pronoun; FARC keeps its name
    assert all(m.text == text[m.start:m.end] for m in result.mentions)
    assert all(s.quote == text[s.start:s.end] for s in result.statements)
