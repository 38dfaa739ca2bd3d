"""The InvoiceXpress rules: documents, numbering, totals, clients, items, taxes, sequences.

Every function works inside one storage transaction (`Ctx.tx`); raising `ApiError` anywhere
rolls the whole request back. Records are stored in wire form (what a GET returns) plus
`_`-prefixed internals that `public()` strips.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoicexpress_core.machines import StateMachine

from ._catalog import (
    ATCUD_NOT_APPLICABLE,
    BY_TYPE,
    COUNTRIES,
    DOC_TYPES,
    EXEMPTION_CODES,
    PAYABLE,
    PAYMENT_MECHANISMS,
    SEQUENCE_TYPES,
    TAX_CODES,
    TAX_REGION,
    UNITS,
    DocType,
)
from ._errors import ApiError, humanise, invalid, not_found, say
from ._money import ZERO, LineIn, compute, decimal_text, r2, to_decimal, wire
from ._store import Tx

Json = dict[str, Any]
DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
DATETIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?$")
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
POSTAL_RE = re.compile(r"^\d{4}-\d{3}$")
DEMO_ACCOUNT = "demo"
DEMO_EMAIL = "demo@sandbox.invalid"
DEMO_PASSWORD = "sandbox"  # noqa: S105 - a documented fake for the demo user
DRAFT_NUMBER = "rascunho"


@dataclass
class Ctx:
    """What a handler needs: the transaction, the calling account, the clock and switches."""

    tx: Tx
    account: Json
    now: datetime
    quirks: frozenset[str] = frozenset()
    faults: frozenset[str] = frozenset()
    base_url: str = "http://127.0.0.1"
    memo: dict[str, Any] = field(default_factory=dict)  # per-request read cache

    @property
    def name(self) -> str:
        return str(self.account["name"])

    @property
    def today(self) -> date:
        return self.now.date()


def public(record: Mapping[str, Any]) -> Json:
    return {k: v for k, v in record.items() if not k.startswith("_")}


# ----------------------------------------------------------------------------- dates


def parse_date(value: object) -> date | None:
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_filter_date(value: str) -> date | None:
    """A list-filter date, as strict as a body's: an impossible day (31/02) is bad input."""
    return parse_date(value)


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def parse_iso(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _flag(value: object) -> bool:
    return _text(value).strip().lower() in {"1", "true"}


def _token(seed: str, length: int = 8) -> str:
    digest = hashlib.sha1(seed.encode()).digest()  # noqa: S324 - not security, a stable id
    return base64.b32encode(digest).decode()[:length]


# ----------------------------------------------------------------------------- accounts


def seed(tx: Tx, now: datetime) -> Json:
    """The demo account with its taxes and a registered default sequence."""
    return new_account(
        tx,
        now,
        name=DEMO_ACCOUNT,
        organization_name="Demo Sandbox, Lda",
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        fiscal_id="508000000",
        api_key="demo-" + _token("demo-api-key", 24).lower(),
    )


def new_account(
    tx: Tx,
    now: datetime,
    *,
    name: str,
    organization_name: str,
    email: str,
    password: str,
    fiscal_id: str = "",
    api_key: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    account_id = tx.next_id("account")
    account: Json = {
        "id": str(account_id),
        "name": name,
        "url": f"https://{name}.app.invoicexpress.com",
        "api_key": api_key or secrets.token_hex(20),
        "state": "active",
        "organization_name": organization_name,
        "email": email,
        "fiscal_id": fiscal_id,
        "at_configured": True,
        "trial": False,
        "first_name": "",
        "last_name": "",
        "phone": "",
        "address": "Avenida da Liberdade 1",
        "city": "Lisboa",
        "postal_code": "1250-096",
        "website": "",
        "fax": "",
        "language": "pt",
        "_password": password,
        "_payment_provider": False,
    }
    if extra:
        account.update(extra)
    tx.put("account", account_id, name, account)
    for tax_name, value, default in (
        ("IVA23", "23.0", 1),
        ("IVA13", "13.0", 0),
        ("IVA6", "6.0", 0),
        ("IVA0", "0.0", 0),
    ):
        tax_id = tx.next_id("tax")
        code = "NOR" if value == "23.0" else ("ISE" if value == "0.0" else "RED")
        tx.put(
            "tax",
            tax_id,
            name,
            {
                "id": tax_id,
                "name": tax_name,
                "value": float(value),
                "region": "PT",
                "code": code,
                "default_tax": default,
            },
        )
    create_sequence_record(tx, name, str(now.year), default=True, registered=True)
    return account


def accounts(tx: Tx) -> list[Json]:
    rows = []
    for account_id in range(1, 10_000):
        rec = tx.get("account", account_id)
        if rec is None:
            break
        rows.append(rec)
    return rows


def validate_account_fields(ctx_tx: Tx, fields: Mapping[str, Any], *, current: Json | None) -> None:
    email = fields.get("email")
    if email is not None and not EMAIL_RE.match(_text(email)):
        raise invalid("email_invalid", field="email")
    postal = fields.get("postal_code")
    if postal not in (None, "") and not POSTAL_RE.match(_text(postal)):
        raise invalid("postal_code_format", field="postal_code")
    fiscal = fields.get("fiscal_id")
    if "terms" in fields and not _flag(fields.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    if (
        current is not None
        and current["fiscal_id"]
        and fiscal not in (None, "")
        and _text(fiscal) != current["fiscal_id"]
    ):
        raise invalid("vat_number_locked", field="fiscal_id")
    if fiscal not in (None, ""):
        for other in accounts(ctx_tx):
            if other["fiscal_id"] == _text(fiscal) and (
                current is None or other["id"] != current["id"]
            ):
                raise invalid("vat_number_taken", field="fiscal_id")


ACCOUNT_FIELDS = (
    "organization_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "fiscal_id",
    "address",
    "city",
    "postal_code",
    "website",
    "fax",
    "language",
)


def render_account(account: Json) -> Json:
    """An account as account creation answers it: exactly the documented fields."""
    return {k: account[k] for k in ("id", "name", "url", "api_key", "state")}


# ----------------------------------------------------------------------------- taxes


def taxes(ctx: Ctx) -> list[Json]:
    """The account's taxes, read once per request (a document resolves one per line)."""
    cached = ctx.memo.get("taxes")
    if cached is None:
        cached = ctx.memo["taxes"] = ctx.tx.all("tax", ctx.name)
    return list(cached)


def default_tax(ctx: Ctx) -> Json | None:
    rows = taxes(ctx)
    for tax in rows:
        if tax.get("default_tax") in (1, "1", True):
            return tax
    return rows[0] if rows else None


def tax_by_name(ctx: Ctx, name: str) -> Json | None:
    for tax in taxes(ctx):
        if tax["name"] == name:
            return tax
    return None


def get_tax(ctx: Ctx, tax_id: int) -> Json:
    tax = ctx.tx.get("tax", tax_id, ctx.name)
    if tax is None:
        raise not_found("Tax not found")
    return tax


def save_tax(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> Json:
    name = _text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = tax_by_name(ctx, name)
    if other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    raw_value = fields.get("value", current["value"] if current else None)
    if raw_value is None or _text(raw_value).strip() == "":
        raise invalid("blank", what="Value", field="value")
    if not isinstance(raw_value, str) and "tax_numeric_value_500" in ctx.quirks:
        raise ApiError(500, "Internal Server Error", shape="ErrorsObject")
    value = to_decimal(raw_value)
    if value is None or value < 0 or value > Decimal("99.99"):
        raise invalid("tax_value_out_of_range", field="value")
    region = _text(fields.get("region", current["region"] if current else "")).strip()
    if not region:
        raise invalid("tax_region_empty", field="base")
    if not TAX_REGION.fullmatch(region):
        raise invalid("tax_region_invalid", field="base")
    code = _text(fields.get("code", current.get("code") if current else "NOR")) or "NOR"
    if code not in TAX_CODES:
        raise invalid("not_in_list", what="Code", field="code")
    default = _flag(fields.get("default_tax", current.get("default_tax") if current else 0))
    tax_id = current["id"] if current else ctx.tx.next_id("tax")
    if default:
        for tax in taxes(ctx):
            if tax["id"] != tax_id and tax.get("default_tax"):
                tax["default_tax"] = 0
                ctx.tx.put("tax", tax["id"], ctx.name, tax)
    record = {
        "id": tax_id,
        "name": name,
        "value": float(value),
        "region": region,
        "code": code,
        "default_tax": 1 if default else 0,
    }
    ctx.tx.put("tax", tax_id, ctx.name, record)
    ctx.memo.pop("taxes", None)
    return record


def delete_tax(ctx: Ctx, tax_id: int) -> None:
    get_tax(ctx, tax_id)
    ctx.tx.delete("tax", tax_id)
    ctx.memo.pop("taxes", None)


def _tax_ref(tax: Json | None) -> Json:
    if tax is None:
        return {"id": 0, "name": "", "value": 0}
    value = Decimal(str(tax["value"]))
    return {"id": tax["id"], "name": tax["name"], "value": wire(value)}


# ----------------------------------------------------------------------------- clients

CLIENT_FIELDS = (
    "name",
    "code",
    "email",
    "language",
    "address",
    "city",
    "postal_code",
    "country",
    "fiscal_id",
    "website",
    "phone",
    "fax",
    "observations",
    "send_options",
    "preferred_contact",
)


def clients(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("client", ctx.name)


def get_client(ctx: Ctx, client_id: int, message: str = "Client not found") -> Json:
    client = ctx.tx.get("client", client_id, ctx.name)
    if client is None:
        raise not_found(message)
    return client


def client_by(ctx: Ctx, key: str, value: str) -> Json | None:
    for client in clients(ctx):
        if client.get(key) == value:
            return client
    return None


def validate_client(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> None:
    if not isinstance(fields, Mapping):
        raise invalid("client_invalid", field="client")
    name = _text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = client_by(ctx, "name", name)
    if other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    email = fields.get("email")
    if email not in (None, "") and not EMAIL_RE.match(_text(email)):
        raise invalid("email_not_an_email_address", field="email")
    country = fields.get("country")
    if country not in (None, "") and _text(country) not in COUNTRIES:
        raise invalid("country_not_found", value=_text(country), field="country")
    send = fields.get("send_options")
    if send not in (None, ""):
        number = to_decimal(send)
        if number is None:
            raise invalid("not_a_number", what="Send options", field="send_options")
        if number not in (1, 2, 3):
            raise invalid("send_options_out_of_range", field="send_options")
    contact = fields.get("preferred_contact")
    if contact not in (None, ""):
        if not isinstance(contact, Mapping):
            raise invalid("client_contact_invalid", field="preferred_contact")
        contact_email = contact.get("email")
        if contact_email not in (None, "") and not EMAIL_RE.match(_text(contact_email)):
            raise invalid("contact_email_invalid", field="preferred_contact")


def save_client(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> Json:
    validate_client(ctx, fields, current)
    client_id = int(current["id"]) if current else ctx.tx.next_id("client")
    record: Json = (
        dict(current)
        if current
        else {
            "id": str(client_id),
            "name": "",
            "code": "",
            "email": "",
            "language": "pt",
            "address": "",
            "city": "",
            "postal_code": "",
            "country": "Portugal",
            "fiscal_id": "",
            "website": "",
            "phone": "",
            "fax": "",
            "preferred_contact": {"name": "", "email": "", "phone": ""},
            "observations": "",
            "send_options": "1",
            "payment_days": "0",
            "tax_exemption_code": "",
            "open_account_link": "",
        }
    )
    for key in CLIENT_FIELDS:
        if key in fields and fields[key] is not None:
            value = fields[key]
            if key == "preferred_contact" and isinstance(value, Mapping):
                record[key] = {k: _text(value.get(k)) for k in ("name", "email", "phone")}
            elif key != "preferred_contact":
                record[key] = _text(value).strip() if key == "name" else _text(value)
    if not record["code"]:
        record["code"] = str(client_id)
    record["open_account_link"] = (
        f"{ctx.base_url}/clients/{client_id}/{_token(ctx.name + str(client_id), 16).lower()}"
    )
    ctx.tx.put("client", client_id, ctx.name, record)
    return record


def upsert_client(ctx: Ctx, fields: object) -> Json:
    """Document client: an existing name wins (other fields ignored), else a new client."""
    if not isinstance(fields, Mapping) or not _text(fields.get("name")).strip():
        raise invalid("client_invalid", field="client")
    existing = client_by(ctx, "name", _text(fields["name"]).strip())
    if existing is not None:
        return existing
    return save_client(ctx, fields)


# ----------------------------------------------------------------------------- items


def items(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("item", ctx.name)


def get_item(ctx: Ctx, item_id: int) -> Json:
    item = ctx.tx.get("item", item_id, ctx.name)
    if item is None:
        raise not_found("Item not found")
    return item


def item_by_name(ctx: Ctx, name: str) -> Json | None:
    for item in items(ctx):
        if item["name"] == name:
            return item
    return None


def _resolve_tax(ctx: Ctx, tax: object, *, fallback_default: bool = True) -> Json | None:
    name = _text(tax.get("name")) if isinstance(tax, Mapping) else ""
    found = tax_by_name(ctx, name) if name else None
    if found is None and fallback_default:
        return default_tax(ctx)
    return found


def save_item(
    ctx: Ctx,
    fields: Mapping[str, Any],
    current: Json | None = None,
    *,
    standalone: bool = True,
    used: bool = False,
) -> Json:
    name = _text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = item_by_name(ctx, name) if standalone else current
    if standalone and other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    if standalone and current is not None and name != current["name"] and current.get("_used"):
        raise invalid("item_name_locked", field="name")
    raw_price = fields.get("unit_price", current["unit_price"] if current else None)
    if raw_price is None or _text(raw_price).strip() == "":
        raise invalid("blank", what="Unit price", field="unit_price")
    price = to_decimal(raw_price)
    if price is None:
        raise invalid("not_a_number", what="Unit price", field="unit_price")
    unit = _text(fields.get("unit", current.get("unit") if current else "")) or ""
    if unit and unit not in UNITS:
        raise invalid("unit_not_accepted", value=unit, field="unit")
    if "tax" in fields or current is None:
        tax = _resolve_tax(ctx, fields.get("tax"))
    else:
        tax = current.get("_tax")
    item_id = int(current["id"]) if current else ctx.tx.next_id("item")
    record: Json = {
        "id": item_id,
        "name": name,
        "description": _text(fields.get("description", current["description"] if current else "")),
        "unit_price": decimal_text(price),
        "unit": unit,
        "tax": _item_tax(tax),
        "_tax": tax,
        "_used": used or bool(current and current.get("_used")),
    }
    if record != current:  # documents re-send unchanged items all the time: skip the write
        ctx.tx.put("item", item_id, ctx.name, record)
    return record


def _item_tax(tax: Json | None) -> Json:
    if tax is None:
        return {"name": "", "value": 0, "comment": ""}
    value = Decimal(str(tax["value"]))
    return {
        "name": tax["name"],
        "value": wire(value),
        "comment": f"tax value:{decimal_text(value)}%",
    }


def delete_item(ctx: Ctx, item_id: int) -> None:
    get_item(ctx, item_id)
    ctx.tx.delete("item", item_id)


# ----------------------------------------------------------------------------- sequences


def create_sequence_record(
    tx: Tx, account: str, serie: str, *, default: bool, registered: bool
) -> Json:
    seq_id = tx.next_id("sequence")
    types: Json = {}
    for name in (*SEQUENCE_TYPES, "purchase_order"):
        type_id = tx.next_id("seqtype")
        tx.put("seqtype", type_id, account, {"id": type_id, "sequence": seq_id, "type": name})
        types[name] = {
            "sequence_id": type_id,
            "number": 0,
            "last_date": None,
            "last_hash": "",
            "validation_code": _validation_code(account, seq_id, name, registered),
        }
    if default:
        for other in tx.all("sequence", account):
            other["default_sequence"] = 0
            tx.put("sequence", other["id"], account, other)
    record = {
        "id": seq_id,
        "serie": serie,
        "default_sequence": 1 if default else 0,
        "_registered": registered,
        "_types": types,
    }
    tx.put("sequence", seq_id, account, record)
    return record


def _validation_code(account: str, seq_id: int, type_name: str, registered: bool) -> str:
    if type_name in ATCUD_NOT_APPLICABLE:
        return "N/A"
    return _token(f"{account}/{seq_id}/{type_name}") if registered else "N/D"


def render_sequence(seq: Json) -> Json:
    out: Json = {
        "id": seq["id"],
        "serie": seq["serie"],
        "default_sequence": seq["default_sequence"],
    }
    for name in SEQUENCE_TYPES:
        entry = seq["_types"][name]
        out[f"current_{name}_number"] = entry["number"]
        out[f"current_{name}_sequence_id"] = entry["sequence_id"]
        out[f"current_{name}_validation_code"] = entry["validation_code"]
    return out


def sequences(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("sequence", ctx.name)


def _default_sequence(ctx: Ctx) -> Json:
    rows = sequences(ctx)
    return next((s for s in rows if s["default_sequence"]), rows[0])


def get_sequence(ctx: Ctx, seq_id: int) -> Json:
    seq = ctx.tx.get("sequence", seq_id, ctx.name)
    if seq is None:
        raise ApiError(404, "The sequence doesn't exist.", code="006")
    return seq


def new_sequence(ctx: Ctx, fields: Mapping[str, Any]) -> Json:
    serie = _text(fields.get("serie")).strip()
    if not serie or not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", serie):
        raise invalid("sequence_name_invalid", field="serie", code="001")
    existing = next((s for s in sequences(ctx) if s["serie"] == serie), None)
    if existing is not None:
        if _pending_registration(ctx, existing):
            raise ApiError(409, "The sequence is already being registered.", code="006")
        raise invalid("taken", what="Serie", field="serie", code="002")
    return create_sequence_record(
        ctx.tx,
        ctx.name,
        serie,
        default=_flag(fields.get("default_sequence")),
        registered=bool(ctx.account.get("at_configured")),
    )


def register_sequence(ctx: Ctx, seq_id: int) -> Json:
    seq = get_sequence(ctx, seq_id)
    if seq["_registered"]:
        raise ApiError(409, "All the sequence's document types are already registered.", code="005")
    if not ctx.account.get("at_configured"):
        raise invalid("at_credentials_invalid", code="002")
    seq["_registered"] = True
    for name, entry in seq["_types"].items():
        entry["validation_code"] = _validation_code(ctx.name, seq_id, name, True)
    ctx.tx.put("sequence", seq_id, ctx.name, seq)
    return seq


def _pending_registration(ctx: Ctx, seq: Json) -> bool:
    """A series made before the account had AT credentials waits to be registered."""
    return bool(ctx.account.get("at_configured")) and not seq["_registered"]


def set_current_sequence(ctx: Ctx, seq_id: int) -> None:
    if _pending_registration(ctx, get_sequence(ctx, seq_id)):
        # Documents of an AT-configured account must go on registered series (ATCUD).
        raise invalid("sequence_unregistered", code="003")
    for seq in sequences(ctx):
        seq["default_sequence"] = 1 if seq["id"] == seq_id else 0
        ctx.tx.put("sequence", seq["id"], ctx.name, seq)


def _sequence_for(ctx: Ctx, dt: DocType, raw: object) -> tuple[Json, int]:
    """(series, per-type sequence id) from `sequence_id` (per-type id or series id)."""
    seq_key = _seq_type_key(dt)
    if raw not in (None, ""):
        ref = to_decimal(raw)
        if ref is None or ref != ref.to_integral_value():
            raise invalid("invalid", what="Sequence", field="sequence_id")
        type_rec = ctx.tx.get("seqtype", int(ref), ctx.name)
        if type_rec is not None:
            seq = get_sequence(ctx, int(type_rec["sequence"]))
            return seq, int(type_rec["id"])
        series = ctx.tx.get("sequence", int(ref), ctx.name)
        if series is None:
            raise invalid("invalid", what="Sequence", field="sequence_id")
        return series, int(series["_types"][seq_key]["sequence_id"])
    seq = _default_sequence(ctx)
    return seq, int(seq["_types"][seq_key]["sequence_id"])


def _seq_type_key(dt: DocType) -> str:
    return dt.key


# ----------------------------------------------------------------------------- documents


def doc_type_of(doc: Mapping[str, Any]) -> DocType:
    return BY_TYPE[str(doc["type"])]


def get_document(
    ctx: Ctx, doc_id: int, dt: DocType | None = None, message: str = "Document not found"
) -> Json:
    doc = ctx.tx.get("document", doc_id, ctx.name)
    if doc is None or (dt is not None and doc["type"] != dt.type):
        raise not_found(message)
    return doc


def documents(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("document", ctx.name)


def root_of(body: object, dt: DocType) -> Json:
    """The document object under the type's key or the family's generic key."""
    if isinstance(body, Mapping):
        for key in (dt.key, dt.generic_key):
            value = body.get(key)
            if isinstance(value, Mapping):
                return dict(value)
    raise invalid("element_missing", root=dt.key, field=dt.key)


def _check_retention(value: object) -> Decimal:
    if value in (None, ""):
        return ZERO
    number = to_decimal(value)
    if number is None or number < 0 or number > Decimal("99.99"):
        raise invalid("retention_out_of_range", field="retention")
    return number


def _lines(ctx: Ctx, dt: DocType, raw_items: object) -> list[tuple[Json, LineIn]]:
    if not isinstance(raw_items, list):
        raise invalid("items_not_array", field="items")
    if not raw_items:
        raise invalid("at_least_one_item", field="items")
    out: list[tuple[Json, LineIn]] = []
    for raw in raw_items:
        if not isinstance(raw, Mapping) or not _text(raw.get("name")).strip():
            raise invalid("invoice_items_invalid", field="items")
        price = to_decimal(raw.get("unit_price"))
        if price is None or price < 0:
            raise invalid("unit_price_must_be_number", field="unit_price")
        quantity = to_decimal(raw.get("quantity"))
        if quantity is None or quantity <= 0:
            raise invalid("quantity_not_positive", field="quantity")
        discount = ZERO
        if raw.get("discount") not in (None, ""):
            parsed = to_decimal(raw.get("discount"))
            if parsed is None or parsed < 0 or parsed > 100:
                raise invalid("not_a_number", what="Discount", field="discount")
            discount = parsed
        unit = _text(raw.get("unit"))
        if unit and unit not in UNITS:
            raise invalid("unit_not_accepted", value=unit, field="unit")
        # Purchase orders: an unknown tax name means no tax; everything else: the default tax.
        tax = _resolve_tax(ctx, raw.get("tax"), fallback_default=dt.family != "purchase_orders")
        out.append(
            (
                dict(raw),
                LineIn(price, quantity, discount, Decimal(str(tax["value"])) if tax else ZERO),
            )
        )
        # Item catalogue: unknown name creates, known name is updated with the sent values.
        fields = {
            "name": _text(raw["name"]).strip(),
            "description": raw.get("description", ""),
            "unit_price": decimal_text(price),
            "unit": unit,
        }
        if isinstance(raw.get("tax"), Mapping):
            fields["tax"] = {"name": tax["name"]} if tax else {}
        existing = item_by_name(ctx, fields["name"])
        save_item(ctx, fields, existing, standalone=False, used=True)
        out[-1][0]["_tax"] = tax
    return out


def build_document(
    ctx: Ctx, dt: DocType, root: Mapping[str, Any], current: Json | None = None
) -> Json:
    """A draft document (new or replacing `current`) from a request's root object."""
    today = ctx.today
    date_raw = root.get("date")
    if "quote_dates_required" in ctx.quirks and dt.family == "estimates":
        for key in ("date", "due_date"):
            if root.get(key) in (None, ""):
                raise invalid("not_valid", what="Date", field=key)
    if "bad_date_today" in ctx.quirks and parse_date(date_raw) is None:
        date_raw = fmt_date(today)  # api-docs 002: a badly formatted date is set to today
    doc_date = today if date_raw in (None, "") and dt.family != "invoices" else parse_date(date_raw)
    if doc_date is None:
        raise invalid("not_valid", what="Date", field="date")
    due_raw = root.get("due_date")
    due = doc_date if due_raw in (None, "") else parse_date(due_raw)
    if due is None:
        raise invalid("not_valid", what="Due date", field="due_date")
    if due < doc_date:
        raise invalid("due_date_before_date", field="due_date")
    retention = _check_retention(root.get("retention"))
    if "client" not in root or root.get("client") in (None, ""):
        raise invalid("element_missing", root="client", field="client")
    client = upsert_client(ctx, root.get("client"))
    lines = _lines(ctx, dt, root.get("items"))
    exemption = _text(root.get("tax_exemption") or root.get("tax_exemption_reason") or "")
    if exemption and exemption not in EXEMPTION_CODES:
        raise invalid(
            "exemption_not_accepted",
            codes=", ".join(EXEMPTION_CODES[1:]),
            field="tax_exemption",
        )
    if any(line.tax_pct == 0 for _, line in lines) and exemption in ("", "M00"):
        if "exemption_required" in ctx.quirks:  # the documented rule for Portuguese accounts
            raise invalid(
                "exemption_not_accepted",
                codes=", ".join(EXEMPTION_CODES[1:]),
                field="tax_exemption",
            )
        exemption = "M99"  # the live server stamps M99 silently instead of rejecting
    if _flag(root.get("mb_reference")) and not ctx.account.get("_payment_provider"):
        raise invalid(
            "mb_reference_unavailable",
            field="mb_reference",
        )
    global_type: str | None = None
    global_value = ZERO
    gd = root.get("global_discount")
    if isinstance(gd, Mapping) and gd:
        global_type = _text(gd.get("value_type"))
        parsed = to_decimal(gd.get("value"))
        if global_type not in ("percentage", "absolute") or parsed is None or parsed < 0:
            raise invalid("not_a_number", what="Discount", field="global_discount")
        if global_type == "percentage" and parsed > 100:
            raise invalid("not_a_number", what="Discount", field="global_discount")
        global_value = parsed
    totals = compute(
        [line for _, line in lines],
        global_type=global_type,
        global_value=global_value,
        retention_pct=retention,
    )
    if global_type == "absolute" and global_value > totals.sum:
        raise invalid("not_a_number", what="Discount", field="global_discount")
    series, type_seq_id = _sequence_for(ctx, dt, root.get("sequence_id"))
    doc_id = int(current["id"]) if current else ctx.tx.next_id("document")
    owner = root.get("owner_invoice_id")
    owner_id: int | None = None
    if owner not in (None, ""):
        parsed_owner = to_decimal(owner)
        if parsed_owner is None:
            raise invalid("invalid", what="Owner invoice", field="owner_invoice_id")
        owner_doc = ctx.tx.get("document", int(parsed_owner), ctx.name)
        if owner_doc is None:
            raise invalid("invalid", what="Owner invoice", field="owner_invoice_id")
        owner_id = int(parsed_owner)
    doc_items = []
    for (raw, line), out in zip(lines, totals.lines, strict=True):
        tax = raw.get("_tax")
        doc_items.append(
            {
                "name": _text(raw["name"]).strip(),
                "description": _text(raw.get("description")),
                "unit_price": decimal_text(line.unit_price),
                "unit": _text(raw.get("unit")),
                "quantity": decimal_text(line.quantity),
                "tax": _tax_ref(tax if isinstance(tax, dict) else None),
                "discount": wire(line.discount_pct),
                "subtotal": wire(out.subtotal),
                "tax_amount": wire(out.tax_amount),
                "discount_amount": wire(out.discount_amount),
                "total": wire(out.total),
            }
        )
    doc: Json = dict(current) if current else {}
    doc.update(
        {
            "id": doc_id,
            "status": "draft",
            "archived": False,
            "type": dt.type,
            "sequence_number": DRAFT_NUMBER,
            "inverted_sequence_number": None,
            "atcud": None,
            "sequence_id": type_seq_id,
            "tax_exemption": exemption or None,
            "date": fmt_date(doc_date),
            "due_date": fmt_date(due),
            "reference": _text(root.get("reference")),
            "observations": _text(root.get("observations")),
            "retention": _text(root.get("retention"))
            if root.get("retention") not in (None, "")
            else "0.0",
            "permalink": f"{ctx.base_url}/documents/{doc_id}-public",
            "saft_hash": None,
            "sum": wire(totals.sum),
            "discount": wire(totals.discount),
            "before_taxes": wire(totals.before_taxes),
            "taxes": wire(totals.taxes),
            "total": wire(totals.total),
            "currency": _currency_name(_text(root.get("currency_code")) or "EUR"),
            "client": {
                "id": int(client["id"]),
                "name": client["name"],
                "code": client.get("code") or None,
                "country": client.get("country") or "Portugal",
                "email": client.get("email") or None,
            },
            "items": doc_items,
        }
    )
    if global_type:
        doc["global_discount"] = {"value_type": global_type, "value": float(global_value)}
    if _flag(root.get("mb_reference")):
        doc["mb_reference"] = {
            "entity": "10611",
            "value": wire(totals.total),
            "reference": f"9{doc_id:08d}"[-9:],
        }
    if owner_id is not None:
        doc["owner_invoice_id"] = owner_id
    if dt.family == "guides":
        _guide_fields(ctx, root, doc)
    if dt.family == "purchase_orders":
        if root.get("loaded_at") not in (None, ""):
            loaded = parse_date(_text(root.get("loaded_at")))
            if loaded is None:
                raise invalid("not_valid", what="Loaded at", field="loaded_at")
            doc["loaded_at"] = fmt_date(loaded)  # `3/12/2026` goes out as `03/12/2026`
        doc["delivery_site"] = _text(root.get("delivery_site"))
    doc.update(
        {
            "_series": int(series["id"]),
            "_outstanding": str(r2(Decimal(str(doc["total"])))),
            "_related": list(current.get("_related", [])) if current else [],
            "_retention_amount": str(totals.retention_amount),
        }
    )
    if owner_id is not None:
        _link(ctx, doc, owner_id)
    return doc


def _guide_fields(ctx: Ctx, root: Mapping[str, Any], doc: Json) -> None:
    loaded = root.get("loaded_at")
    if loaded in (None, ""):
        raise invalid("blank", what="Loaded at", field="loaded_at")
    text = _text(loaded)
    if not DATETIME_RE.match(text):
        raise invalid("not_valid", what="Loaded at", field="loaded_at")
    fmt = "%d/%m/%Y %H:%M:%S" if text.count(":") == 2 else "%d/%m/%Y %H:%M"
    try:
        when = datetime.strptime(text, fmt)
    except ValueError:
        raise invalid("not_valid", what="Loaded at", field="loaded_at") from None
    if when < ctx.now.replace(second=0):
        raise invalid("loaded_at_in_past", field="loaded_at")
    doc["loaded_at"] = when.strftime("%d/%m/%Y %H:%M:%S")
    for key in ("address_from", "address_to"):
        addr = root.get(key)
        if not isinstance(addr, Mapping):
            raise invalid("invalid", what=humanise(key), field=key)
        country = _text(addr.get("country"))
        if country and country not in COUNTRIES:
            raise invalid("country_not_found", value=country, field="country")
        doc[key] = {k: _text(addr.get(k)) for k in ("detail", "city", "postal_code", "country")}
    doc["license_plate"] = _text(root.get("license_plate"))
    doc["at_doc_code_id"] = ""


def _currency_name(code: str) -> str:
    names = {"EUR": "Euro", "USD": "US Dollar", "GBP": "Pound Sterling", "BRL": "Real"}
    return names.get(code.upper(), code.upper())


def _link(ctx: Ctx, doc: Json, other_id: int) -> None:
    """Relate two documents both ways (related documents endpoint)."""
    if other_id not in doc["_related"]:
        doc["_related"].append(other_id)
    other = ctx.tx.get("document", other_id, ctx.name)
    if other is not None and int(doc["id"]) not in other.setdefault("_related", []):
        other["_related"].append(int(doc["id"]))
        ctx.tx.put("document", other_id, ctx.name, other)


def save_document(ctx: Ctx, doc: Json) -> None:
    ctx.tx.put("document", int(doc["id"]), ctx.name, doc)


def create_document(ctx: Ctx, dt: DocType, body: Mapping[str, Any]) -> Json:
    uid = body.get("proprietary_uid")
    if uid not in (None, ""):
        key = f"uid:{ctx.name}:{_text(uid)}"
        if ctx.tx.meta(key) is not None:
            raise ApiError(
                409,
                say("duplicate_uid", uid=_text(uid)),
                shape="ReasonError",
            )
    doc = build_document(ctx, dt, root_of(body, dt))
    if uid not in (None, ""):
        ctx.tx.set_meta(f"uid:{ctx.name}:{_text(uid)}", str(doc["id"]))
    save_document(ctx, doc)
    return doc


def update_document(ctx: Ctx, dt: DocType, doc_id: int, body: Mapping[str, Any]) -> Json:
    current = get_document(ctx, doc_id, dt)
    if current["status"] != "draft":
        raise invalid("document_settled", field="base")
    if dt.family == "guides" and "guide_update_500" in ctx.quirks:
        raise ApiError(500, "Internal Server Error")
    doc = build_document(ctx, dt, root_of(body, dt), current)
    save_document(ctx, doc)
    return doc


def _finalize(ctx: Ctx, dt: DocType, doc: Json) -> None:
    """Give the document its number in its series and type, ATCUD, hash and permalink."""
    series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
    assert series is not None
    entry = series["_types"][_seq_type_key(dt)]
    doc_date = parse_date(doc["date"])
    assert doc_date is not None
    last = parse_iso(entry.get("last_date"))
    if last is not None and doc_date < last:
        raise invalid(
            "date_before_series",
            date=fmt_date(last),
            field="date",
        )
    number = int(entry["number"]) + 1
    entry["number"] = number
    entry["last_date"] = doc_date.isoformat()
    serie = series["serie"]
    doc["sequence_number"] = f"{number}/{serie}"
    doc["inverted_sequence_number"] = f"{serie}/{number}"
    code = entry["validation_code"]
    doc["atcud"] = code if code in ("N/A", "N/D") else f"{code}-{number}"
    signed = ";".join(
        (
            doc["date"],
            ctx.now.isoformat(),
            f"{dt.type} {serie}/{number}",
            f"{Decimal(str(doc['total'])):.2f}",
            entry.get("last_hash", ""),
        )
    )
    digest = base64.b64encode(hashlib.sha256(signed.encode()).digest()).decode()
    entry["last_hash"] = digest
    doc["saft_hash"] = digest[0] + digest[10] + digest[20] + digest[30]
    doc["permalink"] = (
        f"{ctx.base_url}/documents/{doc['id']}-"
        + hashlib.sha1(f"{ctx.name}/{doc['id']}".encode()).hexdigest()[:16]  # noqa: S324
    )
    doc["_finalized_at"] = ctx.now.isoformat()
    ctx.tx.put("sequence", int(series["id"]), ctx.name, series)


def change_state(
    ctx: Ctx, dt: DocType, doc_id: int, body: Mapping[str, Any], machine: StateMachine
) -> Json:
    doc = get_document(ctx, doc_id, dt)
    root = body.get(dt.key) if isinstance(body.get(dt.key), Mapping) else body.get(dt.generic_key)
    if not isinstance(root, Mapping):
        raise invalid("invalid_state")
    event = _text(root.get("state"))
    transition = machine.find(doc["status"], event)
    if transition is None and "allow_forbidden_transition" in ctx.faults:
        targets = [t for t in machine.transitions if t.event == machine.canonical(event)]
        transition = targets[0] if targets else None
    if transition is None:
        raise invalid("invalid_state", field="state")
    message = _text(root.get("message")).strip()
    if "message" in transition.requires and not message:
        raise invalid("cancel_message_required", field="message")
    if doc["status"] == machine.initial and transition.target not in (machine.initial, "deleted"):
        _finalize(ctx, dt, doc)
    if transition.target == "settled":
        due = Decimal(str(doc.get("_outstanding", "0")))
        if doc["status"] == "final" and doc["type"] in PAYABLE and due > 0:
            # "When changing state to settled, a new receipt will be created" (api-docs 002)
            series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
            assert series is not None
            # Dated today, or later when the document or the series' last receipt is later
            # (a receipt may not predate either).
            receipts = series["_types"][_seq_type_key(DOC_TYPES["receipts"])]
            last = parse_iso(receipts.get("last_date"))
            when = max(d for d in (ctx.today, parse_date(doc["date"]), last) if d is not None)
            receipt = _receipt(ctx, doc, due, "TB", when, series, message)
            doc.setdefault("_related", []).append(int(receipt["id"]))
        doc["_outstanding"] = "0.00"
    elif doc["status"] == "settled" and transition.target == "final":
        doc["_outstanding"] = str(r2(Decimal(str(doc["total"]))))
    if message:
        doc["_state_message"] = message
    doc["status"] = transition.target
    save_document(ctx, doc)
    return doc


# ----------------------------------------------------------------------------- payments


def partial_payment(ctx: Ctx, doc_id: int, body: Mapping[str, Any]) -> Json:
    doc = get_document(ctx, doc_id)
    root = body.get("partial_payment")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Amount", field="amount")
    if doc["type"] not in PAYABLE or doc["status"] not in ("final",):
        raise invalid("payment_invalid_state", field="base")
    amount = to_decimal(root.get("amount"))
    if amount is None or amount <= 0:
        raise invalid("not_a_number", what="Amount", field="amount")
    outstanding = Decimal(doc["_outstanding"])
    if r2(amount) > outstanding:
        raise invalid("amount_over_due", field="amount")
    mechanism = _text(root.get("payment_mechanism") or "TB")
    if mechanism not in PAYMENT_MECHANISMS:
        raise invalid("payment_mechanism_invalid", field="payment_mechanism")
    pay_date = ctx.today
    if root.get("payment_date") not in (None, ""):
        parsed = parse_date(root.get("payment_date"))
        if parsed is None:
            raise invalid("not_valid", what="Payment date", field="payment_date")
        pay_date = parsed
    serie = _text(root.get("serie"))
    series = None
    if serie:
        series = next((s for s in sequences(ctx) if s["serie"] == serie), None)
        if series is None:
            raise invalid("invalid", what="Serie", field="serie")
    else:
        series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
    assert series is not None
    amount = r2(amount)
    receipt = _receipt(ctx, doc, amount, mechanism, pay_date, series, _text(root.get("note")))
    doc["_outstanding"] = str(outstanding - amount)
    doc.setdefault("_related", []).append(int(receipt["id"]))
    if Decimal(doc["_outstanding"]) == 0:
        doc["status"] = "settled"
    save_document(ctx, doc)
    return receipt


def _receipt(
    ctx: Ctx, doc: Json, amount: Decimal, mechanism: str, pay_date: date, series: Json, note: str
) -> Json:
    """A final, numbered receipt of `amount` paid on `doc` (by a payment or by settling)."""
    dt = DOC_TYPES["receipts"]
    receipt_id = ctx.tx.next_id("document")
    receipt: Json = {
        "id": receipt_id,
        "status": "final",
        "archived": False,
        "type": "Receipt",
        "sequence_number": DRAFT_NUMBER,
        "inverted_sequence_number": None,
        "atcud": None,
        "sequence_id": int(series["_types"]["receipt"]["sequence_id"]),
        "tax_exemption": None,
        "date": fmt_date(pay_date),
        "due_date": fmt_date(pay_date),
        "reference": doc.get("sequence_number", ""),
        "observations": note,
        "retention": "0.0",
        "permalink": None,
        "saft_hash": None,
        "sum": wire(amount),
        "discount": 0,
        "before_taxes": wire(amount),
        "taxes": 0,
        "total": wire(amount),
        "currency": doc["currency"],
        "client": doc["client"],
        "items": [
            {
                "name": doc.get("sequence_number", ""),
                "description": f"{doc['type']} payment",
                "unit_price": decimal_text(amount),
                "unit": "",
                "quantity": "1.0",
                "tax": {"id": 0, "name": "", "value": 0},
                "discount": 0,
                "subtotal": wire(amount),
                "tax_amount": 0,
                "discount_amount": 0,
                "total": wire(amount),
            }
        ],
        "_series": int(series["id"]),
        "_outstanding": "0.00",
        "_related": [int(doc["id"])],
        "_payment_of": int(doc["id"]),
        "_amount": str(amount),
        "_mechanism": mechanism,
    }
    _finalize(ctx, dt, receipt)
    ctx.tx.put("document", receipt_id, ctx.name, receipt)
    return receipt


def cancel_receipt(
    ctx: Ctx, receipt_id: int, body: Mapping[str, Any], machine: StateMachine
) -> Json:
    receipt = get_document(ctx, receipt_id, DOC_TYPES["receipts"])
    root = body.get("receipt")
    if not isinstance(root, Mapping):
        raise invalid("invalid_state", field="state")
    transition = machine.find(receipt["status"], _text(root.get("state")))
    if transition is None:
        raise invalid("invalid_state")
    if "message" in transition.requires and not _text(root.get("message")).strip():
        raise invalid("cancel_message_required", field="message")
    target = transition.target
    receipt["status"] = target
    save_document(ctx, receipt)
    owner_id = receipt.get("_payment_of")
    if owner_id is not None and target == "canceled":
        owner = ctx.tx.get("document", int(owner_id), ctx.name)
        if owner is not None:
            owner["_outstanding"] = str(
                Decimal(owner["_outstanding"]) + Decimal(receipt["_amount"])
            )
            if owner["status"] == "settled":
                owner["status"] = "final"
            save_document(ctx, owner)
    return receipt


def related(ctx: Ctx, doc_id: int) -> list[Json]:
    doc = get_document(ctx, doc_id)
    out = []
    for other_id in doc.get("_related", []):
        other = ctx.tx.get("document", int(other_id), ctx.name)
        if other is not None:
            out.append(other)
    return out


# ----------------------------------------------------------------------------- email


def email_document(ctx: Ctx, dt: DocType, doc_id: int, body: Mapping[str, Any]) -> Json:
    doc = get_document(ctx, doc_id, dt)
    message = body.get("message")
    if not isinstance(message, Mapping):
        raise invalid("email_required", field="email")
    client = message.get("client")
    email = _text(client.get("email")) if isinstance(client, Mapping) else ""
    if not email:
        raise invalid("email_required", field="email")
    if not EMAIL_RE.match(email):
        raise invalid("address_invalid", what="Email", field="email")
    for key in ("cc", "bcc"):
        for addr in _addresses(message.get(key)):
            if not EMAIL_RE.match(addr):
                raise invalid("address_invalid", what=key.capitalize(), field=key)
    if isinstance(client, Mapping) and _flag(client.get("save")):
        record = get_client(ctx, int(doc["client"]["id"]))
        record["email"] = email
        ctx.tx.put("client", int(record["id"]), ctx.name, record)
    mail_id = ctx.tx.next_id("mail")
    mail = {
        "id": mail_id,
        "document_id": doc_id,
        "document_type": dt.segment,
        "to": email,
        "cc": _addresses(message.get("cc")),
        "bcc": _addresses(message.get("bcc")),
        "subject": _text(message.get("subject")) or f"{dt.type} {doc['sequence_number']}",
        "body": _text(message.get("body")),
        "logo": _flag(message.get("logo")),
        "sent_at": ctx.now.isoformat(),
    }
    ctx.tx.put("mail", mail_id, ctx.name, mail)
    return mail


def _addresses(value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [_text(v).strip() for v in value if _text(v).strip()]
    return [part.strip() for part in re.split(r"[,;]", _text(value)) if part.strip()]


# ----------------------------------------------------------------------------- listing


def paginate(rows: list[Json], query: Mapping[str, list[str]]) -> tuple[list[Json], Json]:
    def number(name: str, default: int) -> int:
        values = query.get(name) or []
        if not values or values[-1] == "":
            return default
        try:
            value = int(values[-1])
        except ValueError:
            raise invalid("not_a_number", what=name, field=name) from None
        if value < 1:
            raise invalid("not_positive", what=name, field=name)
        return value

    per_page = min(number("per_page", 10), 1000)
    page = number("page", 1)
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    chunk = rows[(page - 1) * per_page : page * per_page]
    return chunk, {
        "total_entries": total,
        "per_page": per_page,
        "current_page": page,
        "total_pages": pages,
    }


def filter_documents(ctx: Ctx, rows: list[Json], query: Mapping[str, list[str]]) -> list[Json]:
    """The list filters of api-surface §4.9 (status `sent` matches finalised documents)."""

    def values(name: str) -> list[str]:
        return [v for v in query.get(name, []) + query.get(name + "[]", []) if v != ""]

    types = set(values("type"))
    statuses = set(values("status"))
    if "sent" in statuses:
        statuses.add("final")
    text = " ".join(values("text")).lower()
    reference = " ".join(values("reference")).lower()
    archived = values("archived")
    non_archived = values("non_archived")
    show_archived = _flag(archived[-1]) if archived else None
    show_active = _flag(non_archived[-1]) if non_archived else None

    def bound(name: str, parse: Callable[[str], Any]) -> tuple[Any, Any]:
        lo = values(f"{name}[from]")
        hi = values(f"{name}[to]")
        low = parse(lo[-1]) if lo else None
        high = parse(hi[-1]) if hi else None
        if (lo and low is None) or (hi and high is None):
            raise invalid("not_valid", what=humanise(name), field=name)
        return low, high

    date_lo, date_hi = bound("date", parse_filter_date)
    due_lo, due_hi = bound("due_date", parse_filter_date)
    tbt_lo, tbt_hi = bound("total_before_taxes", to_decimal)

    def loaded(value: str) -> date | None:
        return parse_filter_date(value[:10])

    load_lo, load_hi = bound("loaded_at", loaded)
    out = []
    for doc in rows:
        if types and doc["type"] not in types:
            continue
        if statuses and doc["status"] not in statuses:
            continue
        if show_archived is not None or show_active is not None:
            wanted = (bool(show_archived) and doc["archived"]) or (
                bool(show_active) and not doc["archived"]
            )
            if not wanted:
                continue
        if (
            text
            and text
            not in " ".join(
                (
                    doc["client"]["name"],
                    doc["sequence_number"],
                    doc["reference"],
                    doc["observations"],
                    # "Search for estimate, client or item details" (api-docs 002)
                    *(str(i.get(k) or "") for i in doc["items"] for k in ("name", "description")),
                )
            ).lower()
        ):
            continue
        if reference and reference not in doc["reference"].lower():
            continue
        doc_date = parse_date(doc["date"])
        if date_lo and (doc_date is None or doc_date < date_lo):
            continue
        if date_hi and (doc_date is None or doc_date > date_hi):
            continue
        due = parse_date(doc["due_date"])
        if due_lo and (due is None or due < due_lo):
            continue
        if due_hi and (due is None or due > due_hi):
            continue
        before = Decimal(str(doc["before_taxes"]))
        if tbt_lo is not None and before < tbt_lo:
            continue
        if tbt_hi is not None and before > tbt_hi:
            continue
        if load_lo or load_hi:
            when = loaded(doc.get("loaded_at", ""))
            if when is None or (load_lo and when < load_lo) or (load_hi and when > load_hi):
                continue
        out.append(doc)
    return out


# ----------------------------------------------------------------------------- treasury


def balance(ctx: Ctx, client_id: int) -> Json:
    client = get_client(ctx, client_id)
    initial = client.get("_initial_balance") or {
        "value": 0,
        "date": "1970-01-01",
        "observation": "",
    }
    with_vat = Decimal(str(initial["value"]))
    without_vat = Decimal(str(initial["value"]))
    overdue_with = ZERO
    overdue_without = ZERO
    for doc in documents(ctx):
        if int(doc["client"]["id"]) != client_id or doc["status"] in (
            "draft",
            "deleted",
            "canceled",
        ):
            continue
        if doc["type"] not in (*PAYABLE, "CreditNote", "InvoiceReceipt"):
            continue
        sign = -1 if doc["type"] == "CreditNote" else 1
        outstanding = Decimal(doc.get("_outstanding", "0")) * sign
        share = outstanding / Decimal(str(doc["total"])) if doc["total"] else ZERO
        with_vat += outstanding
        without_vat += Decimal(str(doc["before_taxes"])) * share
        due = parse_date(doc["due_date"])
        if due is not None and due < ctx.today:
            overdue_with += outstanding
            overdue_without += Decimal(str(doc["before_taxes"])) * share
    for reg in client.get("_regularizations", []):
        with_vat -= Decimal(str(reg["value"]))
        without_vat -= Decimal(str(reg["value"]))
    for mov in client.get("_movements", []):
        sign = -1 if mov["movement_type"] == "Payment" else 1
        with_vat += sign * Decimal(str(mov["value"]))
        without_vat += sign * Decimal(str(mov["value"]))
    return {
        "currency": {"symbol": "€", "code": "EUR"},
        "initial_balance": {
            "value": wire(Decimal(str(initial["value"]))),
            "created_at": initial["date"],
            "observation": initial.get("observation", ""),
        },
        "balance": {"with_vat": wire(with_vat), "without_vat": wire(without_vat)},
        "overdue_balance": {"with_vat": wire(overdue_with), "without_vat": wire(overdue_without)},
        "remaining_balance": {"total": wire(with_vat), "value": wire(with_vat)},
    }


def _treasury_date(value: object, label: str = "Date") -> str:
    if value in (None, ""):
        raise invalid("blank", what=label, field="date")
    parsed = parse_iso(value)
    if parsed is None:
        raise invalid("not_valid", what=label, field="date")
    return parsed.isoformat()


def set_initial_balance(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    client = get_client(ctx, client_id)
    root = body.get("initial_balance")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    value = to_decimal(root.get("value"))
    if value is None:
        raise invalid("not_a_number", what="Value", field="value")
    when = _treasury_date(root.get("date"))
    record = {"value": wire(value), "date": when, "observation": _text(root.get("observation"))}
    client["_initial_balance"] = record
    ctx.tx.put("client", client_id, ctx.name, client)
    return {"value": record["value"], "date": when, "observation": record["observation"]}


def add_regularization(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    client = get_client(ctx, client_id)
    root = body.get("regularization")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    value = to_decimal(root.get("value"))
    if value is None or value <= 0:
        raise invalid("not_a_number", what="Value", field="value")
    when = _treasury_date(root.get("date"))
    remaining = Decimal(str(balance(ctx, client_id)["remaining_balance"]["value"]))
    if value > remaining:
        raise invalid("value_over_balance", field="value")
    reg_id = ctx.tx.next_id("regularization")
    count = len(client.get("_regularizations", [])) + 1
    record = {
        "id": reg_id,
        "number": f"NR{count:08d}",
        "value": wire(value),
        "date": when,
        "observation": _text(root.get("observation")),
    }
    client.setdefault("_regularizations", []).append(record)
    ctx.tx.put("client", client_id, ctx.name, client)
    return record


def delete_regularization(ctx: Ctx, client_id: int, reg_id: int) -> None:
    client = get_client(ctx, client_id)
    regs = client.get("_regularizations", [])
    kept = [r for r in regs if int(r["id"]) != reg_id]
    if len(kept) == len(regs):
        raise not_found("Regularization not found")
    client["_regularizations"] = kept
    ctx.tx.put("client", client_id, ctx.name, client)


def add_movement(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    """The request schema already holds the value (> 0), the type and the method to its enums."""
    client = get_client(ctx, client_id)
    root = body["treasury_movement"]
    value = to_decimal(root["value"])
    assert value is not None
    kind = _text(root["movement_type"])
    method = _text(root.get("payment_method"))
    when = _treasury_date(root.get("date"))
    mov_id = ctx.tx.next_id("movement")
    record = {
        "id": mov_id,
        "value": wire(value),
        "movement_type": kind,
        "date": when,
        "payment_method": method,
        "serie": _text(root.get("serie")),
        "observation": _text(root.get("observation")),
    }
    client.setdefault("_movements", []).append(record)
    ctx.tx.put("client", client_id, ctx.name, client)
    return record


def delete_movement(ctx: Ctx, client_id: int, mov_id: int) -> None:
    client = get_client(ctx, client_id)
    moves = client.get("_movements", [])
    kept = [m for m in moves if int(m["id"]) != mov_id]
    if len(kept) == len(moves):
        raise not_found("Treasury movement not found")
    client["_movements"] = kept
    ctx.tx.put("client", client_id, ctx.name, client)


def saft_period_has_documents(ctx: Ctx, month: int, year: int) -> bool:
    for doc in documents(ctx):
        when = parse_date(doc["date"])
        if doc["status"] != "draft" and when and when.month == month and when.year == year:
            return True
    return False
