"""CAMEO <-> PLOVER: event-code matching and PentaClass, from the PLOVER project's conversion table.

The table (``shared/reference/CAMEO2PLOVER-2021.txt``) is read at run time; lines look like
``190: ASSAULT, , military # Use conventional military force``. Codes it leaves out (CAMEO 01 and 02) are
described in ``data/mappings/cameo_supplement.yaml``.

Matching rules (documented in docs/accuracy.md):
- a gold CAMEO code matches our PLOVER event type when the table maps the code itself, or its two-digit
  root, to that type (so "112" matches ACCUSE, and "190" matches ASSAULT);
- actor codes match *exactly* (our Actor.code == the gold code, e.g. "RUSGOV"), or *by country* in the
  lenient figure (the first three letters agree, e.g. our "RUS" against gold "RUSGOV").
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import load_yaml
from ..errors import DataFileError
from ..models import EVENT_TYPES
from .common import MAPPINGS_DIR, SHARED_REFERENCE

TABLE_NAME = "CAMEO2PLOVER-2021.txt"
_LINE = re.compile(r"^(\d{2,4})\s*:\s*([A-Z]+)\b")


@dataclass(frozen=True)
class CameoTable:
    by_code: dict[str, str]  # CAMEO code -> PLOVER event type
    extra_roots: dict[str, tuple[str, ...]]  # root -> PLOVER types, for roots the table leaves out
    root_pentaclass: dict[str, int]

    def plover_for(self, code: str) -> set[str]:
        """PLOVER types a gold CAMEO code may be matched by: the code's own and its root's."""
        code = code.strip()
        found = {self.by_code[c] for c in (code, code[:2]) if c in self.by_code}
        found.update(self.extra_roots.get(code[:2], ()))
        return found

    def matches(self, gold_code: str, plover: str) -> bool:
        return plover in self.plover_for(gold_code)

    @functools.cached_property
    def plover_pentaclass(self) -> dict[str, int]:
        """Each PLOVER type's PentaClass: that of the CAMEO root most of its table entries come from."""
        roots: dict[str, Counter] = defaultdict(Counter)
        for code, plover in self.by_code.items():
            roots[plover][code[:2]] += 1
        return {p: self.root_pentaclass[c.most_common(1)[0][0]] for p, c in roots.items()
                if c.most_common(1)[0][0] in self.root_pentaclass}


def root_pentaclass(root: str) -> int:
    """CAMEO PentaClass of a two-digit root, as defined in the ConfliBERT CAMEO data."""
    n = int(root)
    if n <= 2:
        return 0
    if n <= 5:
        return 1
    if n <= 8:
        return 2
    if n <= 13:
        return 3
    return 4


def load_table(path: str | Path | None = None, supplement: str | Path | None = None) -> CameoTable:
    path = Path(path) if path else SHARED_REFERENCE / TABLE_NAME
    if not path.exists():
        raise DataFileError(path, "CAMEO-to-PLOVER table not found (it lives in shared/reference)")
    by_code: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _LINE.match(line.strip())
        if not match:
            continue
        code, plover = match.groups()
        if plover not in EVENT_TYPES:
            raise DataFileError(path, f"unknown PLOVER type {plover!r}", number)
        by_code.setdefault(code, plover)
    data = load_yaml(supplement or MAPPINGS_DIR / "cameo_supplement.yaml") or {}
    extra = {str(r["root"]).zfill(2): tuple(r.get("plover") or ()) for r in data.get("roots", [])}
    for types in extra.values():
        for t in types:
            if t not in EVENT_TYPES:
                raise DataFileError(supplement or "cameo_supplement.yaml", f"unknown PLOVER type {t!r}")
    pentaclass = {f"{n:02d}": root_pentaclass(f"{n:02d}") for n in range(1, 21)}
    return CameoTable(by_code=by_code, extra_roots=extra, root_pentaclass=pentaclass)


@functools.lru_cache(maxsize=2)
def default_table() -> CameoTable:
    return load_table()


def actor_matches(ours: str | None, gold: str, level: str = "exact") -> bool:
    """``exact``: same code; ``country``: same first three letters (the CAMEO country or IGO/NGO prefix)."""
    if not ours or not gold:
        return False
    ours, gold = ours.upper(), gold.upper()
    if level == "exact":
        return ours == gold
    return ours[:3] == gold[:3]
