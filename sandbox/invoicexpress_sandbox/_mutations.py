"""What each fault of the catalogue (`_faults`) does to a request or an answer: the
transformations a `FaultPlan` applies at the request path's one fault seam."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from invoicexpress_core.machines import StateMachine, Transition

_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_SEQ = re.compile(r"^(\d+)/(.+)$")
_DATE_KEYS = frozenset({"date", "due_date"})
_RESOURCE_UPDATES = frozenset({"updateClient", "updateItem", "updateTax"})
_NOT_DOCUMENT_UPDATES = _RESOURCE_UPDATES | {"updateAccount", "updateClientInitialBalance"}
_FILTERS = {
    "status_filter_ignored": ("status", "status[]"),
    "type_filter_ignored": ("type", "type[]"),
    "date_filter_ignored": ("date[from]", "date[to]"),
    "text_filter_ignored": ("text",),
    "reference_filter_ignored": ("reference",),
    "amount_filter_ignored": ("total_before_taxes[from]", "total_before_taxes[to]"),
}
CENT = Decimal("0.01")


# ------------------------------------------------------------------ the request


def before(
    operation_id: str, query: dict[str, list[str]], body: Any, faults: frozenset[str]
) -> tuple[dict[str, list[str]], Any]:
    """The request as a faulty server reads it."""
    for name, params in _FILTERS.items():
        if name in faults and operation_id.startswith("list"):
            query = {k: v for k, v in query.items() if k not in params}
    if "filter_values_first_only" in faults and operation_id.startswith("list"):
        query = {k: v[:1] if k.endswith("[]") else v for k, v in query.items()}
    if "per_page_ignored" in faults and "per_page" in query:
        query = {**query, "per_page": ["100"]}
    if "page_ignored" in faults and "page" in query:
        query = {**query, "page": ["1"]}
    if not isinstance(body, dict):
        return query, body
    flt = body.get("filter")
    if "client_filter_values_last_only" in faults and isinstance(flt, dict):
        body["filter"] = {k: v[-1:] if isinstance(v, list) else v for k, v in flt.items()}
    if operation_id.startswith(("create", "update")):
        body = _text(body, faults)
    if "proprietary_uid_ignored" in faults:
        body.pop("proprietary_uid", None)
    root = next((v for v in body.values() if isinstance(v, dict)), None)
    if root is None:
        return query, body
    if "cancel_without_message" in faults and "State" in operation_id:
        root.setdefault("message", "(none sent)")
    if "client_email_dropped" in faults:
        client = root.get("client")
        if isinstance(client, dict):
            client.pop("email", None)
        elif operation_id in ("createClient", "updateClient"):
            root.pop("email", None)
    if operation_id.startswith(("create", "update")):
        if "due_date_is_date" in faults and "date" in root and "due_date" in root:
            root["due_date"] = root["date"]
        if "reference_dropped" in faults and "reference" in root:
            root["reference"] = ""
        if "retention_dropped" in faults:
            root.pop("retention", None)
        for item in root.get("items") or []:
            if not isinstance(item, dict):
                continue
            if "quantity_read_as_one" in faults and "quantity" in item:
                item["quantity"] = "1"
            if "price_rounded" in faults and "unit_price" in item:
                price = _dec(item["unit_price"])
                if price is not None:
                    item["unit_price"] = str(price.quantize(CENT, rounding=ROUND_HALF_UP))
    return query, body


def _text(node: Any, faults: frozenset[str], key: str = "", client: bool = False) -> Any:
    """A request body's strings as a server that mangles text stores them."""
    if isinstance(node, dict):
        return {k: _text(v, faults, k, client or k == "client") for k, v in node.items()}
    if isinstance(node, list):
        return [_text(v, faults, key, client) for v in node]
    if not isinstance(node, str):
        return node
    if "accents_stripped" in faults:
        node = unicodedata.normalize("NFKD", node).encode("ascii", "ignore").decode()
    if "description_mojibake" in faults and key == "description":
        node = node.encode().decode("latin-1")
    if "beyond_latin1_lost" in faults and client:
        node = node.encode("latin-1", "replace").decode("latin-1")
    return node


@dataclass(frozen=True)
class _AnyState(StateMachine):
    """A machine that applies an event from any state (`allow_forbidden_transition`): the
    allowed transition where there is one, else the first that the event takes anywhere."""

    def find(self, source: str, event: str, _doc_type: str = "") -> Transition | None:
        found = super().find(source, event)
        if found is not None:
            return found
        event = self.canonical(event)
        return next((t for t in self.transitions if t.event == event), None)


def any_state(machine: StateMachine) -> StateMachine:
    return _AnyState(**{f.name: getattr(machine, f.name) for f in fields(machine)})


