"""Errors raised by the domain and turned into the body shapes the spec names.

The domain says *what* went wrong (status, message, optional field/code); the HTTP layer picks
the body *shape* from the operation's response in the spec (`ErrorsObject`, `ErrorsList`,
`BareArray`, ...), so one rule serves every operation.
"""

from __future__ import annotations

from typing import Any

from invoicexpress_core.spec import load_spec

SHAPES = (
    "ErrorsObject",
    "ErrorsList",
    "ErrorsStrings",
    "BareArray",
    "ModelErrors",
    "CodedError",
    "SimpleError",
    "ReasonError",
    "MessageBody",
)


class ApiError(Exception):
    """A 4xx (or a quirk's 5xx) answer; raising it rolls the request's transaction back."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        shape: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.code = code
        self.shape = shape
        self.body = body
        self.headers = headers or {}
        # For the developer only (`X-Sandbox-Reason`, `/_sandbox/calls`, `--log`):
        # `<json-pointer>: <cause>`; the API's body keeps the vendor's wording.
        self.reason = reason or f"{'/' + field if field and field != 'base' else ''}: {message}"
        self.reason_given = reason is not None
        self.generic = False  # a generic 404 the operation's documented wording replaces

    def within(self, root: str) -> None:
        """A rule's field named inside the request's root object (`/date` -> `/invoice/date`)."""
        if not self.reason_given and self.field and self.field != "base":
            self.reason = f"/{root}{self.reason}"


def humanise(name: str) -> str:
    """`due_date` -> `Due date`: how the API names a field in its messages."""
    return name.replace("_", " ").capitalize()


def say(key: str, **values: object) -> str:
    """The wording of message `key`: the spec's `x-error-catalogue`, read by the core."""
    return load_spec().message(key, **values)


def invalid(
    key: str, *, field: str | None = None, code: str | None = None, **values: object
) -> ApiError:
    """A 422 for the rule whose message is `key` (placeholders from `values`)."""
    return ApiError(422, say(key, **values), field=field, code=code)


def not_found(what: str = "Document") -> ApiError:
    """`<what> not found`; an operation that documents its own 404 wording answers with that."""
    err = ApiError(404, say("not_found", what=what))
    err.generic = True
    return err


def render(shape: str, err: ApiError) -> Any:
    """The body of `err` in the named shape (the canonical examples of CONVENTIONS.md)."""
    msg = err.message
    if shape == "ErrorsObject":
        return {"errors": {"error": msg}}
    if shape == "ErrorsList":
        return {"errors": [{"error": msg}]}
    if shape == "ErrorsStrings":
        return {"errors": [msg]}
    if shape == "BareArray":
        return [err.field or "base", _strip_field(msg, err.field)]
    if shape == "ModelErrors":
        return {err.field or "base": [msg]}
    if shape == "CodedError":
        return {"errors": {"code": err.code or "000", "message": msg}}
    if shape == "SimpleError":
        return {"error": msg}
    if shape == "ReasonError":
        return {"reason": msg}
    if shape == "MessageBody":
        return {"message": msg}
    return {"errors": {"error": msg}}


def _strip_field(message: str, field: str | None) -> str:
    """`payment_mechanism is invalid` -> `is invalid`: a bare array reads `[field, rest]`."""
    if field and message.startswith(field + " "):
        return message[len(field) + 1 :]
    return message
