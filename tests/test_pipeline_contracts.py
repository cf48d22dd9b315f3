"""The claimgraph components keep spaCy's contracts (issue 8, stage 5): what each declares it assigns is what it
writes, their data comes through their config (not the environment), and a built pipeline saved with
``to_disk`` loads back, without reading a data file, into one that extracts exactly the same; the pipeline cache
built on that is keyed by everything the pipeline depends on and is safe to share between processes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import spacy

from claimgraph.extract import Extractor
from claimgraph.models import Document
from claimgraph.nlp import pipeline as pipeline_module
from claimgraph.nlp import pipeline_cache
from claimgraph.nlp.annotations import EXTENSIONS
from claimgraph.nlp.component import DataComponent, restoring

# Fictional actors and places, our own words.
TEXTS = [
    pipeline_module.WARM_UP_TEXT,
    "The Veldorian Liberation Front (VLF) said on Tuesday that soldiers of the Marovian army had shelled its camps "
    "near Lindgrad, killing at least 30 people. The ministry in Marovia denied the charge and accused the VLF of "
    "planning new attacks.",
    "Officials fear the militants could strike again next month, according to a police spokesman.",
    "Border clashes in the north\n\nThe Veldorian army said on Friday that it had repelled an attack.",
    "Gunmen attacked a convoy near Lindgrad on Monday and killed 12.Officials blamed the Veldorian Liberation Front.",
]
TOKEN_ATTRS = ("is_sent_start", "ent_iob_", "ent_type_", "ent_id_", "lemma_", "pos_", "tag_", "dep_")


def _state(doc) -> dict[str, object]:
    """What a component could have written, by the name spaCy's ``assigns`` gives it."""
    state: dict[str, object] = {f"doc._.{name}": repr(doc._.get(name)) for name in EXTENSIONS}
    state["doc.ents"] = repr([(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents])
    for attr in TOKEN_ATTRS:
        state[f"token.{attr.rstrip('_')}"] = repr([getattr(t, attr) for t in doc])
    return state


@pytest.fixture(scope="module")
def nlp(extractor):
    return extractor.nlp


@pytest.mark.e2e
def test_analyze_pipes_finds_no_problem(nlp):
    analysis = nlp.analyze_pipes()
    assert {name: problems for name, problems in analysis["problems"].items() if problems} == {}


@pytest.mark.e2e
def test_each_component_writes_what_it_assigns_and_only_that(nlp, extractor):
    written: dict[str, set[str]] = {name: set() for name in nlp.pipe_names if name.startswith("cg_")}
    for text in TEXTS:
        doc = extractor._make_doc(Document(id="t", text=text))
        for name, component in nlp.pipeline:
            before = _state(doc)
            doc = component(doc)
            if name in written:
                after = _state(doc)
                written[name] |= {key for key in after if after[key] != before[key]}
    declared = {name: set(nlp.get_pipe_meta(name).assigns) for name in written}
    assert {n: sorted(written[n] - declared[n]) for n in written if written[n] - declared[n]} == {}
    # and each writes something it declares (the texts give every component work)
    assert [n for n in written if not written[n] & declared[n]] == []


def test_the_state_snapshot_sees_writes():
    doc = spacy.blank("en")("Two words")
    before = _state(doc)
    doc._.cg_times = []
    doc[1].is_sent_start = True
    after = _state(doc)
    assert {k for k in after if after[k] != before[k]} == {"doc._.cg_times", "token.is_sent_start"}


def test_components_read_no_environment(monkeypatch, tmp_path):
    """$CLAIMGRAPH_LEXICON reaches the predicate matcher through build_pipeline's config, not by itself."""
    monkeypatch.setenv("CLAIMGRAPH_LEXICON", str(tmp_path / "missing.yaml"))
    nlp = spacy.blank("en")
    pipeline_module._register_components()
    nlp.add_pipe("cg_predicates")  # would fail on the missing overlay if it read the environment
    assert pipeline_module.pipeline_config()["cg_predicates"]["lexicon_paths"] == [str(tmp_path / "missing.yaml")]
    monkeypatch.setenv("CLAIMGRAPH_KB", "a.yaml" + os.pathsep + "b")
    assert pipeline_module.pipeline_config(["x.yaml"])["cg_actor_linker"]["kb_paths"] == ["x.yaml", "a.yaml", "b"]


def test_a_component_builds_when_created_and_not_while_restoring():
    built = []

    def build():
        built.append(1)
        return lambda doc: doc

    nlp = spacy.blank("en")
    DataComponent(nlp, "x", build)
    with restoring():
        waiting = DataComponent(nlp, "y", build)
    assert built == [1] and not waiting.is_built
    with pytest.raises(AttributeError):
        getattr(waiting, "model")  # noqa: B009  (spaCy probes attributes while it loads a pipeline: nothing gets built for it)
    waiting.initialize()
    assert built == [1, 1] and waiting.is_built


@pytest.mark.e2e
def test_a_saved_pipeline_loads_without_data_files_and_extracts_the_same(nlp, extractor, tmp_path, monkeypatch):
    nlp.to_disk(tmp_path / "saved")
    from claimgraph.nlp.actors import ruler

    def no_data(*args, **kwargs):
        raise AssertionError("a data file was read")

    monkeypatch.setattr(ruler, "get_knowledge_base", no_data)  # what a component would call to build
    with restoring():
        loaded = spacy.load(tmp_path / "saved")
    assert loaded.pipe_names == nlp.pipe_names
    again = Extractor(nlp=loaded)
    for n, text in enumerate(TEXTS):
        document = Document(id=f"t{n}", text=text)
        assert again.extract(document).contract() == extractor.extract(document).contract()


# ---- the cache ---------------------------------------------------------------------------------------------
def _fake_build():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_the_cache_saves_once_and_loads_after(tmp_path):
    key, inputs = "k" * 32, {"what": "test"}
    first = pipeline_cache.load_or_build(tmp_path, key, inputs, _fake_build, lambda: None)
    assert first.pipe_names == ["sentencizer"]
    assert json.loads((tmp_path / key / pipeline_cache.INFO_FILE).read_text()) == inputs

    def must_not_build():
        raise AssertionError("built again")

    assert pipeline_cache.load_or_build(tmp_path, key, inputs, must_not_build, lambda: None).pipe_names == [
        "sentencizer"]
    assert [p.name for p in tmp_path.iterdir()] == [key]  # no temporary folder left


def test_an_unreadable_entry_is_rebuilt(tmp_path):
    key = "b" * 32
    (tmp_path / key).mkdir()
    (tmp_path / key / pipeline_cache.INFO_FILE).write_text("{}")  # looks complete, has no pipeline
    nlp = pipeline_cache.load_or_build(tmp_path, key, {}, _fake_build, lambda: None)
    assert nlp.pipe_names == ["sentencizer"] and (tmp_path / key / "config.cfg").is_file()


def test_a_second_writer_of_the_same_key_leaves_one_entry(tmp_path):
    key = "c" * 32
    pipeline_cache._save(_fake_build(), tmp_path, key, {"n": 1})
    pipeline_cache._save(_fake_build(), tmp_path, key, {"n": 2})  # as a process that built meanwhile would
    assert [p.name for p in tmp_path.iterdir()] == [key]
    assert json.loads((tmp_path / key / pipeline_cache.INFO_FILE).read_text()) == {"n": 1}


def test_old_entries_and_abandoned_temporary_folders_are_removed(tmp_path):
    for n in range(pipeline_cache.KEEP + 2):
        (tmp_path / f"entry{n}").mkdir()
        os.utime(tmp_path / f"entry{n}", (1000 + n, 1000 + n))
    (tmp_path / ".abandoned.x").mkdir()
    os.utime(tmp_path / ".abandoned.x", (1000, 1000))
    pipeline_cache._prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"entry{n}" for n in range(2, pipeline_cache.KEEP + 2)]


def test_the_key_changes_with_overlays_config_and_model(tmp_path):
    overlay = tmp_path / "kb.yaml"
    overlay.write_text("actors: []\n")
    base = pipeline_cache.cache_key("m", {"a": 1}, [str(overlay)])[0]
    assert pipeline_cache.cache_key("m", {"a": 1}, [str(overlay)])[0] == base
    assert pipeline_cache.cache_key("m", {"a": 2}, [str(overlay)])[0] != base
    assert pipeline_cache.cache_key("n", {"a": 1}, [str(overlay)])[0] != base
    overlay.write_text("actors: [] # edited\n")
    assert pipeline_cache.cache_key("m", {"a": 1}, [str(overlay)])[0] != base


def test_the_cache_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(pipeline_cache.CACHE_ENV, "off")
    assert pipeline_cache.default_cache_dir() is None
    monkeypatch.setenv(pipeline_cache.CACHE_ENV, str(tmp_path))
    assert pipeline_cache.default_cache_dir() == Path(tmp_path)
    monkeypatch.delenv(pipeline_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert pipeline_cache.default_cache_dir() == tmp_path / "claimgraph" / "pipelines"
