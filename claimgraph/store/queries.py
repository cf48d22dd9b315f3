"""Read queries of ``SqlStore``: claims, propositions, dossiers, actor profiles, timelines, full-text search.

Each query is shaped for an index (see schema.py) so it stays fast on a store of a million statements:
pair lookups go through (subject_key, object_key), filters through (column, date), contested propositions
through the precomputed ``propositions`` table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import ColumnElement, Integer, Row, Select, and_, func, or_, select, true
from sqlalchemy.engine import Connection, Engine

from ..errors import InputError, NotFoundError
from ..kb import normalize_name
from ..models import AUTHOR
from . import schema as t
from .confident import confident_propositions
from .dialects import Dialect
from .models import (
    ActorProfile, ActorRef, AsserterStance, Claim, ClaimFilter, Counterparty, Dossier, DossierEntry, PairCount,
    Proposition, SearchHit, TypeStanceCount,
)

MAX_SEARCH_CHARS = 2000

S, D, P, A = t.statements.c, t.documents.c, t.propositions.c, t.actors.c
MAX_NAME_CHARS = 300  # a name longer than this is not a name (and would make a LIKE pattern too complex)
CLOSE_ENOUGH = 90  # edit-distance ratio at which a spelling is taken as the name ("Lashkar-e-Toiba")
SUGGESTED = 50  # ... and at which a name is worth suggesting ("did you mean")
_NAME_RANKS = ("name", "alias", "exact alias", "metonym")  # actor_names.rank
_CLAIM_COLUMNS = (S.pk, S.sid, D.doc_id, D.title, S.date, D.source, D.url, S.asserter_key, S.stance, S.subject_key,
                  S.event_type, S.mode, S.object_key, S.negated, S.quote, S.start, S.end, S.trigger,
                  S.trigger_start, S.trigger_end, S.subject_text, S.object_text, S.asserter_text, S.rule,
                  S.confidence, S.parent, P.key, P.n_sources, S.doc_pk)


def _claim_select() -> Select[Any]:
    return select(*_CLAIM_COLUMNS).join_from(t.statements, t.documents, S.doc_pk == D.pk).join(
        t.propositions, S.prop_pk == P.pk)


def claim_conditions(flt: ClaimFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a claim filter, over statements joined to propositions (for min_sources)."""
    conditions: list[ColumnElement[bool]] = []
    for column, values in ((S.asserter_key, flt.asserter), (S.subject_key, flt.subject),
                           (S.object_key, flt.object), (S.event_type, flt.event_type), (S.stance, flt.stance)):
        if values:
            conditions.append(column.in_(values))
    if flt.since:
        conditions.append(S.date >= flt.since)
    if flt.until:
        conditions.append(S.date <= flt.until)
    if flt.min_sources:
        conditions.append(P.n_sources >= flt.min_sources)
    if flt.min_confidence:
        conditions.append(S.confidence >= flt.min_confidence)
    return conditions


