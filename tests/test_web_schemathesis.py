"""The API fuzzed from its own OpenAPI document (schemathesis): no request it describes gets a 500, and every
response matches the documented status codes, content types and schemas."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from claimgraph.web import create_app, make_settings

try:
    from tests.web_data import build_store
except ImportError:  # tests/ is not a package
    from web_data import build_store  # type: ignore[no-redef]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

DB = Path(__file__).resolve().parents[1] / "build" / "test-web-schemathesis.db"
DB.parent.mkdir(exist_ok=True)
for old in DB.parent.glob(DB.name + "*"):
    old.unlink()
APP = create_app(make_settings(db=str(build_store(DB)), environ={}))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, headers={"Host": "127.0.0.1"})
# Exports and the export-sized network are fuzzed too, but with fewer examples: each one is a whole export.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case):
    if case.path.startswith("/api/v1/exports"):
        pytest.skip("exports are checked in test_web_api (each example is a whole export)")
    case.call_and_validate(headers={"Host": "127.0.0.1"}, checks=CHECKS)
