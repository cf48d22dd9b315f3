"""Fuzzing targets for issue 10: every reader and Extractor.extract_each, each with a hypothesis strategy of
hostile inputs (format-shaped, so that the parsers get past their first byte) and the property every one must
keep: it returns Documents or ClaimgraphErrors, and never raises.

Used by tests/test_fuzz.py (a bounded count per target, for CI) and bench/bench_fuzz.py (100,000 and more).
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

from claimgraph.errors import ClaimgraphError
from claimgraph.models import Document, ExtractionResult

# Characters that broke something once, or could: surrogates, controls, brackets and quotes the tokenizer
# strips one by one, markup, entities, bidi controls, combining marks, astral characters.
_HOSTILE = ["\ud800", "\udfff", "\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff",
            "\ufffe", "[", "]", "(", ")", "{", "}", "'", '"', "`", "-", "<", ">", "&", "&nbsp;", "&#xD800;",
            "&#0;", "<!--", "-->", "</link>", "</content>", "<script>", "<![CDATA[", "]]>", "\u0301", "😀", "\t",
            "\n", "\r", " ", ".", ",", ";", ":", "!", "?", "@", "=", "+", "\\", "/", "%", "#"]
_WORDS = ["the", "army", "attacked", "town", "said", "minister", "Veldoria", "Karth", "denied", "on", "Monday",
          "police", "killed", "12", "people", "talks", "held", "in", "Lisk", "officials", "accused", "of", "UN",
          "NATO", "MAROVIA", "Tarsk", "Front", "according", "to", "reports", "not", "will", "may"]

pieces = st.one_of(st.sampled_from(_HOSTILE), st.sampled_from(_WORDS), st.text(max_size=6))
runs = st.tuples(st.sampled_from(_HOSTILE + _WORDS), st.integers(1, 400)).map(lambda p: p[0] * p[1])
texts = st.lists(st.one_of(pieces, pieces, pieces, runs), max_size=80).map(" ".join)
raw_bytes = st.one_of(st.binary(max_size=400), texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      texts.map(lambda t: t.encode("utf-16", "surrogatepass")),
                      texts.map(lambda t: t.encode("cp1252", "replace")))

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts, st.text(max_size=20))
json_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=12)
records = st.fixed_dictionaries({}, optional={"id": json_values, "text": st.one_of(texts, json_values),
                                              "title": json_values, "date": st.one_of(json_values, st.dates().map(str)),
                                              "source": json_values, "url": json_values})
deep = st.integers(1, 3000).map(lambda n: "[" * n + "]" * n)
json_lines = st.lists(st.one_of(records.map(json.dumps), json_values.map(json.dumps), deep, texts,
                                st.integers(4000, 6000).map(lambda n: "9" * n)), max_size=8)
jsonl_bytes = st.one_of(json_lines.map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")), raw_bytes)
json_bytes = st.one_of(st.lists(records, max_size=5).map(json.dumps), records.map(json.dumps), deep,
                       json_values.map(json.dumps)).map(lambda t: t.encode("utf-8", "surrogatepass"))

_cells = st.one_of(texts, st.sampled_from(['"', '""', "\n", "\r\n", ",", "=1+1"]))
csv_bytes = st.one_of(
    st.tuples(st.lists(st.sampled_from(["id", "text", "date", "title", "url", "x", ""]), max_size=5),
              st.lists(st.lists(_cells, max_size=5), max_size=5)).map(
        lambda p: ("\n".join([",".join(p[0])] + [",".join(r) for r in p[1]])).encode("utf-8", "surrogatepass")),
    raw_bytes)

_tags = ["p", "div", "article", "html", "head", "body", "title", "script", "style", "meta", "a", "li", "br",
         "!DOCTYPE html", "time", "h1", "span", "table", "td", "link", "content", "description", "item"]
_markup = st.one_of(st.sampled_from(_tags).map(lambda t: f"<{t}>"), st.sampled_from(_tags).map(lambda t: f"</{t}>"),
                    st.sampled_from(['<meta name="date" content="', '<meta property="og:title" content="',
                                     '<time datetime="', '" />', '">']), pieces)
html_bytes = st.one_of(st.lists(_markup, max_size=60).map(lambda p: "".join(p).encode("utf-8", "surrogatepass")),
                       raw_bytes)
_feed_fields = st.lists(st.tuples(st.sampled_from(["title", "link", "description", "content:encoded", "pubDate",
                                                   "guid", "summary", "content", "updated", "id"]),
                                  st.lists(_markup, max_size=12).map("".join)), max_size=6)
feed_bytes = st.one_of(
    st.tuples(st.sampled_from(["rss", "atom"]), st.lists(_feed_fields, max_size=4)).map(lambda p: _feed(*p)),
    raw_bytes)


def _feed(kind: str, entries: list[list[tuple[str, str]]]) -> bytes:
    item = "item" if kind == "rss" else "entry"
    body = "".join(f"<{item}>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields) + f"</{item}>" for fields in entries)
    if kind == "rss":
        text = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{body}</channel></rss>'
    else:
        text = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>'
    return text.encode("utf-8", "surrogatepass")


def _items_are_sound(items: list[Any]) -> None:
    for item in items:
        assert isinstance(item, (Document, ClaimgraphError)), type(item)
        if isinstance(item, Document):
            assert isinstance(item.text, str) and isinstance(item.id, str)


def read_jsonl(data: bytes) -> None:
    from claimgraph.textio import iter_jsonl

    _items_are_sound(list(iter_jsonl(io.BytesIO(data), "fuzz.jsonl")))


def read_json(data: bytes) -> None:
    from claimgraph.ingest.sources import from_json

    _items_are_sound(list(from_json(data, "fuzz.json")))


def read_csv(data: bytes) -> None:
    from claimgraph.ingest.sources import from_csv

    _items_are_sound(list(from_csv(io.BytesIO(data), "fuzz.csv")))


def read_html(data: bytes) -> None:
    from claimgraph.ingest.sources import _guard, from_html

    _items_are_sound([_guard(lambda: from_html(data, "fuzz.html"), "fuzz.html")])


def read_feed(data: bytes) -> None:
    from claimgraph.ingest.sources import from_feed

    _items_are_sound(list(from_feed(data, "fuzz.xml")))


def read_stdin(data: bytes) -> None:
    from claimgraph.ingest.sources import iter_documents

    _items_are_sound(list(iter_documents(["-"], stdin=io.BytesIO(data))))


_SUFFIXES = [".txt", ".md", ".html", ".xml", ".rss", ".json", ".jsonl", ".csv", ""]
file_inputs = st.tuples(st.sampled_from(_SUFFIXES), st.one_of(raw_bytes, jsonl_bytes, html_bytes, feed_bytes))


def read_file(case: tuple[str, bytes]) -> None:
    """A file of any suffix through iter_documents, then the checks ingest makes before the pipeline."""
    from claimgraph.errors import InputError
    from claimgraph.ingest.sources import iter_documents
    from claimgraph.textio import check_text, prepare_document

    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        items = list(iter_documents([str(path)]))
    _items_are_sound(items)
    for item in items:
        if isinstance(item, Document):
            try:
                check_text(item.text, item.id)
            except InputError:
                continue
            document = prepare_document(item)
            document.text.encode("utf-8")  # what the store will do: no surrogate is left
            (document.title or "").encode("utf-8")


def text_checks(text: str) -> None:
    """The text preparation before NLP: check, normalise, cut runs; lengths and offsets kept."""
    from claimgraph.errors import InputError
    from claimgraph.textio import check_text, normalise_text
    from claimgraph.tokenizer_safe import tokenizer_safe

    try:
        check_text(text, "fuzz")
    except InputError:
        pass
    clean = normalise_text(text)
    assert len(clean) == len(text)
    clean.encode("utf-8")
    assert len(tokenizer_safe(clean)) == len(clean)


def make_extract(extractor: Any) -> Callable[[str], None]:
    def extract(text: str) -> None:
        """Extractor.extract_each on one document: a result whose offsets lie in the text, or an InputError."""
        from claimgraph.errors import InputError

        (outcome,) = list(extractor.extract_each([Document(id="fuzz", text=text)]))
        assert isinstance(outcome, (ExtractionResult, InputError)), type(outcome)
        if isinstance(outcome, ExtractionResult):
            for statement in outcome.statements:
                assert 0 <= statement.start <= statement.end <= len(outcome.document.text)
            for mention in outcome.mentions:
                assert outcome.document.text[mention.start:mention.end] == mention.text

    return extract


# name -> (strategy, target); the extractor's target needs the pipeline, so it is made by the caller.
READERS: dict[str, tuple[Any, Callable[[Any], None]]] = {
    "iter_jsonl": (jsonl_bytes, read_jsonl),
    "from_json": (json_bytes, read_json),
    "from_csv": (csv_bytes, read_csv),
    "from_html": (html_bytes, read_html),
    "from_feed": (feed_bytes, read_feed),
    "stdin": (st.one_of(jsonl_bytes, json_bytes, html_bytes, feed_bytes, raw_bytes), read_stdin),
    "from_file": (file_inputs, read_file),
    "text_checks": (texts, text_checks),
}
EXTRACT_TEXTS = texts


# ---- the same shapes from a plain random generator: ~100x cheaper per example than hypothesis's, for the long
# run in bench/bench_fuzz.py (hypothesis spends milliseconds generating one structured example).
def random_text(rng: Any, size: int = 80) -> str:
    parts = []
    for _ in range(rng.randrange(size)):
        roll = rng.random()
        if roll < 0.4:
            parts.append(rng.choice(_WORDS))
        elif roll < 0.8:
            parts.append(rng.choice(_HOSTILE))
        elif roll < 0.9:
            parts.append("".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 6))))
        else:
            parts.append(rng.choice(_HOSTILE + _WORDS) * rng.randrange(1, 400))
    return " ".join(parts)


def random_short_text(rng: Any) -> str:
    """A short hostile text (about a sentence, ~100 characters) for the extractor's long run: random_text's
    pieces, with runs up to 40 long. 100,000 of random_text's (2,700 characters each) would take the full
    pipeline days on this machine; long runs are what text_checks fuzzes (tokenizer_safe, up to 400) and
    bench/bench_hostile.py times through the pipeline (32,000 characters)."""
    parts = []
    for _ in range(rng.randrange(1, 25)):
        roll = rng.random()
        if roll < 0.45:
            parts.append(rng.choice(_WORDS))
        elif roll < 0.85:
            parts.append(rng.choice(_HOSTILE))
        elif roll < 0.93:
            parts.append("".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 6))))
        else:
            parts.append(rng.choice(_HOSTILE + _WORDS) * rng.randrange(1, 41))
    return " ".join(parts)


def _random_bytes(rng: Any) -> bytes:
    roll = rng.random()
    if roll < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(400)))
    text = random_text(rng)
    encoding = "utf-8" if roll < 0.7 else rng.choice(["utf-16", "utf-32", "cp1252", "latin-1", "utf-8-sig"])
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def _random_json(rng: Any, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    if depth < 3 and roll < 0.35:
        return {random_text(rng, 2): _random_json(rng, depth + 1) for _ in range(rng.randrange(4))}
    return rng.choice([None, True, False, rng.randrange(-10**6, 10**6), rng.random() * 1e10, random_text(rng),
                       "2025-02-30", "1999-12-31"])


def _random_record(rng: Any) -> dict:
    fields = {"id": _random_json(rng), "text": random_text(rng) if rng.random() < 0.8 else _random_json(rng),
              "title": _random_json(rng), "date": _random_json(rng), "source": _random_json(rng),
              "url": _random_json(rng)}
    return {k: v for k, v in fields.items() if rng.random() < 0.7}


def _random_json_text(rng: Any) -> str:
    roll = rng.random()
    if roll < 0.1:
        n = rng.randrange(1, 3000)
        return "[" * n + "]" * n
    if roll < 0.15:
        return "9" * rng.randrange(4000, 6000)
    if roll < 0.25:
        return random_text(rng, 10)
    value = _random_record(rng) if roll < 0.8 else _random_json(rng)
    text = json.dumps(value)
    if rng.random() < 0.1:  # a cut or a stray byte
        text = text[:rng.randrange(len(text) + 1)]
    return text


def _random_markup(rng: Any, size: int = 60) -> str:
    parts = []
    for _ in range(rng.randrange(size)):
        roll = rng.random()
        tag = rng.choice(_tags)
        parts.append(f"<{tag}>" if roll < 0.3 else f"</{tag}>" if roll < 0.5 else random_text(rng, 6))
    return "".join(parts)


def _random_feed(rng: Any) -> bytes:
    fields = ["title", "link", "description", "content:encoded", "pubDate", "guid", "summary", "content", "id"]
    entries = [[(rng.choice(fields), _random_markup(rng, 12)) for _ in range(rng.randrange(6))]
               for _ in range(rng.randrange(4))]
    return _feed(rng.choice(["rss", "atom"]), entries)


def _random_csv(rng: Any) -> bytes:
    header = [rng.choice(["id", "text", "date", "title", "url", "x", ""]) for _ in range(rng.randrange(5))]
    cells = lambda: rng.choice([random_text(rng, 8), '"', '""', "\n", "\r\n", ",", "=1+1"])  # noqa: E731
    rows = [",".join(cells() for _ in range(rng.randrange(5))) for _ in range(rng.randrange(5))]
    return "\n".join([",".join(header), *rows]).encode("utf-8", "surrogatepass")


def _or_bytes(rng: Any, make: Callable[[Any], bytes]) -> bytes:
    return make(rng) if rng.random() < 0.85 else _random_bytes(rng)


RANDOM_INPUTS: dict[str, Callable[[Any], Any]] = {
    "iter_jsonl": lambda rng: _or_bytes(rng, lambda r: "\n".join(_random_json_text(r) for _ in range(r.randrange(8)))
                                        .encode("utf-8", "surrogatepass")),
    "from_json": lambda rng: _or_bytes(rng, lambda r: _random_json_text(r).encode("utf-8", "surrogatepass")),
    "from_csv": lambda rng: _or_bytes(rng, _random_csv),
    "from_html": lambda rng: _or_bytes(rng, lambda r: _random_markup(r).encode("utf-8", "surrogatepass")),
    "from_feed": lambda rng: _or_bytes(rng, _random_feed),
    "stdin": lambda rng: rng.choice([RANDOM_INPUTS[n] for n in ("iter_jsonl", "from_json", "from_html",
                                                                "from_feed")])(rng),
    "from_file": lambda rng: (rng.choice(_SUFFIXES), rng.choice([RANDOM_INPUTS[n] for n in (
        "iter_jsonl", "from_json", "from_html", "from_feed", "from_csv")])(rng)),
    "text_checks": random_text,
}


def make_extract_batch(extractor: Any) -> Callable[[list[str]], None]:
    """make_extract's property for a list of texts in one extract_each call (one outcome each, in order)."""
    one = make_extract(extractor)

    def extract(texts: list[str]) -> None:
        from claimgraph.errors import InputError

        documents = [Document(id=f"fuzz{i}", text=t) for i, t in enumerate(texts)]
        outcomes = list(extractor.extract_each(documents))
        assert len(outcomes) == len(documents)
        for document, outcome in zip(documents, outcomes):
            assert isinstance(outcome, (ExtractionResult, InputError)), type(outcome)
            if isinstance(outcome, ExtractionResult):
                assert outcome.document.id == document.id
                for statement in outcome.statements:
                    assert 0 <= statement.start <= statement.end <= len(outcome.document.text)
                for mention in outcome.mentions:
                    assert outcome.document.text[mention.start:mention.end] == mention.text

    one.__name__ = "extract"
    return extract
