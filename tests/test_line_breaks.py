"""Headlines and paragraph breaks end sentences; hard-wrapped prose does not."""

from __future__ import annotations

import spacy

from claimgraph.nlp.line_breaks import mark_line_breaks

NLP = spacy.blank("en")


def starts(text: str) -> list[str]:
    doc = mark_line_breaks(NLP(text))
    return [t.text for t in doc[1:] if t.is_sent_start is True]  # the first token always starts one


def test_headline_line_starts_a_sentence():
    assert starts("Clashes on the border\nPakistan accused Afghanistan of sheltering fighters.") == ["Pakistan"]


def test_blank_line_starts_a_sentence():
    assert starts("The army said the road was open\n\nResidents said it was closed.") == ["Residents"]


def test_wrapped_prose_keeps_its_sentence():
    text = ("The ministry said on Monday that the talks between the two delegations would resume\n"
            "Tuesday in the capital.")
    assert starts(text) == []
    assert starts("Talks collapsed on\nMonday, officials said.") == []  # a line ending in a function word


def test_html_page_through_the_cli(tmp_path):
    from click.testing import CliRunner

    from claimgraph.cli import main

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Border clashes</title></head><body><nav>Home | World</nav><article>"
        "<h1>Border clashes</h1><p>Pakistan accused Afghanistan on Monday of sheltering fighters of the "
        "Tehreek-e-Taliban Pakistan, a charge Kabul rejected.</p><p>The Pakistani army said its troops had "
        "repelled an attack by TTP militants near the border crossing.</p></article>"
        "<footer>Copyright 2025</footer></body></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(page), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["document"]["date"] is None  # not the footer's copyright year
    assert any(s["asserter"] == "author" and s["subject"] == "PAK" and s["event_type"] == "ACCUSE"
               for s in data["statements"])
    assert "Home | World" not in data["statements"][0]["quote"]


def test_glued_sentences_are_split_and_end_a_sentence():
    from claimgraph.nlp.line_breaks import split_glued_sentences

    nlp = spacy.blank("en")
    split_glued_sentences(nlp)
    doc = mark_line_breaks(nlp("The blast injured more than 40.Judge Orlen ordered the suspect held.== Notes =="))
    assert [t.text for t in doc][:8] == ["The", "blast", "injured", "more", "than", "40", ".", "Judge"]
    assert [t.text for t in doc[1:] if t.is_sent_start is True] == ["Judge", "=="]
    assert doc.text == "The blast injured more than 40.Judge Orlen ordered the suspect held.== Notes =="
    # abbreviations, decimals and capitals before the stop are no glued sentence end
    kept = nlp("The U.S.Army said 3.5 percent left, e.g. here.")
    assert "U.S.Army" in [t.text for t in kept] and "3.5" in [t.text for t in kept]


def _stretches(doc) -> list[int]:  # noqa: ANN001
    """Non-space tokens between preset sentence starts."""
    lengths, run = [], 0
    for token in doc:
        if token.i > 0 and token.is_sent_start:
            lengths.append(run)
            run = 0
        run += not token.is_space
    return [*lengths, run]


def test_text_without_sentence_ends_is_cut_at_the_cap():
    from claimgraph.nlp.line_breaks import MAX_SENTENCE_TOKENS, cap_sentences

    text = "a " * 1000
    doc = cap_sentences(NLP(text))
    assert doc.text == text  # only boundaries are set: the text and every offset stay as they were
    assert max(_stretches(doc)) == MAX_SENTENCE_TOKENS
    assert len(_stretches(doc)) == 1000 // MAX_SENTENCE_TOKENS
    assert all(doc[t.i + 1].is_sent_start is False for t in doc[1:-1] if t.is_sent_start)


def test_the_cap_counts_from_the_last_sentence_end():
    from claimgraph.nlp.line_breaks import cap_sentences

    prose = "The army said the road was open. " * 60  # 8 tokens a sentence, 480 in all
    assert not any(t.is_sent_start for t in cap_sentences(NLP(prose))[1:])  # ordinary text: no boundary
    doc = cap_sentences(NLP("Officials spoke. " + "Karth and " * 6 + "Lisk?! " + "word " * 25), limit=10)
    assert _stretches(doc) == [13, 15, 10, 5]  # 10 names, then "?!" ends the run; the words after it are cut
    assert [t.text for t in doc[1:] if t.is_sent_start] == ["Karth", "word", "word"]


def test_the_pipeline_reads_no_sentence_longer_than_the_cap(extractor):
    from claimgraph.models import Document
    from claimgraph.nlp.line_breaks import MAX_SENTENCE_TOKENS

    text = "a " * 900 + "Officials in Karth said the army of Veldoria attacked Lisk on Monday."
    doc = extractor.nlp(extractor._make_doc(Document(id="t", text=text)))
    assert max(len([t for t in s if not t.is_space]) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    (result,) = extractor.extract_each([Document(id="t", text=text)])
    assert all(text[m.start:m.end] == m.text for m in result.mentions)
    assert all(s.quote in text for s in result.statements)
