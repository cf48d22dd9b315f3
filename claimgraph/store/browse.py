"""Read queries for browsing the store (the workbench): document listings and search, actor search, edge counts.

Like queries.py, each is shaped for an index: documents by date, edges of a window through ix_statements_date
(or the filter's own index), actor names through the small ``actor_names`` table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, func, or_, select
from sqlalchemy.engine import Connection, Engine

from ..kb import normalize_name
from . import schema as t
from .dialects import Dialect
from .models import ActorHit, ActorRef, ClaimFilter, DocumentHit, DocumentSummary, EdgeCount, EdgeCounts
from .queries import claim_conditions

S, D, P, A, N = t.statements.c, t.documents.c, t.propositions.c, t.actors.c, t.actor_names.c
MAX_SEARCH_CHARS = 200  # longer search text is cut: a query, not a document


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` taken literally (escape character ``\\``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class BrowseMixin:
    engine: Engine
    dialect: Dialect

    def documents(self, since: dt.date | None = None, until: dt.date | None = None, limit: int = 50,
                  offset: int = 0) -> list[DocumentSummary]:
        query = select(D.pk).order_by(D.date.desc().nulls_last(), D.pk.desc())
        if since:
            query = query.where(D.date >= since)
        if until:
            query = query.where(D.date <= until)
        with self.engine.connect() as conn:
            pks = list(conn.execute(query.limit(limit).offset(offset)).scalars())
            return self._summaries(conn, pks)

    def _summaries(self, conn: Connection, pks: list[int]) -> list[DocumentSummary]:
        if not pks:
            return []
        counts: dict[int, int] = dict(conn.execute(select(S.doc_pk, func.count()).where(S.doc_pk.in_(pks))
                                   .group_by(S.doc_pk)).all())
        rows = {r.pk: r for r in conn.execute(
            select(D.pk, D.doc_id, D.title, D.date, D.source, D.url, D.dup_group).where(D.pk.in_(pks)))}
        return [DocumentSummary(pk=r.pk, doc_id=r.doc_id, title=r.title, date=r.date, source=r.source, url=r.url,
                                dup_group=r.dup_group, statements=int(counts.get(r.pk, 0)))
                for r in (rows[pk] for pk in pks if pk in rows)]

    def search_documents(self, text: str, limit: int = 20) -> list[DocumentHit]:
        text = text[:MAX_SEARCH_CHARS]
        if not text.split():
            return []
        with self.engine.connect() as conn:
            hits = self.dialect.search_documents(conn, text, limit)
            if hits is None:  # no full-text index: every word somewhere in the title or text, newest first
                words = text.split()[:10]
                hits = [(r.pk, r.title or "") for r in conn.execute(
                    select(D.pk, D.title).where(*(or_(D.title.ilike(like_pattern(w), escape="\\"),
                                                      D.text.ilike(like_pattern(w), escape="\\")) for w in words))
                    .order_by(D.pk.desc()).limit(limit))]
            summaries = {d.pk: d for d in self._summaries(conn, [pk for pk, _ in hits])}
        return [DocumentHit(document=summaries[pk], snippet=snippet) for pk, snippet in hits if pk in summaries]

    def search_actors(self, text: str, limit: int = 20) -> list[ActorHit]:
        key = normalize_name(text[:MAX_SEARCH_CHARS])
        if not key:
            return []
        exact = (N.name_key == key).cast(Integer)
        query = (select(A.key, A.name, A.type, A.provisional, N.name_key)
                 .join_from(t.actor_names, t.actors, N.actor_key == A.key)
                 .where(N.name_key.like(like_pattern(key), escape="\\"))
                 .order_by(exact.desc(), N.rank, func.length(N.name_key), A.key).limit(limit * 4))
        hits: dict[str, ActorHit] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                if r.key not in hits and len(hits) < limit:
                    hits[r.key] = ActorHit(actor=ActorRef(key=r.key, name=r.name, type=r.type,
                                                          provisional=r.provisional), matched=r.name_key)
        return list(hits.values())

    def edge_counts(self, flt: ClaimFilter, limit: int = 20_000) -> EdgeCounts:
        n = func.count().label("n")
        query = (select(S.subject_key, S.object_key, S.stance, S.event_type, n, func.min(S.date), func.max(S.date))
                 .where(S.subject_key.is_not(None), S.object_key.is_not(None), *claim_conditions(flt))
                 .group_by(S.subject_key, S.object_key, S.stance, S.event_type)
                 .order_by(n.desc(), S.subject_key, S.object_key, S.stance, S.event_type).limit(limit))
        if flt.min_sources:
            query = query.join_from(t.statements, t.propositions, S.prop_pk == P.pk)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            keys = sorted({k for r in rows for k in (r[0], r[1])})
            actors = {}
            for start in range(0, len(keys), 500):
                for r in conn.execute(select(A.key, A.name, A.type, A.provisional)
                                      .where(A.key.in_(keys[start:start + 500]))):
                    actors[r.key] = ActorRef(key=r.key, name=r.name, type=r.type, provisional=r.provisional)
        # Thousands of rows for a month of a large store: built without re-validating what the query typed.
        edges = [EdgeCount.model_construct(subject=r[0], object=r[1], stance=r[2], event_type=r[3],
                                           statements=int(r[4]), first=r[5], last=r[6]) for r in rows]
        return EdgeCounts(edges=edges, actors=[actors.get(k) or ActorRef(key=k, name=k) for k in keys])
