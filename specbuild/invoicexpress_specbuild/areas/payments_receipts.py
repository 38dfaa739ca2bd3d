"""Payments and receipts: paying a final invoice-family document creates its receipt; a
receipt can be read and canceled (which reopens the paid document)."""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.doctypes import (
    CANCEL_MESSAGE_REQUIRED,
    DOC_TYPES,
    MESSAGES_CHANGE_STATE,
    RECEIPT,
    state_machine_extension,
)
from invoicexpress_specbuild.document_model import (
    document_example,
    document_schema,
    state_change_schema,
)
from invoicexpress_specbuild.errors import error, errors_object, not_found
from invoicexpress_specbuild.example_dates import dmy
from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import Node, enum, links, obj, ok, param, ref, string, wrap
from invoicexpress_specbuild.operation import operation

# api-docs 002 (the bundle's enum lists only TB, MB, CC)
PAYMENT_MECHANISMS = ("CC", "CD", "CH", "CO", "CS", "DE", "LC", "MB", "NU", "OU", "PR", "TB", "TR")
MESSAGES_PAYMENT = (
    say("payment_mechanism_invalid"),
    say("amount_over_due"),
)
_RECEIPT_EXTENSIONS = {"x-family": "receipts", "x-document-type": "receipts"}


def schemas() -> dict[str, Node]:
    return {
        "PaymentMechanism": enum(
            PAYMENT_MECHANISMS, "How a payment was made (api-docs 002, 13 codes)."
        ),
        "Receipt": document_schema(RECEIPT),
        "ReceiptResponse": obj({"receipt": ref("Receipt")}, ["receipt"]),
        "ReceiptStateChange": state_change_schema(RECEIPT),
        "ReceiptChangeStateRequest": wrap("receipt", ref("ReceiptStateChange")),
        "PartialPaymentRequest": wrap(
            "partial_payment",
            obj(
                {
                    "amount": {"type": "number", "exclusiveMinimum": 0},
                    "payment_mechanism": ref("PaymentMechanism"),
                    "note": string(),
                    "serie": string(),
                    "payment_date": ref("DateDMYInput"),
                },
                ["amount"],
                closed=True,
            ),
        ),
    }


def _receipt(status: str) -> Node:
    return {"receipt": document_example(RECEIPT, status=status, doc_id=2001)}


def get_receipt() -> Node:
    return operation(
        "getReceipt",
        "Get a receipt",
        "Invoices",
        "Reads a receipt, the document a payment creates.",
        {
            "200": ok("The receipt.", ref("ReceiptResponse"), _receipt("final")),
            "404": not_found(),
        },
        parameters=[param("DocumentId")],
        extensions={**_RECEIPT_EXTENSIONS, "x-legacy": True, "x-evidence": RECEIPT.evidence},
    )


def cancel_receipt() -> Node:
    return operation(
        "cancelReceipt",
        "Cancel a receipt (a payment)",
        "Invoices",
        "Cancels the receipt of a payment; the paid document goes back to unpaid (final).",
        {
            "200": ok("The canceled receipt.", ref("ReceiptResponse"), _receipt("canceled")),
            "404": not_found(),
            "422": error(
                "Only `canceled` with a message is allowed.",
                "ErrorsObject",
                errors_object(CANCEL_MESSAGE_REQUIRED),
                MESSAGES_CHANGE_STATE,
            ),
        },
        parameters=[param("DocumentId")],
        body=ref("ReceiptChangeStateRequest"),
        body_example={"receipt": {"state": "canceled", "message": "Pagamento duplicado."}},
        extensions={
            **_RECEIPT_EXTENSIONS,
            "x-vendor-operation": "cancelReceipt",
            "x-state-machine": state_machine_extension(RECEIPT),
        },
    )


def pay() -> Node:
    return operation(
        "createPartialPayment",
        "Pay a document (partially or fully)",
        "Invoices",
        "Registers a payment of a final document and creates its receipt. When the "
        "payments reach the total, the document becomes settled.",
        {
            "201": {
                **ok("The receipt of the payment.", ref("ReceiptResponse"), _receipt("final")),
                "links": links(
                    {"document-id": "$response.body#/receipt/id"}, "getReceipt", "cancelReceipt"
                ),
            },
            "404": not_found(),
            "422": error(
                "The payment is invalid.",
                "BareArray",
                ["payment_mechanism", "is invalid"],
                MESSAGES_PAYMENT,
            ),
        },
        parameters=[param("DocumentId")],
        body=ref("PartialPaymentRequest"),
        body_example={
            "partial_payment": {
                "amount": 30,
                "payment_mechanism": "TB",
                "note": "Transferência",
                # the day itself: a later date would sit in the receipts series and refuse
                # every earlier payment for days (seen on a second run on one account)
                "payment_date": dmy(),
            }
        },
        extensions={
            "x-vendor-operation": "generatePayment",
            "x-document-types": [d.segment for d in DOC_TYPES if d.family == "invoices"],
        },
    )


def paths() -> dict[str, Node]:
    return {
        "/receipts/{document-id}.json": {"get": get_receipt()},
        "/receipts/{document-id}/change-state.json": {"put": cancel_receipt()},
        "/documents/{document-id}/partial_payments.json": {"post": pay()},
    }


AREA = Area("payments_receipts", schemas, paths)
