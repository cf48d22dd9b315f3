"""Turning bytes and records into Documents, and refusing what cannot be processed with a clear reason."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from .dateline import parse_dateline
from .errors import InputError
from .models import Document

MAX_CHARS = 2_000_000  # a long report is ~50k characters; beyond this it is not an article
# Frequent function words of other languages written in Latin script; English news hardly uses them.
_FOREIGN_WORDS = frozenset(
    "der das und ist nicht ein eine einer eines dem den des sich auch wurde sind mit von zu auf für "
    "le la les et est une des du dans pour qui sur pas avec sont ce cette "
    "el los las y que por para una del con como pero más fue "
    "il di che non gli della sono per una nel con "
    "não uma com os das dos pelo pela foi "
    "het een van niet zijn wordt ook "
    "ve bir bu ile için olarak da "
    "dan yang di dengan untuk ini itu tidak".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DETECT_BYTES = 1 << 20  # charset detection looks at the first MiB
_MAX_CHAOS = 0.2  # charset-normalizer's mess ratio above which bytes are not taken as text in that encoding


def decode_bytes(data: bytes, name: str) -> str:
    """Text from bytes: by byte-order mark (UTF-8, UTF-16, UTF-32), as UTF-8, else in the encoding
    charset-normalizer detects (cp1252, cp1256, ...); an InputError saying why not (empty, binary)."""
    if not data.strip():
        raise InputError(f"{name}: empty input")
    for bom, encoding in _BOMS:  # UTF-32 LE before UTF-16 LE: its mark begins with UTF-16's
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: marked {encoding.upper()} but not valid {encoding} ({exc.reason})") from exc
    if b"\x00" not in data[:8192]:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_DETECT_BYTES]).best()
    nul_ok = best is not None and best.encoding.startswith(("utf_16", "utf_32"))  # NULs belong to those only
    if best is None or best.chaos > _MAX_CHAOS or (b"\x00" in data[:8192] and not nul_ok):
        what = "binary data, not text" if b"\x00" in data[:8192] else "in no encoding claimgraph can recognise"
        raise InputError(f"{name}: {what}; if it is text, convert it to UTF-8 first (e.g. iconv -f cp1252 -t utf-8)")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{name}: not valid {best.encoding} past the first MiB; convert it to UTF-8 first") from exc


def check_text(text: str, name: str) -> None:
    """Raise InputError when ``text`` cannot be processed: empty, too large, control bytes, not English."""
    if not text or not text.strip():
        raise InputError(f"{name}: empty text")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: {len(text):,} characters is over the limit of {MAX_CHARS:,}; split the input")
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(10, len(sample) // 100):
        raise InputError(f"{name}: looks like binary data, not text")
    letters = [ch for ch in sample if ch.isalpha()]
    if letters and sum(1 for ch in letters if ch > "\u024f") > len(letters) / 2:
        raise InputError(f"{name}: not written in Latin script; claimgraph reads English text only")
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) >= 8:
        from spacy.lang.en.stop_words import STOP_WORDS

        english = sum(1 for w in words if w in STOP_WORDS) / len(words)
        foreign = sum(1 for w in words if w in _FOREIGN_WORDS and w not in STOP_WORDS) / len(words)
        if english < 0.12 and foreign > english:
            raise InputError(f"{name}: does not look like English (claimgraph reads English text only)")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_document(document: Document) -> Document:
    """Fill the date from a dateline when the metadata has none."""
    if document.date is not None:
        return document if document.date_origin else document.model_copy(update={"date_origin": "metadata"})
    dateline = parse_dateline(document.text)
    if dateline.date is None:
        return document
    return document.model_copy(update={"date": dateline.date, "date_origin": dateline.origin})


def parse_date(value: object, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise InputError(f"{where}: date {text!r} is not YYYY-MM-DD") from exc


def document_from_record(record: object, where: str) -> Document:
    """A Document from a JSON object with ``id`` and ``text`` (optional date, title, source, url)."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: missing string field 'text'")
    doc_id = record.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        doc_id = content_hash(text)[:16]
    return Document(
        id=str(doc_id), text=text, date=parse_date(record.get("date"), where),
        title=_opt_str(record.get("title")), source=_opt_str(record.get("source")), url=_opt_str(record.get("url")),
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def iter_jsonl(stream: Iterable[bytes | str], name: str) -> Iterator[Document | InputError]:
    """One Document per line; a bad line yields an InputError naming the line instead of stopping the run."""
    for number, raw in enumerate(stream, start=1):
        where = f"{name}:{number}"
        if isinstance(raw, bytes):
            if not raw.strip():
                continue
            try:
                raw = decode_bytes(raw, where)
            except InputError as exc:
                yield exc
                continue
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield document_from_record(record, where)
        except InputError as exc:
            yield exc


def read_text_file(path: str | Path) -> Document:
    """A Document from a plain-text file; the id is the file name without extension."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if len(data) > MAX_CHARS * 4:
        raise InputError(f"{path}: {len(data):,} bytes is too large for one document")
    text = decode_bytes(data, str(path))
    return Document(id=path.stem, text=text, source=str(path))


def iter_input(path: str, jsonl: bool | None = None) -> Iterator[Document | InputError]:
    """Documents from a path for ``extract``: a text file, a .json/.jsonl file, or ``-`` for standard input.

    ``jsonl`` forces (True) or forbids (False) reading one JSON document per line; None decides by extension.
    """
    import sys

    is_jsonl = jsonl if jsonl is not None else str(path).endswith((".jsonl", ".ndjson"))
    if path == "-":
        if is_jsonl:
            yield from iter_jsonl(sys.stdin.buffer, "<stdin>")
            return
        data = sys.stdin.buffer.read()
        yield Document(id="stdin", text=decode_bytes(data, "<stdin>"), source="<stdin>")
        return
    if is_jsonl:
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
        with handle:
            yield from iter_jsonl(handle, str(path))
        return
    if str(path).endswith(".json"):
        document = read_text_file(path)
        try:
            record = json.loads(document.text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})") from exc
        records = record if isinstance(record, list) else [record]
        for number, item in enumerate(records, start=1):
            try:
                yield document_from_record(item, f"{path}[{number}]")
            except InputError as exc:
                yield exc
        return
    yield read_text_file(path)
