"""The spec's operations as the emitters read them, and their Python signatures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Operation:
    op_id: str
    method: str
    path: str
    op: dict[str, Any]
    params: list[dict[str, Any]]


def operations(spec: dict[str, Any]) -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    comps = spec["components"].get("parameters", {})
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            params = [
                comps[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                for p in [*shared, *op.get("parameters", [])]
            ]
            found[op["operationId"]] = Operation(op["operationId"], method, path, op, params)
    return found


def _media_schema(obj: dict[str, Any]) -> dict[str, Any] | None:
    content = obj.get("content", {})
    media = content.get("application/json")
    if media is None:
        return None
    schema: dict[str, Any] | None = media.get("schema")
    return schema


@dataclass
class Signature:
    """A namespace method's parameters and what it sends."""

    positional: list[str] = field(default_factory=list)
    keyword: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    query: list[str] = field(default_factory=list)  # '"wire name": python_name'
    body: str = "None"
    filters: str | None = None  # the TypedDict of a list's filters
    paged: bool = False


def _params(positional: list[str], keyword: list[str], rest: list[str] | None = None) -> str:
    tail = [*keyword, *(rest or [])]
    return ", ".join(["self", *positional, *(["*", *tail] if tail else [])])


def _digits_only(pattern: str) -> bool:
    """A string parameter whose pattern admits only digits (SAF-T `month`, `year`): an int."""
    return bool(pattern) and set(pattern) <= set("^$()?|[]{}0123456789-")
