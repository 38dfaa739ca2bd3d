"""Bad input gets a clear 4xx, never a 500, and leaves every stored row unchanged."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from invoicexpress_core.spec import Operation
from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.testdata import SPEC, create_document, document_fields
from invoicexpress_sandbox.testing import RunningSandbox

JSON = {"content-type": "application/json"}
VALID = {"invoice": document_fields(DOC_TYPES["invoices"])}


def _nested(depth: int) -> bytes:
    return b'{"invoice":' + b"[" * depth + b"]" * depth + b"}"


BAD: dict[str, tuple[bytes, dict[str, str]]] = {
    "invalid_json": (b'{"invoice": {', JSON),
    "trailing_garbage": (json.dumps(VALID).encode() + b" x", JSON),
    "missing_content_type": (json.dumps(VALID).encode(), {}),
    "wrong_content_type": (json.dumps(VALID).encode(), {"content-type": "text/plain"}),
    "form_content_type": (b"invoice=1", {"content-type": "application/x-www-form-urlencoded"}),
    "invalid_utf8": (b'{"invoice": {"reference": "\xff\xfe"}}', JSON),
    "oversized": (b'{"invoice": {"observations": "' + b"x" * 1_100_000 + b'"}}', JSON),
    "deep_nesting": (_nested(40), JSON),
    "very_deep_nesting": (_nested(100_000), JSON),
    "nan_literal": (b'{"invoice": {"retention": NaN}}', JSON),
    "empty_body": (b"", JSON),
    "json_null": (b"null", JSON),
    "json_array": (b"[]", JSON),
    "wrong_types": (
        json.dumps(
            {"invoice": {**VALID["invoice"], "date": 20261203, "items": {"name": 1}}}
        ).encode(),
        JSON,
    ),
    "unknown_fields": (
        json.dumps({"invoice": {**VALID["invoice"], "colour": "red"}}).encode(),
        JSON,
    ),
    "unknown_root_key": (json.dumps({"factura": VALID["invoice"]}).encode(), JSON),
    "item_with_wrong_types": (
        json.dumps(
            {
                "invoice": {
                    **VALID["invoice"],
                    "items": [
                        {"name": ["x"], "description": None, "unit_price": {}, "quantity": True}
                    ],
                }
            }
        ).encode(),
        JSON,
    ),
}


@pytest.fixture
def draft_id(api: httpx.Client) -> int:
    return int(create_document(api, "invoices")["id"])


@pytest.mark.parametrize("case", sorted(BAD))
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_bad_body_is_a_4xx_and_changes_nothing(
    sb: RunningSandbox, api: httpx.Client, draft_id: int, case: str, method: str
) -> None:
    content, headers = BAD[case]
    url = "/invoices.json" if method == "POST" else f"/invoices/{draft_id}.json"
    before = sb.state()
    r = api.request(method, url, content=content, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert "error" in r.text
    assert sb.state() == before


def test_a_rule_failing_after_upserts_rolls_back_the_new_client_and_items(
    sb: RunningSandbox,
    api: httpx.Client,
) -> None:
    """The MB-reference rule runs after client/item upserts: the whole request rolls back."""
    before = sb.state()
    body = document_fields(
        DOC_TYPES["invoices"], client={"name": "Cliente Novo", "code": "CN"}, mb_reference="1"
    )
    r = api.post("/invoices.json", json={"invoice": body})
    assert r.status_code == 422
    assert sb.state() == before


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/invoices/abc.json", {}),
        ("GET", "/invoices/999999.json", {}),
        ("GET", "/invoices.json", {"per_page": "0"}),
        ("GET", "/invoices.json", {"page": "-1"}),
        ("GET", "/invoices.json", {"date[from]": "2026-12-01"}),
        ("GET", "/api/export_saft.json", {"month": "13"}),
        ("DELETE", "/items/1.json", {}),
        ("GET", "/no/such/path.json", {}),
        ("PATCH", "/invoices.json", {}),
    ],
)
def test_bad_paths_and_queries_are_4xx(
    sb: RunningSandbox, api: httpx.Client, method: str, path: str, params: dict[str, Any]
) -> None:
    before = sb.state()
    r = api.request(method, path, params=params)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert sb.state() == before


def _bad_query(op: Operation) -> dict[str, str] | None:
    """A query that breaks one parameter's schema, read from the spec (None: nothing to break)."""
    params = [SPEC.resolve(p) for p in op.raw.get("parameters", [])]
    for p in params:
        if p["in"] == "query" and p.get("required"):
            return {}  # leave the required parameter out
    for p in params:
        schema = SPEC.resolve(p.get("schema", {}))
        if p["in"] != "query":
            continue
        if schema.get("type") in ("integer", "boolean", "number"):
            return {p["name"]: "not-a-" + str(schema["type"])}
        if "pattern" in schema or "enum" in SPEC.resolve(schema.get("items", {})):
            return {p["name"]: "2026-13-45"}
    return None


MALFORMED_QUERY = [op for op in SPEC if 400 in op.status_codes and op.method == "GET"]


@pytest.mark.parametrize("op", MALFORMED_QUERY, ids=[op.operation_id for op in MALFORMED_QUERY])
def test_a_malformed_query_gets_the_documented_400(api: httpx.Client, op: Operation) -> None:
    # an operation with its own 422 answers a bad parameter with it; break the query string
    # itself there, and where there is no parameter to break
    query = None if 422 in op.status_codes else _bad_query(op)
    broken = query is None
    path = re.sub(r"\{[^}]+\}", "1", op.path)
    r = api.get(path, params={"ixc_probe": "a\x00b"} if query is None else query)
    assert r.status_code == 400, r.text
    pointer = SPEC.response_schema_pointer(op, 400)
    assert pointer is not None
    assert not list(SPEC.validator_at(pointer).iter_errors(r.json()))
    message = r.json()["errors"]["error"]
    name = next(iter(query or {}), None)
    assert "NUL in the query string" in message if broken else name is None or name in message
