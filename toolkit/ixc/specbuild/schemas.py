"""Component schemas of the spec: wire types with their quirks, error shapes, documents."""

from __future__ import annotations

from typing import Any

from ixc.specbuild import facts
from ixc.specbuild.countries import COUNTRIES
from ixc.specbuild.facts import DocType

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    properties: dict[str, Schema],
    required: list[str] | tuple[str, ...] = (),
    *,
    description: str | None = None,
    closed: bool = False,
) -> Schema:
    """An object schema. `closed` (requests only) rejects unknown fields."""
    out: Schema = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = properties
    if required:
        out["required"] = list(required)
    if closed:
        out["additionalProperties"] = False
    return out


def string(description: str | None = None, **extra: Any) -> Schema:
    out: Schema = {"type": "string"}
    if description:
        out["description"] = description
    out.update(extra)
    return out


def nullable_string(description: str | None = None) -> Schema:
    out: Schema = {"type": ["string", "null"]}
    if description:
        out["description"] = description
    return out


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


DMY = r"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[12][0-9]{3}$"
DMY_HMS = DMY[:-1] + r" ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"


def primitives() -> dict[str, Schema]:
    """The wire types every other schema uses, quirks included (surface §6)."""
    return {
        "DateDMY": string(
            "A calendar date as InvoiceXpress writes it: dd/mm/yyyy.",
            pattern=DMY,
            examples=["03/12/2017"],
        ),
        "DateTimeDMY": string(
            "A date and time as guides use it for `loaded_at`: dd/mm/yyyy HH:MM:SS.",
            pattern=DMY_HMS,
            examples=["03/12/2017 10:30:00"],
        ),
        "IsoDate": string(
            "An ISO 8601 calendar date; only the treasury endpoints use this format.",
            format="date",
            examples=["2017-12-03"],
        ),
        "DecimalValue": {
            "type": ["string", "number"],
            "pattern": DECIMAL,
            "description": "A decimal amount. The API sends and accepts both JSON numbers and "
            'numeric strings (`"24.3902"`, `"1.0"`) for the same field; read it as Decimal.',
            "examples": ["24.3902", 30],
        },
        "DecimalString": string(
            "A decimal amount that must travel as a string (a JSON number is rejected or, on "
            "taxes, crashes the server: surface §6).",
            pattern=DECIMAL,
            examples=["23.0"],
        ),
        "FlagString": {
            "type": "string",
            "enum": ["0", "1"],
            "description": 'A boolean written as the string "0" or "1".',
        },
        "IdLike": {
            "type": ["integer", "string"],
            "pattern": r"^[0-9]+$",
            "minimum": 1,
            "description": "An identifier the API writes either as an integer or as a string "
            "of digits.",
        },
        "Country": {
            "type": "string",
            "enum": list(COUNTRIES),
            "description": "A country name from the list InvoiceXpress accepts (api-docs 002).",
        },
        "TaxExemptionCode": {
            "type": "string",
            "enum": list(facts.TAX_EXEMPTION_CODES),
            "description": "Portuguese IVA exemption code. M00 means no exemption.",
        },
        "PaymentMechanism": {
            "type": "string",
            "enum": list(facts.PAYMENT_MECHANISMS),
            "description": "How a payment was made (api-docs 002, 13 codes).",
        },
        "Unit": {
            "type": "string",
            "enum": list(facts.UNITS),
            "description": "Unit of measure of an item line.",
        },
        "Language": {"type": "string", "enum": list(facts.LANGUAGES)},
        "Pagination": obj(
            {
                "total_entries": {"type": "integer", "minimum": 0},
                "per_page": {"type": "integer", "minimum": 1},
                "current_page": {"type": "integer", "minimum": 1},
                "total_pages": {"type": "integer", "minimum": 0},
            },
            ["total_entries", "per_page", "current_page", "total_pages"],
            description="Where a page sits in a paginated list.",
        ),
    }


