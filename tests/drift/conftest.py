"""Fixtures of the drift tests: a recording builder, a faithful document, a snapshot checker.

Test modules get these only as fixtures (never by import), so the tree needs no packages.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import Spec, load_spec, parse_yaml

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
SERVER_SPEC = HERE / "server_spec.yaml"
SNAPSHOTS = HERE / "snapshots"
PLANTED_KEY = "sk_test_PLANTED_4f2a9c"  # obviously fake; must never appear in a report
BASE_URL = "https://demo.app.invoicexpress.com"

Make = Callable[..., Exchange]


def make_exchange(
    method: str,
    path: str,
    status: int,
    body: Any = None,
    *,
    request_body: Any = None,
    content_type: str = "application/json",
    raw: bytes | None = None,
    operation_id: str | None = None,
    secrets: tuple[str, ...] = (),
    with_key: bool = True,
) -> Exchange:
    """An exchange recorded the way the contract suites record one: through `from_httpx`."""
    request = httpx.Request(
        method,
        f"{BASE_URL}{path}",
        params={"api_key": PLANTED_KEY} if with_key else {},
        json=request_body,
    )
    content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    response = httpx.Response(
        status, content=content, headers={"content-type": content_type}, request=request
    )
    return Exchange.from_httpx(response, operation_id=operation_id, secrets=secrets)


def invoice(**overrides: Any) -> dict[str, Any]:
    """A document that matches server_spec.yaml exactly; tests change one thing at a time."""
    doc: dict[str, Any] = {
        "id": 7,
        "status": "draft",
        "date": "03/12/2026",
        "total": 30,
        "currency": "Euro",
        "items": [{"name": "Consultoria", "unit_price": "24.3902"}],
    }
    doc.update(overrides)
    return doc


_VOLATILE = [
    (re.compile(r"generated \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"), "generated <TIMESTAMP>"),
    (re.compile(r'"generated_at": "[^"]+"'), '"generated_at": "<TIMESTAMP>"'),
    (re.compile(r"/tmp/[^\s`|)]+|/private/var/[^\s`|)]+"), "<TMP>"),  # noqa: S108 (a pattern)
]


def normalise(text: str, *paths: Path) -> str:
    """Rewrite timestamps and temporary paths, which change between runs, to placeholders."""
    for path in paths:
        text = text.replace(str(path), "<TMP>")
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/drift/snapshots/NAME; `IXC_SNAPSHOT_UPDATE=1` rewrites it instead."""
    path = SNAPSHOTS / name
    if os.environ.get("IXC_SNAPSHOT_UPDATE") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; run with IXC_SNAPSHOT_UPDATE=1 to create it"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def frozen() -> bytes:
    """The repository's spec parsed once, pickled: each mutation unpickles its own copy (far
    cheaper than parsing again or `copy.deepcopy`)."""
    return pickle.dumps(parse_yaml((HERE.parents[1] / "spec" / "invoicexpress.yaml").read_bytes()))


@pytest.fixture
def server_spec() -> Spec:
    return load_spec(SERVER_SPEC)


@pytest.fixture
def make() -> Make:
    return make_exchange


@pytest.fixture
def doc() -> Callable[..., dict[str, Any]]:
    return invoice


@pytest.fixture
def planted_key() -> str:
    return PLANTED_KEY


@pytest.fixture
def snapshot() -> Callable[..., None]:
    """`snapshot(name, text, *tmp_paths)`: normalise, then compare with the stored snapshot."""

    def check(name: str, text: str, *paths: Path) -> None:
        assert_snapshot(name, normalise(text, *paths))

    return check
