"""Malformed requests of every kind schemathesis does not generate, and a runner that proves
each one gets a 4xx (never a 5xx) and leaves every stored row as it was.

Used by `test_robustness.py` (bounded, in CI) and by `nox -s robustness` (`python -m
tests.sandbox.robustness --requests 10000`), which prints the numbers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from invoicexpress_core.spec import Operation
from invoicexpress_sandbox.testdata import SPEC, example

JSON = {"content-type": "application/json"}
TEXT_POISONS = {
    "lone_surrogate": "\ud800",
    "low_surrogate": "x\udfff",
    "nul": "a\x00b",
    "bell": "\x07",
    "escape": "\x1b[31m",
    "del": "\x7f",
    "c1": "\x85",
    "nonchar": "\uffff",
}


@dataclass
class Case:
    """One request, as raw as a socket sends it."""

    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    query: str = ""


def _concrete(path: str) -> str:
    """A spec path with every `{param}` set to an id that may or may not exist."""
    out = []
    for part in path.split("/"):
        out.append("1" + part[part.index("}") + 1 :] if part.startswith("{") else part)
    return "/".join(out)


def _example(op: Operation) -> Any:
    return example(op)


def _string_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _string_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_paths(value, (*path, i))


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replace(node[path[0]], path[1:], value)
    return copy


def _limit_of(op: Operation, path: tuple[Any, ...]) -> int | None:
    """The maxLength the spec gives the string at `path` of the op's request body."""
    schema = SPEC.resolve(
        SPEC.resolve(op.raw["requestBody"])["content"]["application/json"]["schema"]
    )
    for step in path:
        schema = SPEC.resolve(schema)
        if isinstance(step, int):
            schema = schema.get("items", {})
        else:
            schema = (schema.get("properties") or {}).get(step, {})
    limit = SPEC.resolve(schema).get("maxLength")
    return int(limit) if limit is not None else None


def text_cases() -> Iterator[Case]:
    """Every string field of every operation's example body, poisoned: a lone surrogate (sent
    as `json.dumps` escapes it), NUL and other control characters, and one past its limit."""
    for op in SPEC:
        example = _example(op)
        if example is None:
            continue
        path = _concrete(op.path)
        for where in _string_paths(example):
            label = "/".join(map(str, where))
            for name, poison in TEXT_POISONS.items():
                body = json.dumps(_replace(example, where, f"ok{poison}ok")).encode()
                yield Case(f"{op.operation_id}:{label}:{name}", op.method, path, body)
            limit = _limit_of(op, where)
            if limit is not None:
                body = json.dumps(_replace(example, where, "x" * (limit + 1))).encode()
                yield Case(f"{op.operation_id}:{label}:oversize", op.method, path, body)


def _nested(depth: int) -> bytes:
    return b'{"invoice":' + b"[" * depth + b"]" * depth + b"}"