def error_shapes() -> dict[str, Schema]:
    """One schema per error body shape the API is known to send (surface §7)."""
    return {
        "ErrorsObject": obj(
            {"errors": obj({"error": string()}, ["error"])},
            ["errors"],
            description='`{"errors":{"error":"..."}}`: 401 everywhere, many 404 and 422.',
        ),
        "ErrorsList": obj(
            {
                "errors": array(
                    obj({"error": {"oneOf": [string(), array(string())]}}, ["error"]),
                    minItems=1,
                )
            },
            ["errors"],
            description='`{"errors":[{"error":"..."}]}`: document, item and treasury '
            "validation; change-state sometimes nests the message in a list.",
        ),
        "ErrorsStrings": obj(
            {"errors": array(string(), minItems=1)},
            ["errors"],
            description='`{"errors":["Name can\'t be blank"]}`: client validation.',
        ),
        "BareArray": {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [string(), array(string())]},
            "description": 'A bare array such as `["fiscal_id","is invalid"]`: account '
            "update and payment validation.",
        },
        "ModelErrors": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": array(string(), minItems=1),
            "description": 'Rails model errors, `{"name":["is not available."]}`: taxes.',
        },
        "CodedError": obj(
            {
                "errors": obj(
                    {"code": string(pattern=r"^[0-9]{3}$"), "message": string()},
                    ["code", "message"],
                )
            },
            ["errors"],
            description='`{"errors":{"code":"006","message":"..."}}`: sequences.',
        ),
        "SimpleError": obj(
            {"error": string()}, ["error"], description='`{"error":"..."}`: QR codes.'
        ),
        "ReasonError": obj(
            {"reason": string()},
            ["reason"],
            description='`{"reason":"..."}`: duplicate `proprietary_uid`.',
        ),
        "MessageBody": obj(
            {"message": string()},
            ["message"],
            description='`{"message":"..."}`: SAF-T progress and errors.',
        ),
    }


# --- documents --------------------------------------------------------------------------------


def document_parts() -> dict[str, Schema]:
    """Schemas shared by every document type."""
    return {
        "DocumentClient": obj(
            {
                "id": {"type": "integer"},
                "name": string(),
                "code": nullable_string(),
                "country": nullable_string(),
                "email": nullable_string(),
            },
            ["id", "name"],
            description="The client as a document embeds it (no fiscal id: only the client "
            "endpoints expose it).",
        ),
        "DocumentItemTax": obj(
            {
                "id": {"type": "integer"},
                "name": nullable_string(),
                "value": {"oneOf": [ref("DecimalValue"), {"type": "null"}]},
            },
            description="The tax of a line. Drafts read back sometimes carry null name and "
            "value although the amounts are right (surface §6.2).",
        ),
        "DocumentItem": obj(
            {
                "name": string(),
                "description": nullable_string(),
                "unit_price": ref("DecimalValue"),
                "unit": nullable_string(),
                "quantity": ref("DecimalValue"),
                "tax": ref("DocumentItemTax"),
                "discount": ref("DecimalValue"),
                "subtotal": {"type": "number"},
                "tax_amount": {"type": "number"},
                "discount_amount": {"type": "number"},
                "total": {"type": "number"},
            },
            ["name", "unit_price", "quantity"],
            description="A line of a document. `unit_price` is tax-exclusive, up to 4 decimals.",
        ),
        "MbReference": obj(
            {"entity": string(), "reference": string(), "value": ref("DecimalValue")},
            description="Multibanco payment reference (Portuguese accounts with it enabled).",
        ),
        "GlobalDiscount": obj(
            {
                "value_type": {"type": "string", "enum": ["percentage", "absolute"]},
                "value": {"type": "number", "exclusiveMinimum": 0},
            },
            ["value_type", "value"],
            description="A discount on the whole document, as a percentage or an amount.",
        ),
        "Address": obj(
            {
                "detail": string(),
                "city": string(),
                "postal_code": string(),
                "country": string(),
            },
            ["detail", "city", "postal_code", "country"],
            description="A guide's loading or delivery address.",
        ),
    }


def _family_statuses(dt: DocType) -> list[str]:
    return list(facts.MACHINES[dt.segment].states)


DOCUMENT_REQUIRED = (
    "id",
    "status",
    "archived",
    "type",
    "sequence_number",
    "date",
    "due_date",
    "sum",
    "discount",
    "before_taxes",
    "taxes",
    "total",
    "currency",
    "client",
    "items",
)


