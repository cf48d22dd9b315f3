"""Shared fixtures: the real pipeline (loaded once per session) and the path of ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test is skipped when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def golden_extractor():
    from claimgraph.extract import Extractor

    return Extractor(kb_paths=[str(GOLDEN / "statements" / "kb.yaml")])


@pytest.fixture(scope="session")
def extractor():
    from claimgraph.extract import Extractor

    return Extractor()
