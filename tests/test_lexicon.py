"""Loading and validating the ontology and lexicon data files, and user overlays via CLAIMGRAPH_LEXICON."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.errors import DataFileError
from claimgraph.lexicon import ENV_VAR, build_lexicon, bundled_files, load_lexicon
from claimgraph.models import ACTOR_TYPES, EVENT_TYPES, STANCES
from claimgraph.ontology import load_ontology


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


GOOD_ENTRY = """
entries:
  - id: user.meddle
    pos: verb
    lemmas: [meddle, interfere]
    event: COERCE
    examples: ["The agency meddled in the election."]
"""


# ---------------------------------------------------------------- ontology


def test_ontology_matches_models():
    onto = load_ontology()
    assert set(onto.events) == set(EVENT_TYPES)
    assert set(onto.stances) == set(STANCES)
    assert set(onto.actor_types) == set(ACTOR_TYPES)
    assert onto.has_mode("ASSAULT", "abduct") and not onto.has_mode("AGREE", "abduct")
    assert onto.has_mode("CONSULT", "visit") and onto.has_context("terrorism")
    assert onto.sector_actor_type("spy") == "intelligence"
    for code in ("GOV", "MIL", "SPY", "COP", "JUD", "LEG", "REB", "INS", "PTY", "MED", "NGO", "IGO", "BUS", "CVL", "REF",
                 "EDU", "LAB"):
        assert code in onto.sectors
    assert all(ev.definition for ev in onto.events.values())


def _ontology_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ontology"
    shutil.copytree(package_data_path("ontology"), target)
    return target


def test_ontology_missing_event_type_is_an_error(tmp_path):
    directory = _ontology_copy(tmp_path)
    plover = directory / "plover.yaml"
    plover.write_text(plover.read_text(encoding="utf-8").replace("  - name: AGREE\n", "  - name: AGREED\n"), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_ontology(directory)
    assert "plover.yaml" in str(err.value) and "AGREED" in str(err.value)
    assert err.value.line is not None


def test_actor_types_must_equal_models(tmp_path):
    directory = _ontology_copy(tmp_path)
    path = directory / "actor_types.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - name: other")
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(DataFileError, match="actor_types.yaml.*missing other"):
        load_ontology(directory)


def test_stances_must_equal_models(tmp_path):
    directory = _ontology_copy(tmp_path)
    path = directory / "stances.yaml"
    path.write_text("stances:\n  - {name: asserts, definition: x}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="stances.yaml.*missing"):
        load_ontology(directory)


# ---------------------------------------------------------------- bundled lexicon


def test_bundled_lexicon_loads_and_is_rich():
    lex = load_lexicon(use_env=False)
    assert len(lex.predicates) >= 150
    assert sum(len(e.lemmas) for e in lex.predicates) >= 800
    assert {e.event for e in lex.predicates} == set(EVENT_TYPES)
    assert len(lex.reporting) >= 10 and lex.nominal and lex.prepositional and lex.cues and lex.light_verbs
    assert [Path(f).name for f in lex.files] == [p.name for p in bundled_files()]
    assert all(e.examples for e in lex.predicates)


def test_lexicon_values_exist_in_ontology():
    onto = load_ontology()
    lex = load_lexicon(use_env=False)
    for e in lex.predicates:
        assert e.event in onto.events
        assert e.mode is None or onto.has_mode(e.event, e.mode), e.id
        assert all(onto.has_context(c) for c in e.context), e.id
    for r in lex.reporting:
        assert r.content_stance in onto.stances
    for s in lex.anonymous_sources:
        assert s.actor_type in onto.actor_types


def test_no_order_dependent_ambiguity():
    """Two unconstrained entries for one lemma and part of speech would make the file order decide."""
    lex = load_lexicon(use_env=False)
    for (lemma, pos), entries in lex.predicates_by_lemma.items():
        plain = [e.id for e in entries if e.specificity() == 0]
        assert len(plain) <= 1, (lemma, pos, plain)


def test_anonymous_sources():
    lex = load_lexicon(use_env=False)
    assert lex.anonymous_source("official", ["security"]) == "security_forces"
    assert lex.anonymous_source("input", ["intelligence"]) == "intelligence"
    assert lex.anonymous_source("official") == "government"
    assert lex.anonymous_source("witness") == "population"
    assert lex.anonymous_source("table") is None


def test_required_lemmas_are_covered():
    lex = load_lexicon(use_env=False)
    verbs = {lemma for (lemma, pos) in lex.predicates_by_lemma if pos == "verb"}
    nouns = {lemma for (lemma, pos) in lex.predicates_by_lemma if pos == "noun"}
    for verb in ("support", "back", "sign", "ink", "meet", "accuse", "deny", "attack", "designate", "arrest",
                 "recruit", "urge", "protest", "withdraw", "concede", "cooperate", "kill", "threaten"):
        assert verb in verbs, verb
    for noun in ("backing", "nexus", "partnership", "alliance", "collusion", "hand", "attack", "strike"):
        assert noun in nouns, noun
    reporting = set(lex.reporting_by_lemma)
    for verb in ("say", "claim", "accuse", "deny", "suggest", "warn", "admit"):
        assert verb in reporting, verb


# ---------------------------------------------------------------- errors name file and line


@pytest.mark.parametrize(
    "body,line,message",
    [
        ("entries:\n  - id: x\n    pos: verb\n    lemmas: [x]\n    event: PARTY\n    examples: [a]\n", 2, "event"),
        ("entries:\n  - id: ok\n    pos: verb\n    lemmas: [y]\n    event: AID\n    examples: [a]\n"
         "  - id: x\n    pos: verb\n    lemmas: [x]\n    event: AID\n    mode: visit\n    examples: [a]\n", 7,
         "not a mode of AID"),
        ("entries:\n  - id: x\n    pos: verb\n    lemmas: [x]\n    event: AID\n    context: [picnic]\n    examples: [a]\n",
         2, "unknown PLOVER context"),
        ("entries:\n  - id: x\n    pos: verb\n    lemmas: [two words]\n    event: AID\n    examples: [a]\n", 2, "lemmas"),
        ("entries:\n  - id: x\n    pos: verb\n    lemmas: [x]\n    event: AID\n    examples: []\n", 2, "examples"),
        ("reporting:\n  - id: r\n    lemmas: [x]\n    content_stance: doubts\n    content_via: [ccomp]\n    examples: [a]\n",
         2, "content_stance"),
        ("anonymous_sources:\n  - id: a\n    lemmas: [x]\n    actor_type: alien\n", 2, "actor_type"),
        ("\n\nsynonyms:\n  - a\n", 3, "unknown section"),
        ("entries: [\n", None, "invalid YAML"),
    ],
)
def test_bad_overlay_names_file_and_line(tmp_path, body, line, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_lexicon([path], use_env=False)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    if line is not None:
        assert err.value.line == line and f"{path}:{line}:" in str(err.value)


def test_duplicate_id_in_bundled_files_is_an_error(tmp_path):
    a = _write(tmp_path, "a.yaml", GOOD_ENTRY)
    b = _write(tmp_path, "b.yaml", GOOD_ENTRY)
    with pytest.raises(DataFileError, match=r"b\.yaml:2: duplicate id 'user.meddle'"):
        build_lexicon([a, b], [], load_ontology())


def test_id_shared_between_match_sections_is_an_error(tmp_path):
    path = _write(tmp_path, "clash.yaml", """
        reporting:
          - id: attack_like
            lemmas: [whisper]
            content_stance: asserts
            content_via: [ccomp]
            examples: ["He whispered that it was over."]
        entries:
          - id: attack_like
            pos: verb
            lemmas: [pummel]
            event: ASSAULT
            examples: ["They pummelled the town."]
    """)
    with pytest.raises(DataFileError, match="id 'attack_like' is already used in section"):
        load_lexicon([path], use_env=False)


# ---------------------------------------------------------------- user overlays


def test_overlay_via_environment_adds_replaces_and_removes(tmp_path, monkeypatch):
    user = _write(tmp_path, "user.yaml", GOOD_ENTRY + """
  - id: support.verb
    pos: verb
    lemmas: [support]
    event: SUPPORT
    examples: ["They support the plan."]
