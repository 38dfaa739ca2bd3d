"""Paths and operations of the spec: one concrete operation per document type."""

from __future__ import annotations

from typing import Any

from ixc.specbuild import facts, samples
from ixc.specbuild.facts import BY_SEGMENT, DOC_TYPES, RECEIPT, DocType
from ixc.specbuild.messages import say
from ixc.specbuild.schemas import array, obj, ref, string

Node = dict[str, Any]
JSON = "application/json"


# --- building blocks ----------------------------------------------------------------------------


def json_content(schema: Node, example: Any = None, *, name: str = "sandbox") -> Node:
    content: Node = {"schema": schema}
    if example is not None:
        content["examples"] = {name: {"summary": "As the sandbox answers", "value": example}}
    return {JSON: content}


def ok(description: str, schema: Node, example: Any) -> Node:
    return {"description": description, "content": json_content(schema, example)}


def empty(description: str) -> Node:
    return {"description": description + " The body is empty."}


def error(description: str, shape: str, example: Any, messages: tuple[str, ...] = ()) -> Node:
    resp: Node = {"description": description, "content": json_content(ref(shape), example)}
    if messages:
        resp["x-error-messages"] = list(messages)
    return resp


def errors_list(message: str) -> Node:
    return {"errors": [{"error": message}]}


def errors_object(message: str) -> Node:
    return {"errors": {"error": message}}


def _is_query(parameter: Node) -> bool:
    """Inline parameters are query ones; of the shared components only paging is."""
    return parameter.get("in") == "query" or parameter.get("$ref") in (
        "#/components/parameters/Page",
        "#/components/parameters/PerPage",
    )


def _malformed(responses: dict[str, Node], *, has_body: bool, has_query: bool) -> Node:
    """What a malformed request gets: the operation's own 422 when it documents one, else 400
    (and 415 for a body that is not JSON); 413 for any body over the size limit."""
    out: Node = {}
    if has_body:
        out["413"] = {"$ref": "#/components/responses/PayloadTooLarge"}
    if "422" not in responses and (has_body or has_query):
        out["400"] = {"$ref": "#/components/responses/BadRequest"}
        if has_body:
            out["415"] = {"$ref": "#/components/responses/UnsupportedMediaType"}
    return out


COMMON = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}


def not_found(
    what: str = "document",
    shape: str = "ErrorsObject",
    message: str = facts.MESSAGE_DOCUMENT_NOT_FOUND,
) -> Node:
    example: Any
    if shape == "ErrorsObject":
        example = errors_object(message)
    elif shape == "ErrorsList":
        example = errors_list(message)
    elif shape == "CodedError":
        example = {"errors": {"code": "006", "message": message}}
    else:
        example = {"error": message}
    return error(f"No {what} with that id in this account.", shape, example)


def param(name: str) -> Node:
    return {"$ref": f"#/components/parameters/{name}"}


def query(
    name: str,
    schema: Node,
    description: str,
    *,
    required: bool = False,
    explode: bool | None = None,
) -> Node:
    p: Node = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if explode is not None:
        p["style"] = "form"
        p["explode"] = explode
    return p


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
        op["requestBody"] = {
            "required": body_required,
            "content": json_content(body, body_example, name="sandbox"),
        }
    op["responses"] = dict(
        sorted(
            {
                **responses,
                **COMMON,
                **_malformed(
                    responses,
                    has_body=body is not None,
                    has_query=any(_is_query(p) for p in parameters or []),
                ),
            }.items()
        )
    )
    op.update(extensions or {})
    return op


def schema_name(dt: DocType, suffix: str = "") -> str:
    return f"{dt.pascal}{suffix}"


# --- documents --------------------------------------------------------------------------------

FAMILY_TAG = {
    "invoices": "Invoices",
    "estimates": "Estimates",
    "guides": "Guides",
    "purchase_orders": "Purchase orders",
    "receipts": "Invoices",
}
FAMILY_VENDOR = {"invoices": "Invoice", "estimates": "Estimate", "guides": "Guide"}
_MB_MESSAGE = say("mb_reference_unavailable")
_SETTLED_MESSAGE = say("document_settled")


def document_write_messages(dt: DocType, *, update: bool) -> tuple[str, ...]:
    """The 422 catalogue of api-docs 002, minus what the operation cannot trigger."""
    messages: tuple[str, ...] = facts.MESSAGES_DOCUMENT_WRITE + facts.MESSAGES_DOCUMENT_OBSERVED
    if not update:  # nothing is settled before it exists
        messages = tuple(m for m in messages if m != _SETTLED_MESSAGE)
    if dt.family not in ("invoices", "estimates"):  # no `mb_reference` field
        messages = tuple(m for m in messages if m != _MB_MESSAGE)
    if dt.segment in ("credit_notes", "debit_notes"):  # they correct an existing invoice
        messages += (say("invalid", what="Owner invoice"),)
    return messages


ACCOUNT_CREATE_MESSAGES = tuple(
    m
    for m in facts.MESSAGES_ACCOUNTS
    if not m.startswith(("Postal Code", "Vat Number can't"))  # no such field, nothing to change
)


def _doc_ext(dt: DocType, vendor_op: str | None) -> Node:
    ext: Node = {"x-family": dt.family, "x-document-type": dt.segment}
    if vendor_op and not dt.legacy and dt.family in FAMILY_VENDOR:
        ext["x-vendor-operation"] = vendor_op
    if dt.legacy:
        ext["x-evidence"] = dt.evidence
        ext["x-legacy"] = True
    return ext


_GUIDE_UPDATE_QUIRK: dict[str, Node] = {
    "guides": {
        "x-live-quirk": "The live API answers 500 to every guide update (diogopms README, 2026; "
        "surface §8). The sandbox reproduces it only with the `guide_update_500` quirk on."
    }
}


def state_machine_extension(dt: DocType) -> Node:
    machine = facts.MACHINES[dt.segment]
    transitions = []
    for t in machine.transitions:
        row: Node = {"from": t.source, "event": t.event, "to": t.target}
        if t.requires_message:
            row["requires"] = ["message"]
        transitions.append(row)
    sm: Node = {
        "document_type": dt.segment,
        "initial": machine.states[0],
        "states": list(machine.states),
        "transitions": transitions,
    }
    if machine.aliases:
        sm["aliases"] = dict(machine.aliases)
    sm["errors"] = {
        "invalid_transition": {"status": 422, "message": facts.INVALID_STATE_MESSAGE},
        "message_required": {"status": 422, "message": facts.CANCEL_MESSAGE_REQUIRED},
    }
    sm["evidence"] = machine.evidence
    return sm


