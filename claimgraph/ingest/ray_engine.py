"""``claimgraph ingest --engine ray``: the ingest of JSONL/Parquet shards spread over a Ray cluster.

    Ray Data reads the shards  ->  extraction actors  ->  writer actors  ->  the driver adds up the counts
    (tasks, no CPU reserved)      (``workers``, one CPU     (``writers``, 1 on SQLite;
                                   each, the pipeline        whole documents, batches
                                   loaded once per actor)    of ``write_batch`` per transaction)

Each extraction actor does for its batch what the local ingest does for a document: prepare it (dateline date),
check it, hash it, skip it before any NLP when its content hash is already stored (so a re-run resumes after the
last committed document), extract, and work out the near-duplicate signature and the knowledge-base parents.
Results cross to the writers as JSON (the ExtractionResult contract): that is the serialisation the benchmark
reports. Writers store through ``Store.add_results`` like the local writer thread, so the rows are the ones the
local engine writes and a document seen twice in one run is stored once (``ON CONFLICT`` on the content hash).

A cluster is started for the run (``num_cpus`` CPUs, on loopback) and stopped after it, unless ``address``
names one (``auto``: the running cluster; ``ray://host:10001``: Ray Client), or Ray is already initialised in
this process (the caller's cluster, left running). On a cluster of several machines claimgraph (and the spaCy
model) must be installed on every node, and the store must be a PostgreSQL URL every node reaches.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import BaseModel, Field

from ..errors import ClaimgraphError, InputError, PipelineError
from ..models import Actor, Document, ExtractionResult
from ..store.base import PendingDocument
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
    progress_bars: bool = False  # Ray Data's own progress bars on stderr
    verifier: str | None = "bundled"  # the statement verifier of the actors' Extractor (see Extractor)


class RayRun(BaseModel):
    """Where the time of a run went, for the benchmark: cluster start, the pipeline, serialisation."""

    cluster_seconds: float = 0.0  # ray.init (0 with a cluster already running)
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
        import ray.data  # noqa: F401  (Ray Data ships in ray[data])
    except ImportError as exc:
        raise PipelineError(f"--engine ray needs Ray with Ray Data: {RAY_EXTRA}") from exc
    return ray


# ---- the stages (plain classes: Ray runs them as actors, the tests can call them directly) -------------------
class ShardExtractor:
    """An extraction actor: ``{"line", "shard"}`` batches in, one row per document out."""

    def __init__(self, store_spec: str, kb_paths: tuple[str, ...] = (),
                 extractor_factory: ExtractorFactory | None = None, verifier: str | None = "bundled"):
        from ..store import open_store

        if extractor_factory is None:
            from ..extract import Extractor

            self.extractor: Extracting = Extractor(kb_paths, verifier=verifier)
        else:
            self.extractor = extractor_factory()
        self.kb = getattr(self.extractor, "kb", None)
        self.store = open_store(store_spec, create=False)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
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
        stored = self.store.existing_hashes([d for _, d in candidates])
        fresh, seen = [], set()
        for document, digest in candidates:
            if digest in stored or digest in seen:
                emit("duplicate", document.id, digest)
                continue
            seen.add(digest)
            fresh.append((document, digest))
        for (document, digest), result in self._extract(fresh, emit):
            related = _ancestors(result, self.kb)
            payload = json.dumps({"result": result.model_dump(mode="json"),
                                  "related": [a.model_dump(mode="json") for a in related]}, ensure_ascii=False)
            emit("result", payload, digest, signature(document.text))
        return out

    def _extract(self, fresh: list[tuple[Document, str]],
                 emit: Callable[..., None]) -> Iterator[tuple[tuple[Document, str], ExtractionResult]]:
        try:
            results = list(self.extractor.extract_many([d for d, _ in fresh], n_process=1, batch_size=len(fresh) or 1))
            yield from zip(fresh, results)
        except InputError:
            # The extractor refused one document of the batch: redo them one by one to report that one only.
            for pair in fresh:
                try:
                    yield pair, self.extractor.extract(pair[0])
                except InputError as exc:
                    emit("problem", str(exc))


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

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
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
        return {**{k: [v] for k, v in counts.items()}, "problems": [json.dumps(problems)]}


def _parquet_lines(table: Any) -> dict[str, list]:
    """Parquet rows as the JSON lines the extraction stage reads (one record format for both kinds of shard)."""
    rows = table.to_pylist()
    return {"line": [json.dumps({k: v for k, v in r.items() if k != "path"}, default=str) for r in rows],
            "shard": [r.get("path", "parquet") for r in rows]}


def _jsonl_lines(batch: dict[str, Any]) -> dict[str, list]:
    return {"line": list(batch["text"]), "shard": list(batch["path"])}


# ---- the run ---------------------------------------------------------------------------------------------
def ingest_ray(inputs: list[str], store_spec: str, kb_paths: tuple[str, ...] = (),
               settings: RaySettings | None = None, on_problem: Callable[[ClaimgraphError], None] | None = None,
               on_progress: Callable[[IngestSummary], None] | None = None,
               extractor_factory: ExtractorFactory | None = None, timing: RayRun | None = None) -> IngestSummary:
    """Ingest the JSONL/Parquet shards of ``inputs`` into the store ``store_spec`` on a Ray cluster."""
    from ..store import is_postgres, locate, open_store

    settings = settings or RaySettings()
    jsonl, parquet = shard_files(inputs)
    where = locate(store_spec)
    if where.path is not None:
        store_spec = str(where.path.resolve())  # the actors' working folder may not be this one
    with open_store(store_spec):
        pass  # created (and migrated) once here, not raced by the actors
    writers = settings.writers if is_postgres(store_spec) else 1
    ray = _import_ray()
    timing = timing if timing is not None else RayRun()
    started = time.monotonic()
    if not ray.is_initialized():
        _start(ray, settings)
        timing.started_cluster = True
    timing.cluster_seconds = time.monotonic() - started
    summary = IngestSummary()
    try:
        begun = time.monotonic()
        dataset = _pipeline(ray, jsonl, parquet, store_spec, kb_paths, settings, writers, extractor_factory)
        for row in dataset.iter_rows():
            summary.stored += int(row["stored"])
            summary.duplicates += int(row["duplicates"])
            summary.near_duplicates += int(row["near_duplicates"])
            summary.statements += int(row["statements"])
            summary.skipped += int(row["skipped"])
            for message in json.loads(row["problems"]):
                if len(summary.problems) < MAX_REPORTED:
                    summary.problems.append(message)
                if on_problem:
                    on_problem(InputError(message))
            summary.seconds = time.monotonic() - started
            if on_progress:
                on_progress(summary)
        timing.pipeline_seconds = time.monotonic() - begun
    except ClaimgraphError:
        raise
    except Exception as exc:  # noqa: BLE001  (Ray wraps an actor's error in its own types: one clear message)
        cause = _root_cause(exc)
        if isinstance(cause, ClaimgraphError):
            raise type(cause)(str(cause)) from exc
        # Ray's wrappers may end in an empty SystemException; its outer message ends with the actor's error.
        reason = (f"{type(cause).__name__}: {cause}" if str(cause).strip()
                  else str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__)
        raise PipelineError(f"the Ray run failed: {reason.splitlines()[0]}") from exc
    finally:
        if timing.started_cluster:
            ray.shutdown()
    summary.seconds = time.monotonic() - started
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


def _pipeline(ray: Any, jsonl: list[str], parquet: list[str], store_spec: str, kb_paths: tuple[str, ...],
              settings: RaySettings, writers: int, extractor_factory: ExtractorFactory | None) -> Any:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = settings.progress_bars
    free = {"num_cpus": 0}  # reading is cheap: the CPUs go to the extraction actors
    parts = []
    if jsonl:
        parts.append(ray.data.read_text(jsonl, include_paths=True, ray_remote_args=free)
                     .map_batches(_jsonl_lines, batch_format="numpy", num_cpus=0))
    if parquet:
        parts.append(ray.data.read_parquet(parquet, include_paths=True, ray_remote_args=free)
                     .map_batches(_parquet_lines, batch_format="pyarrow", num_cpus=0))
    lines = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    extracted = lines.map_batches(
        ShardExtractor, fn_constructor_kwargs={"store_spec": store_spec, "kb_paths": tuple(kb_paths),
                                               "extractor_factory": extractor_factory,
                                               "verifier": settings.verifier},
        concurrency=settings.workers, num_cpus=1, batch_size=settings.batch_size, batch_format="numpy")
    return extracted.map_batches(
        ShardWriter, fn_constructor_kwargs={"store_spec": store_spec, "write_batch": settings.write_batch},
        concurrency=writers, num_cpus=0, batch_size=settings.write_batch, batch_format="numpy")


def _root_cause(exc: BaseException) -> BaseException:
    """The error an actor raised, under Ray's wrappers (RayTaskError, UserCodeException, ...)."""
    seen = exc
    for _ in range(10):
        inner = getattr(seen, "cause", None) or seen.__cause__
        if inner is None or inner is seen:
            break
        seen = inner
    return seen


__all__ = ["RayRun", "RaySettings", "local_cluster_options", "ShardExtractor", "ShardWriter", "ingest_ray", "shard_files"]
