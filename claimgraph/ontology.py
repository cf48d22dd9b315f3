"""The PLOVER event ontology, stances, actor types and CAMEO sectors, loaded from ``claimgraph/data/ontology``.

Every file is validated on load; errors are :class:`~claimgraph.errors.DataFileError` naming file and line.
The sets of event types, stances and actor types must equal the ones fixed in :mod:`claimgraph.models`, so
the data files cannot drift from the typed models the rest of the code relies on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from .errors import DataFileError
from .models import ACTOR_TYPES, EVENT_TYPES, STANCES, ActorType, EventType, Stance


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PloverMode(_Strict):
    name: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class PloverEvent(_Strict):
    name: EventType
    quad: Literal["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]
    requires_recipient: bool
    definition: str = Field(min_length=1)
    modes: list[PloverMode] = Field(default_factory=list)


class PloverContext(_Strict):
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z_]*$")
    definition: str = Field(min_length=1)


class StanceDef(_Strict):
    name: Stance
    definition: str = Field(min_length=1)


class ActorTypeDef(_Strict):
    name: ActorType
    definition: str = Field(min_length=1)
    sectors: list[str] = Field(default_factory=list)


class Sector(_Strict):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    actor_type: ActorType
    description: str = Field(min_length=1)


@dataclass(frozen=True)
class Ontology:
    """The validated ontology. Dicts are keyed by name (events, contexts, stances, actor types) or code."""

    events: dict[str, PloverEvent]
    contexts: dict[str, PloverContext]
    stances: dict[str, StanceDef]
    actor_types: dict[str, ActorTypeDef]
    sectors: dict[str, Sector]

    def modes(self, event: str) -> set[str]:
        ev = self.events.get(event)
        return {m.name for m in ev.modes} if ev else set()

    def has_mode(self, event: str, mode: str) -> bool:
        return mode in self.modes(event)

    def has_context(self, context: str) -> bool:
        return context in self.contexts

    def sector_actor_type(self, code: str) -> str | None:
        sector = self.sectors.get(code.upper())
        return sector.actor_type if sector else None


def section(data: Any, key: str, path: Path, *, required: bool = True) -> list[Any]:
    """The list under top-level ``key`` of a loaded data file (shared with :mod:`claimgraph.lexicon`)."""
    if data is None and not required:
        return []
    if not isinstance(data, dict):
        raise DataFileError(path, "the file must be a mapping with a top-level key", 1)
    value = data.get(key)
    if value is None:
        if required:
            raise DataFileError(path, f"missing top-level key {key!r}", 1)
        return []
    if not isinstance(value, list):
        raise DataFileError(path, f"{key!r} must be a list", _key_line(path, key))
    return value


def _key_line(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(f"{key}:"):
                return number
    except OSError:
        return None
    return None


def _named(models: list[Any], raws: list[Any], path: Path, attr: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model, raw in zip(models, raws):
        key = getattr(model, attr)
        if key in out:
            raise DataFileError(path, f"duplicate {what} {key!r}", raw.get(LINE_KEY))
        out[key] = model
    return out


def _require_equal(found: set[str], expected: tuple[str, ...], path: Path, what: str) -> None:
    missing = sorted(set(expected) - found)
    extra = sorted(found - set(expected))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unknown {', '.join(extra)}")
        raise DataFileError(path, f"{what} must equal claimgraph.models ({'; '.join(parts)})")


def _load_list(path: Path, key: str, model: type[BaseModel], what: str) -> tuple[list[Any], list[Any]]:
    raws = section(load_yaml(path), key, path)
    return [validate_record(model, raw, path, what) for raw in raws], raws


def load_ontology(directory: str | Path | None = None) -> Ontology:
    """Load and validate the ontology files in ``directory`` (default: the bundled ones, cached)."""
    if directory is None:
        return _bundled_ontology()
    return _load_ontology(Path(directory))


@functools.lru_cache(maxsize=1)
def _bundled_ontology() -> Ontology:
    return _load_ontology(package_data_path("ontology"))


def _load_ontology(directory: Path) -> Ontology:
    plover_path = directory / "plover.yaml"
    plover = load_yaml(plover_path)
    event_raws = section(plover, "events", plover_path)
    events_list = [validate_record(PloverEvent, raw, plover_path, "event") for raw in event_raws]
    events = _named(events_list, event_raws, plover_path, "name", "event")
    _require_equal(set(events), EVENT_TYPES, plover_path, "the PLOVER event types")
    for ev, raw in zip(events_list, event_raws):
        names = [m.name for m in ev.modes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise DataFileError(plover_path, f"event {ev.name}: duplicate mode(s) {', '.join(dupes)}", raw.get(LINE_KEY))
    context_raws = section(plover, "contexts", plover_path)
    contexts_list = [validate_record(PloverContext, raw, plover_path, "context") for raw in context_raws]
    contexts = _named(contexts_list, context_raws, plover_path, "name", "context")

    stances_path = directory / "stances.yaml"
    models, raws = _load_list(stances_path, "stances", StanceDef, "stance")
    stances = _named(models, raws, stances_path, "name", "stance")
    _require_equal(set(stances), STANCES, stances_path, "the stances")

    sectors_path = directory / "sectors.yaml"
    models, raws = _load_list(sectors_path, "sectors", Sector, "sector")
    sectors = _named(models, raws, sectors_path, "code", "sector")

    types_path = directory / "actor_types.yaml"
    models, raws = _load_list(types_path, "actor_types", ActorTypeDef, "actor type")
    actor_types = _named(models, raws, types_path, "name", "actor type")
    _require_equal(set(actor_types), ACTOR_TYPES, types_path, "the actor types")
    for model, raw in zip(models, raws):
        unknown = [code for code in model.sectors if code not in sectors]
        if unknown:
            raise DataFileError(
                types_path, f"actor type {model.name!r}: unknown sector code(s) {', '.join(unknown)}", raw.get(LINE_KEY)
            )
    return Ontology(events=events, contexts=contexts, stances=stances, actor_types=actor_types, sectors=sectors)


__all__ = [
    "Ontology", "PloverEvent", "PloverMode", "PloverContext", "StanceDef", "ActorTypeDef", "Sector",
    "load_ontology", "section",
]
