"""Documents: invoices, estimates, guides and purchase orders, one concrete operation per
document type (create, get, update, change-state, e-mail), the family and per-type lists, and
what any document offers (PDF, QR code, related documents).

The API's 13 document types differ only in root keys, type names, state machines and a few
fields (doctypes.py); here each operation is written once and expanded per type.
"""

from __future__ import annotations

from ixc.specbuild.area import Area
from ixc.specbuild.doctypes import (
    BY_SEGMENT,
    DOC_TYPES,
    INVALID_STATE_MESSAGE,
    LIST_STATUS_FILTER,
    LIST_TYPE_FILTER,
    MACHINES,
    MESSAGES_CHANGE_STATE,
    PER_TYPE_LISTS,
    RECEIPT,
    DocType,
    state_machine_extension,
)
from ixc.specbuild.document_model import (
    ADDRESS,
    document_example,
    document_schema,
    family_document_schema,
    parts,
    state_change_schema,
)
from ixc.specbuild.errors import error, errors_list, errors_object, not_found
from ixc.specbuild.nodes import Node, array, empty, enum, links, obj, ok, param, query, ref, string
from ixc.specbuild.operation import operation
from ixc.specbuild.parameters import page_example, page_of, paging

# --- facts --------------------------------------------------------------------------------------

# api-docs 002 appendix (M01-M16, M99) ∪ bundle info table (M19-M46); M00 = "no exemption",
# used by the vendor's examples for `tax_exemption_reason` (api-docs 004).
TAX_EXEMPTION_CODES = (
    *(f"M{n:02d}" for n in range(17)),
    *("M19", "M20", "M21", "M25", "M30", "M31", "M32", "M33"),
    *(f"M{n}" for n in range(40, 47)),
    "M99",
)

# The 422 catalogue of api-docs 002 for document writes and e-mails.
MESSAGE_SETTLED = "Invoice has been settled so can't be changed anymore"
MESSAGE_MB_REFERENCE = (
    "Option to generate MB reference is set but no payment provider is configurated"
)
MESSAGES_DOCUMENT_WRITE = (
    "Items element should be of type array",
    "Country Germani was not found",
    "Retention must be a number between 0 and 99.99",
    "Invoice items is invalid",
    "Client is invalid",
    "Due date must be later than date",
    "Email must be an email address",
    "Discount is not a number",
    "Quantity must be a number greater than 0",
    "Unit price must be a number",
    "Unit kg is not included in the list of accepted units",
    MESSAGE_MB_REFERENCE,
    MESSAGE_SETTLED,
)
# Observed elsewhere (surface §4, §7), produced by the rules they name.
MESSAGES_DOCUMENT_OBSERVED = (
    "Document should have at least one item",
    "Date is not valid",
    "Elemento client não fornecido",
)
MESSAGE_OWNER_INVALID = "Owner invoice is invalid"
MESSAGES_EMAIL = (
    "No content type or wrongly specified",
    "Email: is an invalid email",
    "Cc: is an invalid email",
    "Bcc: is an invalid email",
)
MESSAGE_PDF_INVALID_STATE = "The document-id provided is in an invalid state."  # api-docs 002
MESSAGE_DUPLICATE_UID = "There's an ongoing document creation with the provided UID {uid}"

FAMILY_TAG = {
    "invoices": "Invoices",
    "estimates": "Estimates",
    "guides": "Guides",
    "purchase_orders": "Purchase orders",
    "receipts": "Invoices",
}
FAMILY_VENDOR = {"invoices": "Invoice", "estimates": "Estimate", "guides": "Guide"}
CORRECTING = ("credit_notes", "debit_notes")  # they correct an existing invoice


def document_write_messages(dt: DocType, *, update: bool) -> tuple[str, ...]:
    """The 422 catalogue of api-docs 002, minus what the operation cannot trigger."""
    messages: tuple[str, ...] = MESSAGES_DOCUMENT_WRITE + MESSAGES_DOCUMENT_OBSERVED
    if not update:  # nothing is settled before it exists
        messages = tuple(m for m in messages if m != MESSAGE_SETTLED)
    if dt.family not in ("invoices", "estimates"):  # no `mb_reference` field
        messages = tuple(m for m in messages if m != MESSAGE_MB_REFERENCE)
    if dt.segment in CORRECTING:
        messages += (MESSAGE_OWNER_INVALID,)
    return messages


# --- request schemas ----------------------------------------------------------------------------


