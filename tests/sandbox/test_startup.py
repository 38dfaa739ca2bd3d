"""Routes come from the spec: every operation has a handler, and start-up refuses otherwise."""

from __future__ import annotations

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
