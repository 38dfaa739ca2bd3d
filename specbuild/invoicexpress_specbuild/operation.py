"""One operation of the spec, with the responses every operation shares added for it."""

from __future__ import annotations

from typing import Any

from invoicexpress_specbuild.nodes import Node, json_content

_RESPONSES = "#/components/responses/"
# Any request can be refused for its key, its rate or its query string (every request has one:
# `api_key` travels in it), so every operation documents 400, 401 and 429.
COMMON = {
    "400": {"$ref": _RESPONSES + "BadRequest"},
    "401": {"$ref": _RESPONSES + "Unauthorized"},
    "429": {"$ref": _RESPONSES + "TooManyRequests"},
}


def _malformed(responses: dict[str, Node], *, has_body: bool) -> Node:
    """What a malformed body gets: the operation's own 422 when it documents one, else 400
    (COMMON) and 415 for a body that is not JSON; 413 for any body over the size limit."""
    out: Node = {}
    if has_body:
        out["413"] = {"$ref": _RESPONSES + "PayloadTooLarge"}
        if "422" not in responses:
            out["415"] = {"$ref": _RESPONSES + "UnsupportedMediaType"}
    return out


def operation(
    op_id: str,
    summary: str,
    tag: str,
    description: str,
    responses: dict[str, Node],
    *,
    parameters: list[Node] | None = None,
    body: Node | None = None,
    body_example: Any = None,
    body_required: bool = True,
    extensions: Node | None = None,
) -> Node:
    op: Node = {"operationId": op_id, "summary": summary, "description": description, "tags": [tag]}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": json_content(body, body_example)}
    malformed = _malformed(responses, has_body=body is not None)
    op["responses"] = dict(sorted({**responses, **COMMON, **malformed}.items()))
    op.update(extensions or {})
    return op
