"""Series and per-type numbering: ATCUD codes, registration, a document's number."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._catalog import (
    ATCUD_NOT_APPLICABLE,
    SEQUENCE_TYPES,
    DocType,
)
from .._errors import ApiError, invalid
from .._money import to_decimal
from .._store import Tx
from ._base import (
    Ctx,
    Json,
    as_flag,
    as_text,
    fmt_date,
    parse_date,
    parse_iso,
    stable_token,
)


def create_sequence_record(
    tx: Tx, account: str, serie: str, *, default: bool, registered: bool
) -> Json:
    seq_id = tx.next_id("sequence")
    types: Json = {}
    for name in SEQUENCE_TYPES:
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
    return stable_token(f"{account}/{seq_id}/{type_name}") if registered else "N/D"


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


def _default_sequence(ctx: Ctx) -> Mapping[str, Any]:
    found = ctx.tx.peek("sequence", ctx.name, lambda s: bool(s["default_sequence"]))
    if found is None:
        found = ctx.tx.peek("sequence", ctx.name, lambda s: True)
    if found is None:
        raise IndexError("the account has no series")  # as `rows[0]` of none
    return found


def get_sequence(ctx: Ctx, seq_id: int) -> Json:
    seq = ctx.tx.get("sequence", seq_id, ctx.name)
    if seq is None:
        raise ApiError(404, "The sequence doesn't exist.", code="006")
    return seq


def new_sequence(ctx: Ctx, fields: Mapping[str, Any]) -> Json:
    serie = as_text(fields.get("serie")).strip()
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
        default=as_flag(fields.get("default_sequence")),
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


def sequence_for(ctx: Ctx, dt: DocType, raw: object) -> tuple[int, int]:
    """(series id, per-type sequence id) from `sequence_id` (per-type id or series id)."""
    seq_key = seq_type_key(dt)
    if raw not in (None, ""):
        ref = to_decimal(raw)
        if ref is None or ref != ref.to_integral_value():
            raise invalid("invalid", what="Sequence", field="sequence_id")
        type_rec = ctx.tx.get("seqtype", int(ref), ctx.name)
        if type_rec is not None:
            seq = get_sequence(ctx, int(type_rec["sequence"]))
            return int(seq["id"]), int(type_rec["id"])
        series = ctx.tx.get("sequence", int(ref), ctx.name)
        if series is None:
            raise invalid("invalid", what="Sequence", field="sequence_id")
        return int(series["id"]), int(series["_types"][seq_key]["sequence_id"])
    default = _default_sequence(ctx)
    return int(default["id"]), int(default["_types"][seq_key]["sequence_id"])


def seq_type_key(dt: DocType) -> str:
    return dt.key


def finalize(ctx: Ctx, dt: DocType, doc: Json) -> None:
    """Give the document its number in its series and type, ATCUD, hash and permalink."""
    series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
    assert series is not None
    entry = series["_types"][seq_type_key(dt)]
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
