"""The judged development set: what an analyst would write down for each document, stored as offsets only.

Stored files (``claimgraph/data/judged/*.yaml``, one per document) hold document ids, character offsets and
labels, never article text; the texts are read from ``../shared/eval`` at run time. Annotators write a
*working* file instead, with the words themselves (actor forms, trigger words) so it can be written and read
by people; :func:`compile_working` turns it into the stored form and :func:`decompile` turns a stored file back
into a working one for editing. The annotation rules are in ``docs/judged-set.md``; the command line for
annotators is ``python -m claimgraph.evaluation.judged_tool``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..datafiles import load_yaml, package_data_path, validate_record
from ..errors import DataFileError
from ..models import EVENT_TYPES, STANCES
from .common import SHARED_EVAL, EvaluationError

JUDGED_DIR = package_data_path("judged")
AUTHOR = "author"
Kind = Literal["wire", "press-release", "statement", "feature", "encyclopaedia", "broadcast", "profile", "report"]
Split = Literal["tune", "report"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Alternatives(_Model):
    """Other values an analyst would accept for a statement's fields."""

    event: list[str] = Field(default_factory=list)
    subject: list[str | None] = Field(default_factory=list)
    object: list[str | None] = Field(default_factory=list)
    asserter: list[str] = Field(default_factory=list)
    stance: list[str] = Field(default_factory=list)
    negated: list[bool] = Field(default_factory=list)


class JudgedActor(_Model):
    """An actor of the document. ``kb`` is its knowledge-base id (None: not in the knowledge base); ``accept``
    other ids an analyst would accept for it (a parent, say). A ``generic`` actor ("gunmen", "officials") may
    also be left null or unnamed by the output."""

    key: str = Field(min_length=1)
    name: str
    kb: str | None = None
    accept: list[str] = Field(default_factory=list)
    generic: bool = False
    spans: list[tuple[int, int]] = Field(default_factory=list)  # stored form: where the text names it
    forms: list[str] = Field(default_factory=list)  # working form: the words that name it


class JudgedStatement(_Model):
    id: str = ""
    span: tuple[int, int]  # the sentence(s) that say it
    trigger: tuple[int, int] | str  # stored: offsets; working: the word(s), "word#2" for a second occurrence
    asserter: str = AUTHOR
    stance: str = "asserts"
    subject: str | None = None
    event: str
    object: str | None = None
    negated: bool = False
    required: bool = True  # False: acceptable, but an analyst need not write it down
    same: str | None = None  # id of another statement reporting the same event (recall counts it once)
    alt: Alternatives = Field(default_factory=Alternatives)
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> JudgedStatement:
        for event in [self.event, *self.alt.event]:
            if event not in EVENT_TYPES:
                raise ValueError(f"unknown PLOVER event type {event!r}")
        for stance in [self.stance, *self.alt.stance]:
            if stance not in STANCES:
                raise ValueError(f"unknown stance {stance!r} (one of {', '.join(STANCES)})")
        if self.span[0] >= self.span[1]:
            raise ValueError(f"empty span {list(self.span)}")
        return self

    def trigger_offsets(self) -> tuple[int, int]:
        """The trigger of a stored (compiled) statement: its character offsets."""
        if isinstance(self.trigger, str):
            raise EvaluationError(f"statement {self.id!r}: trigger {self.trigger!r} is not compiled to offsets")
        return self.trigger


class JudgedDocument(_Model):
    doc: str  # "re3d:<source folder>:<_id>", "wikievents:<doc_id>", "muc4:<docid>"
    kind: Kind
    split: Split = "tune"
    annotators: list[str] = Field(default_factory=list)
    actors: list[JudgedActor] = Field(default_factory=list)
    statements: list[JudgedStatement] = Field(default_factory=list)
    notes: str | None = None

    def actor(self, key: str | None) -> JudgedActor | None:
        return next((a for a in self.actors if a.key == key), None) if key else None


