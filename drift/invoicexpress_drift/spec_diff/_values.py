"""Schema values compared and shown: canonical forms, bounds, enum keys, change wording."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from invoicexpress_drift._schema import json_type, type_set
from invoicexpress_drift.spec_diff._context import _NOISE, _Memo


def _canonical(memo: _Memo, schema: Any, depth: int = 0) -> Any:
    """A comparable form of a schema (refs resolved, descriptions dropped) for rename detection."""
    if depth > 6:
        return None
    schema = memo.merged(schema)
    out: dict[str, Any] = {}
    for k, v in sorted(schema.items()):
        if k in _NOISE:
            continue
        if k == "properties" and isinstance(v, dict):
            out[k] = {pk: _canonical(memo, pv, depth + 1) for pk, pv in sorted(v.items())}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = _canonical(memo, v, depth + 1)
        elif k in ("oneOf", "anyOf") and isinstance(v, list):
            out[k] = [_canonical(memo, b, depth + 1) for b in v]
        else:
            out[k] = v
    return out


def _canon_text(memo: _Memo, schema: Any) -> str:
    return json.dumps(_canonical(memo, schema), sort_keys=True, default=str)


# --- schemas ------------------------------------------------------------------------------

_LOWER = (("minimum", "exclusiveMinimum"),)
_UPPER = (("maximum", "exclusiveMaximum"),)
_MIN_COUNTS = ("minLength", "minItems", "minProperties")
_MAX_COUNTS = ("maxLength", "maxItems", "maxProperties")
# Formats a generated client parses into another type (datetime, UUID, bytes, int width).
_TYPED_FORMATS = {
    "date",
    "date-time",
    "time",
    "uuid",
    "binary",
    "byte",
    "int32",
    "int64",
    "float",
    "double",
}
_WIDER_FORMAT = {("int32", "int64"), ("float", "double"), ("int32", "double")}


def _bound(
    schema: dict[str, Any], plain: str, excl: str, *, integral: bool, upper: bool
) -> tuple[float, bool] | None:
    """A numeric bound as (value, exclusive), from OpenAPI 3.0 or 3.1 spelling. On integers
    it is the inclusive integer bound (`exclusiveMinimum: 0` and `minimum: 0.5` are
    `minimum: 1`): bounds admitting the same integers compare equal."""
    bound = _raw_bound(schema, plain, excl, upper)
    if bound is None or not integral:
        return bound
    value, exclusive = bound
    if upper:
        return float(math.ceil(value) - 1 if exclusive else math.floor(value)), False
    return float(math.floor(value) + 1 if exclusive else math.ceil(value)), False


def _raw_bound(
    schema: dict[str, Any], plain: str, excl: str, upper: bool
) -> tuple[float, bool] | None:
    ex, value = schema.get(excl), schema.get(plain)
    ex_n = float(ex) if isinstance(ex, (int, float)) and not isinstance(ex, bool) else None
    value_n = (
        float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    )
    if ex_n is not None:
        if value_n is not None:  # both given: the stricter one holds
            stricter = ex_n <= value_n if upper else ex_n >= value_n
            return (ex_n, True) if stricter else (value_n, False)
        return ex_n, True
    if value_n is not None:
        return value_n, ex is True
    return None


def _integral(types: frozenset[str]) -> bool:
    """Whether the only numbers a schema admits are integers (bounds then count integers)."""
    return types & {"integer", "number"} == {"integer"}


def _normal(schema: dict[str, Any]) -> dict[str, Any]:
    """One spelling where several admit the same values: a count bound of 0 (admits all) is
    dropped, and a choice of bare types (`oneOf: [{type: string}, {type: number}]`) is the
    type list. A `oneOf` of overlapping types (integer and number) is left alone: an integer
    matches two branches and so fails it."""
    out = {k: v for k, v in schema.items() if not (k in _MIN_COUNTS and v == 0)}
    kind = "oneOf" if "oneOf" in out else "anyOf"
    branches = out.get(kind)
    if not isinstance(branches, list) or not branches or "type" in out:
        return out
    types: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) - _NOISE != {"type"}:
            return out
        declared = branch["type"]
        for t in [declared] if isinstance(declared, str) else declared or []:
            if kind == "oneOf" and (t in types or {t, *types} >= {"integer", "number"}):
                return out
            types.append(str(t))
    del out[kind]
    out["type"] = sorted(set(types))
    return out


def _unwrap(schema: dict[str, Any], doc: dict[str, Any], memo: _Memo) -> dict[str, Any]:
    """A choice of one schema (and perhaps null) as that schema, null added to its types."""
    branches = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    parts = [memo.merged(x) for x in branches if isinstance(x, dict)]
    null = frozenset({"null"})
    rest = [p for p in parts if type_set(doc, p) != null]
    if len(rest) != 1 or len(parts) - len(rest) > 1:
        return schema
    out = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
    out.update(rest[0])
    types = type_set(doc, rest[0])
    if len(parts) > 1 and types:
        out["type"] = sorted(types | null)
    return out


def _enum_key(value: Any) -> str:
    """An enum value as it reads in JSON (`"draft"`, `1`), the cheap way for strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return json.dumps(value, sort_keys=True)


def _divides(small: Any, big: Any) -> bool:
    """Whether `big` is a whole multiple of `small` (every multiple of big is one of small)."""
    try:
        ratio = float(big) / float(small)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return abs(ratio - round(ratio)) < 1e-9


def _branch_tag(schema: dict[str, Any]) -> str:
    """A branch's identity when it has no `$ref`: its title, or its constant type property."""
    if schema.get("title"):
        return f"title:{schema['title']}"
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            values = prop.get("enum") if "const" not in prop else [prop["const"]]
            if isinstance(values, list) and len(values) == 1:
                return f"{name}={json_type(values[0])}:{values[0]}"
    return ""


def _value(value: Any) -> str:
    """A value as it reads in the spec (JSON), never as a Python repr."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}`"


def _names(values: list[Any]) -> str:
    """`a`, `b` (a list as a reader reads it, not as Python prints it)."""
    return ", ".join(f"`{v}`" for v in values)


def _change(what: str, old: Any, new: Any, show: Callable[[Any], str] = _value) -> str:
    """`maxItems added: 20`, `maxItems removed (was 20)`, `maxItems changed from 20 to 10`."""
    if old is None:
        return f"{what} added: {show(new)}"
    if new is None:
        return f"{what} removed (was {show(old)})"
    return f"{what} changed from {show(old)} to {show(new)}"


def _show_bound(bound: tuple[float, bool]) -> str:
    value = int(bound[0]) if bound[0].is_integer() else bound[0]
    return f"{value} (exclusive)" if bound[1] else str(value)