def forgets(operation_id: str, faults: frozenset[str]) -> bool:
    """Whether the faulty server answers this write, then drops it (rolls it back)."""
    if "delete_ignored" in faults and operation_id.startswith("delete"):
        return True
    if "change_state_ignored" in faults and (
        operation_id.endswith("State") or operation_id == "cancelReceipt"
    ):
        return True
    if "resource_update_ignored" in faults and operation_id in _RESOURCE_UPDATES:
        return True
    return (
        "update_ignored" in faults
        and operation_id.startswith("update")
        and operation_id not in _NOT_DOCUMENT_UPDATES
    )


# ------------------------------------------------------------------ the answer


def mutate(
    body: Any, faults: frozenset[str], status: int, method: str, operation_id: str = ""
) -> tuple[Any, int]:
    """Apply the response-shaped faults to a successful JSON body and its status."""
    if "wrong_status" in faults:
        if status == 201:
            status = 200
        elif status == 200 and method != "GET":
            status = 201
    if "pdf_never_ready" in faults and operation_id == "generatePdf" and status == 200:
        status = 202
    if body is None:
        return body, status
    for name in _BODY_FAULTS:
        if name in faults:
            body = _walk(body, name)
    if "total_entries_off" in faults and isinstance(body, dict):
        pagination = body.get("pagination")
        if isinstance(pagination, dict) and "total_entries" in pagination:
            pagination["total_entries"] = int(pagination["total_entries"]) + 1
    return body, status


def on_error(status: int, message: str, faults: frozenset[str]) -> tuple[int, str]:
    """A refusal as the faulty server words and numbers it."""
    if "not_found_as_422" in faults and status == 404:
        status = 422
    elif "validation_as_400" in faults and status == 422:
        status = 400
    elif "auth_as_403" in faults and status == 401:
        status = 403
    if status == 422 and "message_reworded" in faults:
        message = message.rstrip(".") + "." if not message.endswith(".") else message + "."
    if status == 422 and "message_case_changed" in faults:
        message = message.lower()
    return status, message


def headers(status: int, faults: frozenset[str], given: dict[str, str]) -> dict[str, str]:
    if "retry_after_not_integer" in faults and status == 429:
        return {**given, "Retry-After": "soon"}
    return given


def media_type(faults: frozenset[str], default: str) -> str | None:
    if "wrong_content_type" in faults:
        return "text/html; charset=utf-8"
    if "missing_content_type" in faults:
        return None
    return default


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _wire(value: Decimal) -> int | float:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def _recompute(doc: dict[str, Any], fault: str) -> None:
    """Line amounts and document totals, consistent with each other but wrong by `fault` (the
    global discount lowers each line's taxable base, as `_money.compute` has it)."""
    items = doc.get("items")
    if not isinstance(items, list) or doc.get("type") == "Receipt" or not items:
        return
    lines = []
    for item in items:
        price, qty = _dec(item.get("unit_price")), _dec(item.get("quantity"))
        pct = _dec(item.get("discount", 0)) or Decimal(0)
        rate = _dec((item.get("tax") or {}).get("value"))
        if price is None or qty is None or rate is None:
            return
        if fault == "discount_ignored":
            pct = Decimal(0)
            item["discount"] = 0
        if fault == "tax_at_default_rate":
            rate = Decimal(23)
        lines.append((item, price * qty, price * qty * (1 - pct / 100), rate))
    gd = doc.get("global_discount") or {}
    kind = None if fault == "global_discount_ignored" else gd.get("value_type")
    value = _dec(gd.get("value")) or Decimal(0)
    net_sum = sum((net for *_, net, _rate in lines), Decimal(0))
    sums = {"sum": Decimal(0), "discount": Decimal(0), "taxes": Decimal(0), "shares": Decimal(0)}
    for item, gross, net, rate in lines:
        share = Decimal(0)
        if kind == "percentage":
            share = net * value / 100
        elif kind == "absolute" and net_sum:
            share = value * net / net_sum
        base = gross if fault == "tax_before_discount" else net
        if fault != "tax_before_global_discount":
            base -= share
        rounding = ROUND_DOWN if fault == "tax_rounded_down" else ROUND_HALF_UP
        tax = (base * rate / 100).quantize(CENT, rounding=rounding)
        sub = gross.quantize(CENT, rounding=ROUND_HALF_UP)
        off = (gross - net).quantize(CENT, rounding=ROUND_HALF_UP)
        item.update(
            subtotal=_wire(sub),
            discount_amount=_wire(off),
            tax_amount=_wire(tax),
            total=_wire(sub - off + tax),
        )
        sums["sum"] += sub
        sums["discount"] += off
        sums["taxes"] += tax
        sums["shares"] += share
    discount = sums["discount"] + sums["shares"].quantize(CENT, rounding=ROUND_HALF_UP)
    before_taxes = sums["sum"] - discount
    doc.update(
        sum=_wire(sums["sum"]),
        discount=_wire(discount),
        before_taxes=_wire(before_taxes),
        taxes=_wire(sums["taxes"]),
        total=_wire(before_taxes + sums["taxes"]),
    )