def document_paths(dt: DocType) -> dict[str, Node]:
    """Create, get, update, change-state and e-mail for one document type."""
    fam = FAMILY_VENDOR.get(dt.family, "")
    tag = FAMILY_TAG[dt.family]
    name = dt.pascal
    doc = ref(schema_name(dt, "Response"))
    draft = {dt.key: samples.document_example(dt)}
    final = {dt.key: samples.document_example(dt, status="final")}
    fields = samples.fields_example(dt)
    is_invoice = dt.family == "invoices"
    doc_param = [param("DocumentId")]

    def write_422(update: bool) -> Node:
        return error(
            "The document is invalid; the body lists why.",
            "ErrorsList",
            errors_list("Due date must be later than date"),
            document_write_messages(dt, update=update),
        )

    links: Node = {
        f"Get{name}": {
            "operationId": f"get{name}",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
            "description": "Read the document back.",
        },
        f"Update{name}": {
            "operationId": f"update{name}",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
        },
        f"Change{name}State": {
            "operationId": f"change{name}State",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
        },
        f"Email{name}": {
            "operationId": f"email{name}",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
        },
        "GeneratePdf": {
            "operationId": "generatePdf",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
        },
        "ListRelatedDocuments": {
            "operationId": "listRelatedDocuments",
            "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
        },
    }
    if is_invoice:
        links |= {
            "GetQrCode": {
                "operationId": "getQrCode",
                "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
            },
            "CreatePartialPayment": {
                "operationId": "createPartialPayment",
                "parameters": {"document-id": f"$response.body#/{dt.key}/id"},
            },
        }
    create_responses: Node = {
        "201": {**ok(f"The {dt.title} was created as a draft.", doc, draft), "links": links},
        "422": write_422(update=False),
    }
    if is_invoice:
        create_responses["409"] = error(
            "Another creation with the same `proprietary_uid` is still under way.",
            "ReasonError",
            {"reason": facts.MESSAGE_DUPLICATE_UID.format(uid="order-42")},
        )
    create_body_example: Node = {dt.key: fields}
    if is_invoice:
        create_body_example["proprietary_uid"] = "order-42"
    coll = f"/{dt.segment}.json"
    item = f"/{dt.segment}/{{document-id}}.json"
    paths: dict[str, Node] = {
        coll: {
            "post": operation(
                f"create{name}",
                f"Create a {dt.title}",
                tag,
                f"Creates a {dt.title} as a draft. Unknown client names create the client; "
                "unknown item names create the item and known ones are updated with the sent "
                "values; an unknown tax name applies the account's default tax."
                + (
                    " A `proprietary_uid` sibling of the root key guards against duplicates."
                    if is_invoice
                    else ""
                ),
                create_responses,
                body=ref(schema_name(dt, "CreateRequest")),
                body_example=create_body_example,
                extensions=_doc_ext(dt, f"create{fam}"),
            )
        },
        item: {
            "get": operation(
                f"get{name}",
                f"Get a {dt.title}",
                tag,
                f"Reads one {dt.title} by id.",
                {"200": ok(f"The {dt.title}.", doc, final), "404": not_found()},
                parameters=doc_param,
                extensions=_doc_ext(dt, f"get{fam}"),
            ),
            "put": operation(
                f"update{name}",
                f"Update a {dt.title}",
                tag,
                f"Replaces a draft {dt.title}: client and items must be sent again, and items "
                "left out are deleted. Final documents cannot be changed.",
                {
                    "200": ok(f"The updated {dt.title}.", doc, draft),
                    "404": not_found(),
                    "422": write_422(update=True),
                },
                parameters=doc_param,
                body=ref(schema_name(dt, "UpdateRequest")),
                body_example={dt.key: fields},
                extensions=_doc_ext(dt, f"update{fam}") | _GUIDE_UPDATE_QUIRK.get(dt.family, {}),
            ),
        },
        f"/{dt.segment}/{{document-id}}/change-state.json": {
            "put": operation(
                f"change{name}State",
                f"Change the state of a {dt.title}",
                tag,
                f"Applies an event to a {dt.title}. The allowed transitions are in "
                "`x-state-machine`; any other event answers 422.",
                {
                    "200": ok(f"The {dt.title} in its new state.", doc, final),
                    "404": not_found(),
                    "422": error(
                        "The event is not allowed from the document's state, or a "
                        "cancel has no message.",
                        "ErrorsObject",
                        errors_object(facts.INVALID_STATE_MESSAGE),
                        facts.MESSAGES_CHANGE_STATE,
                    ),
                },
                parameters=doc_param,
                body=ref(schema_name(dt, "ChangeStateRequest")),
                body_example={dt.key: {"state": "finalized"}},
                extensions=_doc_ext(dt, f"change{fam}State")
                | {"x-state-machine": state_machine_extension(dt)},
            )
        },
        f"/{dt.segment}/{{document-id}}/email-document.json": {
            "put": operation(
                f"email{name}",
                f"E-mail a {dt.title}",
                tag,
                f"Sends the {dt.title} to an e-mail address.",
                {
                    "200": empty("The e-mail was queued."),
                    "404": not_found(),
                    "422": error(
                        "The message is invalid.",
                        "ErrorsObject",
                        errors_object("Email: is an invalid email"),
                        facts.MESSAGES_EMAIL,
                    ),
                },
                parameters=doc_param,
                body=ref("EmailDocumentRequest"),
                body_example={
                    "message": {
                        "client": {"email": "cliente@example.com", "save": "0"},
                        "subject": "A sua fatura",
                        "body": "Segue em anexo.",
                        "logo": "0",
                    }
                },
                extensions=_doc_ext(dt, f"send{fam}Email"),
            )
        },
    }
    return paths


