"""Builders for the spec's nodes: JSON Schema pieces and the parts of an operation.

Every area module writes its schemas and operations with these, so a node has one shape
wherever it appears.
"""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]
JSON = "application/json"


# --- schemas ----------------------------------------------------------------------------------


def ref(name: str) -> Node:
    return {"$ref": f"#/components/schemas/{name}"}


def or_unset(schema: Node, description: str | None = None) -> Node:
    """`schema`, or `""` for unset: a production client marshals every unset optional of a
    request as `""` (tim-online/go-invoicexpress; fact `document-empty-optionals`)."""
    out: Node = {"anyOf": [schema, ref("Unset")]}
    if description:
        out["description"] = description
    return out


def obj(
    properties: dict[str, Node],
    required: list[str] | tuple[str, ...] = (),
    *,
    description: str | None = None,
    closed: bool = False,
    ignored: tuple[str, ...] = (),
) -> Node:
    """An object schema. `closed` (requests only) rejects unknown fields. `ignored` names
    read-only fields a request may echo from a GET: accepted with any value and ignored, kept
    out of `properties` so typed request models do not offer them (`x-ignored-fields`)."""
    out: Node = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = properties
    if required:
        out["required"] = list(required)
    if ignored:
        out["patternProperties"] = {
            "^(" + "|".join(ignored) + ")$": {
                "description": "Read-only: accepted and ignored (echoed from a GET)."
            }
        }
        out["x-ignored-fields"] = list(ignored)
    if closed:
        out["additionalProperties"] = False
    return out


def string(description: str | None = None, **extra: Any) -> Node:
    out: Node = {"type": "string"}
    if description:
        out["description"] = description
    out.update(extra)
    return out


def nullable_string(description: str | None = None) -> Node:
    out: Node = {"type": ["string", "null"]}
    if description:
        out["description"] = description
    return out


def array(items: Node, **extra: Any) -> Node:
    return {"type": "array", "items": items, **extra}


def enum(values: tuple[str, ...] | list[str], description: str | None = None) -> Node:
    out: Node = {"type": "string", "enum": list(values)}
    if description:
        out["description"] = description
    return out


def wrap(key: str, inner: Node) -> Node:
    """A request body `{<key>: inner}` and nothing else."""
    return obj({key: inner}, [key], closed=True)


def nullable(schema: Node) -> Node:
    return {"oneOf": [schema, {"type": "null"}]}


# --- operations -------------------------------------------------------------------------------


def json_content(schema: Node, example: Any = None) -> Node:
    content: Node = {"schema": schema}
    if example is not None:
        content["examples"] = {"sandbox": {"summary": "As the sandbox answers", "value": example}}
    return {JSON: content}


def ok(description: str, schema: Node, example: Any) -> Node:
    return {"description": description, "content": json_content(schema, example)}


def empty(description: str) -> Node:
    return {"description": description + " The body is empty."}


def param(name: str) -> Node:
    return {"$ref": f"#/components/parameters/{name}"}


def query(
    name: str,
    schema: Node,
    description: str,
    *,
    required: bool = False,
    explode: bool | None = None,
) -> Node:
    p: Node = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if explode is not None:
        p["style"] = "form"
        p["explode"] = explode
    return p


def links(parameters: dict[str, str], *operation_ids: str) -> Node:
    """OpenAPI links to `operation_ids`, each named after its operation and fed `parameters`."""
    return {
        op_id[0].upper() + op_id[1:]: {"operationId": op_id, "parameters": dict(parameters)}
        for op_id in operation_ids
    }
