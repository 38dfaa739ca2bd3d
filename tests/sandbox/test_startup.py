"""Routes come from the spec: every operation has a handler, and start-up refuses otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from invoicexpress_sandbox import Options, Sandbox, StartupError
from invoicexpress_sandbox import handlers as handlers_module
from invoicexpress_sandbox._app import UPDATE_HINT, expected_spec_hash
from invoicexpress_sandbox.testdata import SPEC
from invoicexpress_sandbox.testing import RunningSandbox


def test_every_spec_operation_has_a_handler() -> None:
    missing = [op.operation_id for op in SPEC if op.operation_id not in handlers_module.HANDLERS]
    assert missing == []


def test_committed_spec_hash_matches_the_spec() -> None:
    assert expected_spec_hash() == SPEC.sha256, f"run: {UPDATE_HINT}"


@pytest.mark.parametrize("operation_id", sorted(op.operation_id for op in SPEC))
def test_every_operation_is_routed_and_authenticated(sb: RunningSandbox, operation_id: str) -> None:
    """Each spec path answers on its method (401 without a key proves the route is bound)."""
    op = SPEC.operations[operation_id]
    path = op.path
    for name in (
        "document-id",
        "client-id",
        "item-id",
        "tax-id",
        "sequence-id",
        "account-id",
        "regularization-id",
        "movement-id",
    ):
        path = path.replace("{" + name + "}", "1")
    with httpx.Client(base_url=sb.base_url) as raw:
        r = raw.request(op.method, path)
    assert r.status_code == 401
    assert r.json() == {"errors": {"error": "Invalid API key"}}


def test_startup_refuses_an_operation_without_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(handlers_module.HANDLERS, "getInvoice")
    with pytest.raises(StartupError, match="getInvoice"):
        Sandbox(Options())


def test_startup_refuses_a_different_spec_and_says_how_to_fix(tmp_path: Path) -> None:
    changed = tmp_path / "invoicexpress.yaml"
    changed.write_bytes(SPEC.path.read_bytes() + b"\n# edited\n")
    with pytest.raises(StartupError) as info:
        Sandbox(Options(spec_path=changed))
    assert UPDATE_HINT in str(info.value)


def test_unknown_fault_name_is_refused() -> None:
    with pytest.raises(StartupError, match="no_such_fault"):
        Sandbox(Options(faults=("no_such_fault",)))


@pytest.mark.parametrize("path", sorted({op.path for op in SPEC}))
def test_a_method_the_path_does_not_take_gets_405_naming_those_it_takes(
    sb: RunningSandbox, path: str
) -> None:
    """RFC 9110: a 405 carries `Allow`. HEAD is not served (the spec names no HEAD), so it is
    refused like any other method, and not offered."""
    takes = sorted(op.method for op in SPEC if op.path == path)
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    # /clients/find-by-code.json is also /clients/{client-id}.json, which takes PUT
    served = {
        op.method for op in SPEC if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", op.path), concrete)
    }
    with httpx.Client(base_url=sb.base_url, params={"api_key": sb.api_key}) as raw:
        for method in ("TRACE", "HEAD", *({"DELETE", "PATCH", "POST", "PUT"} - served)):
            r = raw.request(method, concrete)
            assert (r.status_code, r.headers.get("allow")) == (405, ", ".join(takes)), method
            assert method == "HEAD" or r.json() == {"errors": {"error": "Method not allowed"}}
