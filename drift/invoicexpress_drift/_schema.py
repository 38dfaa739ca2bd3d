"""Small JSON Schema helpers that both reports share: `$ref` resolution, `allOf` merging, types.

Both reports compare *meaning*, so a schema is always looked at through its references and
with `allOf` parts merged; two specs that say the same thing through different `$ref`s compare
equal.
"""

from __future__ import annotations

from typing import Any

JSON_TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")


def resolve(document: dict[str, Any], node: Any, *, limit: int = 32) -> Any:
    """Follow local `$ref`s until a node without one (sibling keys of a `$ref` are merged)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return {k: v for k, v in node.items() if k != "$ref"}
        target: Any = document
        try:
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, TypeError, IndexError):
            return {}
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **siblings} if siblings and isinstance(target, dict) else target
        seen += 1
        if seen > limit:
            return {}
    return node


def merged(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """The schema resolved, with `allOf` parts folded into one object schema."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return {}
    if "allOf" not in schema:
        return schema
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(out.get("properties") or {})
    required: list[str] = list(out.get("required") or [])
    for part in schema["allOf"]:
        sub = merged(document, part)
        props.update(sub.get("properties") or {})
        required.extend(r for r in sub.get("required") or [] if r not in required)
        for key, value in sub.items():
            if key in ("properties", "required"):
                continue
            if key in out and key in _STRICTER and _is_number(value) and _is_number(out[key]):
                out[key] = _STRICTER[key](out[key], value)  # every part must hold: the stricter
            else:
                out.setdefault(key, value)
    if props:
        out["properties"] = props
    if required:
        out["required"] = required
    return out


_STRICTER = {
    **dict.fromkeys(("minimum", "minLength", "minItems", "minProperties"), max),
    **dict.fromkeys(("maximum", "maxLength", "maxItems", "maxProperties"), min),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def alternatives(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The branches of a `oneOf`/`anyOf`, resolved (empty when there are none)."""
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    return [merged(document, b) for b in branches if isinstance(b, dict)]


def type_set(document: dict[str, Any], schema: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema admits; empty means "anything"."""
    declared = schema.get("type")
    types: set[str] = set()
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(str(t) for t in declared)
    if schema.get("nullable") is True:
        types.add("null")
    branches = alternatives(document, schema)
    if branches and not declared:
        for branch in branches:
            sub = type_set(document, branch)
            if not sub:
                return frozenset()
            types.update(sub)
    if not types and "const" in schema:
        types.add(json_type(schema["const"]))
    if not types and isinstance(schema.get("enum"), list):
        types.update(json_type(v) for v in schema["enum"])
    if not types and "properties" in schema:
        types.add("object")
    if not types and "items" in schema:
        types.add("array")
    if "number" in types:  # every integer is a number: `[integer, number]` is `number`
        types.discard("integer")
    return frozenset(types)


def admits(types: frozenset[str], other: frozenset[str]) -> bool:
    """Whether every type in `other` is admitted by `types` (integer counts as a number)."""
    if not types:
        return True
    if not other:
        return False
    return all(t in types or (t == "integer" and "number" in types) for t in other)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def describe_types(types: frozenset[str]) -> str:
    return "|".join(sorted(types)) if types else "any"