def document_properties(types: list[str], statuses: list[str], family: str) -> dict[str, Schema]:
    props: dict[str, Schema] = {
        "id": {"type": "integer", "minimum": 1},
        "status": {"type": "string", "enum": statuses},
        "archived": {"type": "boolean"},
        "type": {"type": "string", "enum": types},
        "sequence_number": string("`number/serie`, e.g. `6/G`; drafts carry a placeholder."),
        "inverted_sequence_number": nullable_string("`serie/number`, e.g. `G/6`."),
        "atcud": {
            "type": ["string", "null"],
            "pattern": r"^(|N/D|N/A|[A-Za-z0-9]+-[0-9]+)$",
            "description": "`<validation code>-<number>` when the series is registered at the "
            "Tax Authority, `N/D` when it should be but is not, `N/A` when it need not be.",
        },
        "sequence_id": {"oneOf": [ref("IdLike"), {"type": "null"}]},
        "tax_exemption": nullable_string("IVA exemption code; may read back empty."),
        "date": ref("DateDMY"),
        "due_date": ref("DateDMY"),
        "reference": nullable_string(),
        "observations": nullable_string(),
        "retention": nullable_string("Withholding tax percentage, as a string."),
        "permalink": nullable_string("Public link to the document."),
        "saft_hash": nullable_string("Four characters of the SAF-T signature, to be printed."),
        "sum": {"type": "number", "description": "Sum of line subtotals before discounts."},
        "discount": {"type": "number", "description": "Total of line and global discounts."},
        "before_taxes": {"type": "number"},
        "taxes": {"type": "number"},
        "total": {"type": "number", "description": "`before_taxes + taxes`."},
        "currency": string("Currency display name, e.g. `Euro` (not an ISO code)."),
        "client": ref("DocumentClient"),
        "items": array(ref("DocumentItem")),
        "mb_reference": ref("MbReference"),
        "global_discount": ref("GlobalDiscount"),
    }
    if family in ("invoices", "any"):  # `any`: related documents mix every family
        props["owner_invoice_id"] = {
            "oneOf": [ref("IdLike"), {"type": "null"}],
            "description": "Source invoice of a credit/debit note.",
        }
    if family == "guides":
        props |= {
            "loaded_at": ref("DateTimeDMY"),
            "license_plate": nullable_string(),
            "address_from": ref("Address"),
            "address_to": ref("Address"),
            "at_doc_code_id": nullable_string("Code the Tax Authority gave the guide."),
            "load_site": nullable_string(),
            "delivery_site": nullable_string(),
        }
    if family == "purchase_orders":
        props |= {"loaded_at": ref("DateDMY"), "delivery_site": nullable_string()}
    return props


def document_schema(dt: DocType) -> Schema:
    return obj(
        document_properties([dt.type_name], _family_statuses(dt), dt.family),
        DOCUMENT_REQUIRED,
        description=f"A {dt.title} as the API returns it.",
    )


def family_document_schema(family: str, types: list[str], statuses: list[str]) -> Schema:
    return obj(
        document_properties(types, statuses, family),
        DOCUMENT_REQUIRED,
        description=f"A document of the {family} family as list endpoints return it.",
    )


# --- document requests ------------------------------------------------------------------------


def request_parts() -> dict[str, Schema]:
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
        "ItemTaxInput": obj(
            {"name": string("Tax name; an unknown name applies the account's default tax.")},
            ["name"],
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
                "value_type": {"type": "string", "enum": ["percentage", "absolute"]},
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
    }


def _common_fields() -> dict[str, Schema]:
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


def fields_schema(family: str) -> Schema:
    props = _common_fields()
    if family == "invoices":
        props |= {
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
        }
        required = ["date", "due_date", "client", "items"]
    elif family == "estimates":
        props |= {"mb_reference": ref("FlagString"), "auto_add_related_document": ref("FlagString")}
        required = ["client", "items"]
    elif family == "guides":
        props |= {
            "loaded_at": {**ref("DateTimeDMY"), "description": "Must not be in the past."},
            "license_plate": string(),
            "address_from": ref("AddressInput"),
            "address_to": ref("AddressInput"),
            "load_site": string(),
            "delivery_site": string(),
        }
        required = [
            "date",
            "due_date",
            "loaded_at",
            "address_from",
            "address_to",
            "client",
            "items",
        ]
    else:  # purchase_orders
        props |= {"loaded_at": ref("DateDMYInput"), "delivery_site": string()}
        required = ["date", "due_date", "client", "items"]
    return obj(
        props,
        required,
        closed=True,
        description=f"Fields of a {family} document on create and update.",
    )


def wrapped(dt: DocType, inner: Schema, *, with_uid: bool = False) -> Schema:
    """`{<type key>: inner}`, or the same fields under the family's generic key (surface §3; the
    vendor's own credit-note example sends `invoice`). Exactly one of the two, said with
    `if`/`then`/`else`: a `oneOf` would turn the generated body into `Any`, while this keeps a
    typed model with both keys. `x-accepted-root-keys` names the primary key first."""
    props: dict[str, Schema] = {dt.key: inner}
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
        out["then"] = {"not": {"required": [dt.key]}}
        out["else"] = {"required": [dt.key]}
        out["x-accepted-root-keys"] = [dt.key, dt.generic_key]
    return out


def state_change_schema(dt: DocType) -> Schema:
    machine = facts.MACHINES[dt.segment]
    events = machine.events + sorted(machine.aliases)
    return obj(
        {
            "state": {
                "type": "string",
                "enum": events,
                "description": "The event to apply (see `x-state-machine`).",
            },
            "message": string("Why; required when canceling.", minLength=1),
        },
        ["state"],
        closed=True,
    )


def email_schema() -> Schema:
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
