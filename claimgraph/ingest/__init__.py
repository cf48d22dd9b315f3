"""Ingest: read documents from files, folders, feeds, URLs and stdin, extract, and store them."""

from .reprocess import ReprocessSummary, reprocess
from .runner import SKIPPED_EXIT, Extracting, IngestSummary, ingest
from .sources import iter_documents

__all__ = ["SKIPPED_EXIT", "Extracting", "IngestSummary", "ReprocessSummary", "ingest", "iter_documents", "reprocess"]
