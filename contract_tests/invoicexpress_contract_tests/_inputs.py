"""What a request to an operation can carry, read from the spec: shared by the tests that send
it and by the plan, which values a test by the inputs it is the first to judge."""

from __future__ import annotations

from typing import Any

from invoicexpress_core.spec import Operation, Spec

Filter = tuple[str, tuple[str, ...], tuple[str, ...]]  # (in, path, enum values)


def properties(spec: Spec, schema: Any) -> dict[str, Any]:
    """The properties of an object schema, its `allOf`/`oneOf`/`anyOf` parts merged in."""
    schema = spec.resolve(schema)
    out = {k: spec.resolve(v) for k, v in (schema.get("properties") or {}).items()}
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or []:
            out.update(properties(spec, part))
    return out


def array_filters(spec: Spec, op: Operation) -> list[Filter]:
    """The filters of a list operation that take a list of values: array query parameters
    (`status[]`...) and arrays of the body's filter object (listClientInvoices)."""
    out: list[Filter] = []
    for raw in op.raw.get("parameters", []):
        param = spec.resolve(raw)
        schema = spec.resolve(param.get("schema") or {})
        if param.get("in") == "query" and schema.get("type") == "array":
            values = spec.resolve(schema.get("items") or {}).get("enum") or []
            out.append(("query", (param["name"],), tuple(map(str, values))))
    pointer = spec.request_schema_pointer(op)

    def walk(schema: Any, at: tuple[str, ...]) -> None:
        for name, sub in properties(spec, schema).items():
            if sub.get("type") == "array":
                values = spec.resolve(sub.get("items") or {}).get("enum") or []
                out.append(("body", (*at, name), tuple(map(str, values))))
            elif properties(spec, sub):
                walk(sub, (*at, name))

    if pointer is not None:
        walk(spec.pointer("#" + pointer), ())
    return out


def root_key(spec: Spec, op: Operation) -> str | None:
    """The primary root key of a request body (first of `x-accepted-root-keys`, else the only
    required property)."""
    pointer = spec.request_schema_pointer(op)
    if pointer is None:
        return None
    schema = spec.resolve(spec.pointer("#" + pointer))
    keys = schema.get("x-accepted-root-keys")
    if keys:
        return str(keys[0])
    required = schema.get("required") or []
    return str(required[0]) if len(required) == 1 else None


def request_root(spec: Spec, op: Operation) -> dict[str, Any]:
    """The properties of the object under the request body's root key (empty if none)."""
    pointer = spec.request_schema_pointer(op)
    key = root_key(spec, op)
    if pointer is None or key is None:
        return {}
    inner = properties(spec, spec.pointer("#" + pointer)).get(key)
    return properties(spec, inner) if inner else {}
