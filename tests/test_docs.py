"""The documentation keeps up with the code: every CLI command is in docs/cli.md (and every row there is a command),
and every field of every lexicon file is described in docs/lexicons.md."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest

from claimgraph.cli import main
from claimgraph.nlp.wordclasses import WordClasses

from .test_lexicon_fields import lexicon_models

DOCS = Path(__file__).resolve().parents[1] / "docs"


def cli_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[str]:
    out = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += cli_commands(command, (*prefix, name))
        else:
            out.append(" ".join((*prefix, name)))
    return out


def documented_commands(text: str) -> list[str]:
    """The commands of the table in docs/cli.md: its rows' first cells, `claimgraph COMMAND`."""
    return re.findall(r"^\| `claimgraph ([a-z -]+)` \|", text, flags=re.MULTILINE)


def test_every_cli_command_is_documented_and_nothing_else():
    documented = documented_commands((DOCS / "cli.md").read_text(encoding="utf-8"))
    assert sorted(documented) == sorted(cli_commands())


def test_the_command_table_reader_reads_rows_only():
    text = "| `claimgraph kb stats` | counts |\nsee `claimgraph extract` in the text\n| `claimgraph serve` | x |\n"
    assert documented_commands(text) == ["kb stats", "serve"]


def lexicon_fields() -> list[tuple[str, str]]:
    """(model, field name as written in the YAML files) of every lexicon model and the word classes."""
    fields = [(model.__name__, info.alias or name) for model in lexicon_models()
              for name, info in model.model_fields.items()]
    return fields + [("WordClasses", f.name) for f in dataclasses.fields(WordClasses)]


def is_described(field: str, text: str) -> bool:
    """Named as code (`field`) or as a key in a YAML example (field:)."""
    return f"`{field}`" in text or re.search(rf"(^|[\s{{,]){re.escape(field)}:", text, flags=re.MULTILINE) is not None


def test_there_are_fields_to_check():
    assert len(lexicon_fields()) > 100


@pytest.mark.parametrize(("model", "field"), lexicon_fields(), ids=lambda v: v)
def test_every_lexicon_field_is_documented(model, field):
    assert is_described(field, (DOCS / "lexicons.md").read_text(encoding="utf-8")), f"{model}.{field}"


def test_the_field_finder_needs_code_or_a_key():
    assert is_described("plural", "`plural` `yes`") and is_described("plural", "  - {head: x, plural: yes}")
    assert not is_described("plural", "a plural head")


def test_the_readme_map_names_files_that_exist():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things happen", 1)[1].split("\n## ", 1)[0]
    paths = set(re.findall(r"`((?:claimgraph|docs)/[\w/.]+)`|\b(docs/[\w-]+\.md)", section))
    named = {p for pair in paths for p in pair if p}
    assert {"claimgraph/nlp/claims/stance.py", "claimgraph/nlp/actors/linker.py"} <= named
    assert sorted(p for p in named if not (DOCS.parent / p).exists()) == []