def request_parts() -> dict[str, Node]:
    return {
        "DocumentClientInput": obj(
            {
                "name": string("Matched exactly; an unknown name creates the client.", minLength=1),
                "code": string("The client's unique code.", minLength=1),
                "email": string(format="email"),
                "address": string(),
                "city": string(),
                "postal_code": string(),
                "country": ref("Country"),
                "fiscal_id": string(),
                "website": string(),
                "phone": string(),
                "fax": string(),
                "observations": string(),
            },
            ["name", "code"],
            description="The document's client. When the name exists, the other fields are "
            "ignored.",
            closed=True,
        ),
        "DocumentItemInput": obj(
            {
                "name": string(
                    "Unique item name; an unknown one creates the item, a known "
                    "one updates it with these values.",
                    minLength=1,
                ),
                "description": string(),
                "unit_price": {**ref("DecimalValue"), "description": "Unit price, >= 0."},
                "quantity": {**ref("DecimalValue"), "description": "Quantity, > 0."},
                "unit": ref("Unit"),
                "discount": {**ref("DecimalValue"), "description": "Line discount, 0 to 100 %."},
                "tax": ref("ItemTaxInput"),
            },
            ["name", "description", "unit_price", "quantity"],
            closed=True,
        ),
        "GlobalDiscountInput": obj(
            {
                "value_type": enum(("percentage", "absolute")),
                "value": {"type": "number", "exclusiveMinimum": 0},
            },
            ["value_type", "value"],
            closed=True,
        ),
        "AddressInput": obj(
            {
                "detail": string(minLength=1),
                "city": string(minLength=1),
                "postal_code": string(minLength=1),
                "country": ref("Country"),
            },
            ["detail", "city", "postal_code", "country"],
            closed=True,
        ),
        "TaxExemptionCode": enum(
            TAX_EXEMPTION_CODES, "Portuguese IVA exemption code. M00 means no exemption."
        ),
    }


def _common_fields() -> dict[str, Node]:
    return {
        "date": ref("DateDMYInput"),
        "due_date": {**ref("DateDMYInput"), "description": "Not before `date`."},
        "reference": string("Purchase-order reference."),
        "observations": string("Printed on the document."),
        "retention": {**ref("DecimalValue"), "description": "Withholding tax, 0 to 99.99 %."},
        "tax_exemption": ref("TaxExemptionCode"),
        "tax_exemption_reason": ref("TaxExemptionCode"),
        "sequence_id": {
            **ref("IdLike"),
            "description": "The per-document-type sequence id "
            "(`current_<type>_sequence_id`); default sequence when absent.",
        },
        "manual_sequence_number": string("For non-Portuguese accounts with manual numbering."),
        "client": ref("DocumentClientInput"),
        "items": array(ref("DocumentItemInput"), minItems=1),
    }


_DATED = ["date", "due_date", "client", "items"]
# What each family adds to the common fields, and which fields it requires.
_FAMILY_FIELDS: dict[str, tuple[dict[str, Node], list[str]]] = {
    "invoices": (
        {
            "mb_reference": ref("FlagString"),
            "owner_invoice_id": {
                **ref("IdLike"),
                "description": "Credit/debit notes: the "
                "invoice they correct. Invoices: a guide to link.",
            },
            "currency_code": string("ISO 4217 code (multi-currency plans).", pattern="^[A-Z]{3}$"),
            "rate": ref("DecimalString"),
            "plugin_id": string(),
            "global_discount": ref("GlobalDiscountInput"),
        },
        _DATED,
    ),
    "estimates": (
        {"mb_reference": ref("FlagString"), "auto_add_related_document": ref("FlagString")},
        ["client", "items"],
    ),
    "guides": (
        {
            "loaded_at": {**ref("DateTimeDMY"), "description": "Must not be in the past."},
            "license_plate": string(),
            "address_from": ref("AddressInput"),
            "address_to": ref("AddressInput"),
            "load_site": string(),
            "delivery_site": string(),
        },
        ["date", "due_date", "loaded_at", "address_from", "address_to", "client", "items"],
    ),
    "purchase_orders": (
        {"loaded_at": ref("DateDMYInput"), "delivery_site": string()},
        _DATED,
    ),
}


def fields_schema(family: str) -> Node:
    extra, required = _FAMILY_FIELDS[family]
    return obj(
        _common_fields() | extra,
        required,
        closed=True,
        description=f"Fields of a {family} document on create and update.",
    )


