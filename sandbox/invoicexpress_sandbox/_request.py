"""Request reading: the body (size, media type, JSON, depth, schema) and the query string."""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.requests import ClientDisconnect

from ._clock import Clock
from ._errors import ApiError, say
from ._guard import Receive, Scope, is_json_media
from ._money import parse_int, to_decimal
from ._shared import BoundOperation, Options


def _coerce(schema: dict[str, Any], values: list[str]) -> Any:
    """A query string value as the JSON type its schema describes (ValueError if it is not)."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items", {})
        return [_coerce(items, [v]) for v in values]
    raw = values[-1]
    if kind == "integer":
        number = parse_int(raw, signed=True)
        if number is None:
            raise ValueError(raw)
        return number
    if kind == "number":
        amount = to_decimal(raw)
        if amount is None:
            raise ValueError(raw)
        return float(amount)
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    return raw


def read_query(raw: bytes) -> tuple[str | None, dict[str, list[str]]]:
    """(api_key, the other parameters) of a raw query string, read as Starlette reads it
    (latin-1, blanks kept; the last `api_key` wins)."""
    key: str | None = None
    out: dict[str, list[str]] = {}
    text = raw.decode("latin-1")
    if "&" in text or "%" in text or "+" in text:
        pairs = parse_qsl(text, keep_blank_values=True)
    else:  # one field, nothing to unquote (`api_key=...`): what parse_qsl would make of it
        name, _, value = text.partition("=")
        pairs = [(name, value)] if text else []
    for name, value in pairs:
        if name == "api_key":
            key = value
        else:
            out.setdefault(name, []).append(value)
    return key, out


def _numeric_tax_value(body: Any) -> bool:
    tax = body.get("tax") if isinstance(body, dict) else None
    value = tax.get("value") if isinstance(tax, dict) else None
    return isinstance(value, int | float) and not isinstance(value, bool)


def _date_fallback(body: dict[str, Any], root_keys: list[str], now: datetime) -> dict[str, Any]:
    """Quirk `bad_date_today`: a document `date` that is no dd/mm/yyyy day becomes today."""
    for key in root_keys or [k for k in body if k != "proprietary_uid"]:
        root = body.get(key)
        if isinstance(root, dict) and "date" in root:
            try:
                datetime.strptime(str(root["date"]), "%d/%m/%Y")
            except ValueError:
                return {**body, key: {**root, "date": now.strftime("%d/%m/%Y")}}
    return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: a repeated key (which value wins?) is bad input."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return out


# `json.loads(text, parse_constant=..., object_pairs_hook=...)` makes this decoder per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys)


def _parse(text: str) -> Any:
    """`json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)`."""
    if text.startswith("\ufeff"):  # as json.loads refuses it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def query_problem(raw: bytes) -> str | None:
    """Why a raw query string cannot be read unambiguously (None: it can)."""
    if b"%" not in raw:
        return None
    if _BAD_PERCENT.search(raw):
        return "malformed percent-encoding"
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "percent-encoded bytes are not UTF-8"
    if "\x00" in text:
        return "NUL in the query string"
    return None


def _depth(node: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping early past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


# zlib's window bits per content coding: gzip framing, zlib framing (RFC 9110 `deflate`).
_WBITS = {"gzip": 31, "x-gzip": 31, "deflate": 15}


class _TooLarge(Exception):
    """A decoded body past the limit."""


def _inflate(data: bytes, coding: str, cap: int) -> bytes:
    """Decode one content coding, never producing more than `cap` + 1 bytes (_TooLarge);
    concatenated gzip members are read in turn; raw deflate (no zlib header) is accepted too,
    as many clients send it; truncated or trailing bytes are a zlib.error."""
    out = bytearray()
    wbits = _WBITS[coding]
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            out += inflater.decompress(data, cap + 1 - len(out))
        except zlib.error:
            if wbits != 15 or out:
                raise
            wbits = -15  # raw deflate
            continue
        if len(out) > cap:
            raise _TooLarge
        if not inflater.eof:
            raise zlib.error("truncated")
        data = inflater.unused_data
        if not data:
            return bytes(out)
        if wbits != 31:
            raise zlib.error("trailing bytes after the deflate stream")


async def read_body(
    scope: Scope,
    receive: Receive,
    bound: BoundOperation,
    options: Options,
    quirks: frozenset[str],
    clock: Clock,
) -> Any:
    """The request's body, decoded, parsed and checked against the operation's schema (None:
    the operation takes none); ApiError for bad input. Headers as Starlette reads them: the
    first of a name, every `Content-Encoding`."""
    validator = bound.validator
    if validator is None:
        return None
    declared: str | None = None
    ctype: str | None = None
    encodings: list[str] = []
    for name, value in scope["headers"]:
        if name == b"content-length":
            declared = value.decode("latin-1") if declared is None else declared
        elif name == b"content-type":
            ctype = value.decode("latin-1") if ctype is None else ctype
        elif name == b"content-encoding":
            encodings.append(value.decode("latin-1"))
    limit = options.max_body
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"Request body larger than {limit} bytes", shape="ErrorsObject")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise ApiError(
                        413, f"Request body larger than {limit} bytes", shape="ErrorsObject"
                    )
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
    raw = b"".join(chunks)
    if encodings:
        raw = _decoded(bound, raw, encodings, limit)
    if not raw.strip():
        if validator.required:
            raise bad(bound, "Request body can't be blank")
        return {}
    ctype = ctype or ""
    if not is_json_media(ctype):
        raise bad(bound, say("email_content_type"), status=415, reason=f": Content-Type {ctype!r}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad(bound, "Request body is not valid UTF-8", status=400) from None
    try:
        body = _parse(text)
    except RecursionError:
        raise bad(bound, "Request body is nested too deeply", status=400) from None
    except ValueError as exc:
        raise bad(bound, f"Request body is not valid JSON: {exc}", status=400) from None
    depth = options.max_depth
    # Fewer containers than the limit cannot nest past it: the walk is for the others.
    if text.count("{") + text.count("[") >= depth and _depth(body, depth) > depth:
        raise bad(bound, "Request body is nested too deeply", status=400)
    body = validator.normalise(body)
    if "bad_date_today" in quirks and bound.op.family and isinstance(body, dict):
        body = _date_fallback(body, validator.root_keys, clock.now())
    if (
        "tax_numeric_value_500" in quirks
        and bound.op.operation_id in ("createTax", "updateTax")
        and _numeric_tax_value(body)
    ):
        raise ApiError(500, "Internal Server Error", shape="ErrorsObject")
    validator.check(body, text)
    return body


def _decoded(bound: BoundOperation, raw: bytes, encodings: list[str], cap: int) -> bytes:
    """The body under its `Content-Encoding` (gzip, deflate, or a list of them, applied in
    order): decoded with the body limit on the result, so a small bomb is a 413."""
    codings = [c.strip().lower() for header in encodings for c in header.split(",")]
    codings = [c for c in codings if c not in ("", "identity")]
    unknown = [c for c in codings if c not in _WBITS]
    if unknown:
        raise bad(
            bound,
            say("email_content_type"),
            status=415,
            reason=f": Content-Encoding {unknown[0]!r} not supported (gzip, deflate)",
        )
    for coding in reversed(codings):
        if not raw:
            break
        try:
            raw = _inflate(raw, coding, cap)
        except _TooLarge:
            raise ApiError(
                413, f"Request body larger than {cap} bytes", shape="ErrorsObject"
            ) from None
        except zlib.error as exc:
            message = f"Request body is not valid {coding} data"
            raise bad(bound, message, reason=f": {message} ({exc})") from None
    return raw


def bad(
    bound: BoundOperation, message: str, *, status: int = 400, reason: str | None = None
) -> ApiError:
    """Bad input: the operation's documented 422 when it has one, else `status`."""
    if 422 in bound.shapes:
        return ApiError(422, message, field="base", reason=reason)
    return ApiError(status, message, shape="ErrorsObject", reason=reason)


def check_query(bound: BoundOperation, query: dict[str, list[str]]) -> None:
    """Query parameters against their schemas in the spec: a missing required one, or a value
    of the wrong type, range or enum, is bad input (the op's 422, else 400)."""
    for param in bound.query:
        name, schema = param.name, param.schema
        values = query.get(name)
        if values and len(values) > 1 and schema.get("type") != "array":
            raise bad(bound, f"{name} is given {len(values)} times")
        if not values:
            # Operations that document a 422 name their own message for it (SAF-T's month).
            if param.required and 422 not in bound.shapes:
                raise bad(bound, f"{name} is required")
            continue
        try:
            value = _coerce(schema, values)
        except ValueError:
            raise bad(bound, f"{name} is not valid: {values[-1]!r}") from None
        error = next(iter(param.validator.iter_errors(value)), None)
        if error is not None or not _real_date(param.date_format, value):
            raise bad(bound, f"{name} is not valid: {values[-1]!r}")


def _real_date(fmt: str | None, value: Any) -> bool:
    """A value of a date type of the spec names a day that exists."""
    if fmt is None or not isinstance(value, str):
        return True
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True
