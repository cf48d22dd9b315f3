"""The role rules as data (``data/lexicon/role_patterns.yaml``): where an argument of a trigger is in the parse,
with the confidence each rule gives it.

Every rule has an ``id``, the ``role`` it fills (subject, object, or party of a symmetric event), the ``rule``
name recorded in the argument (``Arg.rule``; several rules may record the same name), a ``confidence`` and
``examples``, which run as tests. A rule with ``patterns`` finds its arguments with spaCy ``DependencyMatcher``
patterns whose first node is the token the rule is asked about (``RIGHT_ID: trigger``) and one node the
argument (``RIGHT_ID: argument``); the arguments of several patterns come one pattern after the other, each in
the order of the dependency tree. A rule without patterns is a step of the walk in roles.py: it recurses
(control, coordination, participles) or reads the prepositions a lexicon entry names, and the file holds only
its confidence and examples. So every confidence factor of
the role rules is in one table, and claimgraph/nlp/claims/roles.py decides only the order in which rules are
tried and what must hold besides the pattern (an actor mention, a word class).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from ...datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from ...errors import DataFileError

Role = Literal["subject", "object", "party"]


class RoleExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    trigger: str  # the word the rule is asked about (first occurrence)
    argument: str  # the head word of the argument it must find


class RoleRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    role: Role
    rule: str = Field(min_length=1)
    confidence: float = Field(gt=0, le=1)
    patterns: list[list[dict[str, Any]]] | None = None
    examples: list[RoleExample] = Field(default_factory=list)


@dataclass(frozen=True)
class RoleRules:
    """The rules by id, and a DependencyMatcher over the pattern rules."""

    rules: dict[str, RoleRule]
    path: str

    def __getitem__(self, rule_id: str) -> RoleRule:
        return self.rules[rule_id]

    def confidence(self, rule_id: str) -> float:
        return self.rules[rule_id].confidence

    def matcher(self, vocab: Vocab) -> DependencyMatcher:
        matcher = DependencyMatcher(vocab, validate=True)
        for rule in self.rules.values():
            for n, pattern in enumerate(rule.patterns or []):
                matcher.add(f"{rule.id}#{n}", [pattern])
        return matcher


def default_path() -> Path:
    return package_data_path("lexicon", "role_patterns.yaml")


@functools.lru_cache(maxsize=4)
def load_role_rules(path: str | None = None) -> RoleRules:
    """The role rules, validated; errors name the file and line."""
    file = Path(path) if path else default_path()
    data = load_yaml(file)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DataFileError(file, "expected a mapping with a 'rules' list", 1)
    rules: dict[str, RoleRule] = {}
    for raw in data["rules"]:
        rule = validate_record(RoleRule, raw, file, "role rule")
        assert isinstance(rule, RoleRule)
        line = raw.get(LINE_KEY) if isinstance(raw, dict) else None
        if rule.id in rules:
            raise DataFileError(file, f"duplicate role rule id {rule.id!r}", line)
        for pattern in rule.patterns or []:
            _check_pattern(rule, pattern, file, line)
        if rule.patterns is not None and not rule.examples:
            raise DataFileError(file, f"role rule {rule.id!r}: a pattern rule needs examples", line)
        rules[rule.id] = rule
    return RoleRules(rules, str(file))


def _check_pattern(rule: RoleRule, pattern: list[dict[str, Any]], file: Path, line: int | None) -> None:
    ids = [node.get("RIGHT_ID") for node in pattern]
    if not ids or ids[0] != "trigger" or "argument" not in ids:
        raise DataFileError(file, f"role rule {rule.id!r}: the first node is RIGHT_ID trigger and one node is "
                            "RIGHT_ID argument", line)
    try:
        DependencyMatcher(Vocab(), validate=True).add(rule.id, [pattern])
    except ValueError as exc:  # spaCy names the bad node
        raise DataFileError(file, f"role rule {rule.id!r}: bad pattern: {exc}", line) from exc


class RolePatterns:
    """The role rules with their DependencyMatcher built for one vocabulary (one per pipeline)."""

    def __init__(self, rules: RoleRules, vocab: Vocab):
        self.rules = rules
        self.matcher = rules.matcher(vocab)

    def index(self, doc: Doc) -> RoleIndex:
        return RoleIndex.build(doc, self.rules, self.matcher)


@dataclass
class RoleIndex:
    """What the pattern rules find in one Doc: (rule id, token) -> the argument tokens, in the order of the
    dependency tree (as nested loops over children would list them)."""

    doc: Doc
    rules: RoleRules
    found: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc, rules: RoleRules, matcher: DependencyMatcher) -> RoleIndex:
        index = cls(doc, rules)
        if not doc.has_annotation("DEP"):
            return index  # no parse, no roles (a tokenizer-only Doc)
        # (rule id, pattern number, anchor) -> the matched token paths (every node after the anchor)
        keyed: dict[tuple[str, int, int], set[tuple[int, ...]]] = {}
        strings = doc.vocab.strings
        for match_id, tokens in matcher(doc):
            rule_id, _, number = strings[match_id].rpartition("#")
            pattern = (rules[rule_id].patterns or [])[int(number)]
            argument = tokens[[node["RIGHT_ID"] for node in pattern].index("argument")]
            keyed.setdefault((rule_id, int(number), tokens[0]), set()).add((*tokens[1:], argument))
        for (rule_id, _, anchor), paths in sorted(keyed.items()):
            # sorted paths list arguments as nested loops over children would: tree order, pattern by pattern
            index.found.setdefault((rule_id, anchor), []).extend(path[-1] for path in sorted(paths))
        return index

    def tokens(self, rule_id: str, token: Token, role: Role) -> list[Token]:
        """The arguments rule ``rule_id`` finds for ``token``; ``role`` is what the caller takes them for, and
        must be the rule's."""
        rule = self.rules[rule_id]
        if rule.role != role:
            raise DataFileError(self.rules.path, f"role rule {rule_id!r} is read as {role}, not {rule.role}")
        return [self.doc[i] for i in self.found.get((rule_id, token.i), [])]


__all__ = ["RoleExample", "RoleIndex", "RolePatterns", "RoleRule", "RoleRules", "load_role_rules"]
