"""The review log: append-only judgements of statements, and the stored statements they apply to now.

A judgement names its statement the way re-extraction reproduces it: the document (its row, which
``replace_result`` keeps), the statement's quote span, its proposition key, and who takes which stance on it
(two parties' statements in one sentence are different statements); the trigger span chooses between statements
sharing all of those. Statement ids and row keys are renumbered by re-extraction and are not part of the key: a
re-extraction that reads the sentence differently (another proposition or asserter) leaves the judgement in the
log applying to no statement. Nothing is ever updated: a later judgement of a statement supersedes
the earlier ones, which stay in the log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import Connection, Engine, Row, and_, insert, or_, select

from ..errors import InputError, NotFoundError
from ..models import EVENT_TYPES, STANCES
from . import schema as t
from .models import Claim, Judgement, Review
from .queries import _claim_select

VERDICTS = ("confirm", "reject", "correct")
# What a correction may change, and how a value given as text becomes the stored value.
CORRECTABLE = ("asserter", "stance", "subject", "event_type", "object", "negated", "mode")
ACTOR_FIELDS = ("asserter", "subject", "object")
MAX_NOTE_CHARS = 10_000
MAX_REVIEWER_CHARS = 200
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")
_NONE = ("", "none", "null", "-")

J, S, D, P = t.judgements.c, t.statements.c, t.documents.c, t.propositions.c


def check_verdict(verdict: str) -> str:
    value = verdict.strip().lower()
    if value not in VERDICTS:
        raise InputError(f"verdict {verdict!r}: one of {', '.join(VERDICTS)}")
    return value


def check_correction(verdict: str, correction: dict[str, Any] | None) -> dict[str, Any] | None:
    """The corrected fields, validated: only a ``correct`` verdict has them, and it needs at least one."""
    if verdict != "correct":
        if correction:
            raise InputError(f"a {verdict!r} verdict takes no corrected fields (use 'correct')")
        return None
    if not correction:
        raise InputError(f"a 'correct' verdict needs the corrected fields ({', '.join(CORRECTABLE)})")
    out: dict[str, Any] = {}
    for field, value in correction.items():
        if field not in CORRECTABLE:
            raise InputError(f"cannot correct {field!r}: the fields are {', '.join(CORRECTABLE)}")
        out[field] = _field_value(field, value)
    return out


def _field_value(field: str, value: Any) -> Any:
    text = value.strip() if isinstance(value, str) else value
    if field == "negated":
        if isinstance(text, bool):
            return text
        if str(text).lower() in _TRUE + _FALSE:
            return str(text).lower() in _TRUE
        raise InputError(f"negated={value!r}: true or false")
    if text is None or (isinstance(text, str) and text.lower() in _NONE):
        if field in ("stance", "event_type"):
            raise InputError(f"{field} cannot be empty")
        return None
    if not isinstance(text, str):
        raise InputError(f"{field}={value!r}: a text value")
    if field == "stance" and text.lower() not in STANCES:
        raise InputError(f"stance={value!r}: one of {', '.join(STANCES)}")
    if field == "event_type" and text.upper() not in EVENT_TYPES:
        raise InputError(f"event_type={value!r}: not an event type (see claimgraph's ontology)")
    return text.lower() if field == "stance" else text.upper() if field == "event_type" else text


def correction_from_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """``["object=Lindgrad Army", "negated=true"]`` -> a correction (validated by ``check_correction``)."""
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise InputError(f"correction {pair!r}: FIELD=VALUE (fields: {', '.join(CORRECTABLE)})")
        out[field.strip().lower()] = value
    return out


def _judgement(row: Any, current: str | None) -> Judgement:
    return Judgement(id=row.pk, doc_id=row.doc_id, statement_id=row.sid, current_statement_id=current,
                     start=row.start, end=row.end, trigger_start=row.trigger_start, trigger_end=row.trigger_end,
                     proposition=row.proposition, verdict=row.verdict, correction=row.correction,
                     original=row.original, note=row.note, reviewer=row.reviewer,
                     created_at=row.created_at.replace(tzinfo=dt.timezone.utc))


def _fit(judgement: Any, statement: Any) -> int | None:
    """Whether a stored statement is the one a judgement was about (None: it is not), and how closely: 0 when
    its trigger span is the same too, 1 when re-extraction moved the trigger within the sentence."""
    if (statement.doc_pk, statement.start, statement.end, statement.key, statement.asserter_key,
            statement.stance) != (judgement.doc_pk, judgement.start, judgement.end, judgement.proposition,
                                  judgement.asserter_key, judgement.stance):
        return None
    return int((statement.trigger_start, statement.trigger_end) != (judgement.trigger_start, judgement.trigger_end))


_STATEMENT_KEY = (S.doc_pk, S.sid, S.start, S.end, S.trigger_start, S.trigger_end, S.asserter_key, S.stance, P.key)


class JudgementMixin:
    """The judgement methods of ``SqlStore`` (see ``Store`` for what each promises)."""

    engine: Engine
    # provided by SqlStore's other parts (QueryMixin, SqlStore)
    _claims: Callable[[Connection, Sequence[Row[Any]]], list[Claim]]
    _transaction: Callable[[Callable[[Connection], Judgement], str], Judgement]
    _names: Callable[[Connection, Iterable[str | None]], dict[str, str]]

    def add_judgement(self, doc_id: str | None, statement_id: str, verdict: str,
                      correction: dict[str, Any] | None = None, note: str | None = None,
                      reviewer: str | None = None) -> Judgement:
        verdict = check_verdict(verdict)
        fields = check_correction(verdict, correction)
        note = (note or "").strip() or None
        reviewer = (reviewer or "").strip() or None
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise InputError(f"the note is longer than {MAX_NOTE_CHARS} characters")
        if reviewer is not None and len(reviewer) > MAX_REVIEWER_CHARS:
            raise InputError(f"the reviewer name is longer than {MAX_REVIEWER_CHARS} characters")

        def work(conn: Connection) -> Judgement:
            query = _claim_select().where(S.sid == statement_id)
            if doc_id:
                query = query.where(D.doc_id == doc_id)
            rows = conn.execute(query).all()
            where = f" in document {doc_id!r}" if doc_id else ""
            if not rows:
                raise NotFoundError(f"no stored statement {statement_id!r}{where}")
            if len(rows) > 1:
                raise InputError(f"statement {statement_id!r}{where} is in {len(rows)} stored documents of the "
                                 f"same id (different texts); judge it in the workbench, from its document")
            row = rows[0]
            claim: Claim = self._claims(conn, [row])[0]
            values = dict(doc_pk=row.doc_pk, doc_id=row.doc_id, sid=row.sid, start=row.start, end=row.end,
                          trigger_start=row.trigger_start, trigger_end=row.trigger_end, proposition=row.key,
                          asserter_key=row.asserter_key, stance=row.stance, verdict=verdict, correction=fields,
                          original=claim.model_dump(mode="json"), note=note, reviewer=reviewer,
                          created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
            inserted = conn.execute(insert(t.judgements).values(**values)).inserted_primary_key
            assert inserted is not None
            pk = inserted[0]
            stored = conn.execute(select(t.judgements).where(J.pk == pk)).one()
            return _judgement(stored, row.sid)

        return self._transaction(work, f"cannot store the judgement of {statement_id!r}")

    def judgements(self, doc_id: str | None = None, statement_id: str | None = None, limit: int = 50,
                   offset: int = 0) -> list[Judgement]:
        query = select(t.judgements).order_by(J.pk.desc())
        if doc_id:
            query = query.where(J.doc_id == doc_id)
        with self.engine.connect() as conn:
            if statement_id is None:
                rows = conn.execute(query.limit(limit).offset(offset)).all()
                return self._with_current(conn, rows)
            # The judgements that apply to the statement now: same key, and this statement their best fit.
            wanted = (select(*_STATEMENT_KEY).join_from(t.statements, t.propositions, S.prop_pk == P.pk)
                      .join(t.documents, S.doc_pk == D.pk).where(S.sid == statement_id))
            if doc_id:
                wanted = wanted.where(D.doc_id == doc_id)
            targets = conn.execute(wanted).all()
            if not targets:
                return []
            query = query.where(or_(*(and_(J.doc_pk == s.doc_pk, J.start == s.start, J.end == s.end,
                                           J.proposition == s.key) for s in targets)))
            found = [j for j in self._with_current(conn, conn.execute(query).all())
                     if j.current_statement_id == statement_id]
            return found[offset : offset + limit]

    def iter_judgements(self) -> Iterator[Judgement]:
        """Every judgement, oldest first (exports, training)."""
        with self.engine.connect() as conn:
            top = conn.execute(select(J.pk).order_by(J.pk.desc()).limit(1)).scalar() or 0
        low = 0
        while low < top:
            with self.engine.connect() as conn:
                rows = conn.execute(select(t.judgements).where(J.pk > low).order_by(J.pk).limit(500)).all()
                if not rows:
                    return
                low = rows[-1].pk
                yield from self._with_current(conn, rows)

    def latest_judgements(self, doc_pks: list[int]) -> dict[tuple[int, str], Judgement]:
        """The judgement in force for each judged statement of these documents: (doc pk, statement id) -> the
        latest judgement whose key the statement fits best."""
        if not doc_pks:
            return {}
        with self.engine.connect() as conn:
            return self._in_force(conn, doc_pks)

    def _in_force(self, conn: Connection, doc_pks: Iterable[int]) -> dict[tuple[int, str], Judgement]:
        out: dict[tuple[int, str], Judgement] = {}
        wanted = sorted(set(doc_pks))
        if not wanted:
            return out
        rows = conn.execute(select(t.judgements).where(J.doc_pk.in_(wanted)).order_by(J.pk)).all()
        pk_of = {row.pk: row.doc_pk for row in rows}
        for judgement in self._with_current(conn, rows):
            if judgement.current_statement_id is not None:
                out[(pk_of[judgement.id], judgement.current_statement_id)] = judgement
        return out

    def _reviewed(self, conn: Connection, rows: Sequence[Row[Any]], claims: list[Claim]) -> list[Claim]:
        """``claims`` (of statement ``rows``) with the review in force on each: an analyst's correction is shown
        beside the machine's fields, which stay as extracted."""
        in_force = self._in_force(conn, (r.doc_pk for r in rows))
        if not in_force:
            return claims
        found = [(i, in_force[(r.doc_pk, r.sid)]) for i, r in enumerate(rows) if (r.doc_pk, r.sid) in in_force]
        keys = {v for _, j in found for f, v in (j.correction or {}).items() if f in ACTOR_FIELDS and v}
        names = self._names(conn, keys) if keys else {}
        out = list(claims)
        for i, j in found:
            corrected = dict(j.correction or {})
            out[i] = claims[i].model_copy(update={"review": Review(
                judgement_id=j.id, verdict=j.verdict, reviewer=j.reviewer, judged_at=j.created_at, note=j.note,
                corrected=corrected, corrected_names={f: names.get(v, v) if v else None
                                                      for f, v in corrected.items() if f in ACTOR_FIELDS})})
        return out

    @staticmethod
    def _with_current(conn: Connection, rows: Sequence[Row[Any]]) -> list[Judgement]:
        """Judgements with the statement each applies to now, found among its document's statements."""
        by_doc: dict[int, list[Any]] = defaultdict(list)
        if rows:
            for statement in conn.execute(select(*_STATEMENT_KEY).join_from(t.statements, t.propositions,
                                                                            S.prop_pk == P.pk)
                                          .where(S.doc_pk.in_(sorted({r.doc_pk for r in rows})))).all():
                by_doc[statement.doc_pk].append(statement)
        out = []
        for row in rows:
            fits = sorted((fit, s.sid) for s in by_doc[row.doc_pk] if (fit := _fit(row, s)) is not None)
            out.append(_judgement(row, fits[0][1] if fits else None))
        return out
