"""Streams of Documents from files, folders, feeds, URLs and standard input.

Every reader yields ``Document`` objects, or an ``InputError``/``OfflineError`` naming the location of what
could not be read (file, line, row, feed entry), so one bad item never stops a run: whatever exception reading
one item raises becomes its InputError, and one that breaks a whole file ends only that file. Every read is
bounded (MAX_FETCH_BYTES for a document, MAX_LINE_BYTES for a line), also on devices and endless streams.
Nothing is loaded whole except single JSON documents and single web pages.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Union

from ..errors import ClaimgraphError, InputError
from ..models import Document
from ..textio import (MAX_CHARS, MAX_LINE_BYTES, decode_bytes, document_from_record, failure,
                      iter_jsonl, normalise_text, parse_date, read_bounded)
from .fetch import USER_AGENT  # noqa: F401  (readers' name for the fetcher's User-Agent; collect uses it)

Item = Union[Document, ClaimgraphError]

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | {".json", ".csv"}
MAX_FETCH_BYTES = MAX_CHARS * 4  # one document's bytes (a file, a page, a JSON document); fetch.py has its own


def iter_documents(inputs: Iterable[str], text_column: str = "text", stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from each input: a path (file or folder), an http(s) URL, or ``-`` for standard input."""
    for spec in inputs:
        yield from isolated(_read_input(spec, text_column, stdin), spec)


def _read_input(spec: str, text_column: str, stdin: IO[bytes] | None) -> Iterator[Item]:
    if spec == "-":
        yield from _from_stream(stdin if stdin is not None else sys.stdin.buffer, "<stdin>", text_column)
    elif spec.startswith(("http://", "https://")):
        yield from from_url(spec, text_column)
    else:
        path = Path(spec)
        if path.is_dir():
            yield from from_directory(path, text_column)
        elif path.exists():
            yield from from_file(path, text_column)
        else:
            yield InputError(f"{spec}: no such file or folder")


