"""Sequences (series): per document type they number documents and, registered at the Tax
Authority, give the ATCUD validation codes."""

from __future__ import annotations

from typing import Any

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.errors import coded, error, not_found
from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import (
    Node,
    array,
    empty,
    links,
    nullable_string,
    obj,
    ok,
    param,
    ref,
    wrap,
)
from invoicexpress_specbuild.operation import operation

# Sequence fields exist for these types (bundle SequenceResponse).
SEQUENCE_TYPES = (
    "invoice",
    "invoice_receipt",
    "simplified_invoice",
    "credit_note",
    "debit_note",
    "receipt",
    "shipping",
    "transport",
    "devolution",
    "proforma",
    "quote",
    "fees_note",
    "vat_moss_invoice",
    "vat_moss_credit_note",
    "vat_moss_receipt",
    "purchase_order",  # not in the bundle; in recorded live responses (CHANGELOG, issue 17)
)
MESSAGES_SEQUENCES = (say("taken", what="Serie"), say("sequence_name_invalid"))
MESSAGE_NO_SEQUENCE = "The sequence doesn't exist."


def schemas() -> dict[str, Node]:
    props: dict[str, Node] = {
        "id": ref("IdLike"),
        "serie": ref("TextLike"),
        "default_sequence": {"type": "integer", "enum": [0, 1]},
    }
    for t in SEQUENCE_TYPES:
        props |= {
            f"current_{t}_number": {"type": "integer", "minimum": 0},
            f"current_{t}_sequence_id": ref("IdLike"),
            f"current_{t}_validation_code": nullable_string(),
        }
    return {
        "Sequence": obj(
            props,
            ["id", "serie", "default_sequence"],
            description="A series, with per-type numbers, ids and ATCUD codes.",
        ),
        "SequenceResponse": obj(
            {"sequence": ref("Sequence")},
            ["sequence"],
            description="Root key `sequence` (live; the bundle says `sequences`, see CHANGELOG).",
        ),
        "SequenceRequest": wrap(
            "sequence",
            obj(
                {
                    "serie": {
                        "type": ["string", "integer"],
                        "minLength": 1,
                        "pattern": "^[A-Za-z0-9]+$",
                        "minimum": 0,
                        "description": "Letters and digits; a number is read as its digits "
                        "(the live API accepted a numeric `serie`).",
                    },
                    "default_sequence": ref("FlagInput"),
                },
                ["serie"],
                closed=True,
            ),
        ),
    }


def sequence_example() -> dict[str, Any]:
    body: dict[str, Any] = {"id": 1, "serie": "A", "default_sequence": 1}
    for t in SEQUENCE_TYPES:
        body |= {
            f"current_{t}_number": 0,
            f"current_{t}_sequence_id": 1,
            f"current_{t}_validation_code": "N/D",
        }
    return body


def _not_found() -> Node:
    return not_found("sequence", "CodedError", MESSAGE_NO_SEQUENCE)


def _list_of_one() -> Node:
    return obj({"sequences": array(ref("Sequence"))}, ["sequences"])


def list_sequences() -> Node:
    return operation(
        "listSequences",
        "List sequences",
        "Sequences",
        "Lists the account's series with, per document type, the current number, the "
        "per-type sequence id to use as a document's `sequence_id`, and the ATCUD "
        "validation code.",
        {"200": ok("The sequences.", _list_of_one(), {"sequences": [sequence_example()]})},
        extensions={"x-vendor-operation": "listSequences"},
    )


def create_sequence() -> Node:
    seq = {"sequence": sequence_example()}
    return operation(
        "createSequence",
        "Create a sequence",
        "Sequences",
        "Creates a series and registers it at the Tax Authority (Portuguese accounts "
        "need AT credentials).",
        {
            "201": {
                **ok("The new sequence.", ref("SequenceResponse"), seq),
                "links": links(
                    {"sequence-id": "$response.body#/sequence/id"},
                    "getSequence",
                    "registerSequence",
                    "setCurrentSequence",
                ),
            },
            "409": error(
                "The series is already being registered.",
                "CodedError",
                coded("006", "The sequence is already being registered."),
            ),
            "422": error(
                "The series is invalid (codes 000-005).",
                "CodedError",
                coded("002", say("taken", what="Serie")),
                MESSAGES_SEQUENCES,
            ),
        },
        body=ref("SequenceRequest"),
        body_example={"sequence": {"serie": "B", "default_sequence": "0"}},
        extensions={"x-vendor-operation": "createSequence"},
    )


def get_sequence() -> Node:
    return operation(
        "getSequence",
        "Get a sequence",
        "Sequences",
        "Reads one series.",
        {
            "200": ok("The sequence.", ref("SequenceResponse"), {"sequence": sequence_example()}),
            "404": _not_found(),
        },
        parameters=[param("SequenceId")],
        extensions={"x-vendor-operation": "getSequence"},
    )


def register_sequence() -> Node:
    return operation(
        "registerSequence",
        "Register a sequence at the Tax Authority",
        "Sequences",
        "Registers the series' document types that are not registered yet.",
        {
            "200": ok(
                "The registered sequence.", _list_of_one(), {"sequences": [sequence_example()]}
            ),
            "404": _not_found(),
            "409": error(
                "Everything is registered already, or a registration is under way.",
                "CodedError",
                coded("005", "All sequences are already registered."),
            ),
            "422": error(
                "Registration failed (codes 000-007).",
                "CodedError",
                coded("004", "The account is not Portuguese."),
            ),
        },
        parameters=[param("SequenceId")],
        extensions={"x-vendor-operation": "registerSequence"},
    )


def set_current_sequence() -> Node:
    return operation(
        "setCurrentSequence",
        "Make a sequence the default",
        "Sequences",
        "New documents without `sequence_id` use the default series.",
        {
            "200": empty("The series is now the default."),
            "404": _not_found(),
            "422": error(
                "The series cannot become the default.",
                "CodedError",
                coded("003", "The sequence is invalid."),
            ),
        },
        parameters=[param("SequenceId")],
        extensions={"x-vendor-operation": "setSequenceDefault"},
    )


def paths() -> dict[str, Node]:
    return {
        "/sequences.json": {"get": list_sequences(), "post": create_sequence()},
        "/sequences/{sequence-id}.json": {"get": get_sequence()},
        "/sequences/{sequence-id}/register.json": {"put": register_sequence()},
        "/sequences/{sequence-id}/set_current.json": {"put": set_current_sequence()},
    }


AREA = Area("sequences", schemas, paths)