def list_filters(family: str) -> list[Node]:
    """The query filters of a family list, flattened (the bundle nests them in one object)."""
    params: list[Node] = []
    if family in facts.LIST_TYPE_FILTER:
        params.append(
            query(
                "type[]",
                array({"type": "string", "enum": list(facts.LIST_TYPE_FILTER[family])}),
                "Only these document types.",
                explode=True,
            )
        )
    params.append(
        query(
            "status[]",
            array({"type": "string", "enum": list(facts.LIST_STATUS_FILTER[family])}),
            "Only these statuses (`sent` selects final documents).",
            explode=True,
        )
    )
    params += [
        query("non_archived", {"type": "boolean"}, "Include documents not archived."),
        query("archived", {"type": "boolean"}, "Include archived documents."),
        query("text", {"type": "string"}, "Full-text search."),
    ]
    if family == "guides":
        params += [
            query("loaded_at[from]", ref("DateDMY"), "Loaded on or after (dd/mm/yyyy)."),
            query("loaded_at[to]", ref("DateDMY"), "Loaded on or before (dd/mm/yyyy)."),
        ]
    else:
        if family == "invoices":
            params.append(query("reference", {"type": "string"}, "Exact reference."))
        params += [
            query("date[from]", ref("DateDMY"), "Dated on or after (dd/mm/yyyy)."),
            query("date[to]", ref("DateDMY"), "Dated on or before (dd/mm/yyyy)."),
            query("due_date[from]", ref("DateDMY"), "Due on or after (dd/mm/yyyy)."),
            query("due_date[to]", ref("DateDMY"), "Due on or before (dd/mm/yyyy)."),
            query("total_before_taxes[from]", {"type": "number"}, "Amount before taxes >=."),
            query("total_before_taxes[to]", {"type": "number"}, "Amount before taxes <=."),
        ]
    return [*params, param("Page"), param("PerPage")]


FAMILY_LISTS = {
    # path, operationId, response key, schema, vendor op
    "invoices": (
        "/invoices.json",
        "listInvoices",
        "invoices",
        "InvoiceFamilyDocument",
        "listInvoices",
    ),
    "estimates": (
        "/estimates.json",
        "listEstimates",
        "estimates",
        "EstimateFamilyDocument",
        "listEstimates",
    ),
    "guides": ("/guides.json", "listGuides", "guides", "GuideFamilyDocument", "listGuides"),
    "purchase_orders": (
        "/purchase_orders.json",
        "listPurchaseOrders",
        "purchase_orders",
        "PurchaseOrderResponseDocument",
        None,
    ),
}


def family_list_paths() -> dict[str, Node]:
    paths: dict[str, Node] = {}
    for family, (path, op_id, key, item_schema, vendor) in FAMILY_LISTS.items():
        dt = next(d for d in DOC_TYPES if d.family == family)
        example = {
            key: [samples.document_example(dt, status="final")],
            "pagination": samples.PAGINATION,
        }
        ext: Node = {"x-family": family}
        if vendor:
            ext["x-vendor-operation"] = vendor
        else:
            ext |= {"x-legacy": True, "x-evidence": BY_SEGMENT["purchase_orders"].evidence}
        paths[path] = {
            "get": operation(
                op_id,
                f"List {family.replace('_', ' ')}",
                FAMILY_TAG[family],
                f"Lists documents of the {family.replace('_', ' ')} family, newest first, with "
                "filters and pagination. No filter is required.",
                {
                    "200": ok(
                        "One page of documents.",
                        obj(
                            {key: array(ref(item_schema)), "pagination": ref("Pagination")},
                            [key, "pagination"],
                        ),
                        example,
                    )
                },
                parameters=list_filters(family),
                extensions=ext,
            )
        }
    for segment in facts.PER_TYPE_LISTS:
        dt = BY_SEGMENT[segment]
        example = {
            segment: [samples.document_example(dt, status="final")],
            "pagination": samples.PAGINATION,
        }
        paths[f"/{segment}.json"] = {
            "get": operation(
                f"list{dt.pascal}s",
                f"List {dt.title}s",
                FAMILY_TAG[dt.family],
                f"Lists only {dt.title}s. The legacy per-type list: filters are documented only "
                "for `/invoices.json`, so only pagination is described here.",
                {
                    "200": ok(
                        f"One page of {dt.title}s.",
                        obj(
                            {
                                segment: array(ref(schema_name(dt, ""))),
                                "pagination": ref("Pagination"),
                            },
                            [segment, "pagination"],
                        ),
                        example,
                    )
                },
                parameters=[param("Page"), param("PerPage")],
                extensions={
                    "x-family": dt.family,
                    "x-document-type": segment,
                    "x-legacy": True,
                    "x-evidence": _PER_TYPE_EVIDENCE,
                },
            )
        }
    return paths


_PER_TYPE_EVIDENCE = (
    "surface §4.2: legacy v2 pages list `/invoice_receipts.json` and siblings "
    "('return only those types'); a 2026 production integration lists per type"
)


def receipt_paths() -> dict[str, Node]:
    dt = RECEIPT
    final = {"receipt": samples.document_example(dt, status="final", doc_id=2001)}
    canceled = {"receipt": samples.document_example(dt, status="canceled", doc_id=2001)}
    return {
        "/receipts/{document-id}.json": {
            "get": operation(
                "getReceipt",
                "Get a receipt",
                "Invoices",
                "Reads a receipt, the document a payment creates.",
                {"200": ok("The receipt.", ref("ReceiptResponse"), final), "404": not_found()},
                parameters=[param("DocumentId")],
                extensions={
                    "x-family": "receipts",
                    "x-document-type": "receipts",
                    "x-legacy": True,
                    "x-evidence": RECEIPT.evidence,
                },
            )
        },
        "/receipts/{document-id}/change-state.json": {
            "put": operation(
                "cancelReceipt",
                "Cancel a receipt (a payment)",
                "Invoices",
                "Cancels the receipt of a payment; the paid document goes back to unpaid (final).",
                {
                    "200": ok("The canceled receipt.", ref("ReceiptResponse"), canceled),
                    "404": not_found(),
                    "422": error(
                        "Only `canceled` with a message is allowed.",
                        "ErrorsObject",
                        errors_object(facts.CANCEL_MESSAGE_REQUIRED),
                        facts.MESSAGES_CHANGE_STATE,
                    ),
                },
                parameters=[param("DocumentId")],
                body=ref("ReceiptChangeStateRequest"),
                body_example={"receipt": {"state": "canceled", "message": "Pagamento duplicado."}},
                extensions={
                    "x-family": "receipts",
                    "x-document-type": "receipts",
                    "x-vendor-operation": "cancelReceipt",
                    "x-state-machine": state_machine_extension(dt),
                },
            )
        },
    }


