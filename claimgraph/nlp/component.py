"""The contract every claimgraph component with data keeps with spaCy.

A factory names its data in its config (file paths, overlay paths, a threshold) and hands ``DataComponent`` a
function that builds the component from them: the component reads its data when it is created (``add_pipe``),
as spaCy's components do from their config. ``to_disk`` saves the built component and ``from_disk`` restores it
without reading a data file again; while ``restoring()`` (how claimgraph/nlp/pipeline_cache.py loads a saved
pipeline) creating a component does not build it, since ``from_disk`` follows. ``initialize`` builds a component
that is not built yet (spaCy's initialization step; claimgraph's components learn nothing).

The built component is saved with pickle, except the spaCy objects it holds (the Language, its Vocab, StringStore
and tokenizer), which are written as references and bound to the loading pipeline's own. A saved pipeline is
therefore only read back by the claimgraph code that wrote it: the cache key includes the package's source.
"""

from __future__ import annotations

import pickle
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import PipelineError

STATE_FILE = "component.pickle"
Component = Callable[[Doc], Doc]


class DataComponent:
    """A spaCy component built from data files: ``build()`` reads them (see the module docstring)."""

    def __init__(self, nlp: Language, name: str, build: Callable[[], Component]):
        self.nlp = nlp
        self.name = name
        self._build = build
        self._component: Component | None = None if _RESTORING.get() else build()

    @property
    def component(self) -> Component:
        """The built component (built now if it is not yet)."""
        if self._component is None:
            self._component = self._build()
        return self._component

    @property
    def is_built(self) -> bool:
        return self._component is not None

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None) -> None:
        """Read the data files and build (spaCy's initialization step; claimgraph's components learn nothing)."""
        self.component  # noqa: B018  (the property builds)

    def __call__(self, doc: Doc) -> Doc:
        return self.component(doc)

    def __getattr__(self, attribute: str) -> Any:
        # What the built component offers (the linker's knowledge base, the matcher's lexicon ...). Private and
        # special names are not forwarded, so that copying and pickling see this object as it is; nor is anything
        # before the component is built, so that spaCy's probing while it loads a pipeline builds nothing.
        if attribute.startswith("_") or self._component is None:
            raise AttributeError(attribute)
        return getattr(self._component, attribute)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / STATE_FILE).open("wb") as handle:
            _SpacyPickler(handle, self.nlp).dump(self.component)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DataComponent:
        file = Path(path) / STATE_FILE
        try:
            with file.open("rb") as handle:
                self._component = _SpacyUnpickler(handle, self.nlp).load()
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError) as exc:
            raise PipelineError(f"{file}: cannot restore component {self.name!r}: {exc}") from exc
        return self


_RESTORING: ContextVar[bool] = ContextVar("claimgraph_restoring_components", default=False)


@contextmanager
def restoring() -> Iterator[None]:
    """Components created inside are not built: their state comes next, from ``from_disk``."""
    token = _RESTORING.set(True)
    try:
        yield
    finally:
        _RESTORING.reset(token)


def _spacy_objects(nlp: Language) -> dict[str, Any]:
    return {"nlp": nlp, "vocab": nlp.vocab, "strings": nlp.vocab.strings, "tokenizer": nlp.tokenizer}


class _SpacyPickler(pickle.Pickler):
    def __init__(self, handle: IO[bytes], nlp: Language):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._ids = {id(obj): key for key, obj in _spacy_objects(nlp).items()}

    def persistent_id(self, obj: Any) -> str | None:
        return self._ids.get(id(obj))


class _SpacyUnpickler(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], nlp: Language):
        super().__init__(handle)
        self._objects = _spacy_objects(nlp)

    def persistent_load(self, pid: Any) -> Any:
        try:
            return self._objects[pid]
        except KeyError:
            raise pickle.UnpicklingError(f"unknown spaCy object {pid!r}") from None


__all__ = ["DataComponent", "STATE_FILE", "restoring"]
