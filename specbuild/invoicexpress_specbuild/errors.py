"""Error bodies: one schema per shape the API is known to send (surface §7), the responses
every operation shares, and the builders of an operation's own error responses."""

from __future__ import annotations

from typing import Any

from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import JSON, Node, array, json_content, obj, ref, string

MESSAGE_INVALID_API_KEY = say("invalid_api_key")  # surface §7
MESSAGE_DOCUMENT_NOT_FOUND = say("not_found", what="Document")  # surface §4.2


def shapes() -> dict[str, Node]:
    return {
        "ErrorsObject": obj(
            {"errors": obj({"error": string()}, ["error"])},
            ["errors"],
            description='`{"errors":{"error":"..."}}`: 401 everywhere, many 404 and 422.',
        ),
        "ErrorsList": obj(
            {
                "errors": array(
                    obj({"error": {"oneOf": [string(), array(string())]}}, ["error"]),
                    minItems=1,
                )
            },
            ["errors"],
            description='`{"errors":[{"error":"..."}]}`: document, item and treasury '
            "validation; change-state sometimes nests the message in a list. Recorded live "
            "also for 401 and client validation, so every 422 accepts it.",
        ),
        "ErrorsStrings": obj(
            {"errors": array(string(), minItems=1)},
            ["errors"],
            description='`{"errors":["Name can\'t be blank"]}`: client validation.',
        ),
        "BareArray": {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [string(), array(string())]},
            "description": 'A bare array such as `["fiscal_id","is invalid"]`: account '
            "update and payment validation; recorded live as a list of such pairs for a "
            'duplicate tax, `[["name","não está disponível."]]`.',
        },
        "ModelErrors": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": array(string(), minItems=1),
            "description": 'Rails model errors, `{"name":["is not available."]}`: taxes.',
        },
        "CodedError": obj(
            {
                "errors": obj(
                    {"code": string(pattern=r"^[0-9]{3}$"), "message": string()},
                    ["code", "message"],
                )
            },
            ["errors"],
            description='`{"errors":{"code":"006","message":"..."}}`: sequences.',
        ),
        "SimpleError": obj(
            {"error": string()}, ["error"], description='`{"error":"..."}`: QR codes.'
        ),
        "ReasonError": obj(
            {"reason": string()},
            ["reason"],
            description='`{"reason":"..."}`: duplicate `proprietary_uid`.',
        ),
        "MessageBody": obj(
            {"message": string()},
            ["message"],
            description='`{"message":"..."}`: SAF-T progress and errors.',
        ),
    }


# Error forms recorded from the live API that the vendor's pages do not show (issue 17: public
# VCR cassettes recorded against a live account in 2019). Each response keeps the documented
# shape first (the shape the sandbox answers in) and accepts the recorded ones besides.
LIVE_422_SHAPES = ("ErrorsList",)  # {"errors":[{"error":"Nome é um campo obrigatório"}]}
LIVE_422_EXTRA = {"createTax": ("BareArray",)}  # [["name","não está disponível."]]
NOT_FOUND_PAGE = (
    "The live API also answers 404 with an empty body, or with its HTML error page "
    "(`text/html`), for an unknown path or id."
)


def accept_shapes(response: Node, shapes: tuple[str, ...]) -> None:
    """Widen a JSON error response to `anyOf` its documented shape and `shapes`."""
    media = response.get("content", {}).get(JSON)
    if media is None:
        return
    schema = media["schema"]
    first = schema.get("anyOf", [schema])
    more = [ref(s) for s in shapes if ref(s) not in first]
    if more:
        media["schema"] = {"anyOf": [*first, *more]}


def apply_live_forms(paths: dict[str, Node], responses: dict[str, Node]) -> None:
    """Every 422 accepts the recorded list-of-objects shape (and createTax the pair list);
    every 404 may be an HTML page or empty (`x-may-be-empty`); 401 is either object or list."""
    for item in paths.values():
        for op in item.values():
            for status, response in op["responses"].items():
                if "$ref" in response:
                    continue
                if status == "422":
                    extra = LIVE_422_EXTRA.get(op["operationId"], ())
                    accept_shapes(response, (*LIVE_422_SHAPES, *extra))
                elif status == "404" and "text/html" not in response.get("content", {}):
                    response["description"] += " " + NOT_FOUND_PAGE
                    response["x-may-be-empty"] = True  # no body at all: no content type fits
                    response.setdefault("content", {})["text/html"] = {"schema": {"type": "string"}}
    accept_shapes(responses["Unauthorized"], ("ErrorsList",))


def errors_list(message: str) -> Node:
    return {"errors": [{"error": message}]}


def errors_object(message: str) -> Node:
    return {"errors": {"error": message}}


def coded(code: str, message: str) -> Node:
    return {"errors": {"code": code, "message": message}}


def error(description: str, shape: str, example: Any, messages: tuple[str, ...] = ()) -> Node:
    """An error response; `messages` is the documented 422 catalogue (`x-error-messages`)."""
    resp: Node = {"description": description, "content": json_content(ref(shape), example)}
    if messages:
        resp["x-error-messages"] = list(messages)
    return resp


def not_found(
    what: str = "document", shape: str = "ErrorsObject", message: str = MESSAGE_DOCUMENT_NOT_FOUND
) -> Node:
    example: Any
    if shape == "ErrorsObject":
        example = errors_object(message)
    elif shape == "ErrorsList":
        example = errors_list(message)
    elif shape == "CodedError":
        example = coded("006", message)
    else:
        example = {"error": message}
    return error(f"No {what} with that id in this account.", shape, example)


def _errors_object_response(description: str, message: str, **extra: Any) -> Node:
    return {
        "description": description,
        **extra,
        "content": {
            JSON: {
                "schema": ref("ErrorsObject"),
                "examples": {"sandbox": {"value": errors_object(message)}},
            }
        },
    }


def shared_responses() -> dict[str, Node]:
    """`components.responses`: what any operation may answer besides its own responses."""
    return {
        "Unauthorized": _errors_object_response(
            "The `api_key` is missing or wrong. Documented as an object; recorded live as "
            '`{"errors":[{"error":"Invalid API key"}]}`, so both are accepted.',
            MESSAGE_INVALID_API_KEY,
        ),
        "BadRequest": _errors_object_response(
            "The request is malformed: a query string that is not valid (a NUL byte), a query "
            "parameter out of range or of the wrong type, or a body that is not valid JSON "
            "(bad UTF-8, too deeply nested). Any request may get it: every request has a "
            "query string, since `api_key` travels in it.",
            "per_page must be a whole number from 1 to 100",
        ),
        "PayloadTooLarge": _errors_object_response(
            "The body is larger than the server accepts (the sandbox: 1 MB).",
            "Request body larger than 1048576 bytes",
        ),
        "UnsupportedMediaType": _errors_object_response(
            "The body is not sent as `application/json`.",
            say("email_content_type"),
        ),
        "TooManyRequests": _errors_object_response(
            "More than the account's requests per minute. Wait for "
            "`Retry-After` seconds (when sent) and retry.",
            "Too many requests, slow down.",
            headers={
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": {"type": "integer", "minimum": 0},
                }
            },
        ),
    }
