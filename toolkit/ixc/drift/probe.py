"""A fresh, read-only probe of a server within a request budget.

Only GETs: every list operation without path parameters, then a few of the documents those
lists name, fetched through the matching `get{Type}` operation. It stops at the budget or at the
first 429 (the live account's rate limit is shared with real work).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import Operation, Spec

DOCS_PER_LIST = 2


def _list_operations(spec: Spec) -> list[Operation]:
    return sorted(
        (
            op
            for op in spec
            if op.method == "GET" and op.operation_id.startswith("list") and "{" not in op.path
        ),
        key=lambda op: op.operation_id,
    )


def _get_operation(spec: Spec, list_op: Operation, item: dict[str, Any]) -> Operation | None:
    names = []
    if isinstance(item.get("type"), str):
        names.append(f"get{item['type']}")
    stem = list_op.operation_id.removeprefix("list")
    names += [f"get{stem[:-2]}", f"get{stem[:-1]}"] if stem.endswith("es") else [f"get{stem[:-1]}"]
    for name in names:
        op = spec.operations.get(name)
        if op is not None and op.method == "GET" and op.path.count("{") == 1:
            return op
    return None


def _items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [x for x in body if isinstance(x, dict) and "id" in x]
    if isinstance(body, dict):
        for value in body.values():
            found = _items(value) if isinstance(value, list) else []
            if found:
                return found
    return []


def probe(
    spec: Spec,
    base_url: str,
    api_key: str,
    max_requests: int,
    *,
    transport: httpx.BaseTransport | None = None,
) -> list[Exchange]:
    """GET lists, then a few documents, never more than `max_requests` requests."""
    exchanges: list[Exchange] = []
    with httpx.Client(
        base_url=base_url,
        params={"api_key": api_key},
        headers={"Accept": "application/json"},
        timeout=30.0,
        transport=transport,
    ) as client:

        def get(op: Operation, path: str, params: dict[str, Any]) -> Exchange | None:
            if len(exchanges) >= max_requests:
                return None
            response = client.get(path, params=params)
            ex = Exchange.from_httpx(response, operation_id=op.operation_id, secrets=[api_key])
            exchanges.append(ex)
            return ex

        follow: list[tuple[Operation, str]] = []
        for op in _list_operations(spec):
            declared = {
                p.get("name") for p in op.raw.get("parameters") or [] if isinstance(p, dict)
            }
            params = {"per_page": 5} if "per_page" in declared else {}
            ex = get(op, op.path, params)
            if ex is None or ex.status == 429:
                return exchanges
            for item in _items(ex.response_body)[:DOCS_PER_LIST]:
                target = _get_operation(spec, op, item)
                if target is not None:
                    follow.append((target, re.sub(r"\{[^}]+\}", str(item["id"]), target.path)))
        for op, path in follow:
            ex = get(op, path, {})
            if ex is None or ex.status == 429:
                break
    return exchanges
