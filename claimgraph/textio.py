"""Turning bytes and records into Documents, and refusing what cannot be processed with a clear reason."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import IO, Iterable, Iterator

from .dateline import parse_dateline
from .errors import InputError
from .models import Document

# A long report is ~50k characters; beyond this it is not an article. Not above spaCy's default max_length
# (1,000,000), which the pipeline is given explicitly (nlp/pipeline.py), so every text that passes the check
# can be read whole by the pipeline.
MAX_CHARS = 1_000_000
MAX_LINE_BYTES = MAX_CHARS * 8  # one JSON Lines/CSV line: a text of MAX_CHARS with every character escaped
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


# Characters the pipeline and the store cannot take (lone surrogates cannot be encoded as UTF-8; C0/C1 controls
# other than tab, line breaks and form feed are no part of text): each is replaced by one character, so offsets
# into the text stay those of the input.
_CONTROLS = {c: " " for c in [*range(0, 9), 11, *range(14, 32), 127, *range(0x80, 0xA0)]}
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """``text`` with lone surrogates as U+FFFD and control characters as spaces; the same length."""
    text = text.translate(_CONTROLS)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def failure(where: str, exc: BaseException) -> InputError:
    """The InputError reporting that one input (file, line, item, document) failed in an unexpected way: the
    exception's kind and a short reason, never the input's text."""
    reason = str(exc).splitlines()[0][:160] if str(exc) else ""
    return InputError(f"{where}: cannot be read ({type(exc).__name__}{': ' + reason if reason else ''})")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_document(document: Document) -> Document:
    """Text and metadata normalised (``normalise_text``), and the date filled from a dateline when the metadata has none."""
    update = {field: normalise_text(value) for field in ("text", "id", "title", "source", "url")
              if isinstance(value := getattr(document, field), str) and normalise_text(value) != value}
    if update:  # the store must be able to encode every field, or one document stops the run
        document = document.model_copy(update=update)
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
    if not isinstance(value, str):
        raise InputError(f"{where}: date must be a YYYY-MM-DD string, not {_json_type(value)}")
    text = value.strip()
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
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        raise InputError(f"{where}: 'id' must be a string or an integer, not {_json_type(doc_id)}")
    if doc_id is None or str(doc_id).strip() == "":
        doc_id = content_hash(text)[:16]
    return Document(
        id=str(doc_id), text=text, date=parse_date(record.get("date"), where),
        title=_opt_str(record, "title", where), source=_opt_str(record, "source", where),
        url=_opt_str(record, "url", where),
    )


def _opt_str(record: dict, field: str, where: str) -> str | None:
    """A text field of a record: a string, a number written as such, or absent; never a Python repr."""
    value = record.get(field)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value)
    raise InputError(f"{where}: {field!r} must be a string, not {_json_type(value)}")


def _json_type(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", float: "a number"}.get(type(value), type(value).__name__)


def bounded_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """The lines of a binary stream, none longer than ``limit`` bytes. A longer line ends the stream, given as
    None: such a file is not JSON Lines, and an endless one (/dev/zero) would never reach its next line."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            yield None
            return
        yield line


def iter_jsonl(stream: IO[bytes] | Iterable[bytes | str], name: str) -> Iterator[Document | InputError]:
    """One Document per line; a bad line yields an InputError naming the line instead of stopping the run.
    A stream with ``readline`` is read in lines of at most MAX_LINE_BYTES."""
    lines = bounded_lines(stream) if hasattr(stream, "readline") else stream  # type: ignore[arg-type]
    for number, raw in enumerate(lines, start=1):
        where = f"{name}:{number}"
        if raw is None:
            yield InputError(f"{where}: a line longer than {MAX_LINE_BYTES:,} bytes; the rest is not read")
            return
        try:
            yield from _jsonl_line(raw, where)
        except Exception as exc:  # noqa: BLE001  (one line is one unit of failure: reported, and the run goes on)
            yield failure(where, exc)


def _jsonl_line(raw: bytes | str, where: str) -> Iterator[Document | InputError]:
    if isinstance(raw, bytes):
        if not raw.strip():
            return
        try:
            raw = decode_bytes(raw, where)
        except InputError as exc:
            yield exc
            return
    if not raw.strip():
        return
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
        return
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting too deep
        yield InputError(f"{where}: malformed JSON ({_json_limit(exc)})")
        return
    try:
        yield document_from_record(record, where)
    except InputError as exc:
        yield exc


def _json_limit(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else "a number too long to read"


def read_bounded(path: str | Path, limit: int) -> bytes:
    """A file's bytes, refused (InputError) beyond ``limit``: read in at most ``limit`` + 1 bytes, so a device
    or a file growing while read cannot exhaust memory."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise InputError(f"{path}: more than {limit:,} bytes is too large for one document")
    return data


def read_text_file(path: str | Path) -> Document:
    """A Document from a plain-text file; the id is the file name without extension."""
    path = Path(path)
    text = decode_bytes(read_bounded(path, MAX_CHARS * 4), str(path))
    return Document(id=path.stem, text=text, source=str(path))