def raw_cases() -> Iterator[Case]:
    """Bodies, headers and query strings no JSON-Schema generator produces."""
    valid = json.dumps(_example(SPEC.operations["createInvoice"]))
    client = json.dumps(_example(SPEC.operations["createClient"]))
    writes = [("POST", "/invoices.json"), ("POST", "/clients.json"), ("PUT", "/clients/1.json")]
    bodies: dict[str, tuple[bytes, dict[str, str]]] = {
        "invalid_utf8": (b'{"client": {"name": "\xff\xfe"}}', JSON),
        "overlong_utf8": (b'{"client": {"name": "\xc0\xaf"}}', JSON),
        "utf16_body": (client.encode("utf-16"), JSON),
        "bom_then_json": (b"\xef\xbb\xbf" + client.encode(), JSON),
        "raw_nul_byte": (client.replace("Cliente", "Cli\x00ente").encode(), JSON),
        "deep_nesting": (_nested(40), JSON),
        "very_deep_nesting": (_nested(50_000), JSON),
        "huge_body": (b'{"client": {"name": "' + b"x" * 1_100_000 + b'"}}', JSON),
        "huge_number": (valid.replace('"24.3902"', "1e400").encode(), JSON),
        "huge_integer": (valid.replace('"24.3902"', "9" * 5000).encode(), JSON),
        "long_decimal_string": (valid.replace('"24.3902"', '"' + "9" * 400 + '"').encode(), JSON),
        "negative_zero_quantity": (
            valid.replace('"quantity": "1"', '"quantity": -0.0').encode(),
            JSON,
        ),
        "nan": (b'{"client": {"name": NaN}}', JSON),
        "infinity": (b'{"client": {"name": "a", "send_options": Infinity}}', JSON),
        "duplicate_keys": (b'{"client": {"name": "A", "name": "B", "code": "D1"}}', JSON),
        "duplicate_root_keys": (b'{"client": {"name": "A"}, "client": {"name": "B"}}', JSON),
        "trailing_garbage": (client.encode() + b"}", JSON),
        "two_documents": (client.encode() + client.encode(), JSON),
        "text_plain": (client.encode(), {"content-type": "text/plain"}),
        "form": (b"client[name]=A", {"content-type": "application/x-www-form-urlencoded"}),
        "multipart": (
            b"--x\r\n\r\nA\r\n--x--",
            {"content-type": "multipart/form-data; boundary=x"},
        ),
        "no_content_type": (client.encode(), {}),
        "xml": (b"<client><name>A</name></client>", {"content-type": "application/xml"}),
        "json_string": (b'"client"', JSON),
        "json_number": (b"1", JSON),
        "json_array": (b"[]", JSON),
        "json_null": (b"null", JSON),
        "only_whitespace_object": (b"{ }", JSON),
        "escaped_surrogate_key": (b'{"client": {"na\\ud800me": "A"}}', JSON),
    }
    for (method, path), (name, (body, headers)) in itertools.product(writes, bodies.items()):
        yield Case(f"{method} {path}:{name}", method, path, body, headers)
    queries = {
        "impossible_date": "date[from]=31/02/2025",
        "impossible_due_date": "due_date[to]=30/02/2024",
        "iso_date": "date[from]=2025-02-01",
        "duplicate_page": "page=1&page=2",
        "duplicate_per_page": "per_page=10&per_page=abc",
        "huge_page": "page=" + "9" * 40,
        "negative_per_page": "per_page=-1",
        "bad_percent": "text=%ZZ",
        "truncated_percent": "text=abc%",
        "percent_invalid_utf8": "text=%ff%fe",
        "percent_nul": "reference=%00",
        "duplicate_api_key": "api_key=nope",
        "unknown_status": "status[]=nosuch",
        "non_archived_twice": "non_archived=true&non_archived=false",
    }
    for name, query in queries.items():
        yield Case(f"GET /invoices.json?{name}", "GET", "/invoices.json", None, {}, query)
    for name, path in {
        "bad_percent_path": "/invoices/%ZZ.json",
        "invalid_utf8_path": "/invoices/%ff.json",
        "huge_id": "/invoices/" + "9" * 30 + ".json",
        "negative_id": "/clients/-1.json",
        "nul_in_path": "/clients/%00.json",
    }.items():
        yield Case(f"GET {name}", "GET", path, None, {})
    yield Case("find_by_code_nul", "GET", "/clients/find-by-code.json", None, {}, "client_code=%00")


def all_cases() -> list[Case]:
    return [*raw_cases(), *text_cases()]


@dataclass
class Tally:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    not_refused: list[str] = field(default_factory=list)
    state_changes: list[str] = field(default_factory=list)


def send(client: httpx.Client, api_key: str, case: Case) -> httpx.Response:
    query = f"api_key={api_key}" + (f"&{case.query}" if case.query else "")
    url = f"{case.path}?{query}"
    return client.request(case.method, url, content=case.body, headers=case.headers)


def run_cases(
    client: httpx.Client,
    api_key: str,
    state: Any,
    cases: list[Case],
    *,
    max_requests: int,
    max_seconds: float,
    check_state_every: int = 1,
) -> Tally:
    """Send cases (cycling) until either bound; state is compared after every Nth request."""
    tally = Tally()
    before = state()
    deadline = time.monotonic() + max_seconds
    for i, case in enumerate(itertools.cycle(cases)):
        if tally.requests >= max_requests or time.monotonic() > deadline:
            break
        r = send(client, api_key, case)
        tally.requests += 1
        tally.by_status[r.status_code] = tally.by_status.get(r.status_code, 0) + 1
        if r.status_code >= 500:
            tally.server_errors.append(f"{case.name}: {r.status_code} {r.text[:200]}")
        elif not 400 <= r.status_code < 500:
            tally.not_refused.append(f"{case.name}: {r.status_code} {r.text[:200]}")
        if i % check_state_every == 0 and state() != before:
            tally.state_changes.append(case.name)
            before = state()
    return tally


def main(argv: list[str] | None = None) -> int:
    from invoicexpress_sandbox.testing import running_sandbox

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    cases = all_cases()
    random.Random(13).shuffle(cases)
    with running_sandbox() as sb, httpx.Client(base_url=sb.base_url, timeout=60) as client:
        started = time.monotonic()
        tally = run_cases(
            client,
            sb.api_key,
            sb.state,
            cases,
            max_requests=args.requests,
            max_seconds=args.seconds,
        )
        elapsed = time.monotonic() - started
    print(
        f"robustness: {tally.requests} requests ({len(cases)} distinct cases) in {elapsed:.0f}s; "
        f"statuses {dict(sorted(tally.by_status.items()))}; 5xx: {len(tally.server_errors)}; "
        f"not refused: {len(tally.not_refused)}; state changes: {len(tally.state_changes)}"
    )
    for line in (tally.server_errors + tally.not_refused + tally.state_changes)[:20]:
        print("  " + line)
    ok = not (tally.server_errors or tally.not_refused or tally.state_changes)
    return 0 if ok and tally.requests >= min(args.requests, 10_000) else 1


if __name__ == "__main__":
    sys.exit(main())
