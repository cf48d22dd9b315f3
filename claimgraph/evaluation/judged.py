"""Scoring against the judged development set (``claimgraph eval judged``; rules in docs/judged-set.md).

Each output statement gets one verdict, the best it earns against the judged statements whose span holds its
trigger: ``correct`` (all of asserter, stance, subject, type family and object right), ``partial`` (the event is
there, one element off) or ``wrong``. Recall counts judged events (a statement and the ones marked ``same`` as
it) found by a correct or partial statement. Knowledge-base links are judged against the judged actors whose
forms a mention overlaps.

``label_results`` is the reusable core: it gives every output statement its verdict, which the statement
verifier's training data is built from.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence, cast

from ..models import AUTHOR, Document, EventType, ExtractionResult, Stance, Statement
from .common import (PRF, DatasetResult, ErrorCase, Metric, no_statement_category, probe_triggers, run_extraction,
                     snippet)
from .judged_data import JUDGED_DIR, JudgedActor, JudgedDocument, JudgedStatement, document_text, load_judged_set

FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(("ASSAULT", "COERCE")), frozenset(("ACCUSE", "REJECT")), frozenset(("SUPPORT", "AID", "COOPERATE")),
)
UNNAMED_PREFIXES = ("U-", "ANON-")
PROVISIONAL_PREFIXES = ("X-", "U-", "ANON-")
ELEMENTS = ("asserter", "stance", "subject", "object", "type")
NEAR_TRIGGER = 50  # characters between two triggers that can carry one event


def family(event: str) -> frozenset[str]:
    return next((f for f in FAMILIES if event in f), frozenset((event,)))


@dataclass
class Verdict:
    """One output statement against its best judged statement."""

    doc_id: str
    statement: Statement
    verdict: str  # correct | partial | wrong
    gold: JudgedStatement | None = None
    errors: list[str] = field(default_factory=list)  # elements that are off: subject, object, swapped, ...
    there: bool = False  # the judged event is the one the output is about (same trigger or type family)
    error_class: str = ""  # for partial and wrong statements: what an analyst would say is wrong

    @property
    def rule_family(self) -> str:
        return self.statement.rule.split(":", 1)[0]


@dataclass
class DocumentScore:
    judged: JudgedDocument
    result: ExtractionResult
    verdicts: list[Verdict]
    found: dict[str, str]  # judged event id -> best verdict that found it ("correct" | "partial")
    links: Counter  # correct / wrong / unjudged knowledge-base links
    wrong_links: list[tuple[str, str, str]]  # (mention text, linked id, judged id or "none")


class _ActorMatcher:
    """Whether an output actor id is the judged actor, per the rules of docs/judged-set.md."""

    def __init__(self, judged: JudgedDocument, result: ExtractionResult):
        self.judged = judged
        self.provisional = {a.id for a in result.actors if a.provisional}
        self.spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for m in result.mentions:
            if m.actor:
                self.spans[m.actor].append((m.start, m.end))

    def is_provisional(self, actor_id: str) -> bool:
        return actor_id in self.provisional or actor_id.startswith(PROVISIONAL_PREFIXES)

    def overlaps(self, actor_id: str, actor: JudgedActor) -> bool:
        return any(a < e and s < b for a, b in self.spans.get(actor_id, []) for s, e in actor.spans)

    def same(self, actor_id: str | None, key: str | None, others: Iterable[str | None] = ()) -> bool:
        """``others``: the judged actors of the statement's other role; an unnamed output actor that is one of
        them ("the police" put as the object of their own deployment) is not the judged null or generic role."""
        actor = self.judged.actor(key)
        if key is not None and actor is None:
            return False
        if actor_id is None:
            return actor is None or actor.generic
        unnamed = actor_id.startswith(UNNAMED_PREFIXES)
        if unnamed:
            covered = [a for a in self.judged.actors if self.overlaps(actor_id, a)]
            if any(o is not None and o != key and o in covered for o in map(self.judged.actor, others)):
                return False
            if actor is None:
                # the text names nobody: an unnamed actor says as much, unless it stands for a named one
                return all(a.generic for a in covered)
            if actor_id == actor.kb or actor_id in actor.accept:
                return True
            # a generic role takes the same unnamed phrase, or one the annotation does not know; a named role is
            # left unnamed ("Taliban militants" output as unnamed "militants")
            return actor.generic and (actor in covered or not covered)
        if actor is None:
            return False
        if actor_id == actor.kb or actor_id in actor.accept:
            return True
        if self.is_provisional(actor_id):
            return self.overlaps(actor_id, actor)
        return False

    def any_of(self, actor_id: str | None, keys: Iterable[str | None], others: Iterable[str | None] = ()) -> bool:
        others = list(others)
        return any(self.same(actor_id, k, others) for k in keys)


def _judge(s: Statement, g: JudgedStatement, match: _ActorMatcher) -> tuple[bool, list[str]]:
    """(is the event there, which elements are off) for output ``s`` against judged ``g``."""
    gold_start, gold_end = g.trigger_offsets()
    start = s.trigger_start if s.trigger_start is not None else s.start
    end = s.trigger_end if s.trigger_end is not None else start + 1
    trigger_hit = start < gold_end and gold_start < end
    near = min(abs(start - gold_end), abs(gold_start - end)) <= NEAR_TRIGGER
    types = {g.event, *g.alt.event}
    type_ok = any(s.event_type in family(t) for t in types)
    subjects, objects = [g.subject, *g.alt.subject], [g.object, *g.alt.object]
    errors: list[str] = []
    asserters = [g.asserter, *g.alt.asserter]
    if s.asserter == AUTHOR:
        asserter_ok = AUTHOR in asserters
    else:
        asserter_ok = match.any_of(s.asserter, [a for a in asserters if a != AUTHOR])
    if not asserter_ok:
        errors.append("asserter")
    if s.stance not in {g.stance, *g.alt.stance} or s.negated not in {g.negated, *g.alt.negated}:
        errors.append("stance")
    subject_ok, object_ok = match.any_of(s.subject, subjects, objects), match.any_of(s.object, objects, subjects)
    one_actor = bool(s.subject and s.object) and any(
        match.same(s.subject, k) and match.same(s.object, k) for k in {*subjects, *objects} if k)
    if one_actor:
        # "Hollande CONSULT France": both roles are one judged actor (a person and the state it accepts)
        errors.append("object")
    elif not (subject_ok and object_ok) and match.any_of(s.subject, objects) and match.any_of(s.object, subjects):
        errors.append("swapped")
    else:
        errors += [name for name, ok in (("subject", subject_ok), ("object", object_ok)) if not ok]
    if not type_ok:
        errors.append("type")
    # The event is there when the output's trigger is the judged one, or one near it of the same family ("carried
    # out an attack"): a far word of the same family ("caught on video" beside a bombing) is another event.
    return trigger_hit or (type_ok and near), errors


def _rank(there: bool, errors: list[str]) -> tuple[int, int, int]:
    """Lower is better: correct, partial, then wrong with the event there, then the fewest elements off."""
    if there and not errors:
        return (0, 0, 0)
    if there and len(errors) == 1:
        return (1, 0, 0)
    return (2, 0 if there else 1, len(errors))


def _error_class(v: Verdict, in_sentence: list[JudgedStatement], match: _ActorMatcher) -> str:
    """What an analyst would call the mistake, in words."""
    s = v.statement
    if v.verdict == "wrong" and not in_sentence:
        return "no event here (nothing judged in this sentence)"
    if v.verdict == "wrong" and not v.there:
        return "not an event the sentence reports (wrong event or sense)"
    if v.verdict == "wrong":
        return "event right, several elements off"
    error = v.errors[0]
    g = v.gold
    assert g is not None
    if error in ("subject", "object"):
        ours = s.subject if error == "subject" else s.object
        theirs = g.subject if error == "subject" else g.object
        if ours is None or ours.startswith(UNNAMED_PREFIXES):
            return f"{error}: named actor left null or unnamed"
        if theirs is None:
            return f"{error}: actor where the text names none"
        return f"{error}: wrong or misresolved actor"
    return {"swapped": "subject and object swapped", "asserter": "wrong asserter", "stance": "wrong stance or negation",
            "type": "related but wrong event type"}[error]


def score_document(judged: JudgedDocument, result: ExtractionResult) -> DocumentScore:
    match = _ActorMatcher(judged, result)
    verdicts: list[Verdict] = []
    found: dict[str, str] = {}
    primary = _primary_ids(judged)
    for s in result.statements:
        anchor = s.trigger_start if s.trigger_start is not None else s.start
        here = [g for g in judged.statements if g.span[0] <= anchor < g.span[1]]
        best: tuple[tuple[int, int, int], JudgedStatement | None, list[str], bool] = ((3, 0, 0), None, [], False)
        for g in here:
            there, errors = _judge(s, g, match)
            rank = _rank(there, errors)
            if rank < best[0]:
                best = (rank, g, errors, there)
            if rank[0] < 2:
                event = primary[g.id]
                verdict = "correct" if rank[0] == 0 else "partial"
                if found.get(event) != "correct":
                    found[event] = verdict
        rank, gold, errors, there = best
        verdict = {0: "correct", 1: "partial"}.get(rank[0], "wrong")
        v = Verdict(judged.doc, s, verdict, gold, errors, there)
        if verdict != "correct":
            v.error_class = _error_class(v, here, match)
        verdicts.append(v)
    links, wrong_links = _judge_links(judged, result, match)
    return DocumentScore(judged, result, verdicts, found, links, wrong_links)


def _primary_ids(judged: JudgedDocument) -> dict[str, str]:
    """Each judged statement's event: the id at the end of its ``same`` chain."""
    by_id = {s.id: s for s in judged.statements}
    out = {}
    for s in judged.statements:
        seen, current = {s.id}, s
        while current.same and current.same in by_id and current.same not in seen:
            seen.add(current.same)
            current = by_id[current.same]
        out[s.id] = current.id
    return out


