"""Streams of Documents from files, folders, feeds, URLs and standard input.

Every reader yields ``Document`` objects, or an ``InputError``/``OfflineError`` naming the location of what
could not be read (file, line, row, feed entry), so one bad item never stops a run. Nothing is loaded whole
except single JSON documents and single web pages.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Iterable, Iterator, Union

from ..errors import ClaimgraphError, InputError, OfflineError
from ..models import Document
from ..textio import MAX_CHARS, decode_bytes, document_from_record, iter_jsonl, parse_date

Item = Union[Document, ClaimgraphError]

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | {".json", ".csv"}
USER_AGENT = "claimgraph/0.1 (+https://github.com/claimgraph)"
FETCH_TIMEOUT = 20
MAX_FETCH_BYTES = MAX_CHARS * 4


def iter_documents(inputs: Iterable[str], text_column: str = "text", stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from each input: a path (file or folder), an http(s) URL, or ``-`` for standard input."""
    for spec in inputs:
        if spec == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _from_stream(stream, "<stdin>", text_column)
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
    """Every file with a known extension under ``folder``, recursively, in sorted order; hidden files skipped."""
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_file() and path.suffix.lower() in KNOWN_SUFFIXES:
            yield from from_file(path, text_column)


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
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(f"{name}: cannot read ({exc.strerror or exc})")
        return
    if suffix == ".json":
        yield from from_json(data, name)
    elif suffix in HTML_SUFFIXES:
        yield _guard(lambda: from_html(data, name, doc_id=path.stem, source=name))
    elif suffix in FEED_SUFFIXES:
        yield from from_feed(data, name)
    else:
        yield _guard(lambda: _text_document(data, name, path.stem, source=name))


def _guard(make) -> Item:  # noqa: ANN001
    try:
        return make()
    except ClaimgraphError as exc:
        return exc


def _text_document(data: bytes, name: str, doc_id: str, source: str | None = None) -> Document:
    return Document(id=doc_id, text=decode_bytes(data, name), source=source)


def _from_stream(stream: IO[bytes], name: str, text_column: str) -> Iterator[Item]:
    """Standard input: JSON Lines when the first line is a JSON object, a JSON list, or one text document."""
    head = stream.readline()
    first = head.lstrip()
    if first.startswith(b"{") and head.rstrip().endswith(b"}"):
        yield from iter_jsonl(_chain(head, stream), name)
        return
    rest = stream.read(MAX_FETCH_BYTES)
    data = head + rest
    if first.startswith((b"[", b"{")):
        yield from from_json(data, name)
    elif first.startswith(b"<"):
        yield from (from_feed(data, name) if _looks_like_feed(data) else [_guard(lambda: from_html(data, name))])
    else:
        yield _guard(lambda: _text_document(data, name, "stdin"))


def _chain(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    yield head
    yield from stream


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
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        where = f"{name}[{index}]" if isinstance(value, list) else name
        yield _guard(lambda: document_from_record(record, where))  # noqa: B023  (_guard calls it at once)


def from_csv(stream: IO[bytes], name: str, text_column: str = "text") -> Iterator[Item]:
    """One document per row; ``text_column`` holds the text, optional id/title/date/source/url columns."""
    reader = csv.DictReader(io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline=""))
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
            yield _guard(lambda: document_from_record(record, where))  # noqa: B023  (_guard calls it at once)
    except UnicodeDecodeError:
        yield InputError(f"{name}: not UTF-8; convert it first, e.g. iconv -f latin1 -t utf-8")
    except csv.Error as exc:
        yield InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})")


def from_html(data: bytes | str, name: str, doc_id: str | None = None, source: str | None = None,
              url: str | None = None) -> Document:
    """The main text of a web page (trafilatura) with its title, date and site name."""
    import trafilatura

    # No extensive date search: it takes a footer's "Copyright 2025" for the article's date (2025-01-01).
    extracted = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                            include_tables=False,
                                            date_extraction_params={"extensive_search": False, "original_date": True})
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


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2000].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def from_feed(data: bytes, name: str) -> Iterator[Item]:
    """One document per RSS/Atom entry: its content (or summary) as text, its link as url."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        yield InputError(f"{name}: not a readable RSS/Atom feed" + (f" ({reason})" if reason else ""))
        return
    outlet = parsed.feed.get("title") if parsed.get("feed") else None
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{name}: entry {number}"
        yield _guard(lambda: _feed_entry(entry, where, outlet))  # noqa: B023  (_guard calls it at once)


def _feed_entry(entry, where: str, outlet: str | None) -> Document:  # noqa: ANN001
    html = ""
    if entry.get("content"):
        html = entry["content"][0].get("value", "")
    html = html or entry.get("summary", "") or entry.get("description", "")
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

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    blocks = [b.text_content().strip() for b in root.iter("p", "li", "blockquote")]
    text = "\n\n".join(b for b in blocks if b)
    return text or root.text_content().strip()


def from_url(url: str, text_column: str = "text") -> Iterator[Item]:
    """Fetch a URL: a feed gives its entries, a page its main text, JSON/JSONL/CSV/plain text as such."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http/https only)
            data = response.read(MAX_FETCH_BYTES + 1)
            ctype = (response.headers.get("Content-Type") or "").lower()
    except urllib.error.HTTPError as exc:
        yield InputError(f"{url}: HTTP {exc.code} {exc.reason}")
        return
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.gaierror, socket.timeout, ConnectionError, OSError)):
            yield OfflineError(f"{url}: cannot reach the network ({reason}); check the connection or proxy, "
                               f"or save the page and ingest the file")
        else:
            yield InputError(f"{url}: cannot fetch ({reason})")
        return
    except (TimeoutError, OSError) as exc:
        yield OfflineError(f"{url}: cannot reach the network ({exc})")
        return
    if len(data) > MAX_FETCH_BYTES:
        yield InputError(f"{url}: more than {MAX_FETCH_BYTES:,} bytes; not one article")
        return
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
        yield _guard(lambda: from_html(data, url, url=url))
    else:
        yield _guard(lambda: Document(id=url, text=decode_bytes(data, url), url=url, source=url))
