"""Exports of extraction results: STIX 2.1, PLOVER JSONL, GraphML, GEXF, CSV and Parquet (docs/exports.md).

    with open("claims.json", "wb") as out:
        summary = write_export("stix", store_results(), out, kb)

``results`` is read once, as a stream; only the graph formats aggregate (the actor graph) before writing.
"""

from __future__ import annotations

from typing import BinaryIO, Iterable

from ..kb import KnowledgeBase
from ..models import ExtractionResult
from .common import ExportError, ExportSummary

FORMATS: tuple[str, ...] = ("stix", "plover", "graphml", "gexf", "csv", "parquet")
EXTENSIONS: dict[str, str] = {
    "stix": ".json", "plover": ".jsonl", "graphml": ".graphml", "gexf": ".gexf", "csv": ".csv",
    "parquet": ".parquet",
}


def write_export(fmt: str, results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase) -> ExportSummary:
    """Write ``results`` to the binary stream ``out`` in format ``fmt``; what was written, counted."""
    fmt = (fmt or "").strip().lower()
    if fmt == "stix":
        from .stix import write_stix

        return write_stix(results, out, kb)
    if fmt == "plover":
        from .plover import write_plover

        return write_plover(results, out, kb)
    if fmt in ("graphml", "gexf"):
        from .graphs import write_graph

        return write_graph(fmt, results, out, kb)
    if fmt == "csv":
        from .tables import write_csv

        return write_csv(results, out, kb)
    if fmt == "parquet":
        from .tables import write_parquet

        return write_parquet(results, out, kb)
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["EXTENSIONS", "FORMATS", "ExportError", "ExportSummary", "write_export"]