def shared_document_paths() -> dict[str, Node]:
    doc_param = [param("DocumentId")]
    return {
        "/api/pdf/{document-id}.json": {
            "get": operation(
                "generatePdf",
                "Get a document's PDF link",
                "Documents",
                "Asks for the PDF of any document. The first calls answer 202 while the file is "
                "generated: call again until 200 brings the link.",
                {
                    "200": ok(
                        "The PDF is ready.",
                        obj(
                            {"output": obj({"pdfUrl": string(format="uri")}, ["pdfUrl"])},
                            ["output"],
                        ),
                        {"output": {"pdfUrl": "http://127.0.0.1:8765/pdf/1001.pdf"}},
                    ),
                    "202": empty("Still generating; call again shortly."),
                    "404": not_found(),
                    "406": error(
                        "The document's state has no PDF (deleted documents).",
                        "ErrorsObject",
                        errors_object(facts.MESSAGE_PDF_INVALID_STATE),
                        (facts.MESSAGE_PDF_INVALID_STATE,),
                    ),
                },
                parameters=[
                    *doc_param,
                    query("second_copy", {"type": "boolean"}, "Ask for the second-copy PDF."),
                ],
                extensions={"x-vendor-operation": "generatePdf"},
            )
        },
        "/api/qr_codes/{document-id}.json": {
            "get": operation(
                "getQrCode",
                "Get a document's QR code",
                "Documents",
                "QR code image link of a final, canceled or settled document; 202 while "
                "generating.",
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
                parameters=doc_param,
                extensions={"x-vendor-operation": "getQrCode"},
            )
        },
        "/document/{document-id}/related_documents.json": {
            "get": operation(
                "listRelatedDocuments",
                "List related documents",
                "Documents",
                "Documents linked to this one: receipts of an invoice, credit notes of an "
                "invoice, the invoice of a receipt, and so on. Note the singular `document`.",
                {
                    "200": ok(
                        "The related documents.",
                        obj({"documents": array(ref("AnyDocument"))}, ["documents"]),
                        {
                            "documents": [
                                samples.document_example(RECEIPT, status="final", doc_id=2001)
                            ]
                        },
                    ),
                    "404": not_found(),
                },
                parameters=doc_param,
                extensions={"x-vendor-operation": "relatedDocs"},
            )
        },
        "/documents/{document-id}/partial_payments.json": {
            "post": operation(
                "createPartialPayment",
                "Pay a document (partially or fully)",
                "Invoices",
                "Registers a payment of a final document and creates its receipt. When the "
                "payments reach the total, the document becomes settled.",
                {
                    "201": {
                        **ok(
                            "The receipt of the payment.",
                            ref("ReceiptResponse"),
                            {
                                "receipt": samples.document_example(
                                    RECEIPT, status="final", doc_id=2001
                                )
                            },
                        ),
                        "links": {
                            "GetReceipt": {
                                "operationId": "getReceipt",
                                "parameters": {"document-id": "$response.body#/receipt/id"},
                            },
                            "CancelReceipt": {
                                "operationId": "cancelReceipt",
                                "parameters": {"document-id": "$response.body#/receipt/id"},
                            },
                        },
                    },
                    "404": not_found(),
                    "422": error(
                        "The payment is invalid.",
                        "BareArray",
                        ["payment_mechanism", "is invalid"],
                        (
                            "payment_mechanism is invalid",
                            "Amount must be less than or equal to the amount due",
                        ),
                    ),
                },
                parameters=doc_param,
                body=ref("PartialPaymentRequest"),
                body_example={
                    "partial_payment": {
                        "amount": 30,
                        "payment_mechanism": "TB",
                        "note": "Transferência",
                        "payment_date": "05/12/2026",
                    }
                },
                extensions={
                    "x-vendor-operation": "generatePayment",
                    "x-document-types": [d.segment for d in DOC_TYPES if d.family == "invoices"],
                },
            )
        },
    }


# --- other resources --------------------------------------------------------------------------


def crud(
    *,
    noun: str,
    plural: str,
    tag: str,
    key: str,
    schema: str,
    request: str,
    id_param: str,
    example: Any,
    request_example: Any,
    vendor: dict[str, str],
    create_422: tuple[str, Any, tuple[str, ...]],
    update_422: tuple[str, Any, tuple[str, ...]],
    paginated: bool,
    extra_links: Node | None = None,
    create_quirk: str | None = None,
) -> dict[str, Node]:
    """List, create, get, update (empty 200) and delete for a simple resource."""
    cap = noun[0].upper() + noun[1:]
    id_name = id_param
    list_schema: Node = {plural: array(ref(schema))}
    required = [plural]
    list_example: Node = {plural: [example]}
    if paginated:
        list_schema["pagination"] = ref("Pagination")
        required.append("pagination")
        list_example["pagination"] = samples.PAGINATION
    item_path = f"/{plural}/{{{id_name}}}.json"
    ptr = f"$response.body#/{key}/id"
    links: Node = {
        f"Get{cap}": {"operationId": f"get{cap}", "parameters": {id_name: ptr}},
        f"Update{cap}": {"operationId": f"update{cap}", "parameters": {id_name: ptr}},
        f"Delete{cap}": {"operationId": f"delete{cap}", "parameters": {id_name: ptr}},
    }
    links |= extra_links or {}
    return {
        f"/{plural}.json": {
            "get": operation(
                f"list{cap if not cap.endswith('x') else cap[:-1] + 'xe'}s",
                f"List {plural}",
                tag,
                f"Lists the account's {plural}.",
                {"200": ok(f"The {plural}.", obj(list_schema, required), list_example)},
                parameters=[param("Page"), param("PerPage")] if paginated else None,
                extensions={"x-vendor-operation": vendor["list"]},
            ),
            "post": operation(
                f"create{cap}",
                f"Create a {noun}",
                tag,
                f"Creates a {noun}.",
                {
                    "201": {
                        **ok(f"The new {noun}.", obj({key: ref(schema)}, [key]), {key: example}),
                        "links": links,
                    },
                    "422": error(
                        f"The {noun} is invalid.", create_422[0], create_422[1], create_422[2]
                    ),
                },
                body=ref(request),
                body_example=request_example,
                extensions={"x-vendor-operation": vendor["create"]}
                | ({"x-live-quirk": create_quirk} if create_quirk else {}),
            ),
        },
        item_path: {
            "get": operation(
                f"get{cap}",
                f"Get a {noun}",
                tag,
                f"Reads one {noun}.",
                {
                    "200": ok(f"The {noun}.", obj({key: ref(schema)}, [key]), {key: example}),
                    "404": not_found(noun),
                },
                parameters=[param(_PARAM_COMPONENT[id_name])],
                extensions={"x-vendor-operation": vendor["get"]},
            ),
            "put": operation(
                f"update{cap}",
                f"Update a {noun}",
                tag,
                f"Changes a {noun}.",
                {
                    "200": empty(f"The {noun} was updated."),
                    "404": not_found(noun),
                    "422": error(
                        f"The {noun} is invalid.", update_422[0], update_422[1], update_422[2]
                    ),
                },
                parameters=[param(_PARAM_COMPONENT[id_name])],
                body=ref(request),
                body_example=request_example,
                extensions={"x-vendor-operation": vendor["update"]},
            ),
            "delete": operation(
                f"delete{cap}",
                f"Delete a {noun}",
                tag,
                f"Deletes a {noun}.",
                {"200": empty(f"The {noun} was deleted."), "404": not_found(noun)},
                parameters=[param(_PARAM_COMPONENT[id_name])],
                extensions={"x-vendor-operation": vendor["delete"]},
            ),
        },
    }