def isolated(items: Iterator[Item], name: str) -> Iterator[Item]:
    """``items``, with an exception that escapes a reader (a bug, or a library that breaks on hostile input)
    turned into the InputError of ``name``: that input ends there, and the run goes on with the next."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001  (one input is one unit of failure; the caller reports it)
        yield failure(name, exc)


SINGLE_DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
_COUNT_LIMIT = 1 << 30  # JSON Lines files up to 1 GiB are counted (one quick pass over the bytes)


def known_count(inputs: Iterable[str]) -> int | None:
    """How many documents ``inputs`` hold, when that is known without reading them as documents: files of one
    document each, folders of them, and JSON Lines files (their non-empty lines). None as soon as an input's
    count is unknown (a feed, a CSV, a JSON list, a URL, standard input)."""
    total = 0
    for spec in inputs:
        if spec == "-" or spec.startswith(("http://", "https://")):
            return None
        path = Path(spec)
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(path).parts)] if path.is_dir() else [path]
        for file in files:
            if not file.is_file():  # a device, a pipe: its length is unknown (and /dev/zero has none)
                return None
            suffix = file.suffix.lower()
            if suffix in SINGLE_DOCUMENT_SUFFIXES:
                total += 1
            elif suffix in JSONL_SUFFIXES:
                try:
                    if file.stat().st_size > _COUNT_LIMIT:
                        return None
                    with file.open("rb") as stream:
                        total += sum(1 for line in stream if line.strip())
                except OSError:
                    return None
            elif path.is_dir() and suffix not in KNOWN_SUFFIXES:
                continue  # ignored by the folder reader too
            else:
                return None
    return total


def from_directory(folder: Path, text_column: str = "text") -> Iterator[Item]:
    """Every file with a known extension under ``folder``, recursively, in sorted order; hidden files and
    folders skipped. A folder that cannot be listed is reported, not passed over in silence."""
    unreadable: list[OSError] = []
    paths: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        paths.extend(Path(root) / f for f in files if not f.startswith("."))
    for error in unreadable:
        yield InputError(f"{error.filename or folder}: cannot read the folder ({error.strerror or error})")
    for path in sorted(paths):
        if path.is_file() and path.suffix.lower() in KNOWN_SUFFIXES:
            yield from isolated(from_file(path, text_column), str(path))


def from_file(path: Path, text_column: str = "text") -> Iterator[Item]:
    suffix = path.suffix.lower()
    name = str(path)
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as stream:
                yield from iter_jsonl(stream, name)
            return
        if suffix == ".csv":
            with path.open("rb") as stream:
                yield from from_csv(stream, name, text_column)
            return
        if path.stat().st_size > MAX_FETCH_BYTES:
            yield InputError(f"{name}: {path.stat().st_size:,} bytes is too large for one document")
            return
        data = read_bounded(path, MAX_FETCH_BYTES)  # bounded: a device reports size 0 and never ends
    except OSError as exc:
        yield InputError(f"{name}: cannot read ({exc.strerror or exc})")
        return
    except InputError as exc:
        yield exc
        return
    if suffix == ".json":
        yield from from_json(data, name)
    elif suffix in HTML_SUFFIXES:
        yield _guard(lambda: from_html(data, name, doc_id=path.stem, source=name), name)  # noqa: B023  (_guard calls it at once)
    elif suffix in FEED_SUFFIXES:
        yield from from_feed(data, name)
    else:
        yield _guard(lambda: _text_document(data, name, path.stem, source=name), name)  # noqa: B023  (_guard calls it at once)


def _guard(make: Callable[[], Document], where: str) -> Item:
    """One item read by ``make``: its Document, or the InputError of ``where`` whatever went wrong."""
    try:
        return make()
    except ClaimgraphError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  (one item is one unit of failure: reported, and the run goes on)
        return failure(where, exc)


def _text_document(data: bytes, name: str, doc_id: str, source: str | None = None) -> Document:
    return Document(id=doc_id, text=decode_bytes(data, name), source=source)


def sniff_jsonl(stream: IO[bytes]) -> tuple[bool, IO[bytes]]:
    """Whether a stream holds JSON Lines (its first line is one JSON object), and the stream to read instead
    of it (the first line given back)."""
    head = stream.readline(MAX_LINE_BYTES)
    jsonl = head.lstrip().startswith(b"{") and head.rstrip().endswith(b"}")
    return jsonl, io.BufferedReader(_Replay(head, stream))  # type: ignore[type-var]


class _Replay(io.RawIOBase):
    """A stream that gives ``head`` back, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head = head
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        if self.head:
            data, self.head = self.head[:len(buffer)], self.head[len(buffer):]
        else:
            read = getattr(self.stream, "read1", self.stream.read)
            data = read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _from_stream(stream: IO[bytes], name: str, text_column: str) -> Iterator[Item]:
    """Standard input: JSON Lines when the first line is a JSON object, a JSON list, or one text document."""
    jsonl, stream = sniff_jsonl(stream)
    if jsonl:
        yield from iter_jsonl(stream, name)
        return
    data = stream.read(MAX_FETCH_BYTES + 1)
    if len(data) > MAX_FETCH_BYTES:
        yield InputError(f"{name}: more than {MAX_FETCH_BYTES:,} bytes is too large for one document")
        return
    first = data.lstrip()
    if first.startswith((b"[", b"{")):
        yield from from_json(data, name)
    elif first.startswith(b"<"):
        yield from (from_feed(data, name) if _looks_like_feed(data) else [_guard(lambda: from_html(data, name), name)])
    else:
        yield _guard(lambda: _text_document(data, name, "stdin"), name)  # noqa: B023  (_guard calls it at once)


def from_json(data: bytes, name: str) -> Iterator[Item]:
    """One JSON object or a list of them, each with the fields of the extract contract."""
    try:
        value = json.loads(decode_bytes(data, name))
    except InputError as exc:
        yield exc
        return
    except json.JSONDecodeError as exc:
        yield InputError(f"{name}:{exc.lineno}: malformed JSON ({exc.msg} at column {exc.colno})")
        return
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting too deep
        what = "nested too deeply" if isinstance(exc, RecursionError) else "a number too long to read"
        yield InputError(f"{name}: malformed JSON ({what})")
        return
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        where = f"{name}[{index}]" if isinstance(value, list) else name
        yield _guard(lambda: document_from_record(record, where), where)  # noqa: B023  (_guard calls it at once)


