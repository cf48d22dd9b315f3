"""Exports of extraction results: STIX 2.1, PLOVER JSONL, GraphML, GEXF, CSV and Parquet (docs/exports.md).

    with open("claims.json", "wb") as out:
        summary = write_export("stix", store_results(), out, kb)

``results`` is read once, as a stream; only the graph formats aggregate (the actor graph) before writing.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Iterable

from ..kb import KnowledgeBase
from ..models import ExtractionResult
from .common import ExportError, ExportOptions, ExportSummary

FORMATS: tuple[str, ...] = ("stix", "plover", "graphml", "gexf", "csv", "parquet")
EXTENSIONS: dict[str, str] = {
    "stix": ".json", "plover": ".jsonl", "graphml": ".graphml", "gexf": ".gexf", "csv": ".csv",
    "parquet": ".parquet",
}


def write_export(fmt: str, results: Iterable[ExtractionResult], out: BinaryIO, kb: KnowledgeBase,
                 options: ExportOptions | None = None) -> ExportSummary:
    """Write ``results`` to the binary stream ``out`` in format ``fmt``; what was written, counted."""
    fmt = (fmt or "").strip().lower()
    options = options or ExportOptions()
    if fmt == "stix":
        from .stix import write_stix

        return write_stix(results, out, kb, options)
    if fmt == "plover":
        from .plover import write_plover

        return write_plover(results, out, kb, options)
    if fmt in ("graphml", "gexf"):
        from .graphs import write_graph

        return write_graph(fmt, results, out, kb, options)
    if fmt == "csv":
        from .tables import write_csv

        return write_csv(results, out, kb, options)
    if fmt == "parquet":
        from .tables import write_parquet

        return write_parquet(results, out, kb, options)
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export_file(fmt: str, results: Iterable[ExtractionResult], path: str | os.PathLike, kb: KnowledgeBase,
                options: ExportOptions | None = None) -> ExportSummary:
    """Write the export to ``path`` whole or not at all: through a temporary file renamed at the end, so a full
    disk, a missing folder or Ctrl-C leaves no partial file (and an existing file as it was)."""
    from .files import write_file

    if (fmt or "").strip().lower() not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return write_file(path, lambda out: write_export(fmt, results, out, kb, options))


__all__ = ["EXTENSIONS", "FORMATS", "ExportError", "ExportOptions", "ExportSummary", "export_file", "write_export"]
