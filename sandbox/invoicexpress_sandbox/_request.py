"""Request reading: the body (size, media type, JSON, depth, schema) and the query string."""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request

from invoicexpress_core.spec import Operation

from ._errors import ApiError, say
from ._guard import is_json_media
from ._money import parse_int, to_decimal
from ._shared import BoundOperation, SandboxState
from .handlers import Req


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


def query_of(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key != "api_key":
            out.setdefault(key, []).append(value)
    return out


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


class RequestReading(SandboxState):
    """Turns a request's bytes into the checked body and query a handler gets."""

    async def _body(self, request: Request, bound: BoundOperation) -> Any:
        validator = bound.validator
        if validator is None:
            return None
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.options.max_body:
            raise ApiError(
                413, f"Request body larger than {self.options.max_body} bytes", shape="ErrorsObject"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.options.max_body:
                raise ApiError(
                    413,
                    f"Request body larger than {self.options.max_body} bytes",
                    shape="ErrorsObject",
                )
            chunks.append(chunk)
        raw = self._decoded(bound, b"".join(chunks), request.headers.getlist("content-encoding"))
        if not raw.strip():
            if validator.required:
                raise self._bad(bound, "Request body can't be blank")
            return {}
        ctype = request.headers.get("content-type", "")
        if not is_json_media(ctype):
            raise self._bad(
                bound, say("email_content_type"), status=415, reason=f": Content-Type {ctype!r}"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self._bad(bound, "Request body is not valid UTF-8", status=400) from None
        try:
            body = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except RecursionError:
            raise self._bad(bound, "Request body is nested too deeply", status=400) from None
        except ValueError as exc:
            raise self._bad(bound, f"Request body is not valid JSON: {exc}", status=400) from None
        if _depth(body, self.options.max_depth) > self.options.max_depth:
            raise self._bad(bound, "Request body is nested too deeply", status=400)
        body = validator.normalise(body)
        if "bad_date_today" in self.quirks and bound.op.family and isinstance(body, dict):
            body = _date_fallback(body, validator.root_keys, self.clock.now())
        if (
            "tax_numeric_value_500" in self.quirks
            and bound.op.operation_id in ("createTax", "updateTax")
            and _numeric_tax_value(body)
        ):
            raise ApiError(500, "Internal Server Error", shape="ErrorsObject")
        validator.check(body)
        return body

    def _decoded(self, bound: BoundOperation, raw: bytes, encodings: list[str]) -> bytes:
        """The body under its `Content-Encoding` (gzip, deflate, or a list of them, applied
        in order): decoded with the body limit on the result, so a small bomb is a 413."""
        codings = [c.strip().lower() for header in encodings for c in header.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        unknown = [c for c in codings if c not in _WBITS]
        if unknown:
            raise self._bad(
                bound,
                say("email_content_type"),
                status=415,
                reason=f": Content-Encoding {unknown[0]!r} not supported (gzip, deflate)",
            )
        cap = self.options.max_body
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
                raise self._bad(bound, message, reason=f": {message} ({exc})") from None
        return raw

    def _bad(
        self, bound: BoundOperation, message: str, *, status: int = 400, reason: str | None = None
    ) -> ApiError:
        """Bad input: the operation's documented 422 when it has one, else `status`."""
        if 422 in bound.shapes:
            return ApiError(422, message, field="base", reason=reason)
        return ApiError(status, message, shape="ErrorsObject", reason=reason)

    def _check_query(self, bound: BoundOperation, req: Req) -> None:
        """Query parameters against their schemas in the spec: a missing required one, or a
        value of the wrong type, range or enum, is bad input (the op's 422, else 400)."""
        for name, required, pointer, schema in self._query_params(bound.op):
            values = req.query.get(name)
            if values and len(values) > 1 and schema.get("type") != "array":
                raise self._bad(bound, f"{name} is given {len(values)} times")
            if not values:
                # Operations that document a 422 name their own message for it (SAF-T's month).
                if required and 422 not in bound.shapes:
                    raise self._bad(bound, f"{name} is required")
                continue
            try:
                value = _coerce(schema, values)
            except ValueError:
                raise self._bad(bound, f"{name} is not valid: {values[-1]!r}") from None
            error = next(iter(self.spec.validator_at(pointer).iter_errors(value)), None)
            if error is not None or not self._real_date(schema, value):
                raise self._bad(bound, f"{name} is not valid: {values[-1]!r}")

    def _real_date(self, schema: dict[str, Any], value: Any) -> bool:
        """A value of a date type of the spec (by its pattern) names a day that exists."""
        fmt = self._date_formats.get(str(schema.get("pattern")))
        if fmt is None or not isinstance(value, str):
            return True
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            return False
        return True

    def _query_params(self, op: Operation) -> list[tuple[str, bool, str, dict[str, Any]]]:
        """(name, required, schema pointer, resolved schema) per query parameter; cached."""
        cache = self._query_cache
        if op.operation_id not in cache:
            found = []
            for i, raw in enumerate(op.raw.get("parameters", [])):
                ref = raw.get("$ref")
                param = self.spec.resolve(raw)
                if param.get("in") != "query":
                    continue
                base = ref[1:] if ref else f"{op.pointer}/parameters/{i}"
                schema = self.spec.resolve(param.get("schema", {}))
                found.append(
                    (str(param["name"]), bool(param.get("required")), f"{base}/schema", schema)
                )
            cache[op.operation_id] = found
        return cache[op.operation_id]
