"""Every field of every lexicon data model is read by the code: a field nobody reads is knowledge that silently
does nothing. (Validation refuses fields the models do not declare, so data cannot carry such fields either.)

"Read" means an attribute access (or ``getattr`` with the name) somewhere in the package outside the model's own
declaration; ``examples`` (and the fields of an example model) are test cases, read by the tests.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from pathlib import Path

import pytest
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
LEXICON_MODULES = ("claimgraph.lexicon", "claimgraph.nlp.actors.lexicons", "claimgraph.nlp.context.time",
                   "claimgraph.nlp.context.quantities", "claimgraph.nlp.claims.role_rules")
READ_BY_TESTS = {"examples", "counterexamples"}  # and every field of an example model (RoleExample)


@functools.lru_cache(maxsize=2)
def _attribute_reads(folder: Path) -> frozenset[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                  and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                names.add(str(node.args[1].value))
    return frozenset(names)


def lexicon_models() -> list[type[BaseModel]]:
    out = []
    for name in LEXICON_MODULES:
        module = importlib.import_module(name)
        out += [c for c in vars(module).values()
                if inspect.isclass(c) and issubclass(c, BaseModel) and c.__module__ == name]
    return out


def test_there_are_models_to_check():
    assert len(lexicon_models()) >= 15


@pytest.mark.parametrize("model", lexicon_models(), ids=lambda m: m.__name__)
def test_every_field_is_read(model):
    code, tests = _attribute_reads(ROOT / "claimgraph"), _attribute_reads(ROOT / "tests")
    by_tests = model.__name__.endswith("Example")
    unread = [f for f in model.model_fields if f not in (tests if by_tests or f in READ_BY_TESTS else code)]
    assert unread == []
