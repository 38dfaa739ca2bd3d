"""Malformed requests of every kind schemathesis does not generate, and a runner that proves
each one gets a 4xx (never a 5xx) and leaves every stored row as it was.

Classes: poisoned text, raw bodies and query strings, content codings and media types, ids that
are not ASCII digits within 64 bits (each aimed at a record that exists, so an alias would
answer or write), numbers out of range in every number field (the treasury's included, on a
client that exists), and requests a browser marks as sent by another site.

Used by `test_robustness.py` (bounded, in CI) and by `nox -s robustness` (`python -m
tests.sandbox.robustness --requests 10000`), which prints the numbers.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from invoicexpress_core.spec import Operation
from invoicexpress_sandbox.testdata import SPEC, date_in, example, iso_date_in

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


Ids = Mapping[str, str]  # path parameter name (`document-id`) -> an id that exists


def _concrete(path: str, ids: Ids | None = None, poisoned: tuple[str, str] | None = None) -> str:
    """A spec path with every `{param}` set: to `ids[param]` (else 1, which may not exist),
    or for `poisoned = (param, text)` to that text."""
    out = []
    for part in path.split("/"):
        if part.startswith("{"):
            name, rest = part[1 : part.index("}")], part[part.index("}") + 1 :]
            value = (ids or {}).get(name, "1")
            if poisoned is not None and poisoned[0] == name:
                value = poisoned[1]
            part = value + rest
        out.append(part)
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


def _schema_at(op: Operation, path: tuple[Any, ...]) -> dict[str, Any]:
    """The spec's schema of the value at `path` of the op's request body."""
    schema = SPEC.resolve(
        SPEC.resolve(op.raw["requestBody"])["content"]["application/json"]["schema"]
    )
    for step in path:
        schema = SPEC.resolve(schema)
        if isinstance(step, int):
            schema = schema.get("items", {})
        else:
            schema = (schema.get("properties") or {}).get(step, {})
    return dict(SPEC.resolve(schema))


def _limit_of(op: Operation, path: tuple[Any, ...]) -> int | None:
    """The maxLength the spec gives the string at `path` of the op's request body."""
    limit = _schema_at(op, path).get("maxLength")
    return int(limit) if limit is not None else None


def _leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaf_paths(value, (*path, i))
    else:
        yield path


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


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _acceptable(path: str, label: str) -> bytes:
    """A body the endpoint would accept (a new client code or no UID each time), so a case
    that is not refused shows as a write."""
    if path == "/clients.json":
        return json.dumps({"client": {"name": f"Enc {label}", "code": label[-30:]}}).encode()
    example = dict(_example(SPEC.operations["createInvoice"]))
    example.pop("proprietary_uid", None)
    return json.dumps(example).encode()


def encoding_cases() -> Iterator[Case]:
    """Content codings the sandbox must decode within the body limit or refuse, and media
    types that are not exactly `application/json` (with an optional UTF-8 charset)."""
    bomb = b'{"client": {"name": "' + b"x" * 3_000_000 + b'"}}'
    poisoned = b'{"client": {"name": "A\\u0000B", "code": "Z9"}}'
    gz, df = {"content-encoding": "gzip"}, {"content-encoding": "deflate"}
    kinds: dict[str, tuple[Callable[[bytes], bytes], dict[str, str]]] = {
        "plain_labelled_gzip": (lambda b: b, gz),
        "plain_labelled_deflate": (lambda b: b, df),
        "gzip_labelled_br": (_gzip, {"content-encoding": "br"}),
        "gzip_labelled_compress": (_gzip, {"content-encoding": "compress"}),
        "gzip_then_unknown": (_gzip, {"content-encoding": "gzip, zstd"}),
        "gzip_bomb": (lambda b: _gzip(bomb), gz),
        "deflate_bomb": (lambda b: zlib.compress(bomb, 9), df),
        "double_gzip_bomb": (lambda b: _gzip(_gzip(bomb)), {"content-encoding": "gzip, gzip"}),
        "truncated_gzip": (lambda b: _gzip(b)[:-12], gz),
        "gzip_trailing_garbage": (lambda b: _gzip(b) + b"garbage", gz),
        "gzip_labelled_once_sent_twice": (lambda b: _gzip(_gzip(b)), gz),
        "gzip_invalid_json": (lambda b: _gzip(b[:-1]), gz),
        "gzip_poisoned_text": (lambda b: _gzip(poisoned), gz),
        "gzip_invalid_utf8": (lambda b: _gzip(b'{"client": {"name": "\xff"}}'), gz),
        "deflate_garbage": (lambda b: b"\x78\x9c" + b"\x00" * 40, df),
        "evil_plus_json": (lambda b: b, {"content-type": "application/evil+json"}),
        "problem_json": (lambda b: b, {"content-type": "application/problem+json"}),
        "json_latin1": (lambda b: b, {"content-type": "application/json; charset=latin-1"}),
        "json_unknown_param": (lambda b: b, {"content-type": "application/json; boundary=x"}),
        "text_json": (lambda b: b, {"content-type": "text/json"}),
        "jsonx": (lambda b: b, {"content-type": "application/jsonx"}),
        "json_space_inside": (lambda b: b, {"content-type": "application/ json"}),
    }
    for path, (name, (make, headers)) in itertools.product(
        ("/clients.json", "/invoices.json"), kinds.items()
    ):
        body = make(_acceptable(path, name))
        yield Case(f"POST {path}:{name}", "POST", path, body, {**JSON, **headers})