def from_csv(stream: IO[bytes], name: str, text_column: str = "text") -> Iterator[Item]:
    """One document per row; ``text_column`` holds the text, optional id/title/date/source/url columns."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.DictReader(_bounded_text_lines(text, name))
    csv.field_size_limit(MAX_CHARS)
    try:
        fields = reader.fieldnames or []
        if text_column not in fields:
            yield InputError(f"{name}: no column {text_column!r} (columns: {', '.join(fields) or 'none'}); "
                             f"use --text-column")
            return
        for row in reader:
            where = f"{name}:{reader.line_num}"
            record = {k: v for k, v in row.items() if k in ("id", "title", "date", "source", "url")}
            record["text"] = row.get(text_column)
            record.setdefault("source", name)
            yield _guard(lambda: document_from_record(record, where), where)  # noqa: B023  (_guard calls it at once)
    except UnicodeDecodeError:
        yield InputError(f"{name}: not UTF-8; convert it first, e.g. iconv -f latin1 -t utf-8")
    except csv.Error as exc:
        yield InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})")


def _bounded_text_lines(text: IO[str], name: str) -> Iterator[str]:
    """The lines of a CSV, none longer than MAX_LINE_BYTES characters (a longer one ends the file)."""
    while True:
        line = text.readline(MAX_LINE_BYTES)
        if not line:
            return
        if len(line) >= MAX_LINE_BYTES and not line.endswith(("\n", "\r")):
            raise csv.Error(f"a line longer than {MAX_LINE_BYTES:,} characters")
        yield line


def from_html(data: bytes | str, name: str, doc_id: str | None = None, source: str | None = None,
              url: str | None = None) -> Document:
    """The main text of a web page (trafilatura) with its title, date and site name."""
    import trafilatura

    # No extensive date search: it takes a footer's "Copyright 2025" for the article's date (2025-01-01).
    if isinstance(data, bytes):
        data = _safe_char_refs(data)
    try:
        extracted = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception:  # noqa: BLE001  (htmldate or the metadata parsers broke on the page: its text may still do)
        extracted = trafilatura.bare_extraction(data, url=url, with_metadata=False, include_comments=False,
                                                include_tables=False)
    assert not isinstance(extracted, dict)  # as_dict=False: trafilatura's Document
    if extracted is None or not (extracted.text or "").strip():
        raise InputError(f"{name}: no article text found in the HTML")
    date = None
    try:
        date = parse_date(extracted.date, name)
    except InputError:
        date = None  # a page's odd date metadata is no reason to refuse its text
    stem = doc_id or (url or name).rstrip("/").rsplit("/", 1)[-1] or name
    return Document(id=stem, text=extracted.text or "", title=extracted.title, date=date,
                    source=extracted.sitename or extracted.hostname or source, url=url or extracted.url)


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _safe_char_refs(data: bytes) -> bytes:
    """``data`` with character references to what no text holds (a lone surrogate such as ``&#xD800;``, NUL,
    beyond U+10FFFF) as U+FFFD: feedparser and lxml raise on them."""

    def replace(match: re.Match) -> bytes:
        code = int(match[1], 16) if match[1] else int(match[2])
        return b"&#xFFFD;" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else match[0]

    return _CHAR_REF.sub(replace, data) if b"&#" in data else data


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2000].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def from_feed(data: bytes, name: str) -> Iterator[Item]:
    """One document per RSS/Atom entry: its content (or summary) as text, its link as url."""
    import feedparser

    try:
        parsed = feedparser.parse(_safe_char_refs(data))
    except Exception as exc:  # noqa: BLE001  (feedparser breaks on some hostile feeds: KeyError, encoding errors)
        yield failure(name, exc)
        return
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        yield InputError(f"{name}: not a readable RSS/Atom feed" + (f" ({reason})" if reason else ""))
        return
    outlet = parsed.feed.get("title") if parsed.get("feed") else None
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{name}: entry {number}"
        yield _guard(lambda: _feed_entry(entry, where, outlet), where)  # noqa: B023  (_guard calls it at once)


def _feed_entry(entry, where: str, outlet: str | None) -> Document:  # noqa: ANN001
    html = ""
    if entry.get("content"):
        html = entry["content"][0].get("value", "")
    html = normalise_text(html or entry.get("summary", "") or entry.get("description", ""))  # lxml needs UTF-8
    text = _html_to_text(html) if "<" in html else html
    if not text.strip():
        raise InputError(f"{where}: no text (neither content nor summary)")
    date = None
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        import datetime as dt

        date = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
    link = entry.get("link")
    doc_id = entry.get("id") or link or where
    return Document(id=str(doc_id), text=text.strip(), title=entry.get("title"), date=date, source=outlet, url=link)


def feed_entry_document(entry, where: str, outlet: str | None) -> Document:  # noqa: ANN001
    """A feedparser entry as a Document (its content, else its summary); ``claimgraph watch`` uses it for entries
    whose page cannot be had."""
    return _feed_entry(entry, where, outlet)


def _html_to_text(html: str) -> str:
    import lxml.html

    try:  # in a <div> of its own: a fragment may be a bare comment or text, which are no element
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    blocks = [b.text_content().strip() for b in root.iter("p", "li", "blockquote")]
    text = "\n\n".join(b for b in blocks if b)
    return text or root.text_content().strip()



def from_url(url: str, text_column: str = "text") -> Iterator[Item]:
    """Fetch a URL: a feed gives its entries, a page its main text, JSON/JSONL/CSV/plain text as such."""
    from .fetch import fetch

    try:
        fetched = fetch(url)
    except ClaimgraphError as exc:
        yield exc
        return
    data, ctype = fetched.data, fetched.content_type
    path = url.split("?", 1)[0].lower()
    if "json" in ctype or path.endswith((".json", ".jsonl", ".ndjson")):
        if path.endswith((".jsonl", ".ndjson")) or "ndjson" in ctype or "jsonl" in ctype:
            yield from iter_jsonl(io.BytesIO(data), url)
        else:
            yield from from_json(data, url)
    elif "csv" in ctype or path.endswith(".csv"):
        yield from from_csv(io.BytesIO(data), url, text_column)
    elif "rss" in ctype or "atom" in ctype or _looks_like_feed(data):
        yield from from_feed(data, url)
    elif "html" in ctype or data.lstrip()[:1] == b"<":
        yield _guard(lambda: from_html(data, url, url=url), url)  # noqa: B023  (_guard calls it at once)
    else:
        yield _guard(lambda: Document(id=url, text=decode_bytes(data, url), url=url, source=url), url)  # noqa: B023  (_guard calls it at once)

def extract_input(path: str, jsonl: bool | None = None, stdin: IO[bytes] | None = None) -> tuple[bool, Iterator[Item]]:
    """What ``claimgraph extract`` reads from ``path`` (a file, a folder or ``-``): whether it is JSON Lines (one
    document per line, so one result per line), and its items. ``jsonl`` forces (True) or forbids (False) one
    document per line; None decides by extension, and on standard input by its first line."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        if jsonl is None:
            jsonl, stream = sniff_jsonl(stream)
        if jsonl:
            return True, isolated(iter_jsonl(stream, "<stdin>"), "<stdin>")
        return False, isolated(_from_stream(stream, "<stdin>", "text"), "<stdin>")
    if jsonl is None:
        jsonl = path.lower().endswith(tuple(JSONL_SUFFIXES))
    if jsonl and not Path(path).is_dir():
        return True, isolated(_jsonl_file(Path(path)), path)
    return False, iter_documents([path])


def _jsonl_file(path: Path) -> Iterator[Item]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield InputError(f"{path}: {'no such file' if isinstance(exc, FileNotFoundError) else 'cannot read'} "
                         f"({exc.strerror or exc})")
        return
    with stream:
        yield from iter_jsonl(stream, str(path))