def _judge_links(judged: JudgedDocument, result: ExtractionResult, match: _ActorMatcher):
    links: Counter = Counter()
    wrong: list[tuple[str, str, str]] = []
    for m in result.mentions:
        if not m.actor or match.is_provisional(m.actor):
            continue
        over = [a for a in judged.actors if any(m.start < e and s < m.end for s, e in a.spans)]
        if not over:
            links["unjudged"] += 1
        elif any(m.actor == a.kb or m.actor in a.accept for a in over):
            links["correct"] += 1
        elif all(a.generic and a.kb is None for a in over):
            links["unjudged"] += 1  # a generic phrase linked to a specific actor: judged with the statements
        else:
            links["wrong"] += 1
            wrong.append((m.text, m.actor, "/".join(a.kb or "none" for a in over)))
    return links, wrong


# ---- the whole set ---------------------------------------------------------------------------------------------

@dataclass
class JudgedScore:
    documents: list[DocumentScore]

    @property
    def verdicts(self) -> list[Verdict]:
        return [v for d in self.documents for v in d.verdicts]

    def events(self) -> list[tuple[DocumentScore, JudgedStatement]]:
        """Judged events counted for recall: required statements that are no repeat of another."""
        return [(d, g) for d in self.documents for g in d.judged.statements if g.required and not g.same]


