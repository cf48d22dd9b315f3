"""What every export format shares: the summary it returns, the error it raises, counting and name lookup.

Exports read a stream of ExtractionResults once. ``ResultTap`` wraps that stream so each writer can count
documents, statements and actors as they pass without holding the results themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import ClaimgraphError
from ..kb import KnowledgeBase
from ..models import AUTHOR, Actor, ExtractionResult
from ..identity import actor_key, key_map, map_key

# PLOVER's numeric ``quad_code`` for each quad class of data/ontology/plover.yaml.
_QUAD_NUMBERS = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3, "material_conflict": 4}


def quad_code(event_type: str) -> int | None:
    from ..graph import quad_classes

    return _QUAD_NUMBERS.get(quad_classes().get(event_type, ""))


class ExportError(ClaimgraphError):
    """An export cannot be written: unknown format, or the output cannot take it."""

    exit_code = 3


@dataclass
class ExportSummary:
    """What an export wrote. ``objects`` counts the format's own units (STIX objects, lines, rows, nodes+edges)."""

    format: str
    documents: int = 0
    actors: int = 0
    statements: int = 0
    objects: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class ResultTap:
    """Iterates over results once, counting documents and statements and remembering which actors appeared."""

    def __init__(self, results: Iterable[ExtractionResult]):
        self._results = results
        self.documents = 0
        self.statements = 0
        self.actors: dict[str, Actor] = {}  # by store-wide key: one small record per actor, not per document

    def __iter__(self) -> Iterator[ExtractionResult]:
        for result in self._results:
            self.documents += 1
            self.statements += len(result.statements)
            for actor in result.actors:
                self.actors.setdefault(actor_key(actor, result.document.id), actor)
            yield result

    def summary(self, fmt: str, objects: int, actors: int | None = None) -> ExportSummary:
        return ExportSummary(format=fmt, documents=self.documents, actors=len(self.actors) if actors is None else actors,
                             statements=self.statements, objects=objects)


class ActorLookup:
    """Actor records for one document: the document's own actors first (as of its date), then the KB.

    ``key`` gives the store-wide actor key that every export writes instead of the raw id: a provisional
    actor's id means something only inside its document, its key (``prov:`` + normalized name) across them.
    """

    def __init__(self, result: ExtractionResult, kb: KnowledgeBase):
        self._local = {a.id: a for a in result.actors}
        self._keys = key_map(result)
        self._kb = kb

    def key(self, actor_id: str | None) -> str | None:
        return map_key(actor_id, self._keys)

    def get(self, actor_id: str | None) -> Actor | None:
        if actor_id is None or actor_id == AUTHOR:
            return None
        return self._local.get(actor_id) or self._kb.get(actor_id)

    def name(self, actor_id: str | None, author_name: str | None = None) -> str | None:
        if actor_id is None:
            return None
        if actor_id == AUTHOR:
            return author_name or AUTHOR
        actor = self.get(actor_id)
        return actor.name if actor else actor_id


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class ExportOptions:
    """Choices every format reads the parts of it needs.

    ``include_paths``: keep a document's local file path where it stands as its source (exports are meant to be
    shared, so by default a path never leaves the machine). ``relationships``: STIX relationship types,
    ``standard`` (the STIX/OpenCTI type where one fits the two objects, else ``related-to``), ``related-to``
    only, or ``custom`` (claimgraph's own verbs, which OpenCTI refuses). ``stances``: the stances whose
    statements become graph edges (default: asserted statements only).
    """

    include_paths: bool = False
    relationships: str = "standard"
    stances: tuple[str, ...] = ("asserts",)
    # STIX: review judgements to write as the reviewers' opinions of the exported claims (a store's log)
    judgements: Iterable[Any] | None = None


# A document's ``source`` is an outlet name, except when a reader had only the file it came from.
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


def is_local_path(value: str | None) -> bool:
    """Whether ``value`` names a file on this machine (absolute, relative, ~, file: URL or standard input)."""
    if not value:
        return False
    text = value.strip()
    if text.startswith(("/", "./", "../", "~", "\\", "file:", "<stdin>")) or _WINDOWS_PATH.match(text):
        return True
    if "://" in text:
        return False
    # A relative path or a bare file name, as readers record files given on the command line ("in/a.txt"),
    # told from an outlet such as "AP/Reuters" by the file suffix of its last part.
    last = re.split(r"[\\/]", text)[-1]
    return " " not in last and last.lower().endswith(_FILE_SUFFIXES)


_FILE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson",
                  ".csv", ".rss", ".atom", ".xml")


def outlet(result: ExtractionResult, options: ExportOptions) -> str | None:
    """The outlet to name a document by: its source, unless that is a local path (kept only when asked)."""
    source = result.document.source
    if source and is_local_path(source) and not options.include_paths:
        return None
    return source


def document_url(result: ExtractionResult, options: ExportOptions) -> str | None:
    url = result.document.url
    if url and is_local_path(url) and not options.include_paths:
        return None
    return url


def author_label(result: ExtractionResult, options: ExportOptions | None = None) -> str:
    """Who 'author' is for this document: its outlet when known."""
    source = outlet(result, options or ExportOptions())
    return f"author ({source})" if source else AUTHOR


# Characters XML 1.0 cannot hold at all, not even as character references: C0 controls but tab and line ends,
# lone surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML document cannot contain (GraphML and GEXF are XML)."""
    return _XML_INVALID.sub("", text)


# OWASP's rule for CSV injection: a cell that starts with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet will not run: prefixed with ``'`` when it starts like a formula. Numbers are
    left alone (a negative longitude is not a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_URL_SAFE = "/:@!$&'()*+,;=-._~%?#[]"


_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|[0-9A-Fa-f:.]+")


def uri(value: str | None) -> str | None:
    """``value`` as an absolute URI (spaces and non-ASCII percent-encoded, the host in IDNA), or None when it is
    not a web address at all ("example.org/x", a local path)."""
    if not value:
        return None
    try:
        parts = urllib.parse.urlsplit(value.strip())
        host = parts.hostname
        if parts.scheme.lower() not in ("http", "https", "ftp", "ftps") or not host:
            return None
        netloc = host.encode("idna").decode("ascii")
        if not _HOST.fullmatch(netloc):  # a space or a control in the host: no URI at all (STIX validators agree)
            return None
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port:
            netloc += f":{parts.port}"
    except (ValueError, UnicodeError):
        return None
    quoted = [urllib.parse.quote(part, safe=_URL_SAFE) for part in (parts.path, parts.query, parts.fragment)]
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, *quoted))
