"""A fresh, read-only probe of a server within a request budget.

Only GETs: every list operation without path parameters, then a few of the documents those
lists name, fetched through the matching `get{Type}` operation. It stops at the budget or at the
first 429 (the live account's rate limit is shared with real work). `coverage` says what the
exchanges did and did not exercise, so an empty account is not mistaken for a clean one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from invoicexpress_core.exchange import Exchange, redact_url
from invoicexpress_core.spec import Operation, Spec

DOCS_PER_LIST = 2


class ProbeError(Exception):
    """The server could not be reached; the message names the URL (redacted) and the fix."""


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
    on_request: Callable[[Exchange, int], None] | None = None,
) -> list[Exchange]:
    """GET lists, then a few documents, never more than `max_requests` requests.

    `on_request(exchange, budget)` is called after each request (progress display)."""
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
            try:
                response = client.get(path, params=params)
            except httpx.TransportError as exc:
                raise ProbeError(
                    f"cannot reach {redact_url(base_url)} ({type(exc).__name__}); "
                    "check --base-url (scheme, host, port) and that the server is up"
                ) from None
            ex = Exchange.from_httpx(response, operation_id=op.operation_id, secrets=[api_key])
            exchanges.append(ex)
            if on_request is not None:
                on_request(ex, max_requests)
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


def refusal(exchanges: list[Exchange]) -> str | None:
    """When the server refused every request (401/403: a wrong key, a blocked account), what
    it answered; a probe that read nothing has found nothing, and must not pass."""
    if not exchanges or any(ex.status not in (401, 403) for ex in exchanges):
        return None
    counts = sorted({ex.status for ex in exchanges})
    codes = "/".join(map(str, counts))
    return f"the server refused every request ({codes} on {len(exchanges)} of {len(exchanges)})"


def _field_paths(value: Any, prefix: str = "") -> set[str]:
    """`invoice.client.name`-style paths of every field in a body (list items as `[]`)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.add(path)
            out |= _field_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= _field_paths(item, f"{prefix}[]")
    return out


def _counted(names: Counter[str], limit: int = 8) -> str:
    """Each name once, with how many times it occurred when more than once."""
    shown = [f"{n} ×{c}" if c > 1 else n for n, c in sorted(names.items())[:limit]]
    return ", ".join(shown) + (" …" if len(names) > limit else "")


def coverage(spec: Spec, exchanges: list[Exchange], max_requests: int) -> list[str]:
    """What a probe exercised, and what it could not check, as report notes."""
    seen: dict[str, set[int]] = {}
    fields: set[str] = set()
    empty: Counter[str] = Counter()
    lists = {op.operation_id for op in _list_operations(spec)}
    for ex in exchanges:
        seen.setdefault(ex.operation_id or f"{ex.method} {ex.path}", set()).add(ex.status)
        fields |= {f"{ex.operation_id}:{p}" for p in _field_paths(ex.response_body)}
        if ex.status == 200 and ex.operation_id in lists and not _items(ex.response_body):
            empty[ex.operation_id] += 1
    gets = [op for op in spec if op.method == "GET"]
    missed_gets = sorted(op.operation_id for op in gets if op.operation_id not in seen)
    writes = sum(1 for op in spec if op.method != "GET")
    statuses = sorted({s for codes in seen.values() for s in codes})
    notes = [
        f"Probe coverage: {len(seen)} of {len(spec.operations)} operations answered "
        f"(status codes {', '.join(map(str, statuses)) or 'none'}); "
        f"{len(fields)} distinct response fields checked.",
    ]
    cannot = []
    if empty:
        cannot.append(
            f"{len(empty)} list(s) came back empty ({_counted(empty)}), so no "
            "document of those types could be fetched and checked"
        )
    if missed_gets:
        shown = ", ".join(missed_gets[:10]) + (" …" if len(missed_gets) > 10 else "")
        cannot.append(f"{len(missed_gets)} GET operation(s) not exercised ({shown})")
    cannot.append(f"{writes} write operation(s) never probed (the probe only reads)")
    if len(exchanges) >= max_requests:
        cannot.append(f"the budget of {max_requests} requests ran out (raise --max-requests)")
    if any(ex.status == 429 for ex in exchanges):
        cannot.append("the server answered 429 and the probe stopped early")
    notes.append("Not checked: " + "; ".join(cannot) + ".")
    return notes