remove: [assault.go_after]
""")
    monkeypatch.setenv(ENV_VAR, str(user))
    lex = load_lexicon()
    assert str(user) in lex.files
    assert lex.predicate("user.meddle").event == "COERCE"
    assert lex.predicate("support.verb").lemmas == ["support"]  # replaced, not merged
    assert ("back", "verb") not in lex.predicates_by_lemma or all(
        e.id != "support.verb" for e in lex.predicates_by_lemma[("back", "verb")]
    )
    assert lex.predicate("assault.go_after") is None
    assert lex.origins[("entries", "user.meddle")].path == str(user)
    monkeypatch.delenv(ENV_VAR)
    assert load_lexicon().predicate("user.meddle") is None


def test_overlay_directory_and_pathsep_list(tmp_path, monkeypatch):
    import os

    folder = tmp_path / "more"
    folder.mkdir()
    _write(folder, "one.yaml", GOOD_ENTRY)
    other = _write(tmp_path, "two.yaml", """
        light_verbs:
          - id: user_give
            class: give
            lemmas: [confer]
            examples: ["x"]
    """)
    monkeypatch.setenv(ENV_VAR, os.pathsep.join([str(folder), str(other)]))
    lex = load_lexicon()
    assert lex.predicate("user.meddle") is not None
    assert any(lv.id == "user_give" and lv.lemmas == ["confer"] for lv in lex.light_verbs)


def test_overlay_reaches_the_component(tmp_path):
    import spacy
    from spacy.tokens import Doc

    from claimgraph.nlp.claims.triggers import PredicateMatcher

    user = _write(tmp_path, "user.yaml", GOOD_ENTRY)
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Spies", "meddled", "here"], tags=["NNS", "VBD", "RB"], pos=["NOUN", "VERB", "ADV"],
              lemmas=["spy", "meddle", "here"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "advmod"])
    PredicateMatcher(load_lexicon([user], use_env=False))(doc)
    assert [m.entry_id for m in doc._.cg_predicates] == ["user.meddle"]
    PredicateMatcher(load_lexicon(use_env=False))(doc)
    assert doc._.cg_predicates == []


def test_remove_unknown_id_is_an_error(tmp_path):
    user = _write(tmp_path, "user.yaml", "remove: [no.such.entry]\n")
    with pytest.raises(DataFileError, match="no entry with id 'no.such.entry'"):
        load_lexicon([user], use_env=False)
