"""Minimal bad requests, one per documented 422 message (x-error-messages).

A recipe takes the operation's own documented example request and breaks exactly one thing.
Which messages exist, and on which operations, is read from the spec; a message with no
recipe here shows up as "missing" in the run summary instead of being silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from invoicexpress_core.calendar import shift_date_text

Body = dict[str, Any]
Recipe = Callable[[Body, str], None]  # mutates the example body; str = its root key


def _root(body: Body, key: str) -> Body:
    value: Body = body[key]
    return value


def _item(body: Body, key: str) -> Body:
    items = _root(body, key).setdefault("items", [{}])
    first: Body = items[0]
    return first


def _set(path: str, value: Any) -> Recipe:
    def apply(body: Body, key: str) -> None:
        node = _root(body, key)
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    return apply


def _item_set(field: str, value: Any) -> Recipe:
    def apply(body: Body, key: str) -> None:
        _item(body, key)[field] = value

    return apply


def _drop(field: str) -> Recipe:
    def apply(body: Body, key: str) -> None:
        _root(body, key).pop(field, None)

    return apply


def _item_drop(field: str) -> Recipe:
    def apply(body: Body, key: str) -> None:
        _item(body, key).pop(field, None)

    return apply


def _due_before_date(body: Body, key: str) -> None:
    """The example's own date (already the server's today) with a due date nine days earlier."""
    root = _root(body, key)
    root["due_date"] = shift_date_text(root["date"], -9)


def _date_with_dashes(body: Body, key: str) -> None:
    """The example's own date (already the server's today) written dd-mm-yyyy: a form the API
    does not read."""
    root = _root(body, key)
    root["date"] = root["date"].replace("/", "-")


_fresh = iter(range(1, 10**9))


def _new_client(field: str, value: Any) -> Recipe:
    """A client field is only read when the name is new ("when the name exists, the other
    fields are ignored"), so the recipe names a new client too."""

    def apply(body: Body, key: str) -> None:
        client = _root(body, key).setdefault("client", {})
        n = next(_fresh)
        client["name"] = f"ixc-contract-recipe-client-{n}"
        client["code"] = f"ixc-recipe-{n}"
        client[field] = value

    return apply


# Document create/update (every family).
DOCUMENT: dict[str, Recipe] = {
    "Items element should be of type array": _set("items", {"name": "x"}),
    "Country Germani was not found": _new_client("country", "Germani"),
    "Retention must be a number between 0 and 99.99": _set("retention", "150"),
    "Invoice items is invalid": _item_drop("name"),
    "Client is invalid": _set("client", "not-an-object"),
    "Owner invoice is invalid": _set("owner_invoice_id", 999999999),
    "Due date must be later than date": _due_before_date,
    "Email must be an email address": _new_client("email", "not-an-email"),
    "Discount is not a number": _item_set("discount", "ten"),
    "Quantity must be a number greater than 0": _item_set("quantity", "0"),
    "Unit price must be a number": _item_set("unit_price", "abc"),
    "Unit kg is not included in the list of accepted units": _item_set("unit", "kg"),
    "Option to generate MB reference is set but no payment provider is configurated": _set(
        "mb_reference", "1"
    ),
    "Document should have at least one item": _set("items", []),
    "Date is not valid": _date_with_dashes,
    "Elemento client não fornecido": _drop("client"),
}
# Needs a finalised document, not a bad body.
NEEDS_FINAL = {"Invoice has been settled so can't be changed anymore"}

CLIENT: dict[str, Recipe] = {
    "Client contact is invalid": _set("preferred_contact", "nope"),
    "Send options is not a number": _set("send_options", "many"),
    "Send options must be within 1 and 3": _set("send_options", "7"),
    "Preferred contact: email must be an email": _set("preferred_contact.email", "nope"),
    "Country Germani was not found": _set("country", "Germani"),
}
ITEM: dict[str, Recipe] = {
    "Unit price can't be blank": _drop("unit_price"),
    "Unit price is not a number": _set("unit_price", "abc"),
    "Unit kg is not included in the list of accepted units": _set("unit", "kg"),
}
TAX: dict[str, Recipe] = {
    "Value can't be blank": _drop("value"),
    "Value must be a number between 0 and 99.99": _set("value", "150"),
    "Tax region is empty": _drop("region"),
    "Tax region is not valid": _set("region", "Atlantis"),
}
ACCOUNT: dict[str, Recipe] = {
    "Postal Code must have the following format DDDD-DDD": _set("postal_code", "12345"),
    "Email is invalid": _set("email", "not-an-email"),
    "Terms and Conditions must be accepted": _set("terms", "0"),
    "Vat Number can't be changed": _set("fiscal_id", "501234560"),
    # the test puts another account's fiscal id here
    "Vat Number is already used in another account": _set("fiscal_id", None),
}
# Messages a create can never give (they are about an existing account); reported missing.
UPDATE_ONLY = {"Vat Number can't be changed"}
# Unreachable on an update of an account that has a fiscal id ("can't be changed" wins).
CREATE_ONLY = {"Vat Number is already used in another account"}
TREASURY: dict[str, Recipe] = {
    "Date can't be blank": _drop("date"),
    "Value is not a number": _set("value", "abc"),
    "Validation failed: Value is not a number": _set("value", "abc"),
    "Value must be less than or equal to the remaining balance": _set("value", 99999999),
}
PAYMENT: dict[str, Recipe] = {
    "payment_mechanism is invalid": _set("payment_mechanism", "XX"),
    "Amount must be less than or equal to the amount due": _set("amount", 99999999),
}
EMAIL: dict[str, Recipe] = {
    "Email: is an invalid email": _set("client.email", "not-an-email"),
    "Cc: is an invalid email": _set("cc", "not-an-email"),
    "Bcc: is an invalid email": _set("bcc", "not-an-email"),
}
SEQUENCE: dict[str, Recipe] = {
    "The sequence name is invalid": _set("serie", "!!"),
}
AT: dict[str, Recipe] = {
    "The field at_subuser has an incorrect size": _set("at_subuser", "x"),
}


def recipes_for(operation_id: str, family: str | None) -> dict[str, Recipe]:
    """The recipes that apply to an operation (by its kind, from the operationId)."""
    if family and operation_id.startswith(("create", "update")):
        return DOCUMENT
    if family and operation_id.startswith("email"):
        return EMAIL
    table = {
        "createClient": CLIENT,
        "updateClient": CLIENT,
        "createItem": ITEM,
        "updateItem": ITEM,
        "createTax": TAX,
        "updateTax": TAX,
        "createAccount": ACCOUNT,
        "createAccountForExistingUser": ACCOUNT,
        "updateAccount": ACCOUNT,
        "updateClientInitialBalance": TREASURY,
        "createClientRegularization": TREASURY,
        "createClientTreasuryMovement": TREASURY,
        "createPartialPayment": PAYMENT,
        "createSequence": SEQUENCE,
        "configureAtCommunication": AT,
    }
    return table.get(operation_id, {})
