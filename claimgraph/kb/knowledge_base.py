"""The actor knowledge base: bundled YAML files plus user overlays, validated on load, indexed by name.

Files are YAML mappings with an ``actors:`` list (schema in docs/knowledge-base.md). User files come from the
``--kb`` option or the ``CLAIMGRAPH_KB`` environment variable (paths separated by ``os.pathsep``; a directory
means every ``*.yaml`` in it). An actor in a user file whose id exists already replaces the bundled one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from ..errors import DataFileError
from ..models import ACTOR_TYPES, Actor

KB_ENV = "CLAIMGRAPH_KB"
ID_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]*$")
ISO3_PATTERN = re.compile(r"^[A-Z]{3}$")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})


def normalize_name(text: str) -> str:
    """A matching key: case-folded, accents and punctuation removed, hyphens as spaces, no leading 'the'."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


@dataclass(frozen=True)
class NameEntry:
    """One name an actor can be called by, and how strongly it points at the actor."""

    actor_id: str
    name: str
    kind: str  # "name" | "alias" | "exact" | "metonym" | "demonym" | "weak"


@dataclass
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class KnowledgeBase:
    actors: dict[str, Actor] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _index: dict[str, list[NameEntry]] | None = field(default=None, repr=False)
    _exact: dict[str, list[NameEntry]] | None = field(default=None, repr=False)

    # ---- loading -------------------------------------------------------------------------------------
    @classmethod
    def load(cls, extra_paths: Iterable[str | Path] = (), use_env: bool = True, strict: bool = True) -> KnowledgeBase:
        """Bundled files, then ``extra_paths``, then ``$CLAIMGRAPH_KB``. ``strict`` raises on the first problem."""
        kb = cls()
        for path in sorted(package_data_path("kb").glob("*.yaml")):
            kb.add_file(path, overlay=False, strict=strict)
        user: list[Path] = [Path(p) for p in extra_paths]
        if use_env and os.environ.get(KB_ENV):
            user += [Path(p) for p in os.environ[KB_ENV].split(os.pathsep) if p]
        for path in user:
            if path.is_dir():
                for sub in sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")):
                    kb.add_file(sub, overlay=True, strict=strict)
            elif path.exists():
                kb.add_file(path, overlay=True, strict=strict)
            else:
                raise DataFileError(path, "knowledge-base file not found")
        kb.check_references(strict=strict)
        return kb

    def add_file(self, path: str | Path, overlay: bool, strict: bool = True) -> None:
        data = load_yaml(path)
        self.files.append(str(path))
        if data is None:
            return
        if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
            raise DataFileError(path, "a knowledge-base file is a mapping with an 'actors:' list", 1)
        for record in data["actors"]:
            try:
                actor = validate_record(Actor, record, path, "actor")
                assert isinstance(actor, Actor)
                actor.source_file, actor.source_line = str(path), record.get(LINE_KEY)
                self._check_actor(actor)
                if actor.id in self.actors and not overlay:
                    prev = self.actors[actor.id]
                    raise DataFileError(
                        path, f"duplicate actor id {actor.id!r} (first in {prev.source_file}:{prev.source_line})",
                        actor.source_line,
                    )
                self.add(actor)
            except DataFileError as exc:
                if strict:
                    raise
                self.problems.append(Problem(exc.path, exc.line, str(exc).split(": ", 1)[-1]))

    def _check_actor(self, actor: Actor) -> None:
        where = (actor.source_file or "<memory>", actor.source_line)
        if not ID_PATTERN.match(actor.id):
            raise DataFileError(where[0], f"actor id {actor.id!r} must match {ID_PATTERN.pattern}", where[1])
        if actor.country and not ISO3_PATTERN.match(actor.country):
            raise DataFileError(where[0], f"actor {actor.id!r}: country {actor.country!r} is not ISO alpha-3", where[1])
        if actor.type not in ACTOR_TYPES:  # pydantic checks this too; kept for actors built in code
            raise DataFileError(where[0], f"actor {actor.id!r}: unknown type {actor.type!r}", where[1])

    def add(self, actor: Actor) -> None:
        self.actors[actor.id] = actor
        self._index = self._exact = None

    def check_references(self, strict: bool = True) -> None:
        for actor in self.actors.values():
            refs = [actor.parent] if actor.parent else []
            refs += [a.actor for a in actor.affiliations] + [d.by for d in actor.designations]
            for ref in refs:
                if ref not in self.actors:
                    problem = Problem(actor.source_file or "<memory>", actor.source_line,
                                      f"actor {actor.id!r} refers to unknown actor {ref!r}")
                    if strict:
                        raise DataFileError(problem.path, problem.message, problem.line)
                    self.problems.append(problem)

    # ---- validation ----------------------------------------------------------------------------------
    def validate(self) -> list[Problem]:
        """Everything wrong with the loaded files: bad records, dangling references, ambiguous aliases."""
        problems = list(self.problems)
        claims: dict[str, set[str]] = defaultdict(set)
        for entry in self._entries():
            if entry.kind in ("weak", "demonym"):
                continue
            key = entry.name if entry.kind == "exact" else normalize_name(entry.name)
            claims[key].add(entry.actor_id)
        for key, ids in sorted(claims.items()):
            if len(ids) > 1 and not self._periods_disjoint(ids):
                first = self.actors[sorted(ids)[0]]
                problems.append(Problem(
                    first.source_file or "<memory>", first.source_line,
                    f"name {key!r} is claimed by {', '.join(sorted(ids))}; mark it weak_aliases on all but one",
                ))
        return problems

    def _periods_disjoint(self, ids: set[str]) -> bool:
        actors = [self.actors[i] for i in ids]
        if any(a.valid_from is None and a.valid_to is None for a in actors):
            return False
        spans = sorted((a.valid_from or dt.date.min, a.valid_to or dt.date.max) for a in actors)
        return all(prev[1] < nxt[0] for prev, nxt in zip(spans, spans[1:]))

    # ---- lookup --------------------------------------------------------------------------------------
    def _entries(self) -> Iterable[NameEntry]:
        for actor in self.actors.values():
            yield NameEntry(actor.id, actor.name, "name")
            for alias in actor.aliases:
                yield NameEntry(actor.id, alias, "alias")
            for alias in actor.exact_aliases:
                yield NameEntry(actor.id, alias, "exact")
            for alias in actor.metonyms:
                yield NameEntry(actor.id, alias, "metonym")
            for alias in actor.demonyms:
                yield NameEntry(actor.id, alias, "demonym")
            for alias in actor.weak_aliases:
                yield NameEntry(actor.id, alias, "weak")

    def _build_index(self) -> None:
        index: dict[str, list[NameEntry]] = defaultdict(list)
        exact: dict[str, list[NameEntry]] = defaultdict(list)
        for entry in self._entries():
            if entry.kind == "exact":
                exact[entry.name].append(entry)
            else:
                index[normalize_name(entry.name)].append(entry)
        self._index, self._exact = dict(index), dict(exact)

    @property
    def index(self) -> dict[str, list[NameEntry]]:
        if self._index is None:
            self._build_index()
        return self._index  # type: ignore[return-value]

    @property
    def exact_index(self) -> dict[str, list[NameEntry]]:
        if self._exact is None:
            self._build_index()
        return self._exact  # type: ignore[return-value]

    def lookup(self, text: str, date=None) -> list[NameEntry]:
        """Entries whose name matches ``text`` exactly (case-sensitive aliases) or by normalized key."""
        found = list(self.exact_index.get(text.strip(), []))
        found += [e for e in self.index.get(normalize_name(text), []) if e not in found]
        if date is not None:
            found = [e for e in found if self._valid_on(self.actors[e.actor_id], date)] or found
        return sorted(found, key=lambda e: _KIND_RANK[e.kind])

    @staticmethod
    def _valid_on(actor: Actor, date) -> bool:
        return (actor.valid_from is None or actor.valid_from <= date) and (actor.valid_to is None or date <= actor.valid_to)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def search(self, text: str, limit: int = 10) -> list[tuple[Actor, str, float]]:
        """Actors whose any name is close to ``text``: (actor, matched name, score 0-100), best first."""
        from rapidfuzz import fuzz, process

        key = normalize_name(text)
        if not key:
            return []
        keys = list(self.index.keys()) + list(self.exact_index.keys())
        hits = process.extract(key, keys, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70,
                               processor=lambda s: normalize_name(s))
        results: dict[str, tuple[Actor, str, float]] = {}
        for name, score, _ in hits:
            for entry in self.index.get(name, []) + self.exact_index.get(name, []):
                if entry.kind == "demonym":
                    continue
                exact_bonus = 1.0 if normalize_name(entry.name) == key else 0.0
                actor = self.actors[entry.actor_id]
                value = score + exact_bonus
                if actor.id not in results or results[actor.id][2] < value:
                    results[actor.id] = (actor, entry.name, value)
        return sorted(results.values(), key=lambda r: -r[2])[:limit]

    def children(self, actor_id: str) -> list[Actor]:
        return [a for a in self.actors.values() if a.parent == actor_id]

    def stats(self) -> dict:
        by_type = Counter(a.type for a in self.actors.values())
        aliases = sum(len(a.aliases) + len(a.exact_aliases) + len(a.metonyms) for a in self.actors.values())
        states_with_agencies = {
            a.country for a in self.actors.values() if a.type in ("intelligence", "military", "security_forces") and a.country
        }
        return {
            "actors": len(self.actors),
            "aliases": aliases,
            "by_type": dict(sorted(by_type.items())),
            "states_with_agencies": len(states_with_agencies),
            "files": len(self.files),
        }


_KIND_RANK = {"exact": 0, "name": 1, "alias": 2, "metonym": 3, "demonym": 4, "weak": 5}
