"""Reading knowledge data files (YAML and TSV) with line numbers, so every error names file and line."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import DataFileError

LINE_KEY = "__line__"

_Model = TypeVar("_Model", bound=BaseModel)


# libyaml's parser when PyYAML was built with it (8x faster on the knowledge base); same results otherwise.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A SafeLoader that records the 1-based line of every mapping under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


# YAML 1.1 reads yes/no/on/off as booleans; in alias lists "No" or "ON" must stay strings. The resolver table
# is copied first: it is a class attribute shared with yaml.SafeLoader, which must keep its own behaviour.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def package_data_path(*parts: str) -> Path:
    """Path of a file shipped in ``claimgraph/data``."""
    return Path(str(resources.files("claimgraph").joinpath("data", *parts)))


MAX_DATA_FILE_BYTES = 64 << 20  # the largest shipped knowledge file is well under 1 MB


def load_yaml(path: str | Path) -> Any:
    path = Path(path)
    try:
        with path.open("rb") as stream:  # bounded: a --kb pointing at a device must not exhaust memory
            data = stream.read(MAX_DATA_FILE_BYTES + 1)
        if len(data) > MAX_DATA_FILE_BYTES:
            raise DataFileError(path, f"more than {MAX_DATA_FILE_BYTES:,} bytes; not a data file")
        text = data.decode("utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(path, "file not found") from exc
    except IsADirectoryError as exc:
        raise DataFileError(path, "is a folder, not a YAML file") from exc
    except OSError as exc:
        raise DataFileError(path, f"cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not UTF-8 ({exc.reason})") from exc
    try:
        if "&" in text and "*" in text:  # anchors and aliases: a file without them needs no check
            _check_expansion(text, path)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataFileError(path, f"invalid YAML: {exc.problem}", line) from exc


MAX_YAML_NODES = 1_000_000  # nodes a data file may stand for once its aliases are expanded


def _check_expansion(text: str, path: Path) -> None:
    """Refuse a file whose aliases expand it beyond MAX_YAML_NODES (a "billion laughs" file is a few hundred
    bytes): one linear pass over the parser's events, counting each alias as the size of what it names."""
    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = [(None, 0)]  # (anchor, nodes so far) of each open collection
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append((event.anchor, 1))
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
        else:
            continue
        if anchor:
            sizes[anchor] = size
        top_anchor, total = stack[-1]
        stack[-1] = (top_anchor, total + size)
        if stack[0][1] + sum(n for _, n in stack[1:]) > MAX_YAML_NODES:
            line = event.start_mark.line + 1 if event.start_mark else None
            raise DataFileError(path, f"its aliases expand it to more than {MAX_YAML_NODES:,} nodes", line)


def strip_lines(value: Any) -> Any:
    """Remove the ``__line__`` bookkeeping from a loaded structure, recursively."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def validate_record(model: type[_Model], record: Any, path: str | Path, what: str) -> _Model:
    """Validate one mapping from a data file against ``model``; errors name the file and line."""
    line = record.get(LINE_KEY) if isinstance(record, dict) else None
    if not isinstance(record, dict):
        raise DataFileError(path, f"each {what} must be a mapping, got {type(record).__name__}", line)
    try:
        return model.model_validate(strip_lines(record))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        ident = record.get("id") or record.get("name") or ""
        label = f"{what} {ident!r}" if ident else what
        raise DataFileError(path, f"{label}: field {loc!r}: {first['msg']}", line) from exc


def read_tsv(path: str | Path, columns: list[str], exact: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a TSV file with a header; ``#`` lines are comments. With ``exact``, a column
    that is not in ``columns`` is an error (a field nothing reads)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise DataFileError(path, "file not found") from exc
    with handle:
        header: list[str] | None = None
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
            if header is None:
                header = cells
                missing = [c for c in columns if c not in header]
                if missing:
                    raise DataFileError(path, f"missing column(s) {', '.join(missing)}", number)
                unknown = [c for c in header if c not in columns]
                if exact and unknown:
                    raise DataFileError(path, f"unknown column(s) {', '.join(unknown)} (expected "
                                              f"{', '.join(columns)})", number)
                continue
            if len(cells) != len(header):
                raise DataFileError(path, f"expected {len(header)} tab-separated cells, got {len(cells)}", number)
            yield number, dict(zip(header, cells))
