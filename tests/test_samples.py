"""The bundled sample corpus and its knowledge-base overlay: well-formed, in range, and loadable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.errors import InputError
from claimgraph.kb import KnowledgeBase
from claimgraph.models import Document
from claimgraph.textio import check_text, iter_jsonl

SAMPLES = package_data_path("samples")
REPORTS = SAMPLES / "reports.jsonl"
OVERLAY = SAMPLES / "demo_kb.yaml"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text.lower())


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    with REPORTS.open("rb") as handle:
        items = list(iter_jsonl(handle, str(REPORTS)))
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return [i for i in items if isinstance(i, Document)]


def test_corpus_parses_with_enough_unique_documents(documents):
    assert len(documents) >= 24
    ids = [d.id for d in documents]
    assert len(set(ids)) == len(ids)


def test_every_report_has_metadata_and_english_text_in_range(documents):
    for doc in documents:
        assert doc.title and doc.source and doc.date is not None, doc.id
        count = len(doc.text.split())
        assert 120 <= count <= 300, f"{doc.id}: {count} words"
        check_text(doc.text, doc.id)


def test_readme_names_every_report_as_fictional_or_sourced(documents):
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for doc in documents:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{doc.id}` |")), None)
        assert row is not None, f"{doc.id} missing from README.md"
        assert "Fictional" in row or "Source:" in row, row


def test_corpus_has_a_syndicated_near_duplicate_pair(documents):
    def shingles(doc: Document) -> set[tuple[str, ...]]:
        words = _words(doc.text)
        return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}

    by_id = {d.id: shingles(d) for d in documents}
    a, b = by_id["vel-003"], by_id["vel-004"]
    assert len(a & b) / len(a | b) >= 0.6
    others = [len(a & s) / len(a | s) for i, s in by_id.items() if i not in ("vel-003", "vel-004")]
    assert max(others) < 0.2  # and no other report is a copy of it


def test_corpus_covers_contested_claims_and_hedges(documents):
    text = " ".join(d.text for d in documents)
    for cue in ("denied", "rejected", "accused", "will", "may", "reportedly", "security officials", "designated",
                "agreement", "threatened", "recruited", "The Kremlin", "Islamabad", "Washington",
                "Kessel-Ardan Brigades (KAB)", "Veldorian Liberation Front (VLF)"):
        assert cue in text, cue


def test_demo_overlay_loads_on_its_own():
    kb = KnowledgeBase()
    kb.add_file(OVERLAY, overlay=True)
    kb.check_references()
    assert {"XVD", "XMV", "XMV_MIB", "VLF", "KAB", "CSC"} <= set(kb.actors)
    assert kb.actors["VLF"].type == "armed_group" and kb.actors["VLF"].designations[0].by == "XVD"
    assert [e.actor_id for e in kb.lookup("Castrel")] == ["XVD"]
    assert [e.actor_id for e in kb.lookup("MIB")] == ["XMV_MIB"]


def test_demo_overlay_loads_over_the_bundled_knowledge_base():
    kb = KnowledgeBase.load([OVERLAY], use_env=False)
    assert kb.actors["XMV_MIB"].name == "Marovian Intelligence Bureau"
    assert str(OVERLAY) in kb.files
    ours = {a.id for a in kb.actors.values() if a.source_file == str(OVERLAY)}
    assert len(ours) == 25, "an overlay id replaced (or was replaced by) a bundled actor"
    # validate() names the actors of a shared name ("claimed by A, B; ..."): none of them may be ours
    clashes = [p for p in kb.validate()
               if p.path == str(OVERLAY) or ours & set(re.findall(r"[A-Z0-9][A-Z0-9_.\-]+", p.message))]
    assert not clashes, [str(p) for p in clashes]


def test_overlay_names_appear_in_the_fictional_reports(documents):
    kb = KnowledgeBase()
    kb.add_file(OVERLAY, overlay=True)
    text = " ".join(d.text for d in documents if d.id.startswith("vel-"))
    missing = [a.id for a in kb.actors.values() if not any(n in text for n in a.all_names())]
    assert not missing, missing


@pytest.mark.shared
def test_no_text_is_copied_from_the_reference_article(documents):
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared is absent")
    reference: set[tuple[str, ...]] = set()
    for path in corpus.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8"))
        reference |= {tuple(words[i:i + 8]) for i in range(len(words) - 7)}
    for doc in documents:
        words = _words(doc.text)
        copied = [" ".join(words[i:i + 8]) for i in range(len(words) - 7) if tuple(words[i:i + 8]) in reference]
        assert not copied, (doc.id, copied[:3])
