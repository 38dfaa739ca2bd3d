"""The documents area's request schemas, and every document type's schemas."""

from __future__ import annotations

from invoicexpress_specbuild.areas.clients import contact_input, preferred_contact_input
from invoicexpress_specbuild.areas.documents.facts import FAMILY_NOUN, TAX_EXEMPTION_CODES
from invoicexpress_specbuild.doctypes import (
    DOC_TYPES,
    LIST_TYPE_FILTER,
    MACHINES,
    RECEIPT,
    DocType,
    pascal,
)
from invoicexpress_specbuild.document_model import (
    document_properties,
    document_schema,
    family_document_schema,
    parts,
    state_change_schema,
)
from invoicexpress_specbuild.nodes import Node, array, enum, obj, or_unset, ref, string


def request_parts() -> dict[str, Node]:
    return {
        "DocumentClientInput": obj(
            {
                "name": string("The client's name (for a new client).", minLength=1),
                "code": string(
                    "The client's unique code: an existing code picks that client and the "
                    "other fields are ignored; an unknown one creates the client.",
                    minLength=1,
                ),
                "email": string(format="email"),
                **contact_input(),
                "preferred_contact": preferred_contact_input(),
                "observations": string(),
            },
            ["name", "code"],
            description="The document's client, found by `code` (api-docs 001: \"If the client "
            "doesn't exist, a new one is created. If it exists, the remaining client fields "
            'will be ignored.").',
            closed=True,
            ignored=("id",),
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
                "unit": or_unset(ref("Unit")),
                "discount": {**ref("DecimalValue"), "description": "Line discount, 0 to 100 %."},
                "tax": ref("ItemTaxInput"),
            },
            ["name", "description", "unit_price", "quantity"],
            closed=True,
            ignored=("id", "subtotal", "tax_amount", "discount_amount", "total"),
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
                "email": string("Undocumented; production clients send it, and it is stored."),
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
        "retention": or_unset(ref("DecimalValue"), "Withholding tax, 0 to 99.99 %."),
        "tax_exemption": ref("TaxExemptionCode"),
        "tax_exemption_reason": ref("TaxExemptionCode"),
        "sequence_id": or_unset(
            ref("IdLike"),
            "The per-document-type sequence id "
            "(`current_<type>_sequence_id`); default sequence when absent.",
        ),
        "manual_sequence_number": string("For non-Portuguese accounts with manual numbering."),
        "client": ref("DocumentClientInput"),
        "items": array(ref("DocumentItemInput"), minItems=1),
    }


_DATED = ["date", "due_date", "client", "items"]
# What each family adds to the common fields, and which fields it requires.
_FAMILY_FIELDS: dict[str, tuple[dict[str, Node], list[str]]] = {
    "invoices": (
        {
            "mb_reference": or_unset(ref("FlagString")),
            "owner_invoice_id": or_unset(
                ref("IdLike"),
                "Credit/debit notes: the invoice they correct. Invoices: a guide to link.",
            ),
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
    fields = _common_fields() | extra
    # What a GET of the document returns and no request sets (id, status, totals...): an update
    # that echoes a read document is accepted and these are ignored (CHANGELOG, issue 17).
    read_only = sorted(set(document_properties([], [], family)) - set(fields))
    # `partial_payments: null` in every create a production client builds (tim-online/
    # go-invoicexpress; fact `document-empty-optionals`): accepted and ignored the same way.
    read_only = sorted({*read_only, "partial_payments"} - set(fields))
    return obj(
        fields,
        required,
        closed=True,
        ignored=tuple(read_only),
        description=f"Fields of a {family} document on create and update.",
    )


def wrapped(dt: DocType, inner: Node, *, with_uid: bool = False) -> Node:
    """`{<type key>: inner}`, or the same fields under the family's generic key (surface §3; the
    vendor's own credit-note example sends `invoice`). Exactly one of the two, said with
    `if`/`then`/`else`: a `oneOf` would turn the generated body into `Any`, while this keeps a
    typed model with both keys. `x-accepted-root-keys` names the primary key first."""
    props: dict[str, Node] = {dt.key: inner}
    generic = dt.generic_key != dt.key
    if generic:
        props[dt.generic_key] = {
            **inner,
            "description": f"The same fields under the family's key, instead of `{dt.key}`.",
        }
    if with_uid:
        props["proprietary_uid"] = string(
            "Your own unique id for this creation; a second request with the same id while "
            "the first is under way answers 409. A sibling of the root key.",
            minLength=1,
        )
    out = obj(props, [] if generic else [dt.key], closed=True)
    if generic:
        out["description"] = (
            f"Send the body under `{dt.key}`. The API also accepts the "
            f"family's generic key `{dt.generic_key}` in its place (one of the two)."
        )
        out["if"] = {"required": [dt.generic_key]}
        out["then"] = {"properties": {dt.key: False}}  # no `not`: costly to generate from
        out["else"] = {"required": [dt.key]}
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


def schemas() -> dict[str, Node]:
    s = parts() | request_parts()
    for family in _FAMILY_FIELDS:
        s[f"{pascal(family)}Fields"] = fields_schema(family)
    for dt in DOC_TYPES:
        fields = ref(f"{pascal(dt.family)}Fields")
        s[dt.pascal] = document_schema(dt)
        s[f"{dt.pascal}Response"] = obj(
            {dt.key: ref(dt.pascal)}, [dt.key], description=f"A {dt.title} under its root key."
        )
        s[f"{dt.pascal}CreateRequest"] = wrapped(dt, fields, with_uid=dt.family == "invoices")
        s[f"{dt.pascal}UpdateRequest"] = wrapped(dt, fields)
        s[f"{dt.pascal}StateChange"] = state_change_schema(dt)
        s[f"{dt.pascal}ChangeStateRequest"] = wrapped(dt, ref(f"{dt.pascal}StateChange"))
    for family, name in FAMILY_NOUN.items():
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