# Other scripts' digits (Python's `int()` reads most, the superscripts crash it), and forms of an
# id that would alias it in a lenient parser: leading zero, sign, space, decimal, 64-bit wrap.
DIGITS = {
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "fullwidth": "０１２３４５６７８９",
    "math_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}


def id_variants(real: str) -> dict[str, str]:
    """Ways to write id `real` that must name no record."""
    out = {
        name: real.translate(str.maketrans("0123456789", digits)) for name, digits in DIGITS.items()
    }
    out.update(
        leading_zero="0" + real,
        plus_sign="+" + real,
        leading_space=" " + real,
        decimal=real + ".0",
        negative="-" + real,
        wraps_64_bits=str(2**64 + int(real)),
        past_int64=str(2**63),
    )
    return out


def id_cases(ids: Ids) -> Iterator[Case]:
    """Every operation with an id in its path, each id written every other way, aimed at a
    record that exists and sent with a valid body: an alias would answer 2xx or write."""
    for op in SPEC:
        for name in re.findall(r"\{([^}]+)\}", op.path):
            real = ids.get(name, "1")
            body = _example(op)
            raw = None if body is None else json.dumps(body).encode()
            for label, text in id_variants(real).items():
                path = _concrete(op.path, ids, (name, text))
                yield Case(f"{op.operation_id}:{name}:{label}", op.method, path, raw)


# Numbers no field takes: beyond any amount, beyond 64 bits, and other scripts' digits.
NUMBERS: dict[str, Any] = {
    "1e300": 1e300,
    "minus_1e300": -1e300,
    "1e20": 1e20,
    "int64_overflow": 2**63,
    "uint64_wrap": 2**64 + 1,
    "arabic_indic_string": "١٠",
    "fullwidth_string": "１０",
    "exponent_string": "1e300",
}


def _takes_numbers(schema: Mapping[str, Any]) -> bool:
    """A number field; not text that may be written as a number (`TextLike`: any digits are a
    valid name, however many)."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return bool({"number", "integer"} & set(kinds)) and "string" not in kinds


def number_cases(ids: Ids, final_document: str) -> Iterator[Case]:
    """Each number field of each operation's example body set out of range, on records that
    exist (a treasury movement on a real client), so the rule behind the schema is reached."""
    for op in SPEC:
        example = _example(op)
        if example is None:
            continue
        # A payment needs a final document; updates and changes of state need a draft.
        where = {**ids, "document-id": final_document} if "Payment" in op.operation_id else ids
        path = _concrete(op.path, where)
        for leaf in _leaf_paths(example):
            if not _takes_numbers(_schema_at(op, leaf)):
                continue
            label = "/".join(map(str, leaf))
            for name, value in NUMBERS.items():
                body = json.dumps(_replace(example, leaf, value)).encode()
                yield Case(f"{op.operation_id}:{label}:{name}", op.method, path, body)


# What a browser adds to a page's request to another origin; server-side clients send neither.
BROWSER_MARKS = {
    "cross_site": {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors"},
    "same_site_other_port": {"sec-fetch-site": "same-site", "origin": "http://localhost:1"},
    "foreign_origin": {"origin": "http://attacker.example"},
    "null_origin": {"origin": "null"},
    "other_loopback_origin": {"origin": "http://127.0.0.1:1"},
    "cross_site_text_plain": {"sec-fetch-site": "cross-site", "content-type": "text/plain"},
}


def browser_cases(ids: Ids, final_document: str, admin_token: str | None = None) -> Iterator[Case]:
    """Requests that would act (start PDF, QR and SAF-T jobs, create, finalise, reset), marked
    by a browser as sent by another site: every one refused, API and admin routes alike."""
    year, month, _ = iso_date_in().split("-")
    acts: list[tuple[str, str, bytes | None, str, dict[str, str]]] = [
        ("GET", "/invoices.json", None, "", {}),
        ("GET", f"/api/pdf/{final_document}.json", None, "", {}),
        ("GET", f"/api/qr_codes/{final_document}.json", None, "", {}),
        ("GET", "/api/export_saft.json", None, f"month={int(month)}&year={year}", {}),
        ("POST", "/clients.json", b'{"client": {"name": "Page", "code": "PG1"}}', "", {}),
        (
            "PUT",
            f"/invoices/{ids['document-id']}/change-state.json",
            b'{"invoice": {"state": "finalized"}}',
            "",
            {},
        ),
    ]
    if admin_token is not None:
        token = {"x-sandbox-token": admin_token}
        acts += [
            ("POST", "/_sandbox/reset", b"{}", "", token),
            ("PUT", "/_sandbox/rate-limit", b'{"per_minute": 1}', "", token),
            ("POST", "/_sandbox/clock", b'{"advance_days": 30}', "", token),
            ("GET", "/_sandbox/accounts", None, "", token),
        ]
    for (method, path, body, query, extra), (mark, headers) in itertools.product(
        acts, BROWSER_MARKS.items()
    ):
        yield Case(
            f"{method} {path}:{mark}", method, path, body, {**JSON, **extra, **headers}, query
        )


def prepare(client: httpx.Client, api_key: str) -> tuple[dict[str, str], str]:
    """Records for the id, number and browser cases to aim at: (ids by path parameter, a final
    invoice's id). The draft invoice stays a draft, so an aliased update or change of state
    would succeed and show."""

    def made(method: str, path: str, body: Any) -> dict[str, Any]:
        r = client.request(method, path, params={"api_key": api_key}, json=body)
        assert r.status_code in (200, 201), (path, r.status_code, r.text[:300])
        found: dict[str, Any] = r.json()
        return found

    def first(path: str, key: str) -> str:
        return str(made("GET", path, None)[key][0]["id"])

    client_id = str(
        made("POST", "/clients.json", {"client": {"name": "Aim", "code": "AIM1"}})["client"]["id"]
    )
    item = {"name": "Aim", "description": "aim", "unit_price": "30", "quantity": "1"}
    invoice = {
        "date": date_in(),
        "due_date": date_in(),
        "client": {"name": "Aim", "code": "AIM1"},
        "items": [item],
    }
    draft = str(made("POST", "/invoices.json", {"invoice": invoice})["invoice"]["id"])
    final = str(made("POST", "/invoices.json", {"invoice": invoice})["invoice"]["id"])
    made("PUT", f"/invoices/{final}/change-state.json", {"invoice": {"state": "finalized"}})
    treasury = f"/api/v3/clients/{client_id}"
    regularization = made(
        "POST",
        f"{treasury}/regularization.json",
        {"regularization": {"value": 1, "date": iso_date_in()}},
    )["regularization"][0]["id"]
    movement = made(
        "POST",
        f"{treasury}/treasury_movements.json",
        {
            "treasury_movement": {
                "value": 1,
                "movement_type": "Payment",
                "payment_method": "TB",
                "date": iso_date_in(),
            }
        },
    )["treasury_movement"]["id"]
    ids = {
        "document-id": draft,
        "client-id": client_id,
        "item-id": str(
            made(
                "POST",
                "/items.json",
                {"item": {"name": "AimItem", "description": "aim", "unit_price": "1"}},
            )["item"]["id"]
        ),
        "tax-id": first("/taxes.json", "taxes"),
        "sequence-id": first("/sequences.json", "sequences"),
        "account-id": "1",
        "regularization-id": str(regularization),
        "movement-id": str(movement),
    }
    return ids, final


def all_cases(
    ids: Ids | None = None, final_document: str = "1", admin_token: str | None = None
) -> list[Case]:
    """Every class; those aimed at records need `prepare`'s ids (without, they aim at id 1)."""
    ids = ids or {}
    aimed = [
        *id_cases(ids),
        *number_cases(ids, final_document),
        *browser_cases({"document-id": "1", **ids}, final_document, admin_token),
    ]
    return [*raw_cases(), *encoding_cases(), *aimed, *text_cases()]


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
        try:
            r = send(client, api_key, case)
        except httpx.TransportError as exc:  # the server dropped the connection: its failure
            tally.requests += 1
            tally.server_errors.append(f"{case.name}: connection failed ({exc!r})")
            continue
        tally.requests += 1
        tally.by_status[r.status_code] = tally.by_status.get(r.status_code, 0) + 1
        if r.status_code >= 500:
            tally.server_errors.append(f"{case.name}: {r.status_code} {r.text[:200]}")
        elif not 400 <= r.status_code < 500:
            tally.not_refused.append(f"{case.name}: {r.status_code} {r.text[:200]}")
        if i % check_state_every == 0 and state() != before:
            tally.state_changes.append(case.name)
            before = state()
    if state() != before:  # a change after the last comparison
        tally.state_changes.append("(after the last comparison)")
    return tally


def main(argv: list[str] | None = None) -> int:
    from invoicexpress_sandbox.testing import running_sandbox

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    with running_sandbox() as sb, httpx.Client(base_url=sb.base_url, timeout=60) as client:
        ids, final = prepare(client, sb.api_key)
        cases = all_cases(ids, final, sb.admin_token)
        random.Random(13).shuffle(cases)
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
