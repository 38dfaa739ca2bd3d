"""Schemathesis over every operation of the spec, positive and negative data, on the sandbox.

Checks, auth and generation settings come from the repository's `schemathesis.toml` (shared
with the contract suites); a few examples per operation keep it CI-sized. The operation's
strategies are driven here because `schemathesis.pytest.from_fixture` does not work with this
pytest (`Function._nodeid`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.transport.requests import ManagedCookiesSession

from invoicexpress_core.spec import load_spec
from invoicexpress_sandbox.testing import running_sandbox

SPEC = load_spec()
MAX_EXAMPLES = 6


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[ManagedCookiesSession, Any]]:
    """The schema against a fresh sandbox, and one keep-alive session for every case (without
    it, schemathesis opens a session and a connection per request)."""
    with running_sandbox() as sb, ManagedCookiesSession() as http:
        os.environ["IXC_ST_BASE_URL"] = sb.base_url
        os.environ["IXC_ST_API_KEY"] = sb.api_key
        schema = schemathesis.openapi.from_path(SPEC.path, config=schemathesis.Config.discover())
        yield http, schema


@pytest.mark.parametrize("operation_id", sorted(SPEC.operations))
def test_schemathesis_finds_no_server_error_or_nonconforming_response(
    fuzzed: tuple[ManagedCookiesSession, Any],
    operation_id: str,
) -> None:
    http, schema = fuzzed
    op = SPEC.operations[operation_id]
    operation = schema[op.path][op.method]
    failures: list[str] = []

    def check(case: Any) -> None:
        response = case.call(session=http)
        try:
            case.validate_response(response)
        except (AssertionError, FailureGroup) as exc:
            failures.append(
                f"{case.method} {case.formatted_path} -> {response.status_code}: {str(exc)[:800]}"
            )

    for strategy in schema.get_strategies_from_examples(operation):
        hypothesis.settings(
            max_examples=1,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )(hypothesis.given(case=strategy)(check))()
    hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
    )(hypothesis.given(case=operation.as_strategy())(check))()
    assert not failures, "\n".join(failures[:3])
