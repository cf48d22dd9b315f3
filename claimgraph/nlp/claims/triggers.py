"""The ``cg_predicates`` component: find lexicon triggers (event predicates and reporting frames) in a Doc.

For every token it looks up the token's lemma (and, for hyphenated compounds, the last part) in the
lexicon indices, keeps the entries whose part of speech and structural constraints hold on the parse,
and emits one :class:`~claimgraph.nlp.annotations.PredicateMatch` per trigger token in
``doc._.cg_predicates`` (sorted by head). When a token is both an event predicate and a reporting verb
("accuse", "deny") the single match carries both. Tokens that another match consumed as its constraint
("signed a *deal*", "declared *war*") are not matched again. See docs/lexicons.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Token

from ...lexicon import Constraints, Lexicon, PredicateEntry, ReportingFrame, load_lexicon
from ..annotations import PredicateMatch, mention_at
from ..component import DataComponent
from ..syntax import hyphen_joined, lemma_candidates, token_pos
from ..wordclasses import word_classes

REPORT = "REPORT"  # event_type of a reporting frame whose speech act is not itself a PLOVER event

_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative"})
_PARTICLE_DEPS = frozenset({"prt", "advmod", "prep"})


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _words(token: Token) -> set[str]:
    words = {token.lemma_.lower(), token.lower_}
    joined = hyphen_joined(token)
    if joined:
        words.add(joined)
    return words


def _extended_children(token: Token) -> list[Token]:
    """Children, plus objects of child prepositions ("the release *of* hostages", "went *on* strike")."""
    out: list[Token] = []
    for child in token.children:
        out.append(child)
        if child.dep_ in ("prep", "agent") or child.pos_ == "ADP":
            for g in child.children:
                if g.dep_ in ("pobj", "pcomp"):
                    out.append(g)
                elif g.dep_ == "prep":  # "walked out *of* the talks"
                    out.extend(x for x in g.children if x.dep_ == "pobj")
        elif child.dep_ in ("dobj", "nsubjpass"):
            # an adjectival secondary predicate on the object: "held the police *responsible*"
            out.extend(g for g in child.children if g.dep_ in ("amod", "oprd", "acomp") and g.i > child.i)
    return out


def _heads(token: Token) -> list[Token]:
    head = token.head
    if head is token:
        return []
    out = [head]
    if (head.pos_ == "ADP" or head.dep_ == "prep") and head.head is not head:
        out.append(head.head)
    return out


def _own_dep_is(token: Token, labels: list[str]) -> bool:
    """The token's dependency label is one of ``labels``; "pobj:as" also names the preposition it hangs on."""
    for label in labels:
        dep, _, word = label.partition(":")
        if token.dep_ == dep and (not word or token.head.lower_ == word):
            return True
    return False


def _partitive_objects(objects: list[Token]) -> list[Token]:
    """"held a *round* of talks", "launched a *wave* of attacks": the noun of the "of" phrase."""
    partitive = word_classes().partitive
    return [g for o in objects if o.lemma_.lower() in partitive
            for p in o.children if p.dep_ == "prep" and p.lower_ == "of"
            for g in p.children if g.dep_ == "pobj"]


