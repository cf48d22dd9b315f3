"""Unit and end-to-end tests of the actor ruler and linker (claimgraph.nlp.actors.ruler / linker)."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
import spacy
import yaml

import claimgraph.kb as kb_package
from claimgraph.errors import DataFileError
from claimgraph.kb import knowledge_base
from claimgraph.nlp.actors.acronyms import find_definitions
from claimgraph.nlp.actors.lexicons import load_description_lexicon, load_sector_lexicon
from claimgraph.nlp.actors.names import name_variants
from claimgraph.nlp.actors.anaphora import is_pleonastic
from claimgraph.nlp.pipeline import MODEL_NAME

OVERLAY = Path(__file__).parent / "golden" / "actors" / "kb_overlay.yaml"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE = SHARED / "corpus" / "isi-iskp-balochistan-2025-09-19.txt"


def actor_pipeline(kb_path: Path, base: str | None = MODEL_NAME):
    """``base`` (a model name, or None for a blank English tokenizer) + cg_actor_ruler/cg_actor_linker over
    ``kb_path`` alone: the bundled KB files are patched out so these tests do not move with them."""
    import claimgraph.nlp.actors.linker  # noqa: F401  (registers the factories)
    import claimgraph.nlp.actors.ruler  # noqa: F401

    empty = Path(tempfile.mkdtemp(prefix="cg-empty-kb-"))
    original = knowledge_base.package_data_path
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(knowledge_base.KB_ENV, raising=False)
        mp.setattr(knowledge_base, "package_data_path", lambda *p: empty if p == ("kb",) else original(*p))
        kb_package._cached.cache_clear()
        nlp = spacy.load(base) if base else spacy.blank("en")
        config = {"kb_paths": [str(kb_path)]}
        if base:
            nlp.add_pipe("cg_actor_ruler", before="ner", config=config)
        else:
            nlp.add_pipe("cg_actor_ruler", config=config)
        nlp.add_pipe("cg_actor_linker", config=config)
    kb_package._cached.cache_clear()
    return nlp


def linked(doc) -> list[tuple[str, str]]:
    return [(doc[m.start:m.end].text, m.actor_id) for m in doc._.cg_mentions if m.actor_id and m.rule != "generic"]


@pytest.fixture(scope="module")
def blank_nlp():
    return actor_pipeline(OVERLAY, base=None)


@pytest.fixture(scope="module")
def nlp():
    return actor_pipeline(OVERLAY)


# ---- names, acronyms, data files --------------------------------------------------------------------------
def test_name_variants_cover_hyphens_al_and_apostrophes():
    assert {"Jaish-e-Mohammed", "Jaish e Mohammed"} <= name_variants("Jaish-e-Mohammed")
    assert {"Lashkar-e-Taiba", "Lashkar e Taiba"} <= name_variants("Lashkar e Taiba")
    assert {"Al-Azaim Media", "Al Azaim Media", "Azaim Media"} <= name_variants("Al-Azaim Media")
    assert {"Da'esh", "Da\u2019esh"} <= name_variants("Da'esh")
    assert "Islamic State" in name_variants("The Islamic State")


def test_acronym_definitions_both_orders():
    nlp = spacy.blank("en")
    doc = nlp("fighters of the Tehreek-e-Taliban Pakistan (TTP) and the KRF (Kestrel Ridge Front) met in Paris (France).")
    found = [(d.acronym, doc[d.long_start:d.long_end].text) for d in find_definitions(doc)]
    assert found == [("TTP", "Tehreek-e-Taliban Pakistan"), ("KRF", "Kestrel Ridge Front")]


def test_lexicons_load():
    sectors = load_sector_lexicon()
    assert sectors.by_phrase[("security", "force")].suffixes == ("COP",)
    assert sectors.by_phrase[("army",)].suffixes == ("ARMY", "MIL")
    assert sectors.sectors["SPY"].type == "intelligence"
    descriptions = load_description_lexicon()
    assert "armed_group" in descriptions.by_head[("outfit",)].types
    assert descriptions.by_form["he"].types == ("person",)


def test_lexicon_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "sector_nouns.yaml"
    bad.write_text("sectors:\n  GOV: {type: government, name: x}\nnouns:\n  - {phrase: army, suffixes: [GOV]}\n"
                   "  - {phrase: navy, sufixes: [GOV]}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"sector_nouns\.yaml:5"):
        load_sector_lexicon(str(bad))
    unknown = tmp_path / "unknown_sector.yaml"
    unknown.write_text("sectors:\n  GOV: {type: government, name: x}\nnouns:\n  - {phrase: army, suffixes: [MIL]}\n",
                       encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown sector"):
        load_sector_lexicon(str(unknown))


# ---- the ruler ----------------------------------------------------------------------------------------------
def _ents(doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def test_ruler_matches_hyphenated_names_and_variants(blank_nlp):
    doc = blank_nlp("Jaish-e-Mohammed, Jaish e Mohammed and Lashkar-e-Taiba met Al-Azaim Media and Azaim Media.")
    assert _ents(doc) == [("Jaish-e-Mohammed", "ORG", "JEM"), ("Jaish e Mohammed", "ORG", "JEM"),
                          ("Lashkar-e-Taiba", "ORG", "LET"), ("Al-Azaim Media", "ORG", "AL_AZAIM"),
                          ("Azaim Media", "ORG", "AL_AZAIM")]


def test_ruler_is_case_sensitive_for_acronyms_and_needs_a_capital(blank_nlp):
    doc = blank_nlp("Let us see what the US does about the islamic state khorasan province and ISKP.")
    assert _ents(doc) == [("US", "GPE", "USA"), ("ISKP", "ORG", "ISKP")]


def test_ruler_longest_match_wins_and_skips_demonyms(blank_nlp):
    doc = blank_nlp("The Pakistan Army and Pakistani officials met Afghan Taliban envoys in Kabul.")
    assert _ents(doc) == [("Pakistan Army", "ORG", "PAK_ARMY"), ("Afghan Taliban", "ORG", "TALIBAN"),
                          ("Kabul", "GPE", "AFG")]


def test_ruler_fuzzy_matches_transliterations_before_ner(blank_nlp):
    doc = blank_nlp("Fighters of Jaish-e-Muhammad and the Tehrik-e-Taliban Pakistan crossed over.")
    assert _ents(doc) == [("Jaish-e-Muhammad", "ORG", "JEM"), ("Tehrik-e-Taliban Pakistan", "ORG", "TTP")]
    rules = {m.actor_id: m.rule for m in doc._.cg_mentions}
    assert rules == {"JEM": "fuzzy", "TTP": "fuzzy"}


def test_ruler_finds_names_among_thousands(tmp_path):
    # Correctness at scale only: how fast the ruler builds and runs is measured by bench/, never by a timed test.
    actors = [{"id": f"G{n}", "name": f"Brigade of the {w} {n}", "type": "armed_group",
               "aliases": [f"{w}-e-Group-{n}", f"al-{w} Front {n}"], "exact_aliases": [f"GX{n}"]}
              for n, w in enumerate(["Northern", "Southern", "Eastern", "Western"] * 750)]
    kb_file = tmp_path / "big.yaml"
    kb_file.write_text(yaml.safe_dump({"actors": actors}), encoding="utf-8")
    nlp = actor_pipeline(kb_file, base=None)
    doc = nlp("Yesterday the Southern-e-Group-1001 and GX7 clashed with al-Eastern Front 2.")
    assert [e.ent_id_ for e in doc.ents] == ["G1001", "G7", "G2"]


# ---- the linker without a parser ------------------------------------------------------------------------------
def test_acronym_for_unknown_group_is_a_provisional_alias(blank_nlp):
    doc = blank_nlp("The Northern Valley Liberation Front (NVLF) attacked. Later the NVLF withdrew.")
    actor_id = "X-NORTHERN-VALLEY-LIBERATION-FRONT"
    assert linked(doc) == [("Northern Valley Liberation Front", actor_id), ("NVLF", actor_id), ("NVLF", actor_id)]
    assert doc._.cg_doc_aliases == {"NVLF": actor_id}
    actor = doc._.cg_actors[actor_id]
    assert actor.provisional and actor.type == "armed_group"


def test_misnamed_acronym_links_to_the_kb_acronym(blank_nlp):
    doc = blank_nlp("They listed the Balochistan Nationalist Army (BLA) as terrorists.")
    assert linked(doc) == [("Balochistan Nationalist Army", "BLA"), ("BLA", "BLA")]
    assert doc._.cg_mentions[0].rule == "acronym"


def test_written_definition_overrides_kb_acronym(blank_nlp):
    doc = blank_nlp("The Kestrel Ridge Front (KRF) and the Kestrel Ridge Foundation (KRFN) met. The KRFN left.")
    assert linked(doc)[-1] == ("KRFN", "X-KESTREL-RIDGE-FOUNDATION")
    assert doc._.cg_actors["X-KESTREL-RIDGE-FOUNDATION"].type == "ngo"


def test_project_acronym_defines_no_actor(blank_nlp):
    doc = blank_nlp("Both praised the China Pakistan Economic Corridor (CPEC) and said the CPEC would grow.")
    assert linked(doc) == [("China", "CHN"), ("Pakistan", "PAK")]
    assert doc._.cg_doc_aliases == {}


def test_actors_are_reported_as_of_the_document_date(tmp_path):
    kb_file = tmp_path / "kb.yaml"
    kb_file.write_text(yaml.safe_dump({"actors": [{
        "id": "OLDNEW", "name": "New Front", "type": "armed_group", "aliases": ["Old Front"],
        "periods": [{"valid_to": "2019-12-31", "name": "Old Front", "type": "political_org"}],
    }]}), encoding="utf-8")
    nlp = actor_pipeline(kb_file, base=None)
    doc = nlp.make_doc("The Old Front met.")
    doc._.cg_doc_date = dt.date(2018, 5, 1)
    doc = nlp(doc)
    actor = doc._.cg_actors["OLDNEW"]
    assert (actor.name, actor.type) == ("Old Front", "political_org")
    kb_actor = nlp.get_pipe("cg_actor_linker").kb.actors["OLDNEW"]
    assert (kb_actor.name, kb_actor.type) == ("New Front", "armed_group")  # not mutated


# ---- the linker with the model ------------------------------------------------------------------------------
@pytest.mark.e2e
def test_demonym_org_uses_kb_ids_or_derives_them(nlp):
    doc = nlp("Indian agencies said Pakistan's military and the Pakistani army were on alert, Iranian officials said.")
    assert linked(doc) == [("Indian agencies", "IND_SPY"), ("Pakistan's military", "PAK_MIL"),
                           ("Pakistani army", "PAK_ARMY"), ("Iranian officials", "IRN_GOV")]
    derived = doc._.cg_actors["PAK_MIL"]
    assert (derived.provisional, derived.type, derived.country, derived.parent) == (True, "military", "PAK", "PAK")
    assert derived.name == "Pakistani armed forces"
    assert not doc._.cg_actors["IND_SPY"].provisional


@pytest.mark.e2e
def test_metonym_as_place_is_not_an_actor(nlp):
    doc = nlp("Beijing condemned the attack. The envoys will meet in Beijing and at the Kremlin.")
    assert linked(doc) == [("Beijing", "CHN")]
    assert doc._.cg_mentions[0].rule == "metonym" and doc._.cg_mentions[0].sense == "government"


@pytest.mark.e2e
@pytest.mark.parametrize("text, pleonastic", [
    ("It is clear that the talks failed.", True),
    ("It would be essential for the deal to go through.", True),
    ("In reality it is Iran which pays them.", True),
    ("It seems that nobody knows.", True),
    ("It said the attack was planned.", False),
    ("It is having a hard time.", False),
])
def test_pleonastic_it(nlp, text, pleonastic):
    doc = nlp(text)
    it = next(t for t in doc if t.lower_ == "it")
    assert is_pleonastic(it, load_description_lexicon()) is pleonastic


@pytest.mark.e2e
def test_pronoun_without_compatible_candidate_is_not_linked(nlp):
    doc = nlp("Pakistan and India resumed talks. He said the group would not attend.")
    assert linked(doc) == [("Pakistan", "PAK"), ("India", "IND")]


@pytest.mark.e2e
def test_anaphora_records_antecedent_and_lower_confidence(nlp):
    doc = nlp("The TTP claimed the attack. The terror outfit said it would strike again.")
    mentions = [m for m in doc._.cg_mentions if m.actor_id]
    assert [(doc[m.start:m.end].text, m.actor_id, m.rule) for m in mentions] == [
        ("TTP", "TTP", "exact"), ("The terror outfit", "TTP", "anaphora"), ("it", "TTP", "anaphora")]
    assert mentions[1].antecedent == 0 and mentions[2].antecedent == 1
    assert all(m.confidence < 1.0 for m in mentions[1:])


# ---- the reference article --------------------------------------------------------------------------------
# surface form -> (actor id, actor type) every occurrence must link to
REFERENCE_LINKS = {
    "ISI": ("PAK_ISI", "intelligence"), "ISKP": ("ISKP", "armed_group"),
    "Islamic State Khorasan Province": ("ISKP", "armed_group"), "TTP": ("TTP", "armed_group"),
    "Tehreek-e-Taliban Pakistan": ("TTP", "armed_group"), "BLA": ("BLA", "armed_group"),
    "Balochistan Nationalist Army": ("BLA", "armed_group"), "Afghan Taliban": ("TALIBAN", "armed_group"),
    "Pakistan": ("PAK", "country"), "Islamabad": ("PAK", "country"), "Pakistan Army": ("PAK_ARMY", "military"),
    "United States": ("USA", "country"), "US": ("USA", "country"), "China": ("CHN", "country"),
    "India": ("IND", "country"), "Jaish-e-Mohammad": ("JEM", "armed_group"),
    "Lashkar-e-Taiba": ("LET", "armed_group"), "Indian agencies": ("IND_SPY", "intelligence"),
    "Pakistanis": ("PAK", "country"),
}
PLACES = ("Balochistan", "Kerala", "Punjab", "Jammu", "Kashmir", "Pashto")


def _check_reference(doc, kb) -> None:
    text = doc.text
    by_char = {(doc[m.start:m.end].start_char, doc[m.start:m.end].end_char): m for m in doc._.cg_mentions}
    actors = doc._.cg_actors
    for surface, (actor_id, actor_type) in REFERENCE_LINKS.items():
        hits = [mt for mt in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text)]
        assert hits, surface
        for hit in hits:
            longer = [span for span in by_char if span[0] <= hit.start() and hit.end() <= span[1] and
                      span != hit.span()]
            if longer and text[longer[0][0]:longer[0][1]] in REFERENCE_LINKS:
                continue  # part of a longer expected name ("Pakistan Army", "Tehreek-e-Taliban Pakistan")
            mention = by_char.get(hit.span())
            assert mention is not None and mention.actor_id == actor_id, (surface, hit.start(), mention)
        assert actors[actor_id].type == actor_type
        assert actors[actor_id].name == kb.actors[actor_id].name  # full canonical name from the KB
    media = [m for m in doc._.cg_mentions if doc[m.start:m.end].text == "Al-Azaim Media"]
    assert media and actors[media[0].actor_id].type == "media"
    assert any(a.actor == "ISKP" for a in kb.actors[media[0].actor_id].affiliations)
    baloch = [m for m in doc._.cg_mentions if "Baloch" in doc[m.start:m.end].text and "Balochistan" not in
              doc[m.start:m.end].text]
    assert [m.actor_id for m in baloch] == ["BALOCH"]
    for phrase in ("this terror group", "the terror outfit", "that it had the complete backing"):
        start = text.index(phrase) + (len("that ") if phrase.startswith("that it") else 0)
        token = doc.char_span(start, start + (2 if phrase.startswith("that it") else len(phrase)))
        assert token is not None, phrase
        mention = by_char.get((token.start_char, token.end_char))
        assert mention is not None and mention.actor_id == "ISKP" and mention.rule == "anaphora", phrase
    for m in doc._.cg_mentions:
        words = doc[m.start:m.end].text
        if m.rule == "generic":  # "the Balochistan insurgents": an unnamed group, named after where it fights
            assert doc[m.end - 1].text not in PLACES, words
            continue
        assert words in REFERENCE_LINKS or not any(place in words.split() for place in PLACES), words
    assert not any(a.name in PLACES for a in actors.values())
    # (ANON- actors are the statement builder's unnamed sources, not the linker's)
    mentioned = {m.actor_id for m in doc._.cg_mentions
                 if m.actor_id and not m.actor_id.startswith("ANON-") and m.rule != "generic"}
    # The only non-KB actors are derived from the KB's countries ("Indians" -> the Indian people).
    assert {a for a in mentioned if actors[a].provisional} == {"IND_PEOPLE"}


@pytest.mark.e2e
@pytest.mark.shared
def test_reference_article_with_test_kb(nlp):
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is absent")
    doc = nlp(REFERENCE.read_text(encoding="utf-8"))
    _check_reference(doc, nlp.get_pipe("cg_actor_linker").kb)


@pytest.mark.e2e
@pytest.mark.shared
def test_reference_article_with_full_pipeline():
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is absent")
    from claimgraph.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    doc = nlp(REFERENCE.read_text(encoding="utf-8"))
    _check_reference(doc, nlp.get_pipe("cg_actor_linker").kb)


@pytest.mark.e2e
def test_names_fit_the_document_date(nlp):
    """An actor founded after the document's date is not linked; a person known alone by a name is not meant
    before the first office the knowledge base records for them."""
    def link(text: str, date: dt.date | None) -> list[tuple[str, str]]:
        doc = nlp.make_doc(text)
        doc._.cg_doc_date = date
        return linked(nlp(doc))

    text = "Grell met the Kestrel Ridge Front in Kabul."
    assert ("Grell", "P_ANTON_GRELL") in link(text, dt.date(2015, 1, 1))
    assert ("Grell", "P_ANTON_GRELL") not in link(text, dt.date(2005, 1, 1))
    assert ("Grell", "P_ANTON_GRELL") in link(text, None)


def test_the_ruler_skips_actors_founded_after_the_document_date(tmp_path):
    kb_file = tmp_path / "kb.yaml"
    kb_file.write_text(yaml.safe_dump({"actors": [{
        "id": "TASKFORCE", "name": "Joint Task Force Lantern", "type": "igo", "exact_aliases": ["Coalition"],
        "valid_from": "2014-10-17"}]}), encoding="utf-8")
    nlp = actor_pipeline(kb_file, base=None)
    for date, expected in ((dt.date(2005, 3, 1), []), (dt.date(2016, 3, 1), [("Coalition", "TASKFORCE")])):
        doc = nlp.make_doc("The Coalition met.")
        doc._.cg_doc_date = date
        assert linked(nlp(doc)) == expected


@pytest.mark.e2e
@pytest.mark.parametrize("text, linked_who", [
    ("The police arrested two men. WHO attacked the mayor?", False),  # a question's wh-word
    ("The men WHO attacked the mayor fled.", False),  # a relative pronoun after a noun
    ("WHO officials said the doctors will help.", True),
    ("Doctors from WHO arrived in the town.", True),
])
def test_an_acronym_that_is_a_wh_word_is_not_the_organisation_when_read_as_one(extractor, text, linked_who):
    from claimgraph.models import Document

    result = extractor.extract(Document(id="t", text=text))
    assert any(m.text == "WHO" and m.actor for m in result.mentions) is linked_who
