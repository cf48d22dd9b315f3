"""The main job in one call: ingest the bundled sample reports and gather what an analyst wants first.

``claimgraph demo`` (and ``make demo``) runs ``run_demo`` on ``./demo.db`` and prints the most contested
propositions, the busiest actor pairs and a dossier on the busiest pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from pydantic import BaseModel, Field

from .datafiles import package_data_path
from .ingest import IngestSummary, ingest, iter_documents
from .ingest.runner import Extracting, ProblemHook, ProgressHook
from .models import Document
from .store import Dossier, PairCount, Proposition, StoreStats, open_store

DEMO_DB = "demo.db"
DEMO_KB = "demo_kb.yaml"  # knowledge-base overlay shipped with the samples

# Used only while the bundled sample corpus is missing (a source checkout mid-development): fictional actors.
_FALLBACK = (
    ("fallback-1", "2025-03-02", "Northland accused the Eastern Front of attacking a border post near Ravel on "
     "Saturday. The Eastern Front denied that it attacked the post and said Northland staged the incident."),
    ("fallback-2", "2025-03-04", "Officials in Northland said the Eastern Front attacked a border post near Ravel. "
     "Analysts said the Eastern Front is backed by Southland, a charge Southland strongly denies."),
)


class DemoReport(BaseModel):
    db: str
    samples: str
    ingest: IngestSummary
    stats: StoreStats
    contested: list[Proposition]
    pairs: list[PairCount]
    dossier: Dossier | None = None
    notes: list[str] = Field(default_factory=list)


def samples_dir() -> Path:
    return package_data_path("samples")


def run_demo(db_path: str | Path = DEMO_DB, samples: str | Path | None = None, extractor: Extracting | None = None,
             kb_paths: Sequence[str] = (), workers: int = 1, top: int = 5, on_problem: ProblemHook | None = None,
             on_progress: ProgressHook | None = None) -> DemoReport:
    """Ingest the sample corpus into ``db_path`` (idempotent) and query it."""
    folder = Path(samples) if samples else samples_dir()
    notes = []
    reports = sorted(str(p) for p in folder.glob("*") if p.suffix in (".txt", ".jsonl", ".json")) \
        if folder.is_dir() else []
    overlay = folder / DEMO_KB
    if overlay.exists():  # the fictional actors of the sample reports
        kb_paths = (*kb_paths, str(overlay))
    if reports:
        items = iter_documents(reports)
    else:
        notes.append(f"no sample reports in {folder}; using two built-in fictional reports")
        import datetime as dt

        items = iter(Document(id=i, text=text, date=dt.date.fromisoformat(d), source="claimgraph demo")
                     for i, d, text in _FALLBACK)
    if extractor is None:
        from .extract import Extractor

        extractor = Extractor(kb_paths)
    with open_store(db_path) as store:
        summary = ingest(items, store, extractor, workers=workers, on_problem=on_problem, on_progress=on_progress)
        contested = store.propositions(contested_only=True, limit=top)
        pairs = store.busiest_pairs(limit=top)
        dossier = None
        if pairs:
            a = store.resolve_actor(pairs[0].subject)
            b = store.resolve_actor(pairs[0].object)
            dossier = store.dossier(a, b, [a.key], [b.key])
        stats = store.stats()
    if not stats.statements:
        notes.append("no statements were extracted (is the statement extractor installed?)")
    return DemoReport(db=str(db_path), samples=str(folder), ingest=summary, stats=stats, contested=contested,
                      pairs=pairs, dossier=dossier, notes=notes)