_PARAM_COMPONENT = {
    "item-id": "ItemId",
    "tax-id": "TaxId",
    "client-id": "ClientId",
    "sequence-id": "SequenceId",
}


def items_and_taxes() -> dict[str, Node]:
    paths = crud(
        noun="item",
        plural="items",
        tag="Items",
        key="item",
        schema="Item",
        request="ItemRequest",
        id_param="item-id",
        example=samples.ITEM,
        request_example={
            "item": {
                "name": "Consultoria",
                "description": "Uma hora",
                "unit_price": "24.3902",
                "unit": "hour",
                "tax": {"name": "IVA23"},
            }
        },
        vendor={
            "list": "listItems",
            "create": "createItem",
            "get": "getItem",
            "update": "updateItem",
            "delete": "deleteItem",
        },
        create_422=("ErrorsList", errors_list("Unit price can't be blank"), facts.MESSAGES_ITEMS),
        update_422=(
            "ErrorsList",
            errors_list("Unit price is not a number"),
            (
                *facts.MESSAGES_ITEMS,
                "Name can't be changed because it is already associated with invoices",
            ),
        ),
        paginated=True,
    )
    paths |= crud(
        noun="tax",
        plural="taxes",
        tag="Taxes",
        key="tax",
        schema="Tax",
        request="TaxRequest",
        id_param="tax-id",
        example=samples.TAX,
        request_example={
            "tax": {
                "name": "IVA23",
                "value": "23.0",
                "region": "PT",
                "code": "NOR",
                "default_tax": 1,
            }
        },
        vendor={
            "list": "listTaxes",
            "create": "createTax",
            "get": "getTax",
            "update": "updateTax",
            "delete": "deleteTax",
        },
        create_422=("ModelErrors", {"name": ["Name has already been taken"]}, facts.MESSAGES_TAXES),
        update_422=("ModelErrors", {"base": ["Tax region is empty"]}, facts.MESSAGES_TAXES),
        paginated=False,
        create_quirk="The live API answers 500 when `value` is a JSON number (surface §6.2); "
        "the sandbox does so only with the `tax_numeric_value_500` quirk on.",
    )
    return paths


def clients() -> dict[str, Node]:
    cid = [param("ClientId")]
    client_example = {"client": samples.CLIENT}
    ptr = "$response.body#/client/id"
    req_example = {
        "client": {
            "name": "Cliente Exemplo",
            "code": "C001",
            "email": "cliente@example.com",
            "language": "pt",
            "country": "Portugal",
            "fiscal_id": "999999990",
            "send_options": "1",
        }
    }
    client_422 = error(
        "The client is invalid.",
        "ErrorsStrings",
        {"errors": ["Name has already been taken"]},
        facts.MESSAGES_CLIENTS,
    )
    invoice_list = {
        "invoices": [samples.document_example(BY_SEGMENT["invoices"], status="final")],
        "pagination": samples.PAGINATION,
    }
    return {
        "/clients.json": {
            "get": operation(
                "listClients",
                "List clients",
                "Clients",
                "Lists the account's clients.",
                {
                    "200": ok(
                        "One page of clients.",
                        obj(
                            {"clients": array(ref("Client")), "pagination": ref("Pagination")},
                            ["clients", "pagination"],
                        ),
                        {"clients": [samples.CLIENT], "pagination": samples.PAGINATION},
                    )
                },
                parameters=[param("Page"), param("PerPage")],
                extensions={"x-vendor-operation": "listClients"},
            ),
            "post": operation(
                "createClient",
                "Create a client",
                "Clients",
                "Creates a client.",
                {
                    "201": {
                        **ok("The new client.", ref("ClientResponse"), client_example),
                        "links": {
                            "GetClient": {
                                "operationId": "getClient",
                                "parameters": {"client-id": ptr},
                            },
                            "UpdateClient": {
                                "operationId": "updateClient",
                                "parameters": {"client-id": ptr},
                            },
                            "ListClientInvoices": {
                                "operationId": "listClientInvoices",
                                "parameters": {"client-id": ptr},
                            },
                            "GetClientBalance": {
                                "operationId": "getClientBalance",
                                "parameters": {"client-id": ptr},
                            },
                            "CreateClientRegularization": {
                                "operationId": "createClientRegularization",
                                "parameters": {"client-id": ptr},
                            },
                            "CreateClientTreasuryMovement": {
                                "operationId": "createClientTreasuryMovement",
                                "parameters": {"client-id": ptr},
                            },
                        },
                    },
                    "422": client_422,
                },
                body=ref("ClientRequest"),
                body_example=req_example,
                extensions={"x-vendor-operation": "createClient"},
            ),
        },
        "/clients/{client-id}.json": {
            "get": operation(
                "getClient",
                "Get a client",
                "Clients",
                "Reads a client; the only place that exposes its fiscal id.",
                {
                    "200": ok("The client.", ref("ClientResponse"), client_example),
                    "404": not_found("client"),
                },
                parameters=cid,
                extensions={"x-vendor-operation": "getClient"},
            ),
            "put": operation(
                "updateClient",
                "Update a client",
                "Clients",
                "Changes a client.",
                {
                    "200": empty("The client was updated."),
                    "404": not_found("client"),
                    "422": client_422,
                },
                parameters=cid,
                body=ref("ClientRequest"),
                body_example=req_example,
                extensions={"x-vendor-operation": "updateClient"},
            ),
        },
        "/clients/find-by-name.json": find_client(
            "name", "Exact match only; partial names are not searched."
        ),
        "/clients/find-by-code.json": find_client("code", "Exact match on the code."),
        "/clients/{client-id}/invoices.json": {
            "post": operation(
                "listClientInvoices",
                "List a client's documents",
                "Clients",
                "Lists the invoice-family documents of a client. A POST whose optional body "
                "carries the filters; pagination in the query.",
                {
                    "200": ok(
                        "One page of documents.",
                        obj(
                            {
                                "invoices": array(ref("InvoiceFamilyDocument")),
                                "pagination": ref("Pagination"),
                            },
                            ["invoices", "pagination"],
                        ),
                        invoice_list,
                    ),
                    "404": not_found("client"),
                },
                parameters=[*cid, param("Page"), param("PerPage")],
                body=ref("ClientInvoicesFilter"),
                body_required=False,
                body_example={
                    "filter": {
                        "status": ["sent"],
                        "by_type": ["Invoice"],
                        "archived": ["non_archived"],
                    }
                },
                extensions={"x-vendor-operation": "listClientInvoices"},
            )
        },
    }


