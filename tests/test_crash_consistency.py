"""Issue 10: an ingest killed (SIGKILL) at random points leaves a sound store, and re-running it converges to
exactly the uninterrupted result. Two points with a fast fake extractor here; bench/bench_crash.py runs ten
with the real CLI and pipeline."""

from __future__ import annotations

try:
    from tests.crash_runs import crash_points
except ImportError:  # tests/ is not a package
    from crash_runs import crash_points  # type: ignore[no-redef]


def test_kill_9_at_random_points_converges_to_the_uninterrupted_store(tmp_path):
    summary = crash_points(tmp_path, points=2, documents=300, fake=True)
    assert summary["reference_documents"] == 300
    for row in summary["points"]:
        assert row["integrity_problems"] == [], row
        assert row["converged"], row
    assert any(0 < row["stored_at_kill"] < 300 for row in summary["points"])  # some kill landed mid-run
