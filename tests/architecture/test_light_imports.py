"""What importing a part costs: the client and the core load no server, validator or YAML."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"starlette", "uvicorn", "jsonschema", "jsonschema_rs", "referencing", "yaml", "ixc"}


def _top_level_modules_after(statement: str) -> set[str]:
    listing = "print(' '.join({m.split('.')[0] for m in sys.modules}))"
    code = f"{statement}; import sys; {listing}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import invoicexpress",
        "import invoicexpress_core.spec, invoicexpress_core.exchange, invoicexpress_core.errors",
        "from invoicexpress_core.spec import load_spec; load_spec().machines",
    ],
)
def test_nothing_heavy_is_imported(statement: str) -> None:
    loaded = _top_level_modules_after(statement)
    assert "httpx" in loaded or "invoicexpress_core" in loaded  # the probe itself works
    assert not loaded & HEAVY, f"{statement!r} imported {sorted(loaded & HEAVY)}"


def test_the_core_imports_nothing_else_of_the_project() -> None:
    loaded = _top_level_modules_after("import invoicexpress_core.spec, invoicexpress_core.exchange")
    project = {"invoicexpress", "invoicexpress_client", "invoicexpress_sandbox", "ixc"}
    assert not loaded & project


def test_the_generated_clients_attrs_loads_only_when_a_client_is_made() -> None:
    assert not _top_level_modules_after("import invoicexpress") & {"attr", "attrs"}
    made = _top_level_modules_after(
        "from invoicexpress import InvoiceXpress; InvoiceXpress('demo', 'k' * 12)"
    )
    assert "attrs" in made
