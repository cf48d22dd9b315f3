"""Render an extraction for a reader: each sentence, then its statements with asserter, stance and reasons."""

from __future__ import annotations

from .models import AUTHOR, ExtractionResult, Statement

STANCE_WORDS = {"asserts": "ASSERTS", "denies": "DENIES", "predicts": "PREDICTS", "speculates": "SPECULATES"}


def _name(result_names: dict[str, str], actor_id: str | None, text: str | None = None) -> str:
    if actor_id is None:
        return f"(unresolved: {text!r})" if text else "(none)"
    if actor_id == AUTHOR:
        return "the author"
    return result_names.get(actor_id, actor_id)


def _time(statement: Statement) -> str:
    t = statement.time
    if t is None:
        return ""
    if t.text:
        span = f"{t.start_date or '…'}..{t.end_date or '…'}"
        return f' time "{t.text}" = {span} ({t.precision})'
    if t.relation == "after" and t.start_date:
        return f" time: after {t.start_date} (report date)"
    if t.end_date:
        return f" time: by {t.end_date} (report date)"
    return ""


def reasons(s: Statement) -> list[tuple[str, str]]:
    """Why a statement was extracted, as (label, value) pairs, in the order ``explain`` prints them after
    "because:": the trigger, the rule, the confidence, the lexicon entry, the speech act carrying it."""
    out = [("trigger", f'"{s.trigger}"'), ("rule", s.rule), ("confidence", f"{s.confidence:.2f}")]
    if s.lexicon_entry:
        out.append(("lexicon", s.lexicon_entry))
    if s.parent:
        out.append(("carried by", s.parent))
    return out


def time_note(statement: Statement) -> str:
    """When the statement says it happened, in words ("" when it does not say)."""
    return _time(statement).strip()


def explain(result: ExtractionResult) -> str:
    """Plain text, one block per sentence that holds statements; nested claims are indented under their act."""
    names = {a.id: a.name for a in result.actors}
    text = result.document.text
    lines = [f"document {result.document.id}  date {result.document.date or 'unknown'}"
             f"  ({len(result.statements)} statements, {len(result.actors)} actors)"]
    by_sentence: dict[tuple[int, int], list[Statement]] = {}
    for s in result.statements:
        by_sentence.setdefault((s.start, s.end), []).append(s)
    ids = {s.id for s in result.statements}
    for (start, end), statements in sorted(by_sentence.items()):
        lines.append("")
        lines.append(f"[{start}-{end}] {text[start:end]}")
        children: dict[str | None, list[Statement]] = {}
        for s in statements:
            parent = s.parent if s.parent in ids and any(x.id == s.parent for x in statements) else None
            children.setdefault(parent, []).append(s)

        def render(s: Statement, depth: int) -> None:
            pad = "    " + "   " * depth + ("└ " if depth else "")
            neg = "NOT " if s.negated else ""
            obj = _name(names, s.object, s.object_text)
            lines.append(
                f"{pad}{s.id}: {_name(names, s.asserter, s.asserter_text)} {STANCE_WORDS[s.stance]}: "
                f"{_name(names, s.subject, s.subject_text)} {neg}{s.event_type} {obj}"
            )
            detail = ", ".join(f"{label} {value}" for label, value in reasons(s))
            lines.append(f"{pad}   because: {detail}{_time(s)}")
            if s.location is not None:
                loc = s.location
                coords = f" ({loc.latitude:.2f}, {loc.longitude:.2f})" if loc.latitude is not None else ""
                lines.append(f"{pad}   place: {loc.name}{', ' + loc.country if loc.country else ''}{coords}")
            for q in s.quantities:
                lines.append(f"{pad}   count: {q.kind} {q.value} ({q.text})")
            for child in children.get(s.id, []):  # noqa: B023  (render runs inside the loop that binds it)
                render(child, depth + 1)

        for s in children.get(None, []):
            render(s, 0)
    lines.append("")
    lines.append("actors:")
    for actor in result.actors:
        flag = " (provisional)" if actor.provisional else ""
        lines.append(f"  {actor.id}: {actor.name} [{actor.type}{', ' + actor.country if actor.country else ''}]{flag}")
    return "\n".join(lines)
