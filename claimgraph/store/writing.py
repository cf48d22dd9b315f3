"""Writing documents: whole documents per transaction, safe with several writers at once.

Several ingests may write to one PostgreSQL store at the same time. What keeps them correct:

- a document is inserted with ``ON CONFLICT (content_hash) DO NOTHING``: of two writers storing the same text,
  the second waits for the first to commit, then finds the row there and counts a duplicate (never a second copy);
- actors, names and propositions are inserted the same way, so a row another writer created first is reused;
- proposition counts are recomputed under a row lock (``FOR NO KEY UPDATE``) taken before counting, so the
  writer that commits last counts the other's statements too (no lost update);
- every writer takes its locks in one order (propositions by key, actors by key, proposition rows by pk), so
  writers queue instead of deadlocking; a deadlock or serialisation failure that happens anyway is retried.

SQLite serialises writers itself; the same statements run there unchanged (``FOR NO KEY UPDATE`` is dropped).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from ..identity import actor_key, key_map, map_key, proposition_key
from ..kb import normalize_name
from ..errors import StoreError
from ..models import AUTHOR, Actor, ExtractionResult, Statement
from ..textio import content_hash as hash_text
from . import schema as t
from .base import PendingDocument
from .dialects import Dialect
from .models import StoredDocument
from .neardup import THRESHOLD, Signature, similarity

_T = TypeVar("_T")

MAX_ASSERTERS = 10  # (asserter, stance) pairs summarised per proposition, most frequent first
IN_CHUNK = 500  # keys per IN (...) list

STATEMENT_COLUMNS = {
    "asserter", "stance", "subject", "event_type", "mode", "context", "object", "negated", "time", "location",
    "quote", "start", "end", "trigger", "trigger_start", "trigger_end", "rule", "confidence", "parent",
    "quantities", "subject_text", "object_text", "asserter_text",
}

_S, _P = t.statements.c, t.propositions.c
_GROUP_COLUMNS = (_S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group, func.count(), func.min(_S.date),
                  func.max(_S.date))
# Built once: these run for every stored batch. Grouped in the order of ix_statements_prop, which covers them.
_GROUPS_IN = select(*_GROUP_COLUMNS).where(_S.prop_pk.in_(bindparam("pks", expanding=True))).group_by(
    _S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group)
_GROUPS_RANGE = select(*_GROUP_COLUMNS).where(_S.prop_pk.between(bindparam("low"), bindparam("high"))).group_by(
    _S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group)
_LOCK_IN = select(_P.pk).where(_P.pk.in_(bindparam("pks", expanding=True))).order_by(_P.pk).with_for_update(
    key_share=True)
_LOCK_RANGE = select(_P.pk).where(_P.pk.between(bindparam("low"), bindparam("high"))).order_by(
    _P.pk).with_for_update(key_share=True)
_UPDATE_PROPOSITION = update(t.propositions).where(_P.pk == bindparam("b_pk"))


class _Tally:
    """Statement counts of one proposition, from (stance, asserter, duplicate group) groups."""

    def __init__(self) -> None:
        self.stances: Counter[str] = Counter()
        self.who: Counter[tuple[str, str]] = Counter()  # (asserter, stance)
        self.asserting_groups: set[int] = set()
        self.groups: set[int] = set()
        self.sides: dict[str, set[str]] = {"asserts": set(), "denies": set()}
        self.first: dt.date | None = None
        self.last: dt.date | None = None

    def add(self, stance: str, asserter: str, group: int, n: int, first: dt.date | None,
            last: dt.date | None) -> None:
        self.stances[stance] += n
        self.who[(asserter, stance)] += n
        self.groups.add(group)
        if stance == "asserts":
            self.asserting_groups.add(group)
        if stance in self.sides:
            # Each document group's author is a party of its own: two outlets disagreeing is a contradiction.
            self.sides[stance].add(f"author@{group}" if asserter == AUTHOR else asserter)
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last

    def values(self) -> dict[str, Any]:
        asserts, denies = self.sides["asserts"], self.sides["denies"]
        contested = bool(asserts) and bool(denies) and not (len(asserts) == 1 and asserts == denies)
        top = sorted(self.who.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_ASSERTERS]
        return {"n_statements": sum(self.stances.values()), "n_asserts": self.stances["asserts"],
                "n_denies": self.stances["denies"], "n_predicts": self.stances["predicts"],
                "n_speculates": self.stances["speculates"], "n_sources": len(self.asserting_groups),
                "n_reporting_sources": len(self.groups), "first_seen": self.first, "last_seen": self.last,
                "contested": contested, "asserters": [[k[0], k[1], c] for k, c in top]}


@dataclass
class _Plan:
    """One document's rows, worked out before the transaction touches the database."""

    pending: PendingDocument
    digest: str
    keys: dict[str, str]
    actors: dict[str, Actor] = field(default_factory=dict)  # store key -> actor, the document's own last
    props: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # proposition key -> (subject, event, object, negated)


