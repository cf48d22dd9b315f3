"""Property-based fuzzing (hypothesis) of every reader and of Extractor.extract_each: hostile input of every
format gives Documents or reported errors, never an exception (issue 10). A bounded number of examples per
target keeps this to about a minute; bench/bench_fuzz.py runs 100,000 and more per target."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

try:
    from tests.fuzzing import EXTRACT_TEXTS, READERS, make_extract
except ImportError:  # tests/ is not a package
    from fuzzing import EXTRACT_TEXTS, READERS, make_extract  # type: ignore[no-redef]

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", sorted(READERS))
def test_readers_never_raise(name):
    strategy, target = READERS[name]
    FUZZ(given(strategy)(target))()


def test_extract_each_never_raises(extractor):
    settings(FUZZ, max_examples=60)(given(EXTRACT_TEXTS)(make_extract(extractor)))()
