"""Request bodies checked against the spec's request schemas, compiled once, on first use.

Schema errors are translated into the vendor's documented 422 messages (api-docs 002, listed
per operation as `x-error-messages` in the spec) so that a structural mistake and a rule
violation read the same way a client would see them from InvoiceXpress.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from invoicexpress_core.spec import Operation, Spec

from ._errors import ApiError


class BodyValidator:
    """One compiled validator plus the root keys the API also accepts."""

    def __init__(self, spec: Spec, op: Operation) -> None:
        content = spec.resolve(op.raw.get("requestBody") or {}).get("content") or {}
        media = content.get("application/json") or {}
        schema = media.get("schema") or {}
        resolved = spec.resolve(schema)
        self.required = bool(spec.resolve(op.raw.get("requestBody") or {}).get("required"))
        self.root_keys: list[str] = [str(k) for k in resolved.get("x-accepted-root-keys", [])]
        wrapper = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": spec.document.get("components", {}),
            **schema,
        }
        self._schema = wrapper
        self.op = op

    @functools.cached_property
    def _validator(self) -> Any:
        """Compiled on the first body: compiling all 69 at start-up delayed the first answer."""
        return jsonschema_rs.validator_for(self._schema, validate_formats=True)

    def normalise(self, body: Any) -> Any:
        """Move a body sent under an accepted alternative root key to the primary key."""
        if self.root_keys and isinstance(body, dict) and self.root_keys[0] not in body:
            for alt in self.root_keys[1:]:
                if alt in body:
                    body = dict(body)
                    body[self.root_keys[0]] = body.pop(alt)
                    break
        return body

    def check(self, body: Any) -> None:
        """Text first (what no schema keyword says), then the schema; the first error wins."""
        code = "001" if self.op.operation_id == "createSequence" else None
        for path, cause in bad_text(body):
            leaf = next((str(p) for p in reversed(path) if isinstance(p, str)), "body")
            raise ApiError(
                422,
                f"{_humanise(leaf)} contains characters that are not allowed",
                field=leaf,
                code=code,
                reason=f"{pointer(path)}: {cause}",
            )
        for error in self._validator.iter_errors(body):
            message, field = translate(self.op, error, body)
            raise ApiError(422, message, field=field, code=code, reason=reason_of(error))


# C0 controls but tab, LF and CR; DEL and C1; lone surrogates; the XML non-characters. None can
# be written into SAF-T (XML 1.0) and a lone surrogate cannot even be encoded as UTF-8.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def bad_text(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, cause) of every key or string value holding a character the API cannot store."""
    if isinstance(node, str):
        found = _BAD_CHAR.search(node)
        if found:
            char = ord(found.group())
            kind = "lone surrogate" if 0xD800 <= char <= 0xDFFF else "control character"
            yield path, f"{kind} U+{char:04X} at offset {found.start()}"
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from bad_text(key, (*path, key))
            yield from bad_text(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from bad_text(value, (*path, i))


def pointer(path: Any) -> str:
    """A JSON pointer (RFC 6901) for a path of keys and indexes; `` is the whole body."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def reason_of(error: Any) -> str:
    """`<json-pointer>: <cause>` for a schema error (the developer's view of a 422)."""
    path = list(error.instance_path)
    kind = error.kind.name
    if kind == "required":
        return f"{pointer([*path, error.kind.property])}: required"
    if kind == "additionalProperties":
        unexpected = [str(u) for u in getattr(error.kind, "unexpected", []) or []]
        return f"{pointer([*path, unexpected[0] if unexpected else ''])}: unknown field"
    if kind == "maxLength":
        return f"{pointer(path)}: longer than {error.kind.limit} characters"
    message = str(error.message)
    return f"{pointer(path)}: {message if len(message) <= 200 else message[:197] + '...'}"


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def translate(op: Operation, error: Any, body: Any) -> tuple[str, str]:
    """The documented message for a schema error, and the field it concerns."""
    path = list(error.instance_path)
    kind = error.kind.name
    missing = str(getattr(error.kind, "property", "") or "") if kind == "required" else ""
    names = [str(p) for p in path if isinstance(p, str)]
    leaf = missing or (names[-1] if names else "")
    value = error.instance
    op_id = op.operation_id
    family = op.family or ""
    if kind == "maxLength":  # the Rails wording InvoiceXpress uses for its length limits
        limit = error.kind.limit
        return f"{_humanise(leaf or 'body')} is too long (maximum is {limit} characters)", leaf
    if op_id.startswith(("create", "update")) and family and "Field" not in op_id:
        return _document_message(names, leaf, kind, value, missing, error)
    if op_id.startswith("change") or op_id == "cancelReceipt":
        if leaf == "message":
            return "Cancel message can't be blank", "message"
        return "Invalid state", "state"
    if op_id.startswith("email"):
        if leaf in ("cc", "bcc"):
            return f"{leaf.capitalize()}: is an invalid email", leaf
        if missing in ("client", "email", "message"):
            return "Email is a required field", "email"
        return "Email: is an invalid email", "email"
    if op_id in ("createClient", "updateClient"):
        if "preferred_contact" in names:
            if leaf == "email":
                return "Preferred contact: email must be an email", "preferred_contact"
            return "Client contact is invalid", "preferred_contact"
        if leaf == "send_options":
            text = str(value)
            if isinstance(value, str) and text.isdigit():
                return "Send options must be within 1 and 3", leaf
            return "Send options is not a number", leaf
        if leaf == "country":
            return f"Country {value} was not found", leaf
        if leaf == "name":
            return "Name can't be blank", leaf
        if leaf == "email":
            return "Email must be an email address", leaf
    if op_id in ("createItem", "updateItem"):
        if leaf == "unit_price":
            return ("Unit price can't be blank" if missing else "Unit price is not a number"), leaf
        if leaf == "unit":
            return f"Unit {value} is not included in the list of accepted units", leaf
        if leaf == "name":
            return "Name can't be blank", leaf
    if op_id in ("createTax", "updateTax"):
        if leaf == "value":
            if missing:
                return "Value can't be blank", "value"
            return "Value must be a number between 0 and 99.99", "value"
        if leaf == "region":
            return ("Tax region is empty" if missing else "Tax region is not valid"), "base"
        if leaf == "name":
            return "Name can't be blank", "name"
    if op_id.startswith(("createAccount", "updateAccount")):
        if leaf == "terms":
            return "Terms and Conditions must be accepted", leaf
        if leaf == "email":
            return "Email is invalid", leaf
        if leaf == "postal_code":
            return "Postal Code must have the following format DDDD-DDD", leaf
    if op_id == "createPartialPayment":
        if leaf == "payment_mechanism":
            return "payment_mechanism is invalid", leaf
        if leaf == "amount":
            return "Amount is not a number", leaf
        if leaf == "payment_date":
            return "Payment date is not valid", leaf
    if op_id in ("updateClientInitialBalance", "createClientRegularization"):
        if leaf == "date":
            return ("Date can't be blank" if missing else "Date is not valid"), leaf
        if leaf == "value":
            return "Value is not a number", leaf
    if op_id == "createClientTreasuryMovement":
        if leaf == "date":
            return ("Date can't be blank" if missing else "Date is not valid"), leaf
        return f"Validation failed: {_humanise(leaf or 'value')} is not a number" if leaf in (
            "",
            "value",
        ) else f"Validation failed: {_humanise(leaf)} is invalid", leaf
    if op_id == "createSequence":
        return "The sequence name is invalid", "serie"
    if op_id == "configureAtCommunication":
        if leaf == "at_subuser":
            return "The field at_subuser has an incorrect size", leaf
        return f"The field {leaf or 'at_communication'} is invalid", leaf
    if kind == "additionalProperties":
        unexpected = list(getattr(error.kind, "unexpected", []) or [])
        return f"Unknown field: {', '.join(map(str, unexpected))}", "base"
    if missing:
        return f"{_humanise(missing)} can't be blank", missing
    return f"{_humanise(leaf or 'body')} is invalid", leaf or "base"


def _document_message(
    names: list[str], leaf: str, kind: str, value: Any, missing: str, error: Any
) -> tuple[str, str]:
    inner = names[1:]  # below the root key
    if not inner and missing in ("", "client") and missing != "items":
        if missing == "client":
            return "Elemento client não fornecido", "client"
        if missing in ("date", "due_date"):
            return "Date is not valid", missing
        if kind == "additionalProperties":
            if "mb_reference" in [str(u) for u in getattr(error.kind, "unexpected", [])]:
                return (
                    "Option to generate MB reference is set but no payment provider is configurated"
                ), "mb_reference"
            return "Invoice items is invalid", "base"
        if not names:
            return "Elemento client não fornecido", "client"
    if leaf == "items" and not inner[1:]:
        if kind == "minItems" or missing == "items":
            return "Document should have at least one item", "items"
        return "Items element should be of type array", "items"
    if inner[:1] == ["client"]:
        if leaf == "country":
            return f"Country {value} was not found", "country"
        if leaf == "email":
            return "Email must be an email address", "email"
        return "Client is invalid", "client"
    if inner[:1] == ["items"]:
        if leaf == "unit_price":
            return "Unit price must be a number", leaf
        if leaf == "quantity":
            return "Quantity must be a number greater than 0", leaf
        if leaf == "discount":
            return "Discount is not a number", leaf
        if leaf == "unit":
            return f"Unit {value} is not included in the list of accepted units", leaf
        return "Invoice items is invalid", "items"
    if leaf == "retention":
        return "Retention must be a number between 0 and 99.99", leaf
    if leaf in ("date", "due_date", "loaded_at"):
        return "Date is not valid", leaf
    if leaf == "global_discount" or "global_discount" in inner:
        return "Discount is not a number", "global_discount"
    if inner[:1] in (["address_from"], ["address_to"]):
        if leaf == "country":
            return f"Country {value} was not found", "country"
        return "Client is invalid", inner[0]
    if leaf == "mb_reference":
        return (
            "Option to generate MB reference is set but no payment provider is configurated"
        ), leaf
    if missing == "client" or leaf == "client":
        return ("Elemento client não fornecido" if missing else "Client is invalid"), "client"
    return "Invoice items is invalid" if "items" in inner else f"{_humanise(leaf)} is invalid", (
        leaf or "base"
    )
