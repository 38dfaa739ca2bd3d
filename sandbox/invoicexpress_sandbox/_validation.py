"""Request bodies checked against the spec's request schemas, compiled once, on first use.

Schema errors are translated into the vendor's documented 422 messages (api-docs 002, listed
per operation as `x-error-messages` in the spec) so that a structural mistake and a rule
violation read the same way a client would see them from InvoiceXpress.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from invoicexpress_core.spec import Operation, Spec

from ._errors import ApiError, humanise, say


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
        self._compiled: Any = None

    @property
    def _validator(self) -> Any:
        """Compiled on the first body: compiling all 69 at start-up delayed the first answer.
        (Not a `cached_property`, whose lock costs every body more than the check of None.)"""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = jsonschema_rs.validator_for(
                self._schema, validate_formats=True
            )
        return compiled

    def normalise(self, body: Any) -> Any:
        """Move a body sent under an accepted alternative root key to the primary key."""
        if self.root_keys and isinstance(body, dict) and self.root_keys[0] not in body:
            for alt in self.root_keys[1:]:
                if alt in body:
                    body = dict(body)
                    body[self.root_keys[0]] = body.pop(alt)
                    break
        return body

    def check(self, body: Any, text: str | None = None) -> None:
        """Text first (what no schema keyword says), then the schema; the first error wins.

        `text`, the JSON the body was parsed from (strictly: no raw control characters in
        strings): without a backslash every character of the body's strings stands in it, so
        one search clears them all.
        """
        code = "001" if self.op.operation_id == "createSequence" else None
        if text is None or "\\" in text or _has_bad_char(text):
            self._check_text(body, code)
        if self._validator.is_valid(body):
            return
        for error in self._validator.iter_errors(body):
            message, field = translate(self.op, error, body)
            raise ApiError(422, message, field=field, code=code, reason=reason_of(error))

    def _check_text(self, body: Any, code: str | None) -> None:
        for path, cause in bad_text(body):
            leaf = next((str(p) for p in reversed(path) if isinstance(p, str)), "body")
            raise ApiError(
                422,
                say("not_allowed_characters", what=humanise(leaf)),
                field=leaf,
                code=code,
                reason=f"{pointer(path)}: {cause}",
            )


# C0 controls but tab, LF and CR; DEL and C1; lone surrogates; the XML non-characters. None can
# be written into SAF-T (XML 1.0) and a lone surrogate cannot even be encoded as UTF-8.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _has_bad_char(text: str) -> bool:
    """`_BAD_CHAR` in the text of a parsed JSON body. Such text holds no raw C0 control but
    tab, LF and CR (JSON allows none in a string, and no other outside one), so ASCII text
    can only hold DEL: one search instead of a scan with the class."""
    return "\x7f" in text if text.isascii() else _BAD_CHAR.search(text) is not None


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
        return say("too_long", what=humanise(leaf or "body"), limit=limit), leaf
    if op_id.startswith(("create", "update")) and family and "Field" not in op_id:
        return _document_message(names, leaf, kind, value, missing, error)
    if op_id.startswith("change") or op_id == "cancelReceipt":
        if leaf == "message":
            return say("cancel_message_required"), "message"
        return say("invalid_state"), "state"
    if op_id.startswith("email"):
        if leaf in ("cc", "bcc"):
            return say("address_invalid", what=leaf.capitalize()), leaf
        if missing in ("client", "email", "message"):
            return say("email_required"), "email"
        return say("address_invalid", what="Email"), "email"
    found = _resource_message(op_id, names, leaf, missing, value) or _money_message(
        op_id, leaf, missing
    )
    if found is not None:
        return found
    if kind == "additionalProperties":
        unexpected = list(getattr(error.kind, "unexpected", []) or [])
        return say("unknown_field", fields=", ".join(map(str, unexpected))), "base"
    if missing:
        return say("blank", what=humanise(missing)), missing
    return say("invalid", what=humanise(leaf or "body")), leaf or "base"


def _resource_message(
    op_id: str, names: list[str], leaf: str, missing: str, value: Any
) -> tuple[str, str] | None:
    """Clients, items, taxes and accounts: their documented wording per field."""
    if op_id in ("createClient", "updateClient"):
        if "preferred_contact" in names:
            if leaf == "email":
                return say("contact_email_invalid"), "preferred_contact"
            return say("client_contact_invalid"), "preferred_contact"
        if leaf == "send_options":
            text = str(value)
            if isinstance(value, str) and text.isdigit():
                return say("send_options_out_of_range"), leaf
            return say("not_a_number", what="Send options"), leaf
        if leaf == "country":
            return say("country_not_found", value=value), leaf
        if leaf == "name":
            return say("blank", what="Name"), leaf
        if leaf == "email":
            return say("email_not_an_email_address"), leaf
    if op_id in ("createItem", "updateItem"):
        if leaf == "unit_price":
            return say("blank" if missing else "not_a_number", what="Unit price"), leaf
        if leaf == "unit":
            return say("unit_not_accepted", value=value), leaf
        if leaf == "name":
            return say("blank", what="Name"), leaf
    if op_id in ("createTax", "updateTax"):
        if leaf == "value":
            if missing:
                return say("blank", what="Value"), "value"
            return say("tax_value_out_of_range"), "value"
        if leaf == "region":
            return say("tax_region_empty" if missing else "tax_region_invalid"), "base"
        if leaf == "name":
            return say("blank", what="Name"), "name"
    if op_id.startswith(("createAccount", "updateAccount")):
        if leaf == "terms":
            return say("terms_not_accepted"), leaf
        if leaf == "email":
            return say("email_invalid"), leaf
        if leaf == "postal_code":
            return say("postal_code_format"), leaf
    return None


def _money_message(op_id: str, leaf: str, missing: str) -> tuple[str, str] | None:
    """Payments, treasury, sequences and AT communication: their wording per field."""
    if op_id == "createPartialPayment":
        if leaf == "payment_mechanism":
            return say("payment_mechanism_invalid"), leaf
        if leaf == "amount":
            return say("not_a_number", what="Amount"), leaf
        if leaf == "payment_date":
            return say("not_valid", what="Payment date"), leaf
    if op_id in ("updateClientInitialBalance", "createClientRegularization"):
        if leaf == "date":
            return say("blank" if missing else "not_valid", what="Date"), leaf
        if leaf == "value":
            return say("not_a_number", what="Value"), leaf
    if op_id == "createClientTreasuryMovement":
        if leaf == "date":
            return say("blank" if missing else "not_valid", what="Date"), leaf
        what = humanise(leaf or "value")
        detail = say("not_a_number" if leaf in ("", "value") else "invalid", what=what)
        return say("validation_failed", detail=detail), leaf
    if op_id == "createSequence":
        return say("sequence_name_invalid"), "serie"
    if op_id == "configureAtCommunication":
        if leaf == "at_subuser":
            return say("at_subuser_size"), leaf
        return say("at_field_invalid", what=leaf or "at_communication"), leaf
    return None


def _document_message(
    names: list[str], leaf: str, kind: str, value: Any, missing: str, error: Any
) -> tuple[str, str]:
    inner = names[1:]  # below the root key
    if not inner and missing in ("", "client") and missing != "items":
        if missing == "client":
            return say("element_missing", root="client"), "client"
        if missing in ("date", "due_date"):
            return say("not_valid", what="Date"), missing
        if kind == "additionalProperties":
            if "mb_reference" in [str(u) for u in getattr(error.kind, "unexpected", [])]:
                return say("mb_reference_unavailable"), "mb_reference"
            return say("invoice_items_invalid"), "base"
        if not names:
            return say("element_missing", root="client"), "client"
    if leaf == "items" and not inner[1:]:
        if kind == "minItems" or missing == "items":
            return say("at_least_one_item"), "items"
        return say("items_not_array"), "items"
    if inner[:1] == ["client"]:
        if leaf == "country":
            return say("country_not_found", value=value), "country"
        if leaf == "email":
            return say("email_not_an_email_address"), "email"
        return say("client_invalid"), "client"
    if inner[:1] == ["items"]:
        if leaf == "unit_price":
            return say("unit_price_must_be_number"), leaf
        if leaf == "quantity":
            return say("quantity_not_positive"), leaf
        if leaf == "discount":
            return say("not_a_number", what="Discount"), leaf
        if leaf == "unit":
            return say("unit_not_accepted", value=value), leaf
        return say("invoice_items_invalid"), "items"
    if leaf == "retention":
        return say("retention_out_of_range"), leaf
    if leaf in ("date", "due_date", "loaded_at"):
        return say("not_valid", what="Date"), leaf
    if leaf == "global_discount" or "global_discount" in inner:
        return say("not_a_number", what="Discount"), "global_discount"
    if inner[:1] in (["address_from"], ["address_to"]):
        if leaf == "country":
            return say("country_not_found", value=value), "country"
        return say("client_invalid"), inner[0]
    if leaf == "mb_reference":
        return say("mb_reference_unavailable"), leaf
    if missing == "client" or leaf == "client":
        if missing:
            return say("element_missing", root="client"), "client"
        return say("client_invalid"), "client"
    if "items" in inner:
        return say("invoice_items_invalid"), leaf or "base"
    return say("invalid", what=humanise(leaf)), leaf or "base"