def plan(pending: PendingDocument) -> _Plan:
    result = pending.result
    doc_id = result.document.id
    digest = pending.content_hash or hash_text(result.document.text)
    out = _Plan(pending, digest, key_map(result))
    out.actors = {actor_key(a, doc_id): a for a in pending.related}
    out.actors.update({actor_key(a, doc_id): a for a in result.actors})
    for s in result.statements:
        subject, obj = map_key(s.subject, out.keys), map_key(s.object, out.keys)
        out.props[proposition_key(subject, s.event_type, obj, s.negated)] = (subject, s.event_type, obj, s.negated)
    return out


def preferred(stored: Actor, seen: Actor) -> Actor:
    """Which of two actors under one store key the actor table keeps. A knowledge-base actor: the one seen last
    (the knowledge base may have changed). A provisional actor (documents spell its name "Lindgrad" or
    "LINDGRAD"): a choice that does not depend on the order documents arrive in, so that engines storing
    documents in different orders (local, Ray) store the same names: not all-capitals first, then by name."""
    if not (stored.provisional and seen.provisional):
        return seen
    return min(stored, seen, key=lambda a: (a.name.isupper(), a.name, a.model_dump_json()))


def chunks(items: list[_T], size: int = IN_CHUNK) -> list[list[_T]]:
    return [items[i : i + size] for i in range(0, len(items), size)] if items else []


