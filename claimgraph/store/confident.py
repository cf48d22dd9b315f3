"""Propositions counted over confident statements only: what ``contested`` and the proposition listings show
with a ``min_confidence``, so that a dispute made of statements the verifier doubts does not rank first.

The stored counts cover every statement. With a threshold, the propositions that could qualify (stored as
contested, or with a statement at or above the threshold) are read in the listing's order, up to a cap, their
counts recomputed from the confident statements alone (the rules of ``writing._Tally``), and the survivors
ranked again by those counts.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, or_, select, true

from . import schema as t
from .models import Proposition
from .writing import _Tally, chunks

CANDIDATES_PER_ROW = 20  # candidate propositions read per listed one
MIN_CANDIDATES = 1_000

P, S = t.propositions.c, t.statements.c


def confident_propositions(store: Any, contested_only: bool, min_sources: int, limit: int,
                           actor: list[str] | None, offset: int, min_confidence: float) -> list[Proposition]:
    query = select(t.propositions)
    if contested_only:  # fewer statements can only take a side away, never add a dispute
        query = query.where(P.contested == true())
    else:
        query = query.where(P.pk.in_(select(S.prop_pk).where(S.confidence >= min_confidence)))
    if min_sources:
        query = query.where(P.n_sources >= min_sources)
    if actor:
        query = query.where(or_(P.subject_key.in_(actor), P.object_key.in_(actor)))
    cap = max(MIN_CANDIDATES, CANDIDATES_PER_ROW * (limit + offset))
    query = query.order_by(P.complete.desc(), P.n_sources.desc(), P.n_statements.desc(), P.pk.desc()).limit(cap)
    with store.engine.connect() as conn:
        candidates = conn.execute(query).all()
        tallies: dict[int, _Tally] = {}
        for part in chunks([r.pk for r in candidates]):
            groups = conn.execute(
                select(S.prop_pk, S.stance, S.asserter_key, S.dup_group, func.count(), func.min(S.date),
                       func.max(S.date))
                .where(S.prop_pk.in_(part), S.confidence >= min_confidence)
                .group_by(S.prop_pk, S.stance, S.asserter_key, S.dup_group))
            for prop_pk, stance, asserter, group, n, first, last in groups:
                tallies.setdefault(prop_pk, _Tally()).add(stance, asserter, group, n, first, last)
        rows = []
        for r in candidates:
            if r.pk not in tallies:
                continue
            values = tallies[r.pk].values()
            if (contested_only and not values["contested"]) or values["n_sources"] < min_sources:
                continue
            rows.append(SimpleNamespace(**{**r._mapping, **values}))
        rows.sort(key=lambda r: (not r.complete, -r.n_sources, -r.n_statements, -r.pk))
        propositions: list[Proposition] = store._propositions(conn, rows[offset : offset + limit])
        return propositions