class QueryMixin:
    engine: Engine
    dialect: Dialect
    # provided by JudgementMixin: the analysts' reviews in force, beside the machine's fields
    _reviewed: Callable[[Connection, Sequence[Row[Any]], list[Claim]], list[Claim]]

    # ---- names -------------------------------------------------------------------------------------
    @staticmethod
    def _names(conn: Connection, keys: Iterable[str | None]) -> dict[str, str]:
        wanted = {k for k in keys if k and k != AUTHOR}
        names = {AUTHOR: "author"}
        if wanted:
            names.update(conn.execute(select(A.key, A.name).where(A.key.in_(list(wanted)))).all())
        return names

    def _claims(self, conn: Connection, rows: Sequence[Row[Any]]) -> list[Claim]:
        names = self._names(conn, (k for r in rows for k in (r.asserter_key, r.subject_key, r.object_key)))
        return [
            Claim(statement_id=r.sid, doc_id=r.doc_id, title=r.title, date=r.date, source=r.source, url=r.url,
                  asserter=r.asserter_key, asserter_name=names.get(r.asserter_key, r.asserter_key), stance=r.stance,
                  subject=r.subject_key,
                  subject_name=names.get(r.subject_key, r.subject_key) if r.subject_key else None,
                  event_type=r.event_type, mode=r.mode, object=r.object_key,
                  object_name=names.get(r.object_key, r.object_key) if r.object_key else None, negated=r.negated,
                  quote=r.quote, start=r.start, end=r.end, trigger=r.trigger, trigger_start=r.trigger_start,
                  trigger_end=r.trigger_end, subject_text=r.subject_text, object_text=r.object_text,
                  asserter_text=r.asserter_text, rule=r.rule, confidence=r.confidence,
                  parent=r.parent, proposition=r.key, sources=r.n_sources)
            for r in rows
        ]

    # ---- actors ------------------------------------------------------------------------------------
    def resolve_actor(self, name: str, kb: object | None = None, fuzzy: bool = True) -> ActorRef:
        """Stored key, then any stored name/alias/metonym, then the knowledge base (id, any name, then a close
        spelling). ``matched`` says which. A spelling that is only roughly close is not taken: NotFoundError,
        with the closest names as "did you mean" suggestions. ``fuzzy=False`` tries exact names only."""
        text = name.strip()
        if not text:
            raise NotFoundError("an actor name is empty")
        if len(text) > MAX_NAME_CHARS:
            raise NotFoundError(f"an actor name of {len(text):,} characters is too long (at most {MAX_NAME_CHARS})")
        if text == AUTHOR:
            return ActorRef(key=AUTHOR, name="author", matched="the report's own voice")
        key = normalize_name(text)
        N = t.actor_names.c
        with self.engine.connect() as conn:
            def stored(where: ColumnElement[bool], matched: str, *order: Any) -> ActorRef | None:
                query = select(A.key, A.name, A.type, A.provisional).where(where)
                rows = conn.execute(query.order_by(*order, A.provisional, A.key).limit(1)).all()
                return ActorRef(key=rows[0].key, name=rows[0].name, type=rows[0].type,
                                provisional=rows[0].provisional, matched=matched) if rows else None

            def from_kb(actor_id: str, matched: str) -> ActorRef:
                actor = kb.get(actor_id)  # type: ignore[union-attr]
                found = stored(A.key == actor_id, matched)
                return found or ActorRef(key=actor.id, name=actor.name, type=actor.type, matched=matched)

            found = stored(A.key == text, "id")
            if found is None and key:
                ranked = conn.execute(select(N.actor_key, N.rank).where(N.name_key == key)
                                      .order_by(N.rank, N.actor_key).limit(1)).first()
                if ranked is not None:
                    found = stored(A.key == ranked[0], _NAME_RANKS[min(ranked[1], len(_NAME_RANKS) - 1)])
            if found is None and kb is not None:
                if kb.get(text) is not None:  # type: ignore[attr-defined]
                    found = from_kb(text, "knowledge-base id")
                elif entries := kb.lookup(text):  # type: ignore[attr-defined]
                    found = from_kb(entries[0].actor_id, f"knowledge-base {entries[0].kind}")
            if found is not None:
                return found
            if not fuzzy:
                raise NotFoundError(f"no actor named {name!r}")
            candidates = self._close_names(conn, key, kb)
        best = candidates[0] if candidates else None
        runner_up = candidates[1][0] if len(candidates) > 1 else 0.0
        if best and best[0] >= CLOSE_ENOUGH and len(key) >= 5 and best[0] - runner_up >= 3:
            score, actor_key, actor_name, matched_name = best
            if kb is not None and kb.get(actor_key) is not None:  # type: ignore[attr-defined]
                return self.resolve_actor(actor_key, kb).model_copy(
                    update={"matched": f"close to {matched_name!r} ({score:.0f}%)"})
            return ActorRef(key=actor_key, name=actor_name, matched=f"close to {matched_name!r} ({score:.0f}%)")
        hint = ""
        if candidates:
            hint = "; did you mean: " + ", ".join(
                f"{n} [{k}]" + (f" (as {m!r})" if normalize_name(m) != normalize_name(n) else "")
                for _, k, n, m in candidates[:5]) + "?"
        raise NotFoundError(f"no actor named {name!r} in the store or the knowledge base{hint} "
                            f"(search: claimgraph actors search {text[:60]!r})")

    def _close_names(self, conn: Connection, key: str, kb: object | None) -> list[tuple[float, str, str, str]]:
        """(score, actor key, actor name, the name that was close), best first: knowledge-base names near in
        spelling and stored names containing the words given. The score is a plain edit-distance ratio of the
        whole names, so a short alias that happens to occur inside the query does not score high."""
        from rapidfuzz import fuzz

        if not key:
            return []
        found: dict[str, tuple[float, str, str, str]] = {}

        def consider(actor_key: str, actor_name: str, matched: str) -> None:
            score = float(fuzz.ratio(key, normalize_name(matched)))
            if actor_key not in found or found[actor_key][0] < score:
                found[actor_key] = (score, actor_key, actor_name, matched)

        if kb is not None:
            for actor, matched, _ in kb.search(key, limit=10):  # type: ignore[attr-defined]
                consider(actor.id, actor.name, matched)
        words = [w for w in key.split() if len(w) >= 3][:5]
        N = t.actor_names.c
        if words:
            # LIKE wildcards in the user's words are escaped: "_" is a letter here, not "any character"
            likes = [N.name_key.like("%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
                                     escape="\\") for w in words]
            rows = conn.execute(select(A.key, A.name, N.name_key)
                                .join_from(t.actor_names, t.actors, N.actor_key == A.key)
                                .where(or_(*likes)).order_by(N.rank, A.key).limit(20)).all()
            for row in rows:
                consider(row[0], row[1], row[2])
        return sorted((c for c in found.values() if c[0] >= SUGGESTED), key=lambda c: (-c[0], c[1]))

    def actor_scope(self, key: str, kb: object | None = None, family: bool = True) -> list[str]:
        """The actor plus its ancestors and descendants (knowledge-base ``parent`` links, as stored)."""
        scope = [key]
        if not family:
            return scope
        with self.engine.connect() as conn:
            def parent_of(k: str) -> str | None:
                found = conn.execute(select(A.parent).where(A.key == k)).scalar()
                if found is None and kb is not None and kb.get(k) is not None:  # type: ignore[attr-defined]
                    found = kb.get(k).parent  # type: ignore[attr-defined]
                return found

            parent = parent_of(key)
            while parent and parent not in scope:
                scope.append(parent)
                parent = parent_of(parent)
            queue = [key]
            while queue:
                current = queue.pop()
                children = set(conn.execute(select(A.key).where(A.parent == current)).scalars())
                if kb is not None:
                    children |= {c.id for c in kb.children(current)}  # type: ignore[attr-defined]
                for child in sorted(children):
                    if child not in scope:
                        scope.append(child)
                        queue.append(child)
        return scope

    # ---- claims and propositions -------------------------------------------------------------------
    def claims(self, flt: ClaimFilter) -> list[Claim]:
        query = _claim_select().where(*claim_conditions(flt))
        # NULL dates last, as SQLite sorts them; the PostgreSQL indexes are declared in this order (schema.py).
        if flt.order == "confidence":  # the review queue: the statements the verifier doubts most first
            query = query.order_by(S.confidence.asc(), S.pk.desc())
        else:
            query = query.order_by(S.date.desc().nulls_last(), S.pk.desc())
        query = query.limit(flt.limit).offset(flt.offset)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            return self._reviewed(conn, rows, self._claims(conn, rows))

    def propositions(self, contested_only: bool = False, min_sources: int = 0, limit: int = 50,
                     actor: list[str] | None = None, offset: int = 0,
                     min_confidence: float = 0.0) -> list[Proposition]:
        if min_confidence:
            return confident_propositions(self, contested_only, min_sources, limit, actor, offset, min_confidence)
        query = select(t.propositions)
        if contested_only:
            query = query.where(P.contested == true())  # implies statements, and keeps to the index
        else:
            query = query.where(P.n_statements > 0)
        if min_sources:
            query = query.where(P.n_sources >= min_sources)
        if actor:
            query = query.where(or_(P.subject_key.in_(actor), P.object_key.in_(actor)))
        # Disputes over who did what to whom first ("X attacked (someone)" lumps different events together),
        # then the best-sourced; the order matches ix_propositions_contested so no sort is needed.
        order = [P.complete.desc(), P.n_sources.desc(), P.n_statements.desc(), P.pk.desc()]
        query = query.order_by(*order).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return self._propositions(conn, conn.execute(query).all())

    def _propositions(self, conn: Connection, rows: Sequence[Row[Any]]) -> list[Proposition]:
        stances = {r.pk: [tuple(x) for x in (r.asserters or [])] for r in rows}
        names = self._names(conn, [k for r in rows for k in (r.subject_key, r.object_key)]
                            + [w for v in stances.values() for w, _, _ in v])
        out = []
        for r in rows:
            asserters = [AsserterStance(asserter=w, name=names.get(w, w), stance=st, statements=n)
                         for w, st, n in stances[r.pk]]
            out.append(Proposition(
                key=r.key, subject=r.subject_key, subject_name=names.get(r.subject_key) if r.subject_key else None,
                event_type=r.event_type, object=r.object_key,
                object_name=names.get(r.object_key) if r.object_key else None, negated=r.negated,
                statements=r.n_statements, asserts=r.n_asserts, denies=r.n_denies, predicts=r.n_predicts,
                speculates=r.n_speculates, sources=r.n_sources, reporting_sources=r.n_reporting_sources,
                first_seen=r.first_seen, last_seen=r.last_seen, contested=r.contested, asserters=asserters,
            ))
        return out

    def dossier(self, a: ActorRef, b: ActorRef, a_scope: list[str], b_scope: list[str],
                limit: int = 200, min_confidence: float = 0.0) -> Dossier:
        with self.engine.connect() as conn:
            rows: list[Row[Any]] = []
            for subj, obj in ((a_scope, b_scope), (b_scope, a_scope)):
                rows += conn.execute(_claim_select().where(S.subject_key.in_(subj), S.object_key.in_(obj),
                                                           S.confidence >= min_confidence)
                                     .order_by(S.date.asc().nulls_first(), S.pk).limit(limit)).all()
            seen, unique = set(), []
            for r in rows:
                if r.pk not in seen:
                    seen.add(r.pk)
                    unique.append(r)
            claims = self._claims(conn, unique)
            parents = self._parents(conn, [(r.doc_pk, r.parent) for r in unique if r.parent])
            by_prop: dict[str, list[tuple[Claim, int, str | None]]] = defaultdict(list)
            for claim, r in zip(claims, unique):
                by_prop[claim.proposition].append((claim, r.doc_pk, r.parent))
            props = {p.key: p for p in self._propositions(
                conn, conn.execute(select(t.propositions).where(P.key.in_(list(by_prop)))).all())}
        entries = []
        for key, items in by_prop.items():
            acts: dict[tuple[int, str], Claim] = {}
            for _, doc_pk, parent in items:
                if parent and (doc_pk, parent) in parents:
                    acts[(doc_pk, parent)] = parents[(doc_pk, parent)]
            entries.append(DossierEntry(proposition=props[key], claims=[c for c, _, _ in items],
                                        speech_acts=list(acts.values())))
        entries.sort(key=lambda e: (not e.proposition.contested, -e.proposition.sources,
                                    -e.proposition.statements, e.proposition.key))
        return Dossier(a=a, b=b, a_scope=a_scope, b_scope=b_scope, entries=entries)

    def _parents(self, conn: Connection, refs: list[tuple[int, str]]) -> dict[tuple[int, str], Claim]:
        if not refs:
            return {}
        cond = or_(*(and_(S.doc_pk == doc_pk, S.sid == sid) for doc_pk, sid in set(refs)))
        rows = conn.execute(_claim_select().where(cond)).all()
        return {(r.doc_pk, r.sid): c for r, c in zip(rows, self._claims(conn, rows))}

    def busiest_pairs(self, limit: int = 10) -> list[PairCount]:
        n = func.sum(P.n_statements).label("n")
        query = (select(P.subject_key, P.object_key, n, func.count(), func.sum(P.contested.cast(Integer)))
                 .where(P.subject_key.is_not(None), P.object_key.is_not(None), P.n_statements > 0)
                 .group_by(P.subject_key, P.object_key).order_by(n.desc(), P.subject_key, P.object_key).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            names = self._names(conn, [k for r in rows for k in (r[0], r[1])])
        return [PairCount(subject=r[0], subject_name=str(names.get(r[0], r[0])), object=r[1],
                          object_name=str(names.get(r[1], r[1])), statements=int(r[2] or 0), propositions=int(r[3]),
                          contested=int(r[4] or 0)) for r in rows]

    # ---- actor profile and timeline ----------------------------------------------------------------
    def actor_profile(self, actor: ActorRef, kb: object | None = None, limit: int = 20) -> ActorProfile:
        key = actor.key
        kb_actor = kb.get(key) if kb is not None else None  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            data = conn.execute(select(A.data).where(A.key == key)).scalar()
            source = kb_actor.model_dump(mode="json") if kb_actor else (data or {})
            aliases = [*source.get("aliases", []), *source.get("exact_aliases", []), *source.get("metonyms", [])]
            m = t.mentions.c
            mention_stats = conn.execute(
                select(func.count(), func.count(func.distinct(m.doc_pk)), func.min(D.date), func.max(D.date))
                .join_from(t.mentions, t.documents, m.doc_pk == D.pk).where(m.actor_key == key)).one()
            counter: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for role, other, mine in ((0, S.object_key, S.subject_key), (1, S.subject_key, S.object_key)):
                for other_key, n in conn.execute(select(other, func.count()).where(mine == key, other.is_not(None))
                                                 .group_by(other)):
                    counter[other_key][role] += n
            names = self._names(conn, counter)
            counterparties = sorted(
                (Counterparty(actor=k, name=names.get(k, k), as_subject=v[0], as_object=v[1])
                 for k, v in counter.items()),
                key=lambda c: (-(c.as_subject + c.as_object), c.actor))[:limit]
            by_type: Counter[tuple[str, str, str, str]] = Counter()
            over_time: Counter[tuple[str, str, str, str]] = Counter()
            # Counted by month in the database: a busy actor has tens of thousands of (day, type, stance) groups,
            # too many to fetch and fold into months here.
            month = (func.to_char(S.date, "YYYY-MM") if self.engine.dialect.name == "postgresql"
                     else func.strftime("%Y-%m", S.date)).label("month")
            for role_name, column in (("subject", S.subject_key), ("object", S.object_key),
                                      ("asserter", S.asserter_key)):
                for period, event_type, stance, n in conn.execute(
                    select(month, S.event_type, S.stance, func.count()).where(column == key)
                    .group_by(month, S.event_type, S.stance)
                ):
                    by_type[("all", role_name, event_type, stance)] += n
                    over_time[(period or "undated", role_name, event_type, stance)] += n
        def rows(counts: Counter[tuple[str, str, str, str]]) -> list[TypeStanceCount]:
            return [TypeStanceCount(period=k[0], role=k[1], event_type=k[2], stance=k[3], statements=v)
                    for k, v in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1:]))]

        return ActorProfile(
            actor=actor, aliases=aliases, country=source.get("country"), description=source.get("description"),
            documents=int(mention_stats[1] or 0), mentions=int(mention_stats[0] or 0),
            first_seen=mention_stats[2], last_seen=mention_stats[3], counterparties=counterparties,
            by_type=rows(by_type), over_time=rows(over_time),
        )

    def timeline(self, keys: list[str], since: dt.date | None = None, until: dt.date | None = None,
                 limit: int = 500, offset: int = 0, min_confidence: float = 0.0) -> list[Claim]:
        rows: dict[int, Row[Any]] = {}
        wanted = limit + offset  # the first rows of each role's list cover the first rows of their union
        with self.engine.connect() as conn:
            for column in (S.subject_key, S.object_key, S.asserter_key):
                query = _claim_select().where(column.in_(keys))
                if since:
                    query = query.where(S.date >= since)
                if until:
                    query = query.where(S.date <= until)
                if min_confidence:
                    query = query.where(S.confidence >= min_confidence)
                for r in conn.execute(query.order_by(S.date.asc().nulls_first(), S.pk).limit(wanted)):
                    rows[r.pk] = r
            ordered = sorted(rows.values(), key=lambda r: (r.date or dt.date.min, r.pk))
            ordered = ordered[offset:wanted]
            return self._claims(conn, ordered)

    def search(self, text: str, limit: int = 20, min_confidence: float = 0.0) -> list[SearchHit]:
        if len(text) > MAX_SEARCH_CHARS:
            raise InputError(f"a search of {len(text):,} characters is too long (at most {MAX_SEARCH_CHARS:,})")
        with self.engine.connect() as conn:
            # Ranked by the full-text index, then thresholded: fetch more so that `limit` usually survive.
            hits = self.dialect.search_statements(conn, text, limit * 4 if min_confidence else limit)
            if not hits:
                return []
            query = _claim_select().where(S.pk.in_([pk for pk, _ in hits]))
            if min_confidence:
                query = query.where(S.confidence >= min_confidence)
            rows = {r.pk: r for r in conn.execute(query)}
            hits = [(pk, snippet) for pk, snippet in hits if pk in rows][:limit]
            ordered = [rows[pk] for pk, _ in hits if pk in rows]
            claims = {c_row.pk: c for c_row, c in zip(ordered, self._claims(conn, ordered))}
        return [SearchHit(claim=claims[pk], snippet=snippet) for pk, snippet in hits if pk in claims]