def wrapped(dt: DocType, inner: Node, *, with_uid: bool = False) -> Node:
    """`{<type key>: inner}`. The family's generic key is accepted too (surface §3), which
    `x-accepted-root-keys` records; a `oneOf` would turn the generated body into `Any`."""
    props: dict[str, Node] = {dt.key: inner}
    if with_uid:
        props["proprietary_uid"] = string(
            "Your own unique id for this creation; a second request with the same id while "
            "the first is under way answers 409. A sibling of the root key.",
            minLength=1,
        )
    out = obj(props, [dt.key], closed=True)
    if dt.generic_key != dt.key:
        out["description"] = (
            f"Send the body under `{dt.key}`. The API also accepts the "
            f"family's generic key `{dt.generic_key}` in its place."
        )
        out["x-accepted-root-keys"] = [dt.key, dt.generic_key]
    return out


def email_schema() -> Node:
    return obj(
        {
            "message": obj(
                {
                    "client": obj(
                        {"email": string(format="email"), "save": ref("FlagString")},
                        ["email", "save"],
                        closed=True,
                    ),
                    "subject": string(),
                    "body": string(),
                    "cc": string(),
                    "bcc": string(),
                    "logo": ref("FlagString"),
                },
                ["client"],
                closed=True,
            )
        },
        ["message"],
        closed=True,
        description='Send a document by e-mail. `save: "1"` stores the address on the client.',
    )


_FAMILY_NAMES = {"invoices": "Invoice", "estimates": "Estimate", "guides": "Guide"}


def schemas() -> dict[str, Node]:
    s = parts() | request_parts()
    for family in ("invoices", "estimates", "guides", "purchase_orders"):
        s[f"{_pascal(family)}Fields"] = fields_schema(family)
    for dt in DOC_TYPES:
        fields = ref(f"{_pascal(dt.family)}Fields")
        s[dt.pascal] = document_schema(dt)
        s[f"{dt.pascal}Response"] = obj(
            {dt.key: ref(dt.pascal)}, [dt.key], description=f"A {dt.title} under its root key."
        )
        s[f"{dt.pascal}CreateRequest"] = wrapped(dt, fields, with_uid=dt.family == "invoices")
        s[f"{dt.pascal}UpdateRequest"] = wrapped(dt, fields)
        s[f"{dt.pascal}StateChange"] = state_change_schema(dt)
        s[f"{dt.pascal}ChangeStateRequest"] = wrapped(dt, ref(f"{dt.pascal}StateChange"))
    for family, name in _FAMILY_NAMES.items():
        statuses = {
            st for dt in DOC_TYPES if dt.family == family for st in MACHINES[dt.segment].states
        }
        s[f"{name}FamilyDocument"] = family_document_schema(
            family, list(LIST_TYPE_FILTER[family]), sorted(statuses)
        )
    s["PurchaseOrderResponseDocument"] = ref("PurchaseOrder")
    all_types = {dt.type_name for dt in (*DOC_TYPES, RECEIPT)} | set(LIST_TYPE_FILTER["invoices"])
    all_states = {st for m in MACHINES.values() for st in m.states}
    s["AnyDocument"] = family_document_schema("any", sorted(all_types), sorted(all_states))
    s["EmailDocumentRequest"] = email_schema()
    return s


def _pascal(snake: str) -> str:
    return "".join(p.capitalize() for p in snake.split("_"))


# --- one document type's operations ------------------------------------------------------------

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
        "date": "03/12/2026",
        "due_date": "18/12/2026",
        "reference": "PO-42",
        "observations": "Obrigado.",
        "client": CLIENT_INPUT,
        "items": [ITEM_INPUT],
    }
    if dt.family == "guides":
        body |= {
            "loaded_at": "04/12/2026 09:00:00",
            "license_plate": "00-AA-00",
            "address_from": ADDRESS,
            "address_to": ADDRESS | {"city": "Porto", "postal_code": "4000-322"},
        }
    if dt.family == "purchase_orders":
        body |= {"loaded_at": "04/12/2026", "delivery_site": "Armazém"}
    if dt.segment in CORRECTING:
        body["owner_invoice_id"] = 1001
    return body


def _extensions(dt: DocType, action: str) -> Node:
    """`x-` fields of a per-type operation; `action` names the vendor's templated operation."""
    ext: Node = {"x-family": dt.family, "x-document-type": dt.segment}
    family = FAMILY_VENDOR.get(dt.family)
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
                "The event is not allowed from the document's state, or a cancel has no message.",
                "ErrorsObject",
                errors_object(INVALID_STATE_MESSAGE),
                MESSAGES_CHANGE_STATE,
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


