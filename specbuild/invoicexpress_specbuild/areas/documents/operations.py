"""One document type's operations, and what any document offers (PDF, QR code, related
documents)."""

from __future__ import annotations

from invoicexpress_specbuild.areas.documents.facts import (
    CORRECTING,
    FAMILY_NOUN,
    FAMILY_TAG,
    MESSAGE_DUPLICATE_UID,
    MESSAGE_PDF_INVALID_STATE,
    MESSAGES_EMAIL,
    document_write_messages,
)
from invoicexpress_specbuild.doctypes import (
    INVALID_STATE_MESSAGE,
    RECEIPT,
    DocType,
    change_state_messages,
    state_machine_extension,
)
from invoicexpress_specbuild.document_model import ADDRESS, document_example
from invoicexpress_specbuild.errors import error, errors_list, errors_object, not_found
from invoicexpress_specbuild.example_dates import dmy
from invoicexpress_specbuild.nodes import (
    Node,
    array,
    empty,
    links,
    obj,
    ok,
    param,
    query,
    ref,
    string,
)
from invoicexpress_specbuild.operation import operation

_GUIDE_UPDATE_QUIRK: dict[str, Node] = {
    "guides": {
        "x-live-quirk": "The live API answers 500 to every guide update (diogopms README, 2026; "
        "surface §8). The sandbox reproduces it only with the `guide_update_500` quirk on."
    }
}
CLIENT_INPUT: Node = {
    "name": "Cliente Exemplo",
    "code": "C001",
    "email": "cliente@example.com",
    "country": "Portugal",
    "fiscal_id": "999999990",
}
ITEM_INPUT: Node = {
    "name": "Consultoria",
    "description": "Uma hora de consultoria",
    "unit_price": "24.3902",
    "quantity": "1",
    "unit": "hour",
    "tax": {"name": "IVA23"},
}


def fields_example(dt: DocType) -> Node:
    body: Node = {
        "date": dmy(),
        "due_date": dmy(15),
        "reference": "PO-42",
        "observations": "Obrigado.",
        "client": CLIENT_INPUT,
        "items": [ITEM_INPUT],
    }
    if dt.family == "guides":
        body |= {
            "loaded_at": dmy(1, "09:00:00"),
            "license_plate": "00-AA-00",
            "address_from": ADDRESS,
            "address_to": ADDRESS | {"city": "Porto", "postal_code": "4000-322"},
        }
    if dt.family == "purchase_orders":
        body |= {"loaded_at": dmy(1), "delivery_site": "Armazém"}
    if dt.segment in CORRECTING:
        body["owner_invoice_id"] = 1001
    return body


def _extensions(dt: DocType, action: str) -> Node:
    """`x-` fields of a per-type operation; `action` names the vendor's templated operation."""
    ext: Node = {"x-family": dt.family, "x-document-type": dt.segment}
    family = FAMILY_NOUN.get(dt.family)
    if family and not dt.legacy:
        ext["x-vendor-operation"] = action.format(family)
    if dt.legacy:
        ext["x-evidence"] = dt.evidence
        ext["x-legacy"] = True
    return ext


def _create_links(dt: DocType) -> Node:
    name = dt.pascal
    extra = ("getQrCode", "createPartialPayment") if dt.family == "invoices" else ()
    out = links(
        {"document-id": f"$response.body#/{dt.key}/id"},
        f"get{name}",
        f"update{name}",
        f"change{name}State",
        f"email{name}",
        "generatePdf",
        "listRelatedDocuments",
        *extra,
    )
    out[f"Get{name}"]["description"] = "Read the document back."
    return out


def _write_422(dt: DocType, *, update: bool) -> Node:
    return error(
        "The document is invalid; the body lists why.",
        "ErrorsList",
        errors_list("Due date must be later than date"),
        document_write_messages(dt, update=update),
    )


