"""Quotations and their speakers (claimgraph/nlp/claims/quotes.py): marks, paragraphs, attribution."""

from __future__ import annotations

import pytest
import spacy

from claimgraph.models import Document
from claimgraph.nlp.claims.quotes import QuotationIndex, find_quotations, paragraphs

NLP = spacy.blank("en")
NLP.add_pipe("sentencizer")


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotations(text)]


def test_curly_quotation_over_two_sentences_is_one():
    text = "Varga added, \u201cThe brigade attacked the base. We will defend the town.\u201d Nobody else spoke."
    assert quoted(text) == ["\u201cThe brigade attacked the base. We will defend the town.\u201d"]


def test_straight_quotes_open_and_close_in_turn():
    text = 'Varga said: "The brigade attacked the base." Then Lenn said "we saw nothing".'
    assert quoted(text) == ['"The brigade attacked the base."', '"we saw nothing"']


def test_a_quotation_goes_on_in_the_next_paragraph_that_opens_with_a_mark():
    text = 'Varga said: "The brigade attacked the base.\n"We will defend the town."\nThe talks resumed.'
    got = find_quotations(text)
    assert [text[q.start : q.end] for q in got] == ['"The brigade attacked the base.', '"We will defend the town."']
    assert got[0].chain == got[1].chain and not got[0].closed and got[1].closed


def test_an_unclosed_quotation_ends_with_its_paragraph():
    text = 'Varga said: "The brigade attacked the base.\nThe talks resumed on Monday in the capital.'
    assert quoted(text) == ['"The brigade attacked the base.']


def test_glued_paragraphs_keep_one_quotation_or_end_it():
    # paragraphs run together without a break: 'base."We' goes on with the quotation (the next mark closes);
    # 'Monday."Lenn' opens nothing that the next mark would close (it opens another)
    text = ('He said: "The brigade attacked the base."We will defend the town." The talks resumed on Monday."'
            'Lenn called for "a halt to all the shelling".')
    got = find_quotations(text)
    parts = [text[q.start : q.end] for q in got]
    assert parts[0] == '"The brigade attacked the base."'
    assert parts[1].startswith("We will defend") and parts[1].endswith('town."')
    assert got[0].chain == got[1].chain
    assert parts[2] == '"a halt to all the shelling"'
    assert not any("talks resumed" in p for p in parts)


def test_hard_wrapped_text_breaks_paragraphs_at_blank_lines_only():
    text = "THE MESSAGE SAID: \"WE\nWILL FIGHT ON.\"\n\nTHE POLICE\nARRIVED.\n"
    second = text.index("THE POLICE")
    assert paragraphs(text) == [(0, second - 2), (second, len(text))]
    assert quoted(text) == ['"WE\nWILL FIGHT ON."']


def test_attribution_before_the_opening_after_the_closing_and_by_continuation():
    text = ('Varga added, "The brigade attacked the base. It also burned the depot." '
            '"They fired on the airport," Lenn said. "They ambushed a convoy near the border." '
            'Scare "quotes" are no quotation.')
    doc = NLP(text)
    added = next(t.i for t in doc if t.text == "added")
    said = next(t.i for t in doc if t.text == "said")
    index = QuotationIndex(doc)
    index.attribute([added, said])

    def speaker(word: str) -> int | None:
        return index.speaker_trigger(next(t for t in doc if t.text == word).idx)

    assert speaker("burned") == added  # second sentence of a quotation introduced by "Varga added,"
    assert speaker("fired") == said  # closed by '," Lenn said'
    assert speaker("ambushed") == said  # the quotation after it in the same paragraph
    assert speaker("quotes") is None  # a one-word scare quote is not someone's words


def test_a_colon_at_the_end_of_the_sentence_before_introduces_the_quotation():
    doc = NLP('The ministry said:\n"The brigade attacked the base. It burned the depot."')
    said = next(t.i for t in doc if t.text == "said")
    index = QuotationIndex(doc)
    index.attribute([said])
    assert index.speaker_trigger(next(t for t in doc if t.text == "burned").idx) == said


@pytest.mark.e2e
def test_every_sentence_of_a_quotation_keeps_its_speaker(extractor):
    text = ("Rebels shelled the port of Veldar on Monday, army spokesman Tomas Varga told reporters.\n"
            "Varga added, \u201cThe Kestrel Brigade attacked our base at dawn. The Kestrel Brigade also kidnapped "
            "two engineers from the Veldar power plant.\u201d\n"
            "The Kestrel Brigade ambushed a police convoy near Ostrova on Tuesday.\n")
    result = extractor.extract(Document(id="t", text=text))
    by_trigger = {s.trigger: s for s in result.statements}
    assert by_trigger["attacked"].asserter == by_trigger["kidnapped"].asserter == "X-TOMAS-VARGA"
    assert by_trigger["kidnapped"].rule.endswith("/frame:quote")
    assert by_trigger["ambushed"].asserter == "author"  # outside the quotation: the article's own voice


@pytest.mark.e2e
def test_a_speech_act_in_a_quotation_stays_the_authors_and_stress_the_need_is_a_request(extractor):
    text = ("Tomas Varga said: \u201cThe Kestrel Brigade attacked our base at dawn. "
            "Foreign Minister Lena Orsk stressed the need for a lasting ceasefire in Ostrova.\u201d\n")
    result = extractor.extract(Document(id="t", text=text))
    request = next(s for s in result.statements if s.event_type == "REQUEST")
    assert (request.asserter, request.subject) == ("author", "X-LENA-ORSK")
    attack = next(s for s in result.statements if s.event_type == "ASSAULT")
    assert attack.asserter == "X-TOMAS-VARGA"