# --- lists ----------------------------------------------------------------------------------------


def list_filters(family: str) -> list[Node]:
    """The query filters of a family list, flattened (the bundle nests them in one object)."""
    params: list[Node] = []
    if family in LIST_TYPE_FILTER:
        params.append(
            query(
                "type[]",
                array(enum(LIST_TYPE_FILTER[family])),
                "Only these document types.",
                explode=True,
            )
        )
    params.append(
        query(
            "status[]",
            array(enum(LIST_STATUS_FILTER[family])),
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
        return [*params, *_ranges(("loaded_at", "Loaded")), *paging()]
    if family == "invoices":
        params.append(query("reference", {"type": "string"}, "Exact reference."))
    params += _ranges(("date", "Dated"), ("due_date", "Due"))
    params += [
        query("total_before_taxes[from]", {"type": "number"}, "Amount before taxes >=."),
        query("total_before_taxes[to]", {"type": "number"}, "Amount before taxes <=."),
    ]
    return [*params, *paging()]


def _ranges(*fields: tuple[str, str]) -> list[Node]:
    """`<field>[from]` and `<field>[to]` date filters."""
    return [
        query(f"{name}[{end}]", ref("DateDMY"), f"{verb} on or {side} (dd/mm/yyyy).")
        for name, verb in fields
        for end, side in (("from", "after"), ("to", "before"))
    ]


FAMILY_LISTS = {
    # family: operationId, item schema, vendor operation (None: legacy)
    "invoices": ("listInvoices", "InvoiceFamilyDocument", "listInvoices"),
    "estimates": ("listEstimates", "EstimateFamilyDocument", "listEstimates"),
    "guides": ("listGuides", "GuideFamilyDocument", "listGuides"),
    "purchase_orders": ("listPurchaseOrders", "PurchaseOrderResponseDocument", None),
}
_PER_TYPE_EVIDENCE = (
    "surface §4.2: legacy v2 pages list `/invoice_receipts.json` and siblings "
    "('return only those types'); a 2026 production integration lists per type"
)


def family_list(family: str) -> Node:
    op_id, item_schema, vendor = FAMILY_LISTS[family]
    dt = next(d for d in DOC_TYPES if d.family == family)
    ext: Node = {"x-family": family}
    if vendor:
        ext["x-vendor-operation"] = vendor
    else:
        ext |= {"x-legacy": True, "x-evidence": BY_SEGMENT["purchase_orders"].evidence}
    words = family.replace("_", " ")
    return operation(
        op_id,
        f"List {words}",
        FAMILY_TAG[family],
        f"Lists documents of the {words} family, newest first, with "
        "filters and pagination. No filter is required.",
        {
            "200": ok(
                "One page of documents.",
                page_of(family, ref(item_schema)),
                page_example(family, document_example(dt, status="final")),
            )
        },
        parameters=list_filters(family),
        extensions=ext,
    )


def per_type_list(dt: DocType) -> Node:
    return operation(
        f"list{dt.pascal}s",
        f"List {dt.title}s",
        FAMILY_TAG[dt.family],
        f"Lists only {dt.title}s. The legacy per-type list: filters are documented only "
        "for `/invoices.json`, so only pagination is described here.",
        {
            "200": ok(
                f"One page of {dt.title}s.",
                page_of(dt.segment, ref(dt.pascal)),
                page_example(dt.segment, document_example(dt, status="final")),
            )
        },
        parameters=paging(),
        extensions={
            "x-family": dt.family,
            "x-document-type": dt.segment,
            "x-legacy": True,
            "x-evidence": _PER_TYPE_EVIDENCE,
        },
    )


def list_paths() -> dict[str, Node]:
    paths = {f"/{family}.json": {"get": family_list(family)} for family in FAMILY_LISTS}
    for segment in PER_TYPE_LISTS:
        paths[f"/{segment}.json"] = {"get": per_type_list(BY_SEGMENT[segment])}
    return paths


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


def paths() -> dict[str, Node]:
    out: dict[str, Node] = {}
    for dt in DOC_TYPES:
        out |= document_paths(dt)
    for path, item in list_paths().items():
        out.setdefault(path, {}).update(item)
    out["/api/pdf/{document-id}.json"] = {"get": pdf()}
    out["/api/qr_codes/{document-id}.json"] = {"get": qr_code()}
    out["/document/{document-id}/related_documents.json"] = {"get": related_documents()}
    return out


AREA = Area("documents", schemas, paths)
