"""``claimgraph ingest --engine ray``: shards in, the same stored result as the local engine.

The stages are plain classes, tested here without Ray; the end-to-end tests share one local cluster
(``ray.init`` with 2 CPUs, started once for this module) and the real pipeline, on the bundled fictional sample
reports. Without Ray installed they skip, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import json

import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.errors import InputError
from claimgraph.ingest import ingest, iter_documents
from claimgraph.ingest.ray_engine import (
    RayEngine, RaySettings, ShardExtractor, ShardWriter, ingest_ray, local_cluster_options, shard_files,
)
from claimgraph.models import Document
from claimgraph.store import open_store

try:
    from tests.conftest import new_store_url, unavailable
    from tests.test_store import FakeExtractor
except ImportError:  # tests/ is not a package
    from conftest import new_store_url, unavailable  # type: ignore[no-redef]
    from test_store import FakeExtractor  # type: ignore[no-redef]


def sample_records() -> list[dict]:
    path = package_data_path("samples") / "reports.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_shards(folder, records: list[dict]) -> list[str]:
    """Two JSONL shards and one Parquet shard holding ``records`` between them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    third = len(records) // 3
    parts = [records[:third], records[third : 2 * third], records[2 * third :]]
    for n, part in enumerate(parts[:2]):
        (folder / f"part-{n}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(parts[2]), folder / "part-2.parquet")
    return [str(folder)]


def snapshot(store) -> dict:
    """What a store holds, independent of row keys and ingest order."""
    results = sorted((r.model_dump(mode="json") for r in store.iter_results()), key=lambda r: r["document"]["id"])
    props = sorted((p.model_dump(mode="json") for p in store.propositions(limit=100_000)), key=lambda p: p["key"])
    stats = store.stats().model_dump(exclude={"path"})
    return {"results": results, "propositions": props, "stats": stats}


# ---- without Ray ---------------------------------------------------------------------------------------
def test_shards_are_jsonl_and_parquet_files_or_folders(tmp_path):
    write_shards(tmp_path / "corpus", [{"id": f"d{i}", "text": "x"} for i in range(6)])
    (tmp_path / "corpus" / ".hidden.jsonl").write_text("{}\n")
    jsonl, parquet = shard_files([str(tmp_path / "corpus")])
    assert [p.rsplit("/", 1)[-1] for p in jsonl] == ["part-0.jsonl", "part-1.jsonl"]
    assert [p.rsplit("/", 1)[-1] for p in parquet] == ["part-2.parquet"]
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="notes.txt: the ray engine reads JSONL and Parquet shards"):
        shard_files([str(tmp_path / "notes.txt")])
    with pytest.raises(InputError, match="no such file"):
        shard_files([str(tmp_path / "missing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .jsonl or .parquet shards"):
        shard_files([str(tmp_path / "empty")])


def test_the_stages_skip_stored_documents_and_report_bad_lines(store_url):
    """The extraction stage and the writer stage as Ray runs them, called directly with a fake extractor."""
    db = store_url
    text = ("In a statement on Monday the officials said that AFGTAL asserts that PAK SUPPORT ISKP, and that the "
            "talks in the capital would go on.")
    with open_store(db) as store:
        ingest([Document(id="old", text=text + " Old.")], store, FakeExtractor(), workers=1)
    lines = [json.dumps({"id": "old", "text": text + " Old."}), json.dumps({"id": "new", "text": text + " New."}),
             json.dumps({"id": "again", "text": text + " New."}), "{broken", json.dumps({"id": "x"})]
    extractor = ShardExtractor(extractor_factory=FakeExtractor)
    rows = extractor.extract(db, {"line": lines, "shard": ["/data/p0.jsonl"] * len(lines)})
    assert rows["kind"] == ["problem", "problem", "duplicate", "duplicate", "result"]
    assert "p0.jsonl: a line: malformed JSON" in rows["payload"][0]
    assert "p0.jsonl: document 'x': missing string field 'text'" in rows["payload"][1]
    written = ShardWriter(db).write(rows)
    assert (written["stored"], written["duplicates"], written["skipped"], written["statements"]) == (1, 2, 2, 1)
    with open_store(db) as store:
        assert sorted(d.id for _, d in store.iter_documents()) == ["new", "old"]
        (prop,) = store.propositions()
        assert (prop.statements, prop.sources) == (2, 1)  # the near-duplicate pair counts as one source
    again = ShardWriter(db).write(rows)  # a writer re-running a batch (a retried task) stores nothing twice
    assert (again["stored"], again["duplicates"]) == (0, 3)
    extractor.close()


def test_a_document_that_fails_extraction_is_reported_and_its_batch_goes_on(tmp_path):
    db = str(tmp_path / "s.db")
    with open_store(db):
        pass
    text = "In a statement on Monday the officials said that AFGTAL asserts that PAK SUPPORT ISKP, {} go on."
    lines = [json.dumps({"id": n, "text": text.format(n)}) for n in ("first", "poison", "last")]
    extractor = ShardExtractor(extractor_factory=lambda: FakeExtractor(refuse="poison"))
    rows = extractor.extract(db, {"line": lines, "shard": ["p0.jsonl"] * 3})
    assert rows["kind"] == ["result", "problem", "result"]
    assert rows["payload"][1] == "poison: refused"
    extractor.close()


# ---- on a local Ray cluster ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ray_cluster():
    try:
        import ray
    except ImportError:
        unavailable("the Ray engine tests need Ray: pip install -e '.[ray]'")
    ray.init(**local_cluster_options(2))
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.mark.e2e
def test_the_ray_engine_stores_what_the_local_engine_stores(ray_cluster, extractor, tmp_path):
    records = sample_records()
    shards = write_shards(tmp_path / "corpus", records)
    (tmp_path / "all.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with open_store(str(tmp_path / "local.db")) as store:
        local = ingest(iter_documents([str(tmp_path / "all.jsonl")]), store, extractor, workers=1)
        expected = snapshot(store)
    summary = ingest_ray(shards, str(tmp_path / "ray.db"), settings=RaySettings(workers=2, batch_size=4))
    assert (summary.stored, summary.duplicates, summary.skipped, summary.statements) == (
        local.stored, local.duplicates, local.skipped, local.statements)
    assert summary.stored == len(records) and summary.statements > 0
    with open_store(str(tmp_path / "ray.db")) as store:
        assert snapshot(store) == expected


@pytest.mark.e2e
def test_the_ray_engine_resumes_and_is_idempotent(ray_cluster, request, tmp_path):
    """A third of the corpus stored (an interrupted run), then the whole corpus: only the rest is stored; a second
    run stores nothing. On PostgreSQL, with two writers racing (SQLite's single writer is the test above)."""
    backend = "postgresql"
    records = sample_records()[:12]
    shards = write_shards(tmp_path / "corpus", records)
    half = write_shards(tmp_path / "half", records[:4])
    settings = RaySettings(workers=2, writers=2, batch_size=3)
    with new_store_url(request, backend, tmp_path) as url:
        first = ingest_ray(half, url, settings=settings)  # its own engine: actors started and stopped for it
        assert (first.stored, first.duplicates) == (4, 0)
        with RayEngine(settings) as engine:  # then one engine's actors, started once, for two runs
            rest = engine.ingest(shards, url)
            again = engine.ingest(shards, url)
        assert (rest.stored, rest.duplicates) == (8, 4)
        assert (again.stored, again.duplicates) == (0, 12)
        with open_store(url) as store:
            assert store.stats().documents == 12
            assert sorted(d.id for _, d in store.iter_documents()) == sorted(r["id"] for r in records)