def label_results(judged_docs: Sequence[JudgedDocument], results: Sequence[ExtractionResult]) -> JudgedScore:
    return JudgedScore([score_document(j, r) for j, r in zip(judged_docs, results)])


def judged_documents(judged_docs: Sequence[JudgedDocument], root: Path | None = None) -> list[Document]:
    docs = []
    for judged in judged_docs:
        text, title = document_text(judged.doc, root) if root else document_text(judged.doc)
        docs.append(Document(id=judged.doc, text=text, title=title))
    return docs


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "",
             split: str = "all", judged_dir: Path = JUDGED_DIR) -> DatasetResult:
    """``path`` is the shared evaluation folder holding the texts (re3d/, wikievents/, muc4/)."""
    start = time.time()
    judged_docs = load_judged_set(judged_dir, split)[: limit or None]
    documents = judged_documents(judged_docs, path)
    results = run_extraction(extractor, documents, "judged", n_process)
    score = label_results(judged_docs, results)
    out = DatasetResult("judged" if split == "all" else f"judged-{split}", str(path), command,
                        documents=len(documents))
    _metrics(out, score, split)
    hits = probe_triggers(extractor, documents)
    out.errors = _error_cases(score, hits, out.name)
    out.seconds = time.time() - start
    return out


def _metrics(out: DatasetResult, score: JudgedScore, split: str) -> None:
    verdicts = score.verdicts
    counts = Counter(v.verdict for v in verdicts)
    n = len(verdicts)
    events = score.events()
    found = sum(1 for d, g in events if g.id in d.found)
    found_correct = sum(1 for d, g in events if d.found.get(g.id) == "correct")
    support = f"{n} output statements, {len(score.documents)} documents (split {split})"
    out.metrics += [
        Metric("strict precision", counts["correct"] / n if n else 0.0, support, goal=">= 0.80"),
        Metric("lenient precision", (counts["correct"] + counts["partial"]) / n if n else 0.0, support),
        Metric("recall", found / len(events) if events else 0.0, f"{len(events)} judged events", goal=">= 0.70"),
        Metric("recall by a correct statement", found_correct / len(events) if events else 0.0,
               f"{len(events)} judged events"),
    ]
    links: Counter[str] = Counter()
    for d in score.documents:
        links.update(d.links)
    judged_links = links["correct"] + links["wrong"]
    out.metrics.append(Metric("wrong knowledge-base links", links["wrong"] / judged_links if judged_links else 0.0,
                              f"{judged_links} judged links ({links['unjudged']} not judged)", goal="<= 0.03"))
    used = {a for v in verdicts for a in (v.statement.asserter, v.statement.subject, v.statement.object)
            if a and a != AUTHOR}
    actors = {a.id: a for d in score.documents for a in d.result.actors}
    provisional = sum(1 for a in used if (a in actors and actors[a].provisional) or a.startswith(PROVISIONAL_PREFIXES))
    out.metrics.append(Metric("actors in statements left provisional", provisional / len(used) if used else 0.0,
                              f"{len(used)} actors"))
    by_type: dict[str, Counter] = defaultdict(Counter)
    for v in verdicts:
        by_type[v.statement.event_type][v.verdict] += 1
    gold_by_type: dict[str, PRF] = defaultdict(PRF)
    for d, g in events:
        gold_by_type[g.event].gold += 1
        gold_by_type[g.event].gold_matched += g.id in d.found
    for event in sorted(set(by_type) | set(gold_by_type)):
        c = by_type[event]
        total = sum(c.values())
        gold = gold_by_type[event]
        out.metrics.append(Metric(
            f"{event} strict precision", c["correct"] / total if total else 0.0,
            f"{total} output ({c['partial']} partial); recall {gold.recall:.2f} of {gold.gold} judged",
        ))
    by_rule: dict[str, Counter] = defaultdict(Counter)
    for v in verdicts:
        by_rule[v.rule_family][v.verdict] += 1
    for rule, c in sorted(by_rule.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(c.values())
        out.metrics.append(Metric(f"rule {rule} strict precision", c["correct"] / total, f"{total} output "
                                  f"({c['partial']} partial, {c['wrong']} wrong)"))
    classes = Counter(v.error_class for v in verdicts if v.verdict != "correct")
    for name, count in classes.most_common():
        out.metrics.append(Metric(f"error: {name}", count / n if n else 0.0, f"{count} of {n} output statements"))


def _error_cases(score: JudgedScore, hits, dataset: str) -> list[ErrorCase]:
    cases = []
    for d in score.documents:
        text = d.result.document.text
        for v in d.verdicts:
            if v.verdict == "correct":
                continue
            s = v.statement
            cases.append(ErrorCase(dataset, "false" if v.verdict == "wrong" else "partial", v.error_class, d.judged.doc,
                                   snippet(text, s.trigger_start or s.start, s.trigger_end or s.end),
                                   detail=describe(s) + (f" vs {describe_gold(v.gold, d.judged)}" if v.gold else ""),
                                   trigger=s.trigger.lower()))
        for g in d.judged.statements:
            if not g.required or g.same or g.id in d.found:
                continue
            category, trigger = no_statement_category(hits.get(d.judged.doc, []), g.trigger_offsets())
            a, b = g.trigger_offsets()
            cases.append(ErrorCase(dataset, "miss", category, d.judged.doc, snippet(text, a, b),
                                   detail=describe_gold(g, d.judged), trigger=text[a:b].lower()))
    return cases


def describe(s: Statement) -> str:
    neg = " not" if s.negated else ""
    return f"{s.asserter} {s.stance}:{neg} {s.subject or '-'} {s.event_type} {s.object or '-'}"


def describe_gold(g: JudgedStatement, judged: JudgedDocument) -> str:
    def name(key: str | None) -> str:
        actor: JudgedActor | None = judged.actor(key)
        return "-" if actor is None else (actor.kb or f"'{actor.name}'")

    asserter = AUTHOR if g.asserter == AUTHOR else name(g.asserter)
    neg = " not" if g.negated else ""
    return f"{asserter} {g.stance}:{neg} {name(g.subject)} {g.event} {name(g.object)} ({g.id})"


# ---- agreement between two annotators ---------------------------------------------------------------------------

def as_output(judged: JudgedDocument, text: str) -> ExtractionResult:
    """One annotator's statements as if they were claimgraph's output, to be scored against another's."""
    from ..models import Actor, Mention

    def actor_id(key: str | None) -> str | None:
        actor = judged.actor(key)
        if actor is None:
            return None
        if actor.generic:
            return actor.kb or f"U-{actor.key}"
        return actor.kb or f"X-{actor.key}"

    actors, mentions = [], []
    for a in judged.actors:
        aid = actor_id(a.key)
        assert aid is not None
        if aid.startswith(PROVISIONAL_PREFIXES):
            actors.append(Actor(id=aid, name=a.name, type="other", provisional=True))
        mentions += [Mention(start=s, end=e, text=text[s:e], actor=aid) for s, e in a.spans]
    statements = []
    for g in judged.statements:
        t0, t1 = g.trigger_offsets()
        statements.append(Statement(
            id=g.id, asserter=AUTHOR if g.asserter == AUTHOR else actor_id(g.asserter) or AUTHOR,
            stance=cast(Stance, g.stance), subject=actor_id(g.subject), event_type=cast(EventType, g.event),
            object=actor_id(g.object), negated=g.negated, quote=text[g.span[0]:g.span[1]], start=g.span[0],
            end=g.span[1], trigger=text[t0:t1], trigger_start=t0, trigger_end=t1, rule="annotator", confidence=1.0))
    return ExtractionResult(document=Document(id=judged.doc, text=text), actors=actors, mentions=mentions,
                            statements=statements)


def agreement(first: JudgedDocument, second: JudgedDocument, text: str) -> dict[str, object]:
    """How far two annotations of one document agree: each scored as output against the other."""
    out: dict[str, object] = {}
    for name, gold, other in (("second vs first", first, second), ("first vs second", second, first)):
        score = score_document(gold, as_output(other, text))
        verdicts = Counter(v.verdict for v in score.verdicts)
        events = [g for g in gold.statements if g.required and not g.same]
        out[name] = {
            "statements": len(score.verdicts), **verdicts,
            "recall": round(sum(1 for g in events if g.id in score.found) / len(events), 3) if events else None,
            "disagreements": [f"{v.verdict}: {describe(v.statement)} ({v.statement.id})"
                              + (f" vs {describe_gold(v.gold, gold)}" if v.gold else "")
                              for v in score.verdicts if v.verdict != "correct"],
        }
    return out
