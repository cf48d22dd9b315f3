"""``SqlStore``: the store on SQLAlchemy Core. Writes are one transaction per document."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

from sqlalchemy import bindparam, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import StoreError
from ..models import AUTHOR, Actor, Document, ExtractionResult, Mention, Statement
from ..textio import content_hash as hash_text
from . import schema as t
from .base import PendingDocument, Store
from .dialects import Dialect, SqliteDialect
from ..kb import normalize_name
from ..identity import actor_key, key_map, map_key, proposition_key
from .models import StoredDocument, StoreStats
from .neardup import THRESHOLD, Signature, similarity
from .queries import QueryMixin

DB_ENV = "CLAIMGRAPH_DB"
MAX_ASSERTERS = 10  # (asserter, stance) pairs summarised per proposition, most frequent first
DEFAULT_DB = "claimgraph.db"

_STATEMENT_COLUMNS = {
    "asserter", "stance", "subject", "event_type", "mode", "context", "object", "negated", "time", "location",
    "quote", "start", "end", "trigger", "trigger_start", "trigger_end", "rule", "confidence", "parent",
    "quantities", "subject_text", "object_text", "asserter_text",
}


def default_db_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else $CLAIMGRAPH_DB, else ./claimgraph.db."""
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)


def open_store(path: str | os.PathLike | None = None, create: bool = True, read_only: bool = False) -> "SqlStore":
    """Open (migrating as needed) the SQLite store at ``path`` (see ``default_db_path``). With ``create`` a
    missing database is created; without it a missing one is an error and no file is made. ``read_only``
    (queries, exports) writes nothing, creates no file and needs neither the file nor its folder writable."""
    db = default_db_path(path)
    if db.exists() and db.is_dir():
        raise StoreError(f"{db}: is a directory, not a database file")
    if not db.parent.exists():
        raise StoreError(f"{db}: folder {db.parent} does not exist")
    if (read_only or not create) and not db.exists():
        raise StoreError(f"{db}: no such database (check --db or ${DB_ENV}; `claimgraph ingest` creates one)")
    return SqlStore(f"sqlite:///{db}", SqliteDialect(), str(db), read_only=read_only)


def db_reason(exc: SQLAlchemyError) -> str:
    """What the database said, without the SQL statement and its parameters (which hold document text)."""
    reason = str(getattr(exc, "orig", None) or exc.__class__.__name__)
    if "readonly database" in reason or "read-only" in reason:
        reason += "; the database file or its folder is not writable"
    return reason


_S = t.statements.c
_GROUP_COLUMNS = (_S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group, func.count(), func.min(_S.date),
                  func.max(_S.date))
# Built once: these run for every stored document. Grouped in the order of ix_statements_prop, which covers them.
_GROUPS_IN = select(*_GROUP_COLUMNS).where(_S.prop_pk.in_(bindparam("pks", expanding=True))).group_by(
    _S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group)
_GROUPS_RANGE = select(*_GROUP_COLUMNS).where(_S.prop_pk.between(bindparam("low"), bindparam("high"))).group_by(
    _S.prop_pk, _S.stance, _S.asserter_key, _S.dup_group)
_UPDATE_PROPOSITION = update(t.propositions).where(t.propositions.c.pk == bindparam("b_pk"))


class _Tally:
    """Statement counts of one proposition, from (stance, asserter, duplicate group) groups."""

    def __init__(self) -> None:
        self.stances: Counter = Counter()
        self.who: Counter = Counter()
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

    def values(self) -> dict:
        asserts, denies = self.sides["asserts"], self.sides["denies"]
        contested = bool(asserts) and bool(denies) and not (len(asserts) == 1 and asserts == denies)
        top = sorted(self.who.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_ASSERTERS]
        return {"n_statements": sum(self.stances.values()), "n_asserts": self.stances["asserts"],
                "n_denies": self.stances["denies"], "n_predicts": self.stances["predicts"],
                "n_speculates": self.stances["speculates"], "n_sources": len(self.asserting_groups),
                "n_reporting_sources": len(self.groups), "first_seen": self.first, "last_seen": self.last,
                "contested": contested, "asserters": [[k[0], k[1], c] for k, c in top]}