def _number(out: dict[str, Any], number: Callable[[int], int], atcud_shift: int) -> None:
    match = _SEQ.match(str(out.get("sequence_number") or ""))
    if not match:
        return
    n, series = number(int(match[1])), match[2]
    out["sequence_number"] = f"{n}/{series}"
    if isinstance(out.get("inverted_sequence_number"), str):
        out["inverted_sequence_number"] = f"{series}/{n}"
    atcud = out.get("atcud")
    if isinstance(atcud, str) and "-" in atcud:
        out["atcud"] = f"{atcud.rsplit('-', 1)[0]}-{n + atcud_shift}"


def _walk(node: Any, fault: str) -> Any:
    if isinstance(node, list):
        return [_walk(v, fault) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _walk(v, fault) for k, v in node.items()}
    is_object = "id" in out
    is_document = is_object and "items" in out and "status" in out
    if fault == "rename_field" and is_object:
        if "sequence_number" in out:
            out["sequence_num"] = out.pop("sequence_number")
        else:
            out["ident"] = out.pop("id")
    elif fault == "wrong_type" and is_object:
        key = (
            "total"
            if "total" in out
            else next(
                (
                    k
                    for k, v in out.items()
                    if isinstance(v, int | float) and not isinstance(v, bool)
                ),
                None,
            )
        )
        if key is not None:
            out[key] = f"{out[key]} EUR"
    elif fault == "drop_required" and is_object:
        out.pop("id", None)
    elif fault == "null_items" and is_document:
        out["items"] = None
    elif fault == "totals_off_by_cent" and "total" in out and "before_taxes" in out:
        out["total"] = round(float(out["total"]) + 0.01, 2)
    elif fault in _ARITHMETIC and is_document:
        _recompute(out, fault)
    elif fault == "retention_subtracted" and is_document and "before_taxes" in out:
        retention = _dec(out.get("retention")) or Decimal(0)
        held = Decimal(str(out["before_taxes"])) * retention / 100
        out["total"] = _wire(Decimal(str(out["total"])) - held)
    elif fault == "iso_dates":
        for key in _DATE_KEYS & out.keys():
            match = _DMY.match(str(out[key]))
            if match:
                out[key] = f"{match[3]}-{match[2]}-{match[1]}"
    elif fault == "enum_changed" and isinstance(out.get("status"), str):
        out["status"] = out["status"].upper()
    elif fault == "final_shown_as_settled" and is_document and out.get("status") == "final":
        out["status"] = "settled"
    elif fault == "payment_does_not_settle" and is_document and out.get("status") == "settled":
        out["status"] = "final"
    elif fault == "receipt_amount_wrong" and is_document and out.get("type") == "Receipt":
        for key in ("sum", "before_taxes", "total"):
            if isinstance(out.get(key), int | float):
                out[key] = _wire(Decimal(str(out[key])) + 1)
    elif fault == "numbering_gaps" and is_document:
        _number(out, lambda n: 2 * n - 1, 0)
    elif fault == "atcud_mismatch" and is_document:
        _number(out, lambda n: n, 1)
    elif fault == "inverted_number_wrong" and isinstance(out.get("inverted_sequence_number"), str):
        out["inverted_sequence_number"] = out.get("sequence_number")
    elif fault == "final_date_rewound" and is_document and out.get("status") != "draft":
        match = _SEQ.match(str(out.get("sequence_number") or ""))
        day = _DMY.match(str(out.get("date") or ""))
        if match and day and int(match[1]) % 2 == 0:
            earlier = _dt.date(int(day[3]), int(day[2]), int(day[1])) - _dt.timedelta(days=1)
            out["date"] = earlier.strftime("%d/%m/%Y")
    elif fault == "undocumented_field" and is_object:
        out["internal_ref"] = f"ref-{out['id']}"
    return out


_ARITHMETIC = frozenset(
    {
        "tax_at_default_rate",
        "tax_before_discount",
        "tax_rounded_down",
        "discount_ignored",
        "global_discount_ignored",
        "tax_before_global_discount",
    }
)
_BODY_FAULTS = (
    "rename_field",
    "wrong_type",
    "drop_required",
    "null_items",
    "totals_off_by_cent",
    *sorted(_ARITHMETIC),
    "retention_subtracted",
    "iso_dates",
    "enum_changed",
    "final_shown_as_settled",
    "payment_does_not_settle",
    "receipt_amount_wrong",
    "numbering_gaps",
    "atcud_mismatch",
    "inverted_number_wrong",
    "final_date_rewound",
    "undocumented_field",
)