class Writer:
    """The write half of ``SqlStore``: runs inside a transaction the store opened."""

    def __init__(self, dialect: Dialect):
        self.dialect = dialect

    def existing(self, conn: Connection, digests: list[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(sorted(set(digests))):
            found.update(conn.execute(select(t.documents.c.content_hash)
                                      .where(t.documents.c.content_hash.in_(part))).scalars())
        return found

    def write_batch(self, conn: Connection, batch: list[PendingDocument]) -> list[StoredDocument | None]:
        """Store each new document of ``batch`` whole; None for one whose content is already stored."""
        plans = [plan(p) for p in batch]
        stored = self.existing(conn, [p.digest for p in plans])
        seen: set[str] = set()
        todo = []
        for p in plans:
            if p.digest not in stored and p.digest not in seen:
                seen.add(p.digest)
                todo.append(p)
        out: dict[int, StoredDocument | None] = {}
        if todo:
            props: dict[str, tuple[Any, ...]] = {}
            actors: dict[str, Actor] = {}
            for p in todo:
                props.update(p.props)
                for key, actor in p.actors.items():
                    actors[key] = preferred(actors[key], actor) if key in actors else actor
            prop_pks = self._proposition_pks(conn, props)
            self._write_actors(conn, actors)
            touched: set[int] = set()
            for p in todo:
                out[id(p)] = self._write_document(conn, p, prop_pks, touched)
            self.refresh(conn, touched)
        return [out.get(id(p)) for p in plans]

    # ---- one document ------------------------------------------------------------------------------
    def _write_document(self, conn: Connection, p: _Plan, prop_pks: dict[str, int],
                        touched: set[int]) -> StoredDocument | None:
        result, signature = p.pending.result, p.pending.signature
        doc = result.document
        near = self._near_duplicate(conn, signature) if signature else None
        values = dict(doc_id=doc.id, content_hash=p.digest, title=doc.title, date=doc.date,
                      date_origin=doc.date_origin, source=doc.source, url=doc.url, text=doc.text,
                      dup_group=near[1] if near else 0, minhash=signature.hashvalues if signature else None,
                      ingested_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        pk = conn.execute(self.dialect.insert_ignoring(t.documents, ["content_hash"]).values(**values)
                          .returning(t.documents.c.pk)).scalar()
        if pk is None:
            return None  # another writer stored the same text meanwhile
        group = near[1] if near else pk
        if not near:
            conn.execute(update(t.documents).where(t.documents.c.pk == pk).values(dup_group=group))
        if signature:
            conn.execute(insert(t.lsh_bands), [{"band_key": k, "doc_pk": pk} for k in signature.band_keys])
        self.dialect.index_document(conn, pk, doc.title, doc.text)
        touched |= self._write_extraction(conn, pk, group, result, p.keys, prop_pks)
        return StoredDocument(pk=pk, doc_id=doc.id, dup_group=group, near_duplicate_of=near[0] if near else None,
                              statements=len(result.statements))

    def _write_extraction(self, conn: Connection, pk: int, group: int, result: ExtractionResult,
                          keys: dict[str, str], prop_pks: dict[str, int]) -> set[int]:
        """What extraction found in stored document ``pk`` (the rows of ``t.EXTRACTION_TABLES``); returns the
        propositions it touched."""
        doc = result.document
        if result.actors:
            conn.execute(insert(t.doc_actors), [
                {"doc_pk": pk, "pos": i, "actor_key": actor_key(a, doc.id), "data": a.model_dump(mode="json")}
                for i, a in enumerate(result.actors)])
        if result.mentions:
            conn.execute(insert(t.mentions), [
                {"doc_pk": pk, "pos": i, "start": m.start, "end": m.end, "text": m.text, "actor_id": m.actor,
                 "actor_key": map_key(m.actor, keys), "rule": m.rule, "confidence": m.confidence,
                 "sense": m.sense}
                for i, m in enumerate(result.mentions)])
        return self._write_statements(conn, pk, group, doc.date, result.statements, keys, prop_pks)

    def replace(self, conn: Connection, pk: int, result: ExtractionResult, related: list[Actor]) -> StoredDocument:
        """Replace what extraction found in stored document ``pk`` (same id and text) by ``result``: its mentions,
        actors and statements are rewritten and the propositions they touched (old and new) recounted. The
        document keeps its pk, duplicate group and full-text row; tables not in ``t.EXTRACTION_TABLES``
        (judgements) keep their rows."""
        d = t.documents.c
        digest = hash_text(result.document.text)
        row = conn.execute(select(d.doc_id, d.content_hash, d.dup_group).where(d.pk == pk)).first()
        if row is None:
            raise StoreError(f"no stored document {pk}")
        if row.content_hash != digest or row.doc_id != result.document.id:
            raise StoreError(f"document {row.doc_id!r} is not the one re-extracted ({result.document.id!r}, "
                             f"other text)")
        p = plan(PendingDocument(result, digest, None, related))
        prop_pks = self._proposition_pks(conn, p.props)  # the same lock order as write_batch
        self._write_actors(conn, p.actors)
        old = set(conn.execute(select(t.statements.c.prop_pk).where(t.statements.c.doc_pk == pk)).scalars())
        self.dialect.unindex_statements(conn, pk)
        for table in t.EXTRACTION_TABLES:
            conn.execute(delete(table).where(table.c.doc_pk == pk))
        doc = result.document
        conn.execute(update(t.documents).where(d.pk == pk).values(date=doc.date, date_origin=doc.date_origin))
        new = self._write_extraction(conn, pk, row.dup_group, result, p.keys, prop_pks)
        self.refresh(conn, old | new)
        return StoredDocument(pk=pk, doc_id=doc.id, dup_group=row.dup_group, statements=len(result.statements))

    def _near_duplicate(self, conn: Connection, signature: Signature) -> tuple[int, int] | None:
        """(pk, group) of the most similar stored document above the threshold."""
        d = t.documents.c
        rows = conn.execute(select(d.pk, d.dup_group, d.minhash).where(d.pk.in_(
            select(t.lsh_bands.c.doc_pk).where(t.lsh_bands.c.band_key.in_(signature.band_keys))))).all()
        best: tuple[float, int, int] | None = None
        for pk, group, minhash in rows:
            score = similarity(signature.hashvalues, minhash) if minhash else 0.0
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, pk, group)
        return (best[1], best[2]) if best else None

    def _write_statements(self, conn: Connection, doc_pk: int, group: int, date: dt.date | None,
                          stmts: list[Statement], keys: dict[str, str], prop_pks: dict[str, int]) -> set[int]:
        if not stmts:
            return set()
        rows = []
        for i, s in enumerate(stmts):
            subject, obj = map_key(s.subject, keys), map_key(s.object, keys)
            data = s.model_dump(mode="json")
            row = {c: data[c] for c in STATEMENT_COLUMNS}
            row.update(doc_pk=doc_pk, pos=i, sid=s.id, asserter_key=map_key(s.asserter, keys) or AUTHOR,
                       subject_key=subject, object_key=obj, negated=s.negated, date=date, dup_group=group,
                       extra={k: v for k, v in data.items() if k not in STATEMENT_COLUMNS and k != "id"} or None,
                       prop_pk=prop_pks[proposition_key(subject, s.event_type, obj, s.negated)])
            rows.append(row)
        conn.execute(insert(t.statements), rows)
        self.dialect.index_statements(conn, doc_pk)
        return {r["prop_pk"] for r in rows}

    # ---- store-wide rows ---------------------------------------------------------------------------
    def _proposition_pks(self, conn: Connection, wanted: dict[str, tuple[Any, ...]]) -> dict[str, int]:
        P = t.propositions.c
        keys = sorted(wanted)
        found: dict[str, int] = {}
        for part in chunks(keys):
            found.update(conn.execute(select(P.key, P.pk).where(P.key.in_(part))).all())
        missing = [{"key": key, "subject_key": wanted[key][0], "event_type": wanted[key][1],
                    "object_key": wanted[key][2], "negated": wanted[key][3],
                    "complete": wanted[key][0] is not None and wanted[key][2] is not None}
                   for key in keys if key not in found]
        if missing:
            conn.execute(self.dialect.insert_ignoring(t.propositions, ["key"]), missing)
            for part in chunks([m["key"] for m in missing]):
                found.update(conn.execute(select(P.key, P.pk).where(P.key.in_(part))).all())
        return found

    def _write_actors(self, conn: Connection, by_key: dict[str, Actor]) -> None:
        """Store-wide actors (under each key the ``preferred`` of those seen) and every name they go by."""
        if not by_key:
            return
        A, N = t.actors.c, t.actor_names.c
        keys = sorted(by_key)
        stored: dict[str, object] = {}
        for part in chunks(keys):
            stored.update(conn.execute(select(A.key, A.data).where(A.key.in_(part))).all())
        fresh: list[tuple[dict[str, Any], Actor]] = []
        changed: list[tuple[dict[str, Any], Actor]] = []
        for key in keys:
            actor = by_key[key]
            data = actor.model_dump(mode="json")
            if stored.get(key) == data:
                continue  # the usual case: a knowledge-base actor seen before, unchanged
            if key in stored and actor.provisional:
                kept = Actor.model_validate(stored[key])
                if preferred(kept, actor) is kept:
                    continue
            values = {"key": key, "actor_id": actor.id, "name": actor.name, "name_key": normalize_name(actor.name),
                      "type": actor.type, "country": actor.country, "code": actor.code,
                      "provisional": actor.provisional, "parent": actor.parent, "data": data}
            (changed if key in stored else fresh).append((values, actor))
        if fresh:
            conn.execute(self.dialect.insert_ignoring(t.actors, ["key"]), [v for v, _ in fresh])
        for values, _ in changed:
            conn.execute(update(t.actors).where(A.key == values["key"]).values(**values))
        if not (fresh or changed):
            return
        names: dict[tuple[str, str], int] = {}
        for values, actor in fresh + changed:
            key = str(values["key"])
            for rank, group in enumerate(([actor.name], actor.aliases, actor.exact_aliases, actor.metonyms)):
                for name in group:
                    pair = (normalize_name(name), key)
                    if pair[0]:
                        names.setdefault(pair, rank)
        known: set[tuple[str, str]] = set()
        for part in chunks(sorted({k for _, k in names})):
            known.update(conn.execute(select(N.name_key, N.actor_key).where(N.actor_key.in_(part))).all())
        rows = [{"name_key": n, "actor_key": k, "rank": r}
                for (n, k), r in sorted(names.items()) if (n, k) not in known]
        if rows:
            conn.execute(self.dialect.insert_ignoring(t.actor_names, ["name_key", "actor_key"]), rows)

    # ---- propositions ------------------------------------------------------------------------------
    def refresh(self, conn: Connection, prop_pks: set[int]) -> int:
        """Recompute counts, sources, dates, contradiction and top asserters of these propositions."""
        if not prop_pks:
            return 0
        low, high = min(prop_pks), max(prop_pks)
        # A contiguous range (bulk rebuild) is a range scan; a batch's propositions an IN list.
        contiguous = high - low + 1 == len(prop_pks)
        # Lock first, count second: a writer that committed meanwhile is counted (PostgreSQL; no-op on SQLite).
        if contiguous:
            conn.execute(_LOCK_RANGE, {"low": low, "high": high})
            rows = list(conn.execute(_GROUPS_RANGE, {"low": low, "high": high}))
        else:
            ordered = sorted(prop_pks)
            rows = []
            for part in chunks(ordered):
                conn.execute(_LOCK_IN, {"pks": part})
            for part in chunks(ordered):
                rows += list(conn.execute(_GROUPS_IN, {"pks": part}))
        props: dict[int, _Tally] = defaultdict(_Tally)
        for prop_pk, stance, asserter, group, n, first, last in rows:
            props[prop_pk].add(stance, asserter, group, n, first, last)
        updates = [{"b_pk": pk, **props[pk].values()} for pk in sorted(props)]
        # Propositions whose last statement went (a deleted document) drop to zero, out of every list.
        updates += [{"b_pk": pk, **_Tally().values()} for pk in sorted(prop_pks - props.keys())]
        conn.execute(_UPDATE_PROPOSITION, updates)
        return len(props)