# ---- the texts --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _re3d_texts(root: str) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for path in sorted(Path(root, "re3d").glob("*/documents.json")):
        for line in path.open(encoding="utf-8-sig"):
            if line.strip():
                record = json.loads(line)
                out[f"re3d:{path.parent.name}:{record['_id']}"] = (record["text"], record.get("title"))
    return out


@functools.lru_cache(maxsize=4)
def _wikievents_texts(root: str) -> dict[str, tuple[str, str | None]]:
    path = Path(root, "wikievents", "dev.jsonl")
    out: dict[str, tuple[str, str | None]] = {}
    for line in path.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            out[f"wikievents:{record['doc_id']}"] = (record["text"], None)
    return out


@functools.lru_cache(maxsize=4)
def _muc4_texts(root: str) -> dict[str, tuple[str, str | None]]:
    data = json.loads(Path(root, "muc4", "dev.json").read_text(encoding="utf-8"))
    return {f"muc4:{key}": (value["doc"], None) for key, value in data.items()}


def document_text(doc_id: str, root: Path = SHARED_EVAL) -> tuple[str, str | None]:
    """(text, title) of a judged document, read from the shared evaluation data."""
    dataset = doc_id.split(":", 1)[0]
    loaders = {"re3d": _re3d_texts, "wikievents": _wikievents_texts, "muc4": _muc4_texts}
    if dataset not in loaders:
        raise EvaluationError(f"unknown dataset in document id {doc_id!r}")
    try:
        texts = loaders[dataset](str(root))
    except FileNotFoundError as exc:
        raise EvaluationError(f"evaluation data not found: {exc.filename}") from exc
    if doc_id not in texts:
        raise EvaluationError(f"document {doc_id!r} is not in {root / dataset}")
    return texts[doc_id]


# ---- stored files -------------------------------------------------------------------------------------------

def file_name(doc_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id) + ".yaml"


def load_judged(path: Path) -> JudgedDocument:
    data = load_yaml(path)
    judged = validate_record(JudgedDocument, data, path, "judged document")
    _check_references(judged, path)
    return judged


def load_judged_set(directory: Path = JUDGED_DIR, split: str | None = None) -> list[JudgedDocument]:
    docs = [load_judged(p) for p in sorted(directory.glob("*.yaml"))]
    return [d for d in docs if split in (None, "all") or d.split == split]


def _check_references(judged: JudgedDocument, path: Path | str) -> None:
    keys = {a.key for a in judged.actors}
    if len(keys) != len(judged.actors):
        raise DataFileError(path, "duplicate actor keys")
    ids = [s.id for s in judged.statements]
    for s in judged.statements:
        refs = [s.subject, s.object, *s.alt.subject, *s.alt.object]
        refs += [a for a in [s.asserter, *s.alt.asserter] if a != AUTHOR]
        for ref in refs:
            if ref is not None and ref not in keys:
                raise DataFileError(path, f"statement {s.id or s.span}: no actor with key {ref!r}")
        if s.same is not None and s.same not in ids:
            raise DataFileError(path, f"statement {s.id}: 'same: {s.same}' names no statement")


# ---- working files <-> stored files ----------------------------------------------------------------------------

def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    """Where ``form`` occurs in ``text`` as whole words (case-sensitive)."""
    pattern = re.compile(r"(?<![\w])" + re.escape(form) + r"(?![\w])")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


QUOTE_WORDS = 5  # this many words in a row from the article are a quotation, and never stored