def find_client(by: str, description: str) -> Node:
    """`GET /clients/find-by-<by>.json?client_<by>=...`: one exact match or 404."""
    return {
        "get": operation(
            f"findClientBy{by.capitalize()}",
            f"Find a client by {by}",
            "Clients",
            description,
            {
                "200": ok("The client.", ref("ClientResponse"), {"client": samples.CLIENT}),
                "404": not_found(f"client with that {by}"),
            },
            parameters=[
                query(
                    f"client_{by}",
                    {"type": "string", "minLength": 1},
                    f"The client's exact {by}.",
                    required=True,
                )
            ],
            extensions={"x-vendor-operation": f"findClientBy{by.capitalize()}"},
        )
    }


def sequences() -> dict[str, Node]:
    sid = [param("SequenceId")]
    seq = samples.sequence_example(facts.SEQUENCE_TYPES)
    ptr = "$response.body#/sequence/id"
    coded = {"errors": {"code": "002", "message": "Serie has already been taken"}}
    return {
        "/sequences.json": {
            "get": operation(
                "listSequences",
                "List sequences",
                "Sequences",
                "Lists the account's series with, per document type, the current number, the "
                "per-type sequence id to use as a document's `sequence_id`, and the ATCUD "
                "validation code.",
                {
                    "200": ok(
                        "The sequences.",
                        obj({"sequences": array(ref("Sequence"))}, ["sequences"]),
                        {"sequences": [seq]},
                    )
                },
                extensions={"x-vendor-operation": "listSequences"},
            ),
            "post": operation(
                "createSequence",
                "Create a sequence",
                "Sequences",
                "Creates a series and registers it at the Tax Authority (Portuguese accounts "
                "need AT credentials).",
                {
                    "201": {
                        **ok("The new sequence.", ref("SequenceResponse"), {"sequence": seq}),
                        "links": {
                            "GetSequence": {
                                "operationId": "getSequence",
                                "parameters": {"sequence-id": ptr},
                            },
                            "RegisterSequence": {
                                "operationId": "registerSequence",
                                "parameters": {"sequence-id": ptr},
                            },
                            "SetCurrentSequence": {
                                "operationId": "setCurrentSequence",
                                "parameters": {"sequence-id": ptr},
                            },
                        },
                    },
                    "409": error(
                        "The series is already being registered.",
                        "CodedError",
                        {
                            "errors": {
                                "code": "006",
                                "message": "The sequence is already being registered.",
                            }
                        },
                    ),
                    "422": error(
                        "The series is invalid (codes 000-005).",
                        "CodedError",
                        coded,
                        facts.MESSAGES_SEQUENCES,
                    ),
                },
                body=ref("SequenceRequest"),
                body_example={"sequence": {"serie": "B", "default_sequence": "0"}},
                extensions={"x-vendor-operation": "createSequence"},
            ),
        },
        "/sequences/{sequence-id}.json": {
            "get": operation(
                "getSequence",
                "Get a sequence",
                "Sequences",
                "Reads one series.",
                {
                    "200": ok("The sequence.", ref("SequenceResponse"), {"sequence": seq}),
                    "404": not_found("sequence", "CodedError", "The sequence doesn't exist."),
                },
                parameters=sid,
                extensions={"x-vendor-operation": "getSequence"},
            )
        },
        "/sequences/{sequence-id}/register.json": {
            "put": operation(
                "registerSequence",
                "Register a sequence at the Tax Authority",
                "Sequences",
                "Registers the series' document types that are not registered yet.",
                {
                    "200": ok(
                        "The registered sequence.",
                        obj({"sequences": array(ref("Sequence"))}, ["sequences"]),
                        {"sequences": [seq]},
                    ),
                    "404": not_found("sequence", "CodedError", "The sequence doesn't exist."),
                    "409": error(
                        "Everything is registered already, or a registration is under way.",
                        "CodedError",
                        {
                            "errors": {
                                "code": "005",
                                "message": "All sequences are already registered.",
                            }
                        },
                    ),
                    "422": error(
                        "Registration failed (codes 000-007).",
                        "CodedError",
                        {"errors": {"code": "004", "message": "The account is not Portuguese."}},
                    ),
                },
                parameters=sid,
                extensions={"x-vendor-operation": "registerSequence"},
            )
        },
        "/sequences/{sequence-id}/set_current.json": {
            "put": operation(
                "setCurrentSequence",
                "Make a sequence the default",
                "Sequences",
                "New documents without `sequence_id` use the default series.",
                {
                    "200": empty("The series is now the default."),
                    "404": not_found("sequence", "CodedError", "The sequence doesn't exist."),
                    "422": error(
                        "The series cannot become the default.",
                        "CodedError",
                        {"errors": {"code": "003", "message": "The sequence is invalid."}},
                    ),
                },
                parameters=sid,
                extensions={"x-vendor-operation": "setSequenceDefault"},
            )
        },
    }


