"""``claimgraph ingest --engine ray``: the ingest of JSONL/Parquet shards spread over a Ray cluster.

    the driver reads the shards  ->  extraction actors  ->  writer actors  ->  the driver adds up the counts
    and hands out batches of         (``workers``, one CPU     (``writers``, 1 on SQLite;
    ``batch_size`` lines             each, the pipeline        whole documents, batches
                                     loaded once per actor)    of ``write_batch`` per transaction)

Each extraction actor does for its batch what the local ingest does for a document: prepare it (dateline date),
check it, hash it, skip it before any NLP when its content hash is already stored (so a re-run resumes after the
last committed document), extract (``extract_each``: a document that fails is reported in its place, the rest of
its batch goes on), and work out the near-duplicate signature and the knowledge-base parents.
Results cross to the writers as JSON (the ExtractionResult contract): that is the serialisation the benchmark
reports. Writers store through ``Store.add_results`` like the local writer thread, so the rows are the ones the
local engine writes and a document seen twice in one run is stored once (``ON CONFLICT`` on the content hash).

The extraction actors belong to a ``RayEngine``, which starts them once (each loads the pipeline, from the
pipeline cache when it holds it) and keeps them for every run through it; ``ingest_ray`` is one engine for one
run. A cluster is started by the engine (``num_cpus`` CPUs, on loopback) and stopped with it, unless ``address``
names one (``auto``: the running cluster; ``ray://host:10001``: Ray Client), or Ray is already initialised in
this process (the caller's cluster, left running). On a cluster of several machines claimgraph (and the spaCy
model) must be installed on every node, and the store must be a PostgreSQL URL every node reaches.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import BaseModel, Field

from ..errors import ClaimgraphError, InputError, PipelineError
from ..models import Actor, Document, ExtractionResult
from ..store.base import PendingDocument, Store
from ..store.neardup import Signature, signature
from ..textio import check_text, content_hash, document_from_record, prepare_document
from .runner import MAX_REPORTED, Extracting, IngestSummary, _ancestors

RAY_EXTRA = "pip install 'claimgraph[ray]'"
JSONL_SHARDS = {".jsonl", ".ndjson"}
PARQUET_SHARDS = {".parquet"}
ExtractorFactory = Callable[[], Extracting]


class RaySettings(BaseModel):
    address: str | None = None  # None: a local cluster for this run; "auto" or "ray://host:port": an existing one
    num_cpus: int | None = Field(None, ge=1)  # CPUs of the local cluster (default: this machine's)
    workers: int = Field(2, ge=1)  # extraction actors, one CPU and one loaded pipeline each
    writers: int = Field(1, ge=1)  # writer actors (SQLite: always 1, it has one writer at a time)
    batch_size: int = Field(16, ge=1)  # documents per extraction batch
    write_batch: int = Field(16, ge=1)  # documents per write transaction
    verifier: str | None = "bundled"  # the statement verifier of the actors' Extractor (see Extractor)


class RayRun(BaseModel):
    """Where the time of a run went, for the benchmark: cluster start, the pipeline, serialisation."""

    cluster_seconds: float = 0.0  # ray.init (0 with a cluster already running)
    actor_seconds: float = 0.0  # the extraction actors' start (a worker process and a pipeline load each)
    pipeline_seconds: float = 0.0  # first batch read to last batch written
    started_cluster: bool = False


def shard_files(inputs: list[str]) -> tuple[list[str], list[str]]:
    """The JSONL and Parquet shards among ``inputs`` (files, or folders searched recursively), sorted."""
    jsonl, parquet = [], []
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            files = [p for p in files if p.suffix.lower() in JSONL_SHARDS | PARQUET_SHARDS]
            if not files:
                raise InputError(f"{spec}: no .jsonl or .parquet shards in this folder")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{spec}: no such file or folder")
        for file in files:
            suffix = file.suffix.lower()
            if suffix in JSONL_SHARDS:
                jsonl.append(str(file.resolve()))
            elif suffix in PARQUET_SHARDS:
                parquet.append(str(file.resolve()))
            else:
                raise InputError(f"{file}: the ray engine reads JSONL and Parquet shards; ingest other inputs "
                                 f"with --engine local")
    return jsonl, parquet


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise PipelineError(f"--engine ray needs Ray: {RAY_EXTRA}") from exc
    return ray


# ---- the stages (plain classes: Ray runs them as actors, the tests can call them directly) -------------------
class ShardExtractor:
    """An extraction actor: ``{"line", "shard"}`` batches in, one row per document out. Started once (the pipeline
    loaded once, from the pipeline cache when it holds it) and reused by every run of its RayEngine, whatever the
    store: each batch names the store whose content hashes it checks."""

    def __init__(self, kb_paths: tuple[str, ...] = (), extractor_factory: ExtractorFactory | None = None,
                 verifier: str | None = "bundled"):
        started = time.monotonic()
        if extractor_factory is None:
            from ..extract import Extractor

            self.extractor: Extracting = Extractor(kb_paths, verifier=verifier)
        else:
            self.extractor = extractor_factory()
        self.kb = getattr(self.extractor, "kb", None)
        self.stores: dict[str, Store] = {}
        self.load_seconds = time.monotonic() - started

    def ready(self) -> float:
        """Seconds this actor took to load its pipeline (the call returns once it is loaded)."""
        return self.load_seconds

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
        self.stores.clear()

    def extract(self, store_spec: str, batch: dict[str, Any]) -> dict[str, list]:
        out: dict[str, list] = {"kind": [], "payload": [], "digest": [], "hashvalues": [], "band_keys": []}

        def emit(kind: str, payload: str, digest: str = "", sig: Signature | None = None) -> None:
            out["kind"].append(kind)
            out["payload"].append(payload)
            out["digest"].append(digest)
            out["hashvalues"].append(sig.hashvalues if sig else b"")
            out["band_keys"].append(json.dumps(list(sig.band_keys)) if sig else "[]")

        candidates: list[tuple[Document, str]] = []
        for line, shard in zip(batch["line"], batch["shard"]):
            try:
                document = prepare_document(_parse_line(str(line), str(shard)))
                check_text(document.text, document.source or document.id)
            except InputError as exc:
                emit("problem", str(exc))
                continue
            candidates.append((document, content_hash(document.text)))
        stored = self._store(store_spec).existing_hashes([d for _, d in candidates])
        fresh, seen = [], set()
        for document, digest in candidates:
            if digest in stored or digest in seen:
                emit("duplicate", document.id, digest)
                continue
            seen.add(digest)
            fresh.append((document, digest))
        # One outcome per document, as in the local engine: a failing document is reported, the batch goes on.
        outcomes = self.extractor.extract_each([d for d, _ in fresh], n_process=1, batch_size=len(fresh) or 1)
        for (document, digest), outcome in zip(fresh, outcomes):
            if isinstance(outcome, InputError):
                emit("problem", str(outcome))
                continue
            related = _ancestors(outcome, self.kb)
            payload = json.dumps({"result": outcome.model_dump(mode="json"),
                                  "related": [a.model_dump(mode="json") for a in related]}, ensure_ascii=False)
            emit("result", payload, digest, signature(document.text))
        return out

    def _store(self, spec: str) -> Store:
        from ..store import open_store

        if spec not in self.stores:
            self.stores[spec] = open_store(spec, create=False)
        return self.stores[spec]


def _parse_line(line: str, shard: str) -> Document:
    where = f"{shard}: a line"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
    if isinstance(record, dict) and isinstance(record.get("id"), str):
        where = f"{shard}: document {record['id']!r}"
    return document_from_record(record, where)


class ShardWriter:
    """A writer actor: extraction rows in, their counts out (one row per batch)."""

    def __init__(self, store_spec: str, write_batch: int = 16):
        from ..store import open_store

        self.store = open_store(store_spec)
        self.write_batch = write_batch

    def write(self, batch: dict[str, Any]) -> dict[str, Any]:
        counts = {"stored": 0, "duplicates": 0, "near_duplicates": 0, "statements": 0, "skipped": 0}
        problems: list[str] = []
        pending: list[PendingDocument] = []
        for kind, payload, digest, hashvalues, band_keys in zip(
                batch["kind"], batch["payload"], batch["digest"], batch["hashvalues"], batch["band_keys"]):
            if kind == "problem":
                counts["skipped"] += 1
                problems.append(str(payload))
            elif kind == "duplicate":
                counts["duplicates"] += 1
            else:
                data = json.loads(payload)
                pending.append(PendingDocument(
                    ExtractionResult.model_validate(data["result"]), str(digest),
                    Signature(bytes(hashvalues), tuple(json.loads(band_keys))),
                    [Actor.model_validate(a) for a in data["related"]]))
        for start in range(0, len(pending), self.write_batch):
            for stored in self.store.add_results(pending[start : start + self.write_batch]):
                if stored is None:
                    counts["duplicates"] += 1
                else:
                    counts["stored"] += 1
                    counts["statements"] += stored.statements
                    counts["near_duplicates"] += stored.near_duplicate_of is not None
        return {**counts, "problems": problems}

    def close(self) -> None:
        self.store.close()


# ---- the run ---------------------------------------------------------------------------------------------
class RayEngine:
    """A Ray cluster's extraction actors, started once and reused by every ``ingest`` through this engine.

    Starting an actor costs a worker process and a pipeline load (from the pipeline cache when it holds this
    pipeline); a long-lived engine pays it once, not per run (``start_seconds``). Use as a context manager:
    leaving it stops the actors, and the cluster when this engine started it.

    Per run: the driver reads the shards into batches of ``batch_size`` lines, each batch goes to an extraction
    actor (at most two batches queued per actor, so memory stays bounded whatever the corpus), and its rows go
    straight from that actor to a writer actor (the driver holds only references): one writer on SQLite, which
    has one writer at a time, ``writers`` on PostgreSQL.
    """

    def __init__(self, settings: RaySettings | None = None, kb_paths: tuple[str, ...] = (),
                 extractor_factory: ExtractorFactory | None = None):
        self.settings = settings or RaySettings()
        self.ray = _import_ray()
        self.started_cluster = False
        began = time.monotonic()
        if not self.ray.is_initialized():
            _start(self.ray, self.settings)
            self.started_cluster = True
        self.cluster_seconds = time.monotonic() - began
        began = time.monotonic()
        try:
            actor = self.ray.remote(num_cpus=1)(ShardExtractor)
            self.extractors = [actor.remote(tuple(kb_paths), extractor_factory, self.settings.verifier)
                               for _ in range(self.settings.workers)]
            self.load_seconds = self._get([a.ready.remote() for a in self.extractors])
        except BaseException:
            self.close()
            raise
        self.start_seconds = time.monotonic() - began

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for actor in getattr(self, "extractors", []):
            with _quietly():
                self.ray.kill(actor)
        self.extractors = []
        if self.started_cluster:
            self.ray.shutdown()
            self.started_cluster = False

    def ingest(self, inputs: list[str], store_spec: str,
               on_problem: Callable[[ClaimgraphError], None] | None = None,
               on_progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
        """Ingest the JSONL/Parquet shards of ``inputs`` into the store ``store_spec``."""
        from ..store import is_postgres, locate, open_store

        jsonl, parquet = shard_files(inputs)
        where = locate(store_spec)
        if where.path is not None:
            store_spec = str(where.path.resolve())  # the actors' working folder may not be this one
        with open_store(store_spec):
            pass  # created (and migrated) once here, not raced by the actors
        n_writers = self.settings.writers if is_postgres(store_spec) else 1
        writer = self.ray.remote(num_cpus=0)(ShardWriter)
        writers = [writer.remote(store_spec, self.settings.write_batch) for _ in range(n_writers)]
        summary = IngestSummary()
        started = time.monotonic()

        def add(counts: dict[str, Any]) -> None:
            for name in ("stored", "duplicates", "near_duplicates", "statements", "skipped"):
                setattr(summary, name, getattr(summary, name) + int(counts[name]))
            for message in counts["problems"]:
                if len(summary.problems) < MAX_REPORTED:
                    summary.problems.append(message)
                if on_problem:
                    on_problem(InputError(message))
            summary.seconds = time.monotonic() - started
            if on_progress:
                on_progress(summary)

        try:
            pending: list[Any] = []
            limit = 2 * len(self.extractors)
            for n, batch in enumerate(_batches(jsonl, parquet, self.settings.batch_size)):
                rows = self.extractors[n % len(self.extractors)].extract.remote(store_spec, batch)
                pending.append(writers[n % len(writers)].write.remote(rows))
                while len(pending) >= limit:
                    done, pending = self.ray.wait(pending, num_returns=1)
                    add(self._get(done[0]))
            for ref in pending:
                add(self._get(ref))
        finally:
            for actor in writers:
                with _quietly():
                    self.ray.kill(actor)
        summary.seconds = time.monotonic() - started
        return summary

    def _get(self, refs: Any) -> Any:
        """``ray.get``, with an actor's error given back as claimgraph's own (Ray wraps it in its types)."""
        try:
            return self.ray.get(refs)
        except ClaimgraphError:
            raise
        except Exception as exc:  # noqa: BLE001  (one clear message instead of Ray's wrappers)
            cause = _root_cause(exc)
            if isinstance(cause, ClaimgraphError):
                raise type(cause)(str(cause)) from exc
            # Ray's wrappers may end in an empty SystemException; its outer message ends with the actor's error.
            reason = (f"{type(cause).__name__}: {cause}" if str(cause).strip()
                      else str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__)
            raise PipelineError(f"the Ray run failed: {reason.splitlines()[0]}") from exc


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """Stopping an actor that is already gone (its process died, the cluster stopped) is not an error."""
    try:
        yield
    except Exception:  # noqa: BLE001  (Ray raises its own types for a dead actor or cluster)
        pass


def ingest_ray(inputs: list[str], store_spec: str, kb_paths: tuple[str, ...] = (),
               settings: RaySettings | None = None, on_problem: Callable[[ClaimgraphError], None] | None = None,
               on_progress: Callable[[IngestSummary], None] | None = None,
               extractor_factory: ExtractorFactory | None = None, timing: RayRun | None = None) -> IngestSummary:
    """Ingest the JSONL/Parquet shards of ``inputs`` into the store ``store_spec`` on a Ray cluster: a RayEngine
    for this one run (``claimgraph ingest --engine ray``)."""
    shard_files(inputs)  # a bad input is reported before any cluster starts
    timing = timing if timing is not None else RayRun()
    with RayEngine(settings, kb_paths, extractor_factory) as engine:
        timing.started_cluster = engine.started_cluster
        timing.cluster_seconds = engine.cluster_seconds
        timing.actor_seconds = engine.start_seconds
        began = time.monotonic()
        summary = engine.ingest(inputs, store_spec, on_problem, on_progress)
        timing.pipeline_seconds = time.monotonic() - began
    summary.seconds = timing.cluster_seconds + timing.actor_seconds + timing.pipeline_seconds
    return summary


def local_cluster_options(num_cpus: int) -> dict[str, Any]:
    """``ray.init`` arguments of a cluster of this machine: loopback only, no dashboard, and patience with worker
    processes that take long to start (Python and the pipeline importing on a busy machine take more than Ray's
    default minute, after which it gives up on them and the run hangs)."""
    return {"num_cpus": num_cpus, "_node_ip_address": "127.0.0.1", "include_dashboard": False,
            "log_to_driver": False, "_system_config": {"worker_register_timeout_seconds": 600}}


def _start(ray: Any, settings: RaySettings) -> None:
    try:
        if settings.address:
            ray.init(address=settings.address, log_to_driver=False)
        else:
            ray.init(**local_cluster_options(settings.num_cpus or max(settings.workers,
                                                                          len(os.sched_getaffinity(0)))))
    except ConnectionError as exc:
        raise PipelineError(f"cannot reach the Ray cluster at {settings.address}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001  (Ray raises bare Exception when its processes fail to start)
        raise PipelineError(f"cannot start a local Ray cluster: {exc}".splitlines()[0]) from exc


def _batches(jsonl: list[str], parquet: list[str], size: int) -> Iterator[dict[str, list]]:
    """The shards' lines in batches of ``size``, read lazily here in the driver (Parquet rows as JSON lines, the
    one record format of the extraction stage). Not Ray Data: its planning tasks need a free CPU, which the
    long-lived extraction actors hold, so a run waited forever (seen with a Parquet shard on a 2-CPU cluster);
    and the shards are files this process lists anyway (``shard_files``)."""
    batch: dict[str, list] = {"line": [], "shard": []}
    for line, shard in _lines(jsonl, parquet):
        batch["line"].append(line)
        batch["shard"].append(shard)
        if len(batch["line"]) >= size:
            yield batch
            batch = {"line": [], "shard": []}
    if batch["line"]:
        yield batch


def _lines(jsonl: list[str], parquet: list[str]) -> Iterator[tuple[str, str]]:
    for path in jsonl:
        with open(path, encoding="utf-8", errors="replace") as lines:  # a bad byte: that line's JSON check says so
            for line in lines:
                if line.strip():
                    yield line.rstrip("\r\n"), path
    if parquet:
        try:
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise PipelineError(f"reading Parquet shards needs pyarrow: {RAY_EXTRA}") from exc
        for path in parquet:
            for part in pq.ParquetFile(path).iter_batches(batch_size=256):
                for row in part.to_pylist():
                    yield json.dumps(row, default=str), path


def _root_cause(exc: BaseException) -> BaseException:
    """The error an actor raised, under Ray's wrappers (RayTaskError, UserCodeException, ...)."""
    seen = exc
    for _ in range(10):
        inner = getattr(seen, "cause", None) or seen.__cause__
        if inner is None or inner is seen:
            break
        seen = inner
    return seen


__all__ = ["RayEngine", "RayRun", "RaySettings", "local_cluster_options", "ShardExtractor", "ShardWriter",
           "ingest_ray", "shard_files"]