def check_constraints(token: Token, c: Constraints) -> list[Token] | None:
    """The tokens that satisfied ``c`` on ``token`` (possibly empty), or None when a constraint fails."""
    used: list[Token] = []
    if c.as_dep and not _own_dep_is(token, c.as_dep):
        return None
    if c.without_dep and any(k.dep_ in c.without_dep for k in token.children):
        return None
    if c.with_child or c.without_child:
        kids = _extended_children(token)
        if c.without_child and any(_words(k) & set(c.without_child) for k in kids):
            return None
        if c.with_child:
            hit = next((k for k in kids if _words(k) & set(c.with_child)), None)
            if hit is None:
                return None
            used.append(hit)
    if c.with_dobj:
        wanted = set(c.with_dobj)
        objects = [k for k in token.children if k.dep_ in _OBJECT_DEPS]
        # "declared the army (BLA) a terror organisation": the second object often parses as an apposition
        objects += [g for o in objects for g in o.children if g.dep_ in ("appos", "conj")]
        # ... or as a small clause: "declared [the brigade a terrorist organisation]" (ccomp noun)
        objects += [k for k in token.children if k.dep_ in ("ccomp", "xcomp", "oprd") and k.pos_ in ("NOUN", "PROPN")]
        objects += _partitive_objects(objects)
        hit = next((k for k in objects if _words(k) & wanted), None)
        if hit is None and token.dep_ in ("relcl", "acl") and _words(token.head) & wanted:
            hit = token.head  # "the deal signed last week"
        if hit is None:
            return None
        used.append(hit)
    if c.with_prt:
        hit = next(
            (k for k in token.children
             if k.dep_ in _PARTICLE_DEPS and _lemma(k) in c.with_prt
             and not (k.dep_ == "prep" and any(g.dep_ == "pobj" for g in k.children))),
            None,
        )
        if hit is None:
            return None
        used.append(hit)
    if c.with_dep and not any(k.dep_ in c.with_dep for k in token.children):
        return None
    if c.with_head or c.without_head:
        heads = {w for h in _heads(token) for w in _words(h)}
        if c.with_head and not heads & set(c.with_head):
            return None
        if c.without_head and heads & set(c.without_head):
            return None
    return used


def _best(token: Token, entries: Sequence[Any],
          holds: Callable[[Any, list[Token]], bool] | None = None) -> tuple[Any, list[Token]] | None:
    """The most specific entry whose constraints (and ``holds``, if given) hold (ties: lexicon order)."""
    best: tuple[Any, list[Token]] | None = None
    for entry in entries:
        used = check_constraints(token, entry)
        if used is None or (holds is not None and not holds(entry, used)):
            continue
        if best is None or entry.specificity() > best[0].specificity():
            best = (entry, used)
    return best


@functools.lru_cache(maxsize=4096)
def _exclusions_of(without_child: tuple[str, ...], without_head: tuple[str, ...],
                   without_dep: tuple[str, ...]) -> Constraints:
    return Constraints(without_child=list(without_child) or None, without_head=list(without_head) or None,
                       without_dep=list(without_dep) or None)


def _exclusions(entry: Constraints) -> Constraints:
    """Only the gates of ``entry`` that exclude a sense (its without_* constraints)."""
    return _exclusions_of(tuple(entry.without_child or ()), tuple(entry.without_head or ()),
                          tuple(entry.without_dep or ()))


def _unique(entries: Sequence[Any]) -> list[Any]:
    """Entries found through several candidate lemmas once each (pydantic models with lists are unhashable)."""
    seen: set[int] = set()
    return [e for e in entries if not (id(e) in seen or seen.add(id(e)))]  # type: ignore[func-returns-value]


@dataclass
class _Candidate:
    token: Token
    entry: PredicateEntry | None
    used: list[Token]
    frame: ReportingFrame | None = None
    pos: str = "verb"