def treasury() -> dict[str, Node]:
    cid = [param("ClientId")]
    client_404 = error("No client with that id.", "ErrorsList", errors_list("Client not found"))
    reg = {
        "id": 1,
        "number": "NR00000001",
        "value": 10.0,
        "date": "2026-12-03",
        "observation": "Acerto",
    }
    return {
        "/api/v3/clients/{client-id}/balance.json": {
            "get": operation(
                "getClientBalance",
                "Get a client's balance",
                "Treasury",
                "Current account of a client. The body has no root key; dates are ISO.",
                {
                    "200": ok(
                        "The balance.",
                        ref("ClientBalance"),
                        {
                            "currency": {"symbol": "€", "code": "EUR"},
                            "initial_balance": {
                                "value": 0.0,
                                "created_at": "1970-01-01",
                                "observation": "",
                            },
                            "balance": {"with_vat": 30.0, "without_vat": 24.39},
                            "overdue_balance": {"with_vat": 0.0, "without_vat": 0.0},
                            "remaining_balance": {"total": 30.0, "value": 30.0},
                        },
                    ),
                    "404": client_404,
                },
                parameters=cid,
                extensions={"x-vendor-operation": "getClientBalance"},
            )
        },
        "/api/v3/clients/{client-id}/initial_balance.json": {
            "put": operation(
                "updateClientInitialBalance",
                "Set a client's initial balance",
                "Treasury",
                "Sets the opening balance of a client's current account (ISO date).",
                {
                    "200": ok(
                        "The initial balance.",
                        obj({"initial_balance": ref("InitialBalance")}, ["initial_balance"]),
                        {
                            "initial_balance": {
                                "value": 100.0,
                                "date": "2026-01-01",
                                "observation": "Saldo inicial",
                            }
                        },
                    ),
                    "404": client_404,
                    "422": error(
                        "The balance is invalid.",
                        "ErrorsList",
                        errors_list("Date can't be blank"),
                        ("Date can't be blank", "Value is not a number"),
                    ),
                },
                parameters=cid,
                body=ref("InitialBalanceRequest"),
                body_example={
                    "initial_balance": {
                        "value": 100.0,
                        "date": "2026-01-01",
                        "observation": "Saldo inicial",
                    }
                },
                extensions={"x-vendor-operation": "updateClientInitialBalance"},
            )
        },
        "/api/v3/clients/{client-id}/regularization.json": {
            "get": operation(
                "listClientRegularizations",
                "List a client's regularizations",
                "Treasury",
                "Lists balance regularizations; note the singular `regularization` key.",
                {
                    "200": ok(
                        "One page of regularizations.",
                        obj(
                            {
                                "regularization": array(ref("Regularization")),
                                "pagination": ref("Pagination"),
                            },
                            ["regularization", "pagination"],
                        ),
                        {"regularization": [reg], "pagination": samples.PAGINATION},
                    ),
                    "404": client_404,
                },
                parameters=[*cid, param("Page"), param("PerPage")],
                extensions={"x-vendor-operation": "getClientRegularizations"},
            ),
            "post": operation(
                "createClientRegularization",
                "Regularize a client's balance",
                "Treasury",
                "Records a regularization, at most the remaining balance.",
                {
                    "201": {
                        **ok(
                            "The regularization (in a one-element list).",
                            obj(
                                {"regularization": array(ref("Regularization"))}, ["regularization"]
                            ),
                            {"regularization": [reg]},
                        ),
                        "links": {
                            "DeleteClientRegularization": {
                                "operationId": "deleteClientRegularization",
                                "parameters": {
                                    "client-id": "$request.path.client-id",
                                    "regularization-id": "$response.body#/regularization/0/id",
                                },
                            }
                        },
                    },
                    "404": client_404,
                    "422": error(
                        "The regularization is invalid.",
                        "ErrorsList",
                        errors_list("Value must be less than or equal to the remaining balance"),
                        (
                            "Value must be less than or equal to the remaining balance",
                            "Date can't be blank",
                            "Value is not a number",
                        ),
                    ),
                },
                parameters=cid,
                body=ref("RegularizationRequest"),
                body_example={
                    "regularization": {"value": 10.0, "date": "2026-12-03", "observation": "Acerto"}
                },
                extensions={"x-vendor-operation": "createClientRegularization"},
            ),
        },
        "/api/v3/clients/{client-id}/regularization/{regularization-id}.json": {
            "delete": operation(
                "deleteClientRegularization",
                "Delete a regularization",
                "Treasury",
                "Removes a regularization.",
                {"200": empty("Deleted."), "404": client_404},
                parameters=[*cid, param("RegularizationId")],
                extensions={"x-vendor-operation": "deleteClientRegularization"},
            )
        },
        "/api/v3/clients/{client-id}/treasury_movements.json": {
            "post": operation(
                "createClientTreasuryMovement",
                "Record a treasury movement",
                "Treasury",
                "Records a payment received from, or a reimbursement made to, a client.",
                {
                    "201": {
                        **ok(
                            "The movement.",
                            obj(
                                {"treasury_movement": ref("TreasuryMovement")},
                                ["treasury_movement"],
                            ),
                            {
                                "treasury_movement": {
                                    "id": 1,
                                    "value": 30.0,
                                    "movement_type": "Payment",
                                    "payment_method": "TB",
                                    "date": "2026-12-05",
                                    "serie": "A",
                                    "observation": "",
                                }
                            },
                        ),
                        "links": {
                            "DeleteClientTreasuryMovement": {
                                "operationId": "deleteClientTreasuryMovement",
                                "parameters": {
                                    "client-id": "$request.path.client-id",
                                    "movement-id": "$response.body#/treasury_movement/id",
                                },
                            }
                        },
                    },
                    "404": client_404,
                    "422": error(
                        "The movement is invalid.",
                        "ErrorsList",
                        errors_list("Validation failed: Value is not a number"),
                        ("Validation failed: Value is not a number",),
                    ),
                },
                parameters=cid,
                body=ref("TreasuryMovementRequest"),
                body_example={
                    "treasury_movement": {
                        "value": 30.0,
                        "movement_type": "Payment",
                        "payment_method": "TB",
                        "date": "2026-12-05",
                    }
                },
                extensions={"x-vendor-operation": "createClientTreasuryMovement"},
            )
        },
        "/api/v3/clients/{client-id}/treasury_movements/{movement-id}.json": {
            "delete": operation(
                "deleteClientTreasuryMovement",
                "Delete a treasury movement",
                "Treasury",
                "Removes a movement; the only operation of the API that answers 204.",
                {"204": empty("Deleted."), "404": client_404},
                parameters=[*cid, param("MovementId")],
                extensions={
                    "x-vendor-operation": "deleteClientTreasuryMovement",
                    "x-live-quirk": "The live API answers 500 'undefined method "
                    "invoice for nil' although the delete is applied (surface §8).",
                },
            )
        },
    }


