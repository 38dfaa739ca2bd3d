"""Python names for wire names, and the hand-kept table of method names per namespace."""

from __future__ import annotations

import keyword
import re

#: Python field names that would shadow what class bodies use, or keywords: add "_".
RESERVED = {"type", "sum", "list", "dict", "str", "int", "bool", "float", "from"}

#: Document namespaces: method -> operationId pattern (S = singular Pascal type).
DOCUMENT_METHODS = {
    "create": "create{S}",
    "get": "get{S}",
    "update": "update{S}",
    "change_state": "change{S}State",
    "cancel": "cancel{S}",
    "email": "email{S}",
}

#: Other namespaces: method -> operationId. `iter` is added wherever `list` paginates.
NAMESPACES: dict[str, dict[str, str]] = {
    "estimates": {"list": "listEstimates"},
    "guides": {"list": "listGuides"},
    "documents": {"related": "listRelatedDocuments", "pay": "createPartialPayment"},
    "pdf": {"generate": "generatePdf", "wait": "generatePdf"},
    "qr_codes": {"get": "getQrCode", "wait": "getQrCode"},
    "saft": {"export": "exportSaft", "wait": "exportSaft"},
    "clients": {
        "list": "listClients",
        "create": "createClient",
        "get": "getClient",
        "update": "updateClient",
        "find_by_name": "findClientByName",
        "find_by_code": "findClientByCode",
        "invoices": "listClientInvoices",
    },
    "items": {
        "list": "listItems",
        "create": "createItem",
        "get": "getItem",
        "update": "updateItem",
        "delete": "deleteItem",
    },
    "taxes": {
        "list": "listTaxes",
        "create": "createTax",
        "get": "getTax",
        "update": "updateTax",
        "delete": "deleteTax",
    },
    "sequences": {
        "list": "listSequences",
        "create": "createSequence",
        "get": "getSequence",
        "register": "registerSequence",
        "set_current": "setCurrentSequence",
    },
    "accounts": {
        "create": "createAccount",
        "create_for_existing_user": "createAccountForExistingUser",
        "get": "getAccount",
        "update": "updateAccount",
        "configure_at_communication": "configureAtCommunication",
    },
    "treasury": {
        "balance": "getClientBalance",
        "update_initial_balance": "updateClientInitialBalance",
        "regularizations": "listClientRegularizations",
        "create_regularization": "createClientRegularization",
        "delete_regularization": "deleteClientRegularization",
        "create_movement": "createClientTreasuryMovement",
        "delete_movement": "deleteClientTreasuryMovement",
    },
}

#: Methods that poll while the server answers 202.
WAITS = {"wait"}


def snake(name: str) -> str:
    """createCreditNote -> create_credit_note, pdfUrl -> pdf_url, date[from] -> date_from."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", name)
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", words).lower().strip("_")


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


def py_name(wire: str, taken: set[str]) -> str:
    name = snake(wire) or "field"
    if name[0].isdigit():
        name = "f_" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def query_name(wire: str) -> str:
    """`type[]` -> type, `date[from]` -> date_from, `per_page` -> per_page."""
    return snake(wire.replace("[]", ""))