class PredicateMatcher:
    """Callable spaCy component; cheap: one dict lookup per candidate lemma per token."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        doc._.cg_predicates = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[PredicateMatch]:
        candidates = [c for c in (self._candidate(t) for t in doc) if c is not None]
        consumed: dict[int, _Candidate] = {}
        for cand in candidates:
            for tok in cand.used:
                if tok.i != cand.token.i:
                    consumed.setdefault(tok.i, cand)
        by_head = {c.token.i: c for c in candidates}
        matches = []
        for cand in candidates:
            owner = consumed.get(cand.token.i)
            if owner is not None and owner.token.i in by_head and owner.entry is not None:
                continue
            inner = [by_head[t.i] for t in cand.used if t.i in by_head and t.i != cand.token.i]
            matches.append(self._to_match(cand, inner))
        return sorted(matches, key=lambda m: m.head)

    def _candidate(self, token: Token) -> _Candidate | None:
        pos = token_pos(token)
        if pos == "noun" and token.dep_ == "compound":
            return None  # a modifier ("training camps", "attack site"), not an event mention
        lemmas = lemma_candidates(token)
        lex = self.lexicon
        entries = [e for w in lemmas for e in lex.predicates_by_lemma.get((w, pos or ""), [])] if pos else []
        if pos == "noun" and mention_at(token.doc, token.i) is not None:
            entries = []  # part of a name or description: "the global coalition", "our Coalition partners"
        best = _best(token, _unique(entries), self._nouns_keep_their_sense) if entries else None
        frame: ReportingFrame | None = None
        if pos == "verb":
            found = _best(token, _unique([e for w in lemmas for e in lex.reporting_by_lemma.get(w, [])]))
            frame = found[0] if found else None
        elif pos == "noun" and not self._prepositional(token, lemmas):
            found = _best(token, _unique([e for w in lemmas for e in lex.nominal_by_lemma.get(w, [])]))
            frame = found[0] if found else None
        if best is None and frame is None:
            prep = self._prepositional(token, lemmas)
            if prep is None:
                return None
            return _Candidate(token, None, prep[1], prep[0], pos="adp")
        if best is None:
            return _Candidate(token, None, [], frame, pos=pos or "verb")
        if frame is not None and best[0].with_dobj and frame.speech_act is None:
            frame = None  # "declared war": the object is an event noun, not a reported proposition
        return _Candidate(token, best[0], best[1], frame, pos=best[0].pos)

    def _nouns_keep_their_sense(self, entry: PredicateEntry, used: list[Token]) -> bool:
        """A verb that holds through its event noun ("conducted *operations*") does not hold where every reading
        of that noun as the same event is excluded by its own gates (without_child, without_head, without_dep):
        "conducted maritime security operations" is no attack, because assault.noun excludes security
        operations. A reading that merely lacks what it requires ("conducted ten airstrikes" has no "air")
        excludes nothing."""
        if not entry.with_dobj:
            return True
        for noun in used:
            if token_pos(noun) != "noun":
                continue
            readings = _unique([e for w in lemma_candidates(noun)
                                for e in self.lexicon.predicates_by_lemma.get((w, "noun"), []) if e.event == entry.event])
            if readings and all(check_constraints(noun, _exclusions(e)) is None for e in readings):
                return False
        return True

    def _prepositional(self, token: Token, lemmas: list[str]) -> tuple[Any, list[Token]] | None:
        return _best(token, _unique([e for w in lemmas for e in self.lexicon.prepositional_by_lemma.get(w, [])]))

    def _to_match(self, cand: _Candidate, inner: list[_Candidate]) -> PredicateMatch:
        token, entry, frame = cand.token, cand.entry, cand.frame
        event: str  # an EventType, or REPORT for a reporting frame that is no event
        if entry is not None:
            event, mode, context, entry_id = entry.event, entry.mode, list(entry.context), entry.id
            if mode is None:
                # "carried out a suicide bombing": the consumed noun's mode refines the verb's event
                mode = next((c.entry.mode for c in inner if c.entry and c.entry.event == event and c.entry.mode), None)
            for c in inner:
                if c.entry is not None and c.entry.event == event:
                    context += [x for x in c.entry.context if x not in context]
        elif frame is not None:
            event, mode, context, entry_id = frame.speech_act or REPORT, frame.mode, [], frame.id
        else:
            raise ValueError("a candidate has an entry or a reporting frame")
        span = [token.i] + [t.i for t in cand.used]
        return PredicateMatch(
            head=token.i, start=min(span), end=max(span) + 1, entry_id=entry_id, event_type=event, mode=mode,
            context=context, pos=cand.pos, entry=entry, frame=frame,
        )


@Language.factory(
    "cg_predicates",
    default_config={"lexicon_paths": []},
    # and token.pos, which the English model's attribute_ruler sets from the tags without declaring it
    requires=["token.lemma", "token.dep", "token.tag"],
    assigns=["doc._.cg_predicates"],
)
def make_predicate_matcher(nlp: Language, name: str, lexicon_paths: list[str]) -> DataComponent:
    """``lexicon_paths``: lexicon overlay files or folders, after the bundled lexicons (build_pipeline puts
    $CLAIMGRAPH_LEXICON's here)."""
    return DataComponent(nlp, name, lambda: PredicateMatcher(load_lexicon(lexicon_paths, use_env=False)))


__all__ = [
    "PredicateMatcher", "check_constraints", "REPORT", "make_predicate_matcher",
]