def _create(dt: DocType) -> Node:
    is_invoice = dt.family == "invoices"
    draft = {dt.key: document_example(dt)}
    responses: Node = {
        "201": {
            **ok(f"The {dt.title} was created as a draft.", ref(f"{dt.pascal}Response"), draft),
            "links": _create_links(dt),
        },
        "422": _write_422(dt, update=False),
    }
    body_example: Node = {dt.key: fields_example(dt)}
    description = (
        f"Creates a {dt.title} as a draft. Unknown client names create the client; "
        "unknown item names create the item and known ones are updated with the sent "
        "values; an unknown tax name applies the account's default tax."
    )
    if is_invoice:
        responses["409"] = error(
            "Another creation with the same `proprietary_uid` is still under way.",
            "ReasonError",
            {"reason": MESSAGE_DUPLICATE_UID.format(uid="order-42")},
        )
        body_example["proprietary_uid"] = "order-42"
        description += " A `proprietary_uid` sibling of the root key guards against duplicates."
    return operation(
        f"create{dt.pascal}",
        f"Create a {dt.title}",
        FAMILY_TAG[dt.family],
        description,
        responses,
        body=ref(f"{dt.pascal}CreateRequest"),
        body_example=body_example,
        extensions=_extensions(dt, "create{}"),
    )


def _get(dt: DocType) -> Node:
    final = {dt.key: document_example(dt, status="final")}
    return operation(
        f"get{dt.pascal}",
        f"Get a {dt.title}",
        FAMILY_TAG[dt.family],
        f"Reads one {dt.title} by id.",
        {"200": ok(f"The {dt.title}.", ref(f"{dt.pascal}Response"), final), "404": not_found()},
        parameters=[param("DocumentId")],
        extensions=_extensions(dt, "get{}"),
    )


def _update(dt: DocType) -> Node:
    draft = {dt.key: document_example(dt)}
    return operation(
        f"update{dt.pascal}",
        f"Update a {dt.title}",
        FAMILY_TAG[dt.family],
        f"Replaces a draft {dt.title}: client and items must be sent again, and items "
        "left out are deleted. Final documents cannot be changed.",
        {
            "200": ok(f"The updated {dt.title}.", ref(f"{dt.pascal}Response"), draft),
            "404": not_found(),
            "422": _write_422(dt, update=True),
        },
        parameters=[param("DocumentId")],
        body=ref(f"{dt.pascal}UpdateRequest"),
        body_example={dt.key: fields_example(dt)},
        extensions=_extensions(dt, "update{}") | _GUIDE_UPDATE_QUIRK.get(dt.family, {}),
    )


def _change_state(dt: DocType) -> Node:
    final = {dt.key: document_example(dt, status="final")}
    return operation(
        f"change{dt.pascal}State",
        f"Change the state of a {dt.title}",
        FAMILY_TAG[dt.family],
        f"Applies an event to a {dt.title}. The allowed transitions are in "
        "`x-state-machine`; any other event answers 422.",
        {
            "200": ok(f"The {dt.title} in its new state.", ref(f"{dt.pascal}Response"), final),
            "404": not_found(),
            "422": error(
                "The event is not allowed from the document's state, a cancel has no message, "
                "or the document's date is earlier than the series' last final one.",
                "ErrorsObject",
                errors_object(INVALID_STATE_MESSAGE),
                change_state_messages(dt),
            ),
        },
        parameters=[param("DocumentId")],
        body=ref(f"{dt.pascal}ChangeStateRequest"),
        body_example={dt.key: {"state": "finalized"}},
        extensions=_extensions(dt, "change{}State")
        | {"x-state-machine": state_machine_extension(dt)},
    )


