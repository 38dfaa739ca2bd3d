"""One operation of the spec, with the responses every operation shares added for it."""

from __future__ import annotations

from typing import Any

from ixc.specbuild.nodes import Node, json_content

_RESPONSES = "#/components/responses/"
COMMON = {
    "401": {"$ref": _RESPONSES + "Unauthorized"},
    "429": {"$ref": _RESPONSES + "TooManyRequests"},
}
_PAGING = ("#/components/parameters/Page", "#/components/parameters/PerPage")


def _is_query(parameter: Node) -> bool:
    """Inline parameters are query ones; of the shared components only paging is."""
    return parameter.get("in") == "query" or parameter.get("$ref") in _PAGING


def _malformed(responses: dict[str, Node], *, has_body: bool, has_query: bool) -> Node:
    """What a malformed request gets: the operation's own 422 when it documents one, else 400
    (and 415 for a body that is not JSON); 413 for any body over the size limit."""
    out: Node = {}
    if has_body:
        out["413"] = {"$ref": _RESPONSES + "PayloadTooLarge"}
    if "422" not in responses and (has_body or has_query):
        out["400"] = {"$ref": _RESPONSES + "BadRequest"}
        if has_body:
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
    malformed = _malformed(
        responses,
        has_body=body is not None,
        has_query=any(_is_query(p) for p in parameters or []),
    )
    op["responses"] = dict(sorted({**responses, **COMMON, **malformed}.items()))
    op.update(extensions or {})
    return op