def accounts_and_saft() -> dict[str, Node]:
    aid = [param("AccountId")]
    created = {
        "account": {
            "id": "2",
            "name": "Nova Empresa",
            "url": "https://nova-empresa.app.invoicexpress.com",
            "api_key": "REDACTED-EXAMPLE-KEY",
            "state": "active",
        }
    }
    acct_links = {
        "links": {
            "GetAccount": {
                "operationId": "getAccount",
                "parameters": {"account-id": "$response.body#/account/id"},
            },
            "UpdateAccount": {
                "operationId": "updateAccount",
                "parameters": {"account-id": "$response.body#/account/id"},
            },
        }
    }
    acct_req = {
        "account": {
            "organization_name": "Nova Empresa",
            "email": "dono@example.com",
            "password": "s3gredo-exemplo",
            "terms": "1",
            "language": "pt",
        }
    }
    return {
        "/api/accounts/create.json": {
            "post": operation(
                "createAccount",
                "Create an account (partners)",
                "Accounts",
                "Creates an account and its user; answers the new account's API key.",
                {
                    "201": {**ok("The new account.", ref("AccountCreated"), created), **acct_links},
                    "422": error(
                        "The account is invalid.",
                        "ErrorsObject",
                        errors_object("Terms and Conditions must be accepted"),
                        ACCOUNT_CREATE_MESSAGES,
                    ),
                },
                body=ref("AccountCreateRequest"),
                body_example=acct_req,
                extensions={"x-vendor-operation": "createAccount"},
            )
        },
        "/api/accounts/create_already_user.json": {
            "post": operation(
                "createAccountForExistingUser",
                "Create an account for an existing user",
                "Accounts",
                "Like createAccount, for a user who exists already (credentials of that user). "
                "Answers 200, not 201.",
                {
                    "200": {**ok("The new account.", ref("AccountCreated"), created), **acct_links},
                    "422": error(
                        "The account is invalid.",
                        "ErrorsObject",
                        errors_object("Terms and Conditions must be accepted"),
                        ACCOUNT_CREATE_MESSAGES,
                    ),
                },
                body=ref("AccountCreateRequest"),
                body_example=acct_req,
                extensions={"x-vendor-operation": "createAccountExisting"},
            )
        },
        "/api/accounts/{account-id}/get.json": {
            "get": operation(
                "getAccount",
                "Get an account",
                "Accounts",
                "Reads an account.",
                {
                    "200": ok(
                        "The account.",
                        obj({"account": ref("Account")}, ["account"]),
                        {
                            "account": {
                                "organization_name": "Demo, Lda",
                                "fiscal_id": "999999990",
                                "email": "demo@example.com",
                                "state": "active",
                                "at_configured": False,
                                "trial": True,
                            }
                        },
                    ),
                    "404": not_found("account", message="The account doesn't exist."),
                },
                parameters=aid,
                extensions={"x-vendor-operation": "getAccount"},
            )
        },
        "/api/accounts/{account-id}/update.json": {
            "put": operation(
                "updateAccount",
                "Update an account",
                "Accounts",
                "Changes an account. The fiscal id cannot change; AT passwords are base64.",
                {
                    "200": empty("The account was updated."),
                    "404": not_found("account", message="The account doesn't exist."),
                    "422": error(
                        "The account is invalid.",
                        "BareArray",
                        ["fiscal_id", "is invalid"],
                        facts.MESSAGES_ACCOUNTS,
                    ),
                },
                parameters=aid,
                body=ref("AccountUpdateRequest"),
                body_example={
                    "account": {
                        "organization_name": "Demo, Lda",
                        "city": "Lisboa",
                        "postal_code": "1100-048",
                    }
                },
                extensions={"x-vendor-operation": "updateAccount"},
            )
        },
        "/api/v3/accounts/at_communication.json": {
            "post": operation(
                "configureAtCommunication",
                "Configure communication with the Tax Authority",
                "Accounts",
                "Stores the AT sub-user and how documents are communicated.",
                {
                    "200": ok(
                        "Stored.",
                        obj({"success": {"type": "string", "enum": ["true"]}}, ["success"]),
                        {"success": "true"},
                    ),
                    "422": error(
                        "The credentials are invalid.",
                        "ErrorsObject",
                        errors_object("The field at_subuser has an incorrect size"),
                        ("The field at_subuser has an incorrect size",),
                    ),
                },
                body=ref("AtCommunicationRequest"),
                body_example={
                    "at_communication": {
                        "at_subuser": "999999990/1",
                        "at_password": "c2VncmVkbw==",
                        "communication_type": "auto",
                    }
                },
                extensions={"x-vendor-operation": "atCommunication"},
            )
        },
        "/api/export_saft.json": {
            "get": operation(
                "exportSaft",
                "Export the SAF-T (PT) file",
                "SAF-T",
                "Starts the SAF-T export of a month; answers 202 until the file is ready, then "
                "its link. Older pages call the year parameter `years`: both are accepted.",
                {
                    "200": ok(
                        "The file is ready.",
                        ref("SaftReady"),
                        {"url": "http://127.0.0.1:8765/saft/2026-11.xml"},
                    ),
                    "202": ok(
                        "Generation started or under way; ask again.",
                        ref("MessageBody"),
                        {
                            "message": "The SAF-T file generation was started. Please keep "
                            "requesting until you get back the url."
                        },
                    ),
                    "422": error(
                        "Nothing to export, or the account cannot export.",
                        "MessageBody",
                        {"message": "There aren't any documents to export on the selected period."},
                        facts.MESSAGES_SAFT,
                    ),
                    "500": {
                        **error(
                            "Generation failed on the server.",
                            "MessageBody",
                            {"message": "Error generating SAF-T. Please try again."},
                        ),
                        "x-server-fault": True,
                    },
                },
                parameters=[
                    query(
                        "month",
                        {"type": "string", "pattern": "^(0?[1-9]|1[0-2])$"},
                        "Month to export, 1-12.",
                        required=True,
                    ),
                    query(
                        "year",
                        {"type": "string", "pattern": "^[0-9]{4}$"},
                        "Year to export (current bundle).",
                    ),
                    query(
                        "years",
                        {"type": "string", "pattern": "^[0-9]{4}$"},
                        "Year to export (legacy name, still accepted).",
                    ),
                ],
                extensions={"x-vendor-operation": "export_saft"},
            )
        },
    }


def all_paths() -> dict[str, Node]:
    paths: dict[str, Node] = {}

    def add(more: dict[str, Node]) -> None:
        for path, item in more.items():
            paths.setdefault(path, {}).update(item)

    for dt in DOC_TYPES:
        add(document_paths(dt))
    add(family_list_paths())
    add(receipt_paths())
    add(shared_document_paths())
    add(clients())
    add(items_and_taxes())
    add(sequences())
    add(treasury())
    add(accounts_and_saft())
    return dict(sorted(paths.items()))