def _email(dt: DocType) -> Node:
    return operation(
        f"email{dt.pascal}",
        f"E-mail a {dt.title}",
        FAMILY_TAG[dt.family],
        f"Sends the {dt.title} to an e-mail address.",
        {
            "200": empty("The e-mail was queued."),
            "404": not_found(),
            "422": error(
                "The message is invalid.",
                "ErrorsObject",
                errors_object("Email: is an invalid email"),
                MESSAGES_EMAIL,
            ),
        },
        parameters=[param("DocumentId")],
        body=ref("EmailDocumentRequest"),
        body_example={
            "message": {
                "client": {"email": "cliente@example.com", "save": "0"},
                "subject": "A sua fatura",
                "body": "Segue em anexo.",
                "logo": "0",
            }
        },
        extensions=_extensions(dt, "send{}Email"),
    )


def document_paths(dt: DocType) -> dict[str, Node]:
    """Create, get, update, change-state and e-mail for one document type."""
    item = f"/{dt.segment}/{{document-id}}"
    return {
        f"/{dt.segment}.json": {"post": _create(dt)},
        f"{item}.json": {"get": _get(dt), "put": _update(dt)},
        f"{item}/change-state.json": {"put": _change_state(dt)},
        f"{item}/email-document.json": {"put": _email(dt)},
    }


# --- what any document offers -------------------------------------------------------------------


def pdf() -> Node:
    return operation(
        "generatePdf",
        "Get a document's PDF link",
        "Documents",
        "Asks for the PDF of any document. The first calls answer 202 while the file is "
        "generated: call again until 200 brings the link.",
        {
            "200": ok(
                "The PDF is ready.",
                obj({"output": obj({"pdfUrl": string(format="uri")}, ["pdfUrl"])}, ["output"]),
                {"output": {"pdfUrl": "http://127.0.0.1:8765/pdf/1001.pdf"}},
            ),
            "202": empty("Still generating; call again shortly."),
            "404": not_found(),
            "406": error(
                "The document's state has no PDF (deleted documents).",
                "ErrorsObject",
                errors_object(MESSAGE_PDF_INVALID_STATE),
                (MESSAGE_PDF_INVALID_STATE,),
            ),
        },
        parameters=[
            param("DocumentId"),
            query("second_copy", {"type": "boolean"}, "Ask for the second-copy PDF."),
        ],
        extensions={"x-vendor-operation": "generatePdf"},
    )


def qr_code() -> Node:
    return operation(
        "getQrCode",
        "Get a document's QR code",
        "Documents",
        "QR code image link of a final, canceled or settled document; 202 while generating.",
        {
            "200": ok(
                "The QR code is ready.",
                obj({"qr_code": obj({"url": string(format="uri")}, ["url"])}, ["qr_code"]),
                {"qr_code": {"url": "http://127.0.0.1:8765/qr/1001.png"}},
            ),
            "202": ok(
                "Still generating.",
                obj({"qr_code": obj({"status": string()}, ["status"])}, ["qr_code"]),
                {"qr_code": {"status": "In progress"}},
            ),
            "404": error(
                "Unknown document.",
                "SimpleError",
                {"error": "No document with ID 9 was found in this account"},
            ),
            "422": error(
                "Drafts have no QR code.",
                "SimpleError",
                {
                    "error": "Document with ID 1001 is still in draft. QR Codes are only "
                    "available for final, canceled or settled documents."
                },
            ),
        },
        parameters=[param("DocumentId")],
        extensions={"x-vendor-operation": "getQrCode"},
    )


def related_documents() -> Node:
    return operation(
        "listRelatedDocuments",
        "List related documents",
        "Documents",
        "Documents linked to this one: receipts of an invoice, credit notes of an "
        "invoice, the invoice of a receipt, and so on. Note the singular `document`.",
        {
            "200": ok(
                "The related documents.",
                obj({"documents": array(ref("AnyDocument"))}, ["documents"]),
                {"documents": [document_example(RECEIPT, status="final", doc_id=2001)]},
            ),
            "404": not_found(),
        },
        parameters=[param("DocumentId")],
        extensions={"x-vendor-operation": "relatedDocs"},
    )
