"""Documents: building a draft from a request, state changes, e-mail, list filters."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoicexpress_core.machines import StateMachine

from .._catalog import (
    COUNTRIES,
    DOC_TYPES,
    EXEMPTION_CODES,
    PAYABLE,
    UNITS,
    DocType,
)
from .._errors import ApiError, humanise, invalid, say
from .._money import (
    ZERO,
    LineIn,
    Totals,
    compute,
    decimal_text,
    r2,
    stored_rate,
    to_decimal,
    wire,
)
from ._base import (
    DATETIME_RE,
    DRAFT_NUMBER,
    EMAIL_RE,
    Ctx,
    Json,
    as_flag,
    as_text,
    fmt_date,
    get_document,
    is_object,
    parse_date,
    parse_filter_date,
    parse_iso,
    save_document,
)
from .clients import get_client, upsert_client
from .items_taxes import item_named, resolve_tax, save_item, tax_ref
from .payments_receipts import issue_receipt
from .sequences import finalize, seq_type_key, sequence_for


def root_of(body: object, dt: DocType) -> Json:
    """The document object under the type's key or the family's generic key."""
    if is_object(body):
        for key in (dt.key, dt.generic_key):
            value = body.get(key)
            if is_object(value):
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
        if not is_object(raw) or not as_text(raw.get("name")).strip():
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
        unit = as_text(raw.get("unit"))
        if unit and unit not in UNITS:
            raise invalid("unit_not_accepted", value=unit, field="unit")
        # Purchase orders: an unknown tax name means no tax; everything else: the default tax.
        tax = resolve_tax(ctx, raw.get("tax"), fallback_default=dt.family != "purchase_orders")
        out.append(
            (
                dict(raw),
                LineIn(
                    price, quantity, discount, stored_rate(str(tax["value"]))[0] if tax else ZERO
                ),
            )
        )
        # Item catalogue: unknown name creates, known name is updated with the sent values.
        fields = {
            "name": as_text(raw["name"]).strip(),
            "description": raw.get("description", ""),
            "unit_price": decimal_text(price),
            "unit": unit,
        }
        if is_object(raw.get("tax")):
            fields["tax"] = {"name": tax["name"]} if tax else {}
        existing = item_named(ctx, fields["name"])
        save_item(ctx, fields, existing, standalone=False, used=True)
        out[-1][0]["_tax"] = tax
    return out


def build_document(
    ctx: Ctx, dt: DocType, root: Mapping[str, Any], current: Json | None = None
) -> Json:
    """A draft document (new or replacing `current`) from a request's root object.

    The checks run in the order the live API reports them (the first broken rule answers).
    """
    doc_date, due = _dates(ctx, dt, root)
    retention = _check_retention(root.get("retention"))
    if "client" not in root or root.get("client") in (None, ""):
        raise invalid("element_missing", root="client", field="client")
    client = upsert_client(ctx, root.get("client"))
    lines = _lines(ctx, dt, root.get("items"))
    exemption = _exemption(ctx, root, lines)
    if as_flag(root.get("mb_reference")) and not ctx.account.get("_payment_provider"):
        raise invalid("mb_reference_unavailable", field="mb_reference")
    global_type, global_value = _global_discount(root)
    totals = compute(
        [line for _, line in lines],
        global_type=global_type,
        global_value=global_value,
        retention_pct=retention,
    )
    if global_type == "absolute" and global_value > totals.sum:
        raise invalid("not_a_number", what="Discount", field="global_discount")
    series_id, type_seq_id = sequence_for(ctx, dt, root.get("sequence_id"))
    doc_id = int(current["id"]) if current else ctx.tx.next_id("document")
    owner_id = _owner(ctx, root)
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
            "reference": as_text(root.get("reference")),
            "observations": as_text(root.get("observations")),
            "retention": as_text(root.get("retention"))
            if root.get("retention") not in (None, "")
            else "0.0",
            "permalink": f"{ctx.base_url}/documents/{doc_id}-public",
            "saft_hash": None,
            **_money_fields(totals),
            "currency": _currency_name(as_text(root.get("currency_code")) or "EUR"),
            "client": _client_ref(client),
            "items": _item_rows(lines, totals),
        }
    )
    if global_type:
        doc["global_discount"] = {"value_type": global_type, "value": float(global_value)}
    if as_flag(root.get("mb_reference")):
        doc["mb_reference"] = {
            "entity": "10611",
            "value": wire(totals.total),
            "reference": f"9{doc_id:08d}"[-9:],
        }
    if owner_id is not None:
        doc["owner_invoice_id"] = owner_id
    _family_fields(ctx, dt, root, doc)
    doc.update(
        {
            "_series": series_id,
            "_outstanding": str(r2(Decimal(str(doc["total"])))),
            "_related": list(current.get("_related", [])) if current else [],
            "_retention_amount": str(totals.retention_amount),
        }
    )
    if owner_id is not None:
        _link(ctx, doc, owner_id)
    return doc


def _money_fields(totals: Totals) -> Json:
    return {
        "sum": wire(totals.sum),
        "discount": wire(totals.discount),
        "before_taxes": wire(totals.before_taxes),
        "taxes": wire(totals.taxes),
        "total": wire(totals.total),
    }


def _client_ref(client: Mapping[str, Any]) -> Json:
    """The client as a document shows it: the documented id, name, code, country and e-mail,
    and the contact details recorded live (fact `document-client-details`)."""
    return {
        "id": int(client["id"]),
        "name": client["name"],
        "code": client.get("code") or None,
        "country": client.get("country") or "Portugal",
        "email": client.get("email") or None,
        "address": client.get("address") or None,
        "postal_code": client.get("postal_code") or None,
        "phone": client.get("phone") or None,
        "fiscal_id": client.get("fiscal_id") or None,
    }


def _dates(ctx: Ctx, dt: DocType, root: Mapping[str, Any]) -> tuple[date, date]:
    """(date, due date); estimates and guides default to today, invoices must say."""
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
    return doc_date, due


def _exemption(ctx: Ctx, root: Mapping[str, Any], lines: list[tuple[Json, LineIn]]) -> str:
    """The exemption code; a 0 % line without one is stamped M99 as the live server does."""
    exemption = as_text(root.get("tax_exemption") or root.get("tax_exemption_reason") or "")
    if exemption and exemption not in EXEMPTION_CODES:
        raise _exemption_refused()
    if any(line.tax_pct == 0 for _, line in lines) and exemption in ("", "M00"):
        if "exemption_required" in ctx.quirks:  # the documented rule for Portuguese accounts
            raise _exemption_refused()
        exemption = "M99"
    return exemption


def _exemption_refused() -> ApiError:
    codes = ", ".join(EXEMPTION_CODES[1:])
    return invalid("exemption_not_accepted", codes=codes, field="tax_exemption")


def _global_discount(root: Mapping[str, Any]) -> tuple[str | None, Decimal]:
    """(value type, value) of `global_discount`, or (None, 0) when there is none."""
    gd = root.get("global_discount")
    if not is_object(gd) or not gd:
        return None, ZERO
    kind = as_text(gd.get("value_type"))
    value = to_decimal(gd.get("value"))
    if kind not in ("percentage", "absolute") or value is None or value < 0:
        raise invalid("not_a_number", what="Discount", field="global_discount")
    if kind == "percentage" and value > 100:
        raise invalid("not_a_number", what="Discount", field="global_discount")
    return kind, value


def _owner(ctx: Ctx, root: Mapping[str, Any]) -> int | None:
    """The invoice a credit or debit note corrects (it must exist)."""
    owner = root.get("owner_invoice_id")
    if owner in (None, ""):
        return None
    parsed = to_decimal(owner)
    if parsed is None or ctx.tx.get("document", int(parsed), ctx.name) is None:
        raise invalid("invalid", what="Owner invoice", field="owner_invoice_id")
    return int(parsed)


def _item_rows(lines: list[tuple[Json, LineIn]], totals: Totals) -> list[Json]:
    rows = []
    for (raw, line), out in zip(lines, totals.lines, strict=True):
        tax = raw.get("_tax")
        rows.append(
            {
                "name": as_text(raw["name"]).strip(),
                "description": as_text(raw.get("description")),
                "unit_price": decimal_text(line.unit_price),
                "unit": as_text(raw.get("unit")),
                "quantity": decimal_text(line.quantity),
                "tax": tax_ref(tax if isinstance(tax, dict) else None),
                "discount": wire(line.discount_pct),
                "subtotal": wire(out.subtotal),
                "tax_amount": wire(out.tax_amount),
                "discount_amount": wire(out.discount_amount),
                "total": wire(out.total),
            }
        )
    return rows


def _family_fields(ctx: Ctx, dt: DocType, root: Mapping[str, Any], doc: Json) -> None:
    if dt.family == "guides":
        _guide_fields(ctx, root, doc)
    if dt.family == "purchase_orders":
        if root.get("loaded_at") not in (None, ""):
            loaded = parse_date(as_text(root.get("loaded_at")))
            if loaded is None:
                raise invalid("not_valid", what="Loaded at", field="loaded_at")
            doc["loaded_at"] = fmt_date(loaded)  # `3/12/2026` goes out as `03/12/2026`
        doc["delivery_site"] = as_text(root.get("delivery_site"))


def _guide_fields(ctx: Ctx, root: Mapping[str, Any], doc: Json) -> None:
    loaded = root.get("loaded_at")
    if loaded in (None, ""):
        raise invalid("blank", what="Loaded at", field="loaded_at")
    text = as_text(loaded)
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
        if not is_object(addr):
            raise invalid("invalid", what=humanise(key), field=key)
        country = as_text(addr.get("country"))
        if country and country not in COUNTRIES:
            raise invalid("country_not_found", value=country, field="country")
        doc[key] = {k: as_text(addr.get(k)) for k in ("detail", "city", "postal_code", "country")}
        if addr.get("email") not in (None, ""):  # undocumented; production clients send it
            doc[key]["email"] = as_text(addr.get("email"))
    doc["license_plate"] = as_text(root.get("license_plate"))
    doc["at_doc_code_id"] = ""


_CURRENCIES = {"EUR": "Euro", "USD": "US Dollar", "GBP": "Pound Sterling", "BRL": "Real"}


def _currency_name(code: str) -> str:
    return _CURRENCIES.get(code.upper(), code.upper())


def _link(ctx: Ctx, doc: Json, other_id: int) -> None:
    """Relate two documents both ways (related documents endpoint)."""
    if other_id not in doc["_related"]:
        doc["_related"].append(other_id)
    other = ctx.tx.get("document", other_id, ctx.name)
    if other is not None and int(doc["id"]) not in other.setdefault("_related", []):
        other["_related"].append(int(doc["id"]))
        ctx.tx.put("document", other_id, ctx.name, other)


def create_document(ctx: Ctx, dt: DocType, body: Mapping[str, Any]) -> Json:
    uid = body.get("proprietary_uid")
    if uid not in (None, ""):
        key = f"uid:{ctx.name}:{as_text(uid)}"
        done = ctx.tx.meta(key)
        if done is not None and "uid_replay" in ctx.quirks:
            return get_document(ctx, int(done), dt)
        if done is not None:
            raise ApiError(
                409,
                say("duplicate_uid", uid=as_text(uid)),
                shape="ReasonError",
            )
    doc = build_document(ctx, dt, root_of(body, dt))
    if uid not in (None, ""):
        ctx.tx.set_meta(f"uid:{ctx.name}:{as_text(uid)}", str(doc["id"]))
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


def change_state(
    ctx: Ctx, dt: DocType, doc_id: int, body: Mapping[str, Any], machine: StateMachine
) -> Json:
    doc = get_document(ctx, doc_id, dt)
    root = body.get(dt.key) if is_object(body.get(dt.key)) else body.get(dt.generic_key)
    if not is_object(root):
        raise invalid("invalid_state")
    event = as_text(root.get("state"))
    transition = machine.find(doc["status"], event)
    if transition is None:
        raise invalid("invalid_state", field="state")
    message = as_text(root.get("message")).strip()
    if "message" in transition.requires and not message:
        raise invalid("cancel_message_required", field="message")
    if doc["status"] == machine.initial and transition.target not in (machine.initial, "deleted"):
        finalize(ctx, dt, doc)
    if transition.target == "settled":
        due = Decimal(str(doc.get("_outstanding", "0")))
        if doc["status"] == "final" and doc["type"] in PAYABLE and due > 0:
            # "When changing state to settled, a new receipt will be created" (api-docs 002)
            series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
            assert series is not None
            # Dated today, or later when the document or the series' last receipt is later
            # (a receipt may not predate either).
            receipts = series["_types"][seq_type_key(DOC_TYPES["receipts"])]
            last = parse_iso(receipts.get("last_date"))
            when = max(d for d in (ctx.today, parse_date(doc["date"]), last) if d is not None)
            receipt = issue_receipt(ctx, doc, due, "TB", when, series, message)
            doc.setdefault("_related", []).append(int(receipt["id"]))
        doc["_outstanding"] = "0.00"
    elif doc["status"] == "settled" and transition.target == "final":
        doc["_outstanding"] = str(r2(Decimal(str(doc["total"]))))
    if message:
        doc["_state_message"] = message
    doc["status"] = transition.target
    save_document(ctx, doc)
    return doc


def related(ctx: Ctx, doc_id: int) -> list[Json]:
    doc = get_document(ctx, doc_id)
    out = []
    for other_id in doc.get("_related", []):
        other = ctx.tx.get("document", int(other_id), ctx.name)
        if other is not None:
            out.append(other)
    return out


def email_document(ctx: Ctx, dt: DocType, doc_id: int, body: Mapping[str, Any]) -> Json:
    doc = get_document(ctx, doc_id, dt)
    message = body.get("message")
    if not is_object(message):
        raise invalid("email_required", field="email")
    client = message.get("client")
    email = as_text(client.get("email")) if is_object(client) else ""
    if not email:
        raise invalid("email_required", field="email")
    if not EMAIL_RE.match(email):
        raise invalid("address_invalid", what="Email", field="email")
    for key in ("cc", "bcc"):
        for addr in _addresses(message.get(key)):
            if not EMAIL_RE.match(addr):
                raise invalid("address_invalid", what=key.capitalize(), field=key)
    if is_object(client) and as_flag(client.get("save")):
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
        "subject": as_text(message.get("subject")) or f"{dt.type} {doc['sequence_number']}",
        "body": as_text(message.get("body")),
        "logo": as_flag(message.get("logo")),
        "sent_at": ctx.now.isoformat(),
    }
    ctx.tx.put("mail", mail_id, ctx.name, mail)
    return mail


def _addresses(value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [as_text(v).strip() for v in value if as_text(v).strip()]
    return [part.strip() for part in re.split(r"[,;]", as_text(value)) if part.strip()]


def filter_documents(ctx: Ctx, rows: list[Json], query: Mapping[str, list[str]]) -> list[Json]:
    """The list filters of api-surface §4.9 (status `sent` matches finalised documents)."""
    tests = _document_tests(query)
    return [doc for doc in rows if all(test(doc) for test in tests)]


Test = Callable[[Json], bool]


def _document_tests(query: Mapping[str, list[str]]) -> list[Test]:
    """One test per filter the query sets; a bad bound is a 422 naming the filter."""

    def values(name: str) -> list[str]:
        return [v for v in query.get(name, []) + query.get(name + "[]", []) if v != ""]

    tests: list[Test] = []
    types = set(values("type"))
    if types:
        tests.append(lambda doc: doc["type"] in types)
    statuses = set(values("status"))
    if "sent" in statuses:
        statuses.add("final")
    if statuses:
        tests.append(lambda doc: doc["status"] in statuses)
    archived = values("archived")
    active = values("non_archived")
    if archived or active:
        show_archived = bool(archived) and as_flag(archived[-1])
        show_active = bool(active) and as_flag(active[-1])
        tests.append(lambda doc: show_archived if doc["archived"] else show_active)
    text = " ".join(values("text")).lower()
    if text:
        tests.append(lambda doc: text in _searchable(doc))
    reference = " ".join(values("reference")).lower()
    if reference:
        tests.append(lambda doc: reference in doc["reference"].lower())
    ranges: tuple[tuple[str, Callable[[str], Any], Callable[[Json], Any]], ...] = (
        ("date", parse_filter_date, lambda doc: parse_date(doc["date"])),
        ("due_date", parse_filter_date, lambda doc: parse_date(doc["due_date"])),
        ("total_before_taxes", to_decimal, lambda doc: Decimal(str(doc["before_taxes"]))),
        ("loaded_at", _day_of, lambda doc: _day_of(doc.get("loaded_at", ""))),
    )
    for name, parse, read in ranges:
        low = _bound(values(f"{name}[from]"), parse, name)
        high = _bound(values(f"{name}[to]"), parse, name)
        if low is not None or high is not None:
            tests.append(functools.partial(_within, read, low, high))
    return tests


def _bound(given: list[str], parse: Callable[[str], Any], name: str) -> Any:
    if not given:
        return None
    value = parse(given[-1])
    if value is None:
        raise invalid("not_valid", what=humanise(name), field=name)
    return value


def _within(read: Callable[[Json], Any], low: Any, high: Any, doc: Json) -> bool:
    value = read(doc)
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _day_of(value: str) -> date | None:
    return parse_filter_date(value[:10])


def _searchable(doc: Json) -> str:
    """What `text` searches: "estimate, client or item details" (api-docs 002)."""
    items = (str(i.get(k) or "") for i in doc["items"] for k in ("name", "description"))
    parts = (doc["client"]["name"], doc["sequence_number"], doc["reference"], doc["observations"])
    return " ".join((*parts, *items)).lower()