def without_quotes(note: str, text: str) -> str:
    """``note`` with every run of QUOTE_WORDS or more words of ``text`` replaced by "[...]": annotators' notes are
    their own words, and the repository holds no article text."""
    norm = lambda w: w.strip(".,;:!?\"'()[]").lower()  # noqa: E731
    words = note.split()
    article = " " + " ".join(norm(w) for w in text.split()) + " "
    keep = [True] * len(words)
    for i in range(len(words) - QUOTE_WORDS + 1):
        if f" {' '.join(norm(w) for w in words[i:i + QUOTE_WORDS])} " in article:
            keep[i:i + QUOTE_WORDS] = [False] * QUOTE_WORDS
    out: list[str] = []
    for word, kept in zip(words, keep):
        if kept:
            out.append(word)
        elif not out or out[-1] != "[...]":
            out.append("[...]")
    return " ".join(out)


def compile_working(path: Path, root: Path = SHARED_EVAL) -> JudgedDocument:
    """A working file (words) as a stored document (offsets); errors name the file and line."""
    data = load_yaml(path)
    judged = validate_record(JudgedDocument, data, path, "judged document")
    text, _ = document_text(judged.doc, root)
    actors = []
    for actor, raw in zip(judged.actors, data.get("actors") or []):
        line = raw.get("__line__")
        spans = list(actor.spans)
        for form in actor.forms:
            found = _occurrences(text, form)
            if not found:
                raise DataFileError(path, f"actor {actor.key!r}: form {form!r} is not in the text", line)
            spans += found
        actors.append(actor.model_copy(update={"spans": sorted(set(spans)), "forms": []}))
    statements = []
    for n, (s, raw) in enumerate(zip(judged.statements, data.get("statements") or []), start=1):
        line = raw.get("__line__")
        start, end = s.span
        if not (0 <= start < end <= len(text)):
            raise DataFileError(path, f"span {list(s.span)} is outside the text ({len(text)} characters)", line)
        trigger = s.trigger
        if isinstance(trigger, str):
            word, _, nth = trigger.partition("#")
            found = [(a, b) for a, b in _occurrences(text, word) if start <= a and b <= end]
            index = int(nth) - 1 if nth else 0
            if not found or index >= len(found):
                raise DataFileError(path, f"trigger {trigger!r} is not in the text of span {list(s.span)}", line)
            trigger = found[index]
        note = without_quotes(s.note, text) if s.note else None
        statements.append(s.model_copy(update={"id": s.id or f"g{n}", "trigger": trigger, "note": note}))
    out = judged.model_copy(update={"actors": actors, "statements": statements})
    _check_references(out, path)
    for s in out.statements:
        if isinstance(s.trigger, str):  # pragma: no cover - compile always resolves triggers
            raise DataFileError(path, f"statement {s.id}: unresolved trigger")
    return out


def decompile(judged: JudgedDocument, root: Path = SHARED_EVAL) -> dict:
    """A stored document as a working file: forms and trigger words instead of offsets."""
    text, _ = document_text(judged.doc, root)
    data = judged.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("split", judged.split)
    for actor, raw in zip(judged.actors, data.get("actors", [])):
        raw["forms"] = sorted({text[a:b] for a, b in actor.spans})
        raw.pop("spans", None)
    for s, raw in zip(judged.statements, data.get("statements", [])):
        a, b = s.trigger_offsets()
        word = text[a:b]
        earlier = [x for x in _occurrences(text, word) if s.span[0] <= x[0] and x[0] < a]
        raw["trigger"] = word + (f"#{len(earlier) + 1}" if earlier else "")
        raw["text"] = " ".join(text[s.span[0]:s.span[1]].split())
    return data


def dump_stored(judged: JudgedDocument) -> str:
    data = judged.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("split", judged.split)
    for raw in data.get("actors", []):
        raw["spans"] = [list(s) for s in raw.get("spans", [])]
    for raw in data.get("statements", []):
        raw["span"], raw["trigger"] = list(raw["span"]), list(raw["trigger"])
        if not raw.get("alt"):
            raw.pop("alt", None)
    header = ("# Judged development document: offsets into the text in ../shared/eval (not stored here).\n"
              f"# Read it with: python -m claimgraph.evaluation.judged_tool show {judged.doc}\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