class SqlStore(QueryMixin, Store):
    def __init__(self, url: str, dialect: Dialect, label: str | None = None, read_only: bool = False):
        self.url, self.dialect, self.label, self.read_only = url, dialect, label or url, read_only
        try:
            self.engine: Engine = dialect.engine(url, read_only)
            event.listen(self.engine, "handle_error", self._database_error)
            with self.engine.begin() as conn:
                self.version = t.current_version(conn) if read_only else t.migrate(conn, dialect)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.label}: cannot open the database ({db_reason(exc)})") from exc
        if read_only and self.version == 0:
            raise StoreError(f"{self.label}: not a claimgraph database (no schema version)")
        if read_only and self.version < t.LATEST:
            raise StoreError(f"{self.label}: written by an older claimgraph (schema {self.version}, now {t.LATEST}); "
                             f"run `claimgraph ingest` on it once to upgrade it")
        if self.version > t.LATEST:
            raise StoreError(f"{self.label}: schema version {self.version} is newer than this claimgraph "
                             f"({t.LATEST}); upgrade claimgraph")

    def _database_error(self, context: ExceptionContext) -> None:
        """Every database error (locked, read-only, disk full, corrupt) becomes a StoreError naming the
        database, without SQL or parameters; a uniqueness conflict is left to the writer, which handles it."""
        exc = context.sqlalchemy_exception
        if exc is None or isinstance(exc, IntegrityError):
            return
        raise StoreError(f"{self.label}: database error ({db_reason(exc)})") from context.original_exception

    def close(self) -> None:
        self.engine.dispose()

    # ---- writing -----------------------------------------------------------------------------------
    def has_document(self, content_hash: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(select(t.documents.c.pk).where(t.documents.c.content_hash == content_hash)).first()
        return found is not None

    def add_result(self, result: ExtractionResult, content_hash: str | None = None,
                   signature: Signature | None = None, related: list[Actor] | None = None) -> StoredDocument | None:
        digest = content_hash or hash_text(result.document.text)
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(t.documents.c.pk).where(t.documents.c.content_hash == digest)).first():
                    return None
                return self._write(conn, result, digest, signature, related or [])
        except IntegrityError:
            return None  # stored meanwhile by another process: same content, nothing to do
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.label}: cannot store document {result.document.id[:200]!r}: "
                             f"{db_reason(exc)}") from exc

    def add_results(self, batch: list[PendingDocument]) -> list[StoredDocument | None]:
        """One transaction for the batch: a crash keeps whole documents only, as with one per document."""
        if len(batch) <= 1:
            return super().add_results(batch)
        try:
            out: list[StoredDocument | None] = []
            with self.engine.begin() as conn:
                for pending in batch:
                    digest = pending.content_hash or hash_text(pending.result.document.text)
                    if conn.execute(select(t.documents.c.pk).where(t.documents.c.content_hash == digest)).first():
                        out.append(None)
                        continue
                    out.append(self._write(conn, pending.result, digest, pending.signature, pending.related))
            return out
        except IntegrityError:
            return super().add_results(batch)  # another process stored one meanwhile: go one by one
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.label}: cannot store {len(batch)} documents: {db_reason(exc)}") from exc

    def _write(self, conn: Connection, result: ExtractionResult, digest: str,
               signature: Signature | None, related: list[Actor]) -> StoredDocument:
        doc = result.document
        near = self._near_duplicate(conn, signature) if signature else None
        pk = conn.execute(insert(t.documents).values(
            doc_id=doc.id, content_hash=digest, title=doc.title, date=doc.date, date_origin=doc.date_origin,
            source=doc.source, url=doc.url, text=doc.text, dup_group=0,
            minhash=signature.hashvalues if signature else None, ingested_at=dt.datetime.now(dt.timezone.utc),
        )).inserted_primary_key[0]
        group = near[1] if near else pk
        conn.execute(update(t.documents).where(t.documents.c.pk == pk).values(dup_group=group))
        if signature:
            conn.execute(insert(t.lsh_bands), [{"band_key": k, "doc_pk": pk} for k in signature.band_keys])
        self.dialect.index_document(conn, pk, doc.title, doc.text)
        touched = self._write_extraction(conn, pk, group, result, related)
        self._refresh_propositions(conn, touched)
        return StoredDocument(pk=pk, doc_id=doc.id, dup_group=group, near_duplicate_of=near[0] if near else None,
                              statements=len(result.statements))

    def _write_extraction(self, conn: Connection, pk: int, group: int, result: ExtractionResult,
                          related: list[Actor]) -> set[int]:
        """What extraction found in stored document ``pk`` (the rows of ``t.EXTRACTION_TABLES``); the
        propositions it touched."""
        doc = result.document
        keys = key_map(result)
        self._write_actors(conn, pk, result.actors, related, doc.id)
        if result.mentions:
            conn.execute(insert(t.mentions), [
                {"doc_pk": pk, "pos": i, "start": m.start, "end": m.end, "text": m.text, "actor_id": m.actor,
                 "actor_key": map_key(m.actor, keys), "rule": m.rule, "confidence": m.confidence, "sense": m.sense}
                for i, m in enumerate(result.mentions)
            ])
        return self._write_statements(conn, pk, group, doc.date, result.statements, keys)

    def replace_result(self, pk: int, result: ExtractionResult, related: list[Actor] | None = None) -> StoredDocument:
        """Replace what extraction found in stored document ``pk`` by ``result`` (same text), in one transaction:
        the document keeps its id, pk, duplicate group and full-text row; its mentions, actors and statements
        are replaced and the propositions they touched (old and new) recounted. Only ``t.EXTRACTION_TABLES``
        are rewritten: anything else keyed by the document (judgements) is kept."""
        digest = hash_text(result.document.text)
        d = t.documents.c
        try:
            with self.engine.begin() as conn:
                row = conn.execute(select(d.doc_id, d.content_hash, d.dup_group).where(d.pk == pk)).first()
                if row is None:
                    raise StoreError(f"{self.label}: no stored document {pk}")
                if row.content_hash != digest or row.doc_id != result.document.id:
                    raise StoreError(f"{self.label}: document {row.doc_id!r} is not the one re-extracted "
                                     f"({result.document.id!r}, other text)")
                old = set(conn.execute(select(t.statements.c.prop_pk).where(t.statements.c.doc_pk == pk)).scalars())
                self.dialect.unindex_statements(conn, pk)
                for table in t.EXTRACTION_TABLES:
                    conn.execute(delete(table).where(table.c.doc_pk == pk))
                doc = result.document
                conn.execute(update(t.documents).where(d.pk == pk).values(date=doc.date, date_origin=doc.date_origin))
                new = self._write_extraction(conn, pk, row.dup_group, result, related or [])
                self._refresh_propositions(conn, old | new)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.label}: cannot re-store document {result.document.id!r}: {exc}") from exc
        return StoredDocument(pk=pk, doc_id=result.document.id, dup_group=row.dup_group,
                              statements=len(result.statements))

    def iter_documents(self, since: dt.date | None = None, until: dt.date | None = None,
                       doc_ids: list[str] | None = None) -> Iterator[tuple[int, Document]]:
        d = t.documents.c
        query = select(d.pk).order_by(d.pk)
        if since:
            query = query.where(d.date >= since)
        if until:
            query = query.where(d.date <= until)
        if doc_ids:
            query = query.where(d.doc_id.in_(doc_ids))
        with self.engine.connect() as conn:
            pks = list(conn.execute(query).scalars())
        for pk in pks:
            with self.engine.connect() as conn:
                row = conn.execute(select(d.doc_id, d.text, d.title, d.date, d.source, d.url, d.date_origin)
                                   .where(d.pk == pk)).first()
            if row is not None:  # deleted meanwhile
                yield pk, Document(id=row.doc_id, text=row.text, title=row.title, date=row.date, source=row.source,
                                   url=row.url, date_origin=row.date_origin)

    def _near_duplicate(self, conn: Connection, signature: Signature) -> tuple[int, int] | None:
        """(pk, group) of the most similar stored document above the threshold."""
        rows = conn.execute(
            select(t.documents.c.pk, t.documents.c.dup_group, t.documents.c.minhash).where(
                t.documents.c.pk.in_(
                    select(t.lsh_bands.c.doc_pk).where(t.lsh_bands.c.band_key.in_(signature.band_keys)))
            )
        ).all()
        best: tuple[float, int, int] | None = None
        for pk, group, minhash in rows:
            score = similarity(signature.hashvalues, minhash) if minhash else 0.0
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, pk, group)
        return (best[1], best[2]) if best else None

    def _write_actors(self, conn: Connection, doc_pk: int, actors: list[Actor], related: list[Actor],
                      document_id: str) -> None:
        by_key = {actor_key(a, document_id): a for a in related}
        by_key.update({actor_key(a, document_id): a for a in actors})
        if not by_key:
            return
        stored = {r[0]: r[1] for r in conn.execute(
            select(t.actors.c.key, t.actors.c.data).where(t.actors.c.key.in_(list(by_key))))}
        fresh, changed = [], []
        for key, actor in by_key.items():
            data = actor.model_dump(mode="json")
            if stored.get(key) == data:
                continue  # the usual case: a knowledge-base actor seen before, unchanged
            values = {"key": key, "actor_id": actor.id, "name": actor.name, "name_key": normalize_name(actor.name),
                      "type": actor.type, "country": actor.country, "code": actor.code,
                      "provisional": actor.provisional, "parent": actor.parent, "data": data}
            (changed if key in stored else fresh).append((values, actor))
        if fresh:
            conn.execute(insert(t.actors), [v for v, _ in fresh])
        for values, _ in changed:
            conn.execute(update(t.actors).where(t.actors.c.key == values["key"]).values(**values))
        if fresh or changed:
            keys = [v["key"] for v, _ in fresh + changed]
            known = {(r[0], r[1]) for r in conn.execute(
                select(t.actor_names.c.name_key, t.actor_names.c.actor_key).where(t.actor_names.c.actor_key.in_(keys)))}
            names: dict[tuple[str, str], int] = {}
            for values, actor in fresh + changed:
                for rank, group in enumerate(([actor.name], actor.aliases, actor.exact_aliases, actor.metonyms)):
                    for name in group:
                        pair = (normalize_name(name), values["key"])
                        if pair[0] and pair not in known:
                            names.setdefault(pair, rank)
            if names:
                conn.execute(insert(t.actor_names), [{"name_key": n, "actor_key": k, "rank": r}
                                                     for (n, k), r in names.items()])
        if actors:
            conn.execute(insert(t.doc_actors), [
                {"doc_pk": doc_pk, "pos": i, "actor_key": actor_key(a, document_id), "data": a.model_dump(mode="json")}
                for i, a in enumerate(actors)
            ])

    def _write_statements(self, conn: Connection, doc_pk: int, group: int, date: dt.date | None,
                          stmts: list[Statement], keys: dict[str, str]) -> set[int]:
        if not stmts:
            return set()
        rows, prop_keys = [], []
        for i, s in enumerate(stmts):
            subject, obj = map_key(s.subject, keys), map_key(s.object, keys)
            pkey = proposition_key(subject, s.event_type, obj, s.negated)
            prop_keys.append((pkey, subject, s.event_type, obj, s.negated))
            data = s.model_dump(mode="json")
            row = {c: data[c] for c in _STATEMENT_COLUMNS}
            row.update(doc_pk=doc_pk, pos=i, sid=s.id, asserter_key=map_key(s.asserter, keys) or AUTHOR,
                       subject_key=subject, object_key=obj, negated=s.negated, date=date, dup_group=group,
                       extra={k: v for k, v in data.items() if k not in _STATEMENT_COLUMNS and k != "id"} or None,
                       _pkey=pkey)
            rows.append(row)
        prop_pks = self._proposition_pks(conn, prop_keys)
        for row in rows:
            row["prop_pk"] = prop_pks[row.pop("_pkey")]
        conn.execute(insert(t.statements), rows)
        self.dialect.index_statements(conn, doc_pk)
        return set(prop_pks.values())

    def _proposition_pks(self, conn: Connection, prop_keys: list[tuple]) -> dict[str, int]:
        wanted = {k[0]: k for k in prop_keys}
        found = dict(conn.execute(select(t.propositions.c.key, t.propositions.c.pk)
                                  .where(t.propositions.c.key.in_(list(wanted)))).all())
        missing = [{"key": key, "subject_key": subject, "event_type": event_type, "object_key": obj,
                    "negated": negated, "complete": subject is not None and obj is not None}
                   for key, (_, subject, event_type, obj, negated) in wanted.items() if key not in found]
        if missing:
            conn.execute(insert(t.propositions), missing)
            found.update({r[0]: r[1] for r in conn.execute(
                select(t.propositions.c.key, t.propositions.c.pk)
                .where(t.propositions.c.key.in_([m["key"] for m in missing])))})
        return found

    def _refresh_propositions(self, conn: Connection, prop_pks: set[int]) -> int:
        """Recompute counts, sources, dates, contradiction and top asserters of these propositions."""
        if not prop_pks:
            return 0
        low, high = min(prop_pks), max(prop_pks)
        # A contiguous range (bulk rebuild) is a range scan; a document's few propositions an IN list.
        if high - low + 1 == len(prop_pks):
            rows = conn.execute(_GROUPS_RANGE, {"low": low, "high": high})
        else:
            rows = conn.execute(_GROUPS_IN, {"pks": list(prop_pks)})
        props: dict[int, _Tally] = defaultdict(_Tally)
        for prop_pk, stance, asserter, group, n, first, last in rows:
            props[prop_pk].add(stance, asserter, group, n, first, last)
        updates = [{"b_pk": pk, **tally.values()} for pk, tally in props.items()]
        # Propositions whose last statement went (a deleted document) drop to zero, out of every list.
        updates += [{"b_pk": pk, **_Tally().values()} for pk in prop_pks - props.keys()]
        conn.execute(_UPDATE_PROPOSITION, updates)
        return len(props)

    def rebuild_propositions(self, chunk: int = 50_000) -> int:
        with self.engine.begin() as conn:
            top = conn.execute(select(func.max(t.propositions.c.pk))).scalar() or 0
            # In ranges of proposition ids, so memory stays bounded on a store of millions of statements.
            return sum(self._refresh_propositions(conn, set(range(lo, min(lo + chunk, top + 1))))
                       for lo in range(1, top + 1, chunk))

    def delete_document(self, doc_id: str) -> int:
        """Remove documents with this id and everything extracted from them; returns how many."""
        with self.engine.begin() as conn:
            pks = list(conn.execute(select(t.documents.c.pk).where(t.documents.c.doc_id == doc_id)).scalars())
            if not pks:
                return 0
            props = set(conn.execute(select(t.statements.c.prop_pk).where(t.statements.c.doc_pk.in_(pks))).scalars())
            for table in (t.lsh_bands, t.mentions, t.doc_actors, t.statements):
                conn.execute(delete(table).where(table.c.doc_pk.in_(pks)))
            conn.execute(delete(t.documents).where(t.documents.c.pk.in_(pks)))
            self.dialect.rebuild_fulltext(conn)
            self._refresh_propositions(conn, props)
            return len(pks)

    # ---- reading -----------------------------------------------------------------------------------
    def iter_results(self, since: dt.date | None = None, until: dt.date | None = None,
                     doc_ids: list[str] | None = None) -> Iterator[ExtractionResult]:
        d = t.documents.c
        query = select(d.pk).order_by(d.pk)
        if since:
            query = query.where(d.date >= since)
        if until:
            query = query.where(d.date <= until)
        if doc_ids:
            query = query.where(d.doc_id.in_(doc_ids))
        with self.engine.connect() as conn:
            pks = list(conn.execute(query).scalars())
        for start in range(0, len(pks), 200):
            with self.engine.connect() as conn:
                for pk in pks[start : start + 200]:
                    yield self._load_result(conn, pk)

    def _load_result(self, conn: Connection, pk: int) -> ExtractionResult:
        d = t.documents.c
        row = conn.execute(select(d.doc_id, d.text, d.title, d.date, d.source, d.url, d.date_origin)
                           .where(d.pk == pk)).one()
        document = Document(id=row.doc_id, text=row.text, title=row.title, date=row.date, source=row.source,
                            url=row.url, date_origin=row.date_origin)
        actors = [Actor.model_validate(data) for data in conn.execute(
            select(t.doc_actors.c.data).where(t.doc_actors.c.doc_pk == pk).order_by(t.doc_actors.c.pos)).scalars()]
        m = t.mentions.c
        mentions = [
            Mention(start=r.start, end=r.end, text=r.text, actor=r.actor_id, rule=r.rule, confidence=r.confidence,
                    sense=r.sense)
            for r in conn.execute(select(m.start, m.end, m.text, m.actor_id, m.rule, m.confidence, m.sense)
                                  .where(m.doc_pk == pk).order_by(m.pos))
        ]
        s = t.statements.c
        cols = [s.sid, s.extra, *(getattr(s, c) for c in sorted(_STATEMENT_COLUMNS))]
        statements = []
        for r in conn.execute(select(*cols).where(s.doc_pk == pk).order_by(s.pos)):
            data = {c: getattr(r, c) for c in _STATEMENT_COLUMNS}
            data.update(r.extra or {})
            data["id"] = r.sid
            statements.append(Statement.model_validate(data))
        return ExtractionResult(document=document, actors=actors, mentions=mentions, statements=statements)

    def stats(self) -> StoreStats:
        with self.engine.connect() as conn:
            def count(table, *where):  # noqa: ANN001, ANN202
                return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)

            return StoreStats(
                path=self.label, schema_version=self.version, documents=count(t.documents),
                duplicate_groups=int(conn.execute(
                    select(func.count(func.distinct(t.documents.c.dup_group)))).scalar() or 0),
                actors=count(t.actors), mentions=count(t.mentions), statements=count(t.statements),
                propositions=count(t.propositions, t.propositions.c.n_statements > 0),
                contested=count(t.propositions, t.propositions.c.contested.is_(True)),
            )
