"""What every area's rules share: the request context, wire helpers, dates, stored documents."""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeGuard

from .._catalog import (
    BY_TYPE,
    DocType,
)
from .._errors import invalid, not_found
from .._money import parse_int
from .._store import Tx

Json = dict[str, Any]


DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


DATETIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?$")


EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


DRAFT_NUMBER = "rascunho"


@dataclass
class Ctx:
    """What a handler needs: the transaction, the calling account, the clock and quirks."""

    tx: Tx
    account: Json
    now: datetime
    quirks: frozenset[str] = frozenset()
    base_url: str = "http://127.0.0.1"
    memo: dict[str, Any] = field(default_factory=dict)  # per-request read cache

    @property
    def name(self) -> str:
        return str(self.account["name"])

    @property
    def today(self) -> date:
        return self.now.date()


def is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    """`isinstance(value, Mapping)`, answered for a dict (as bodies are parsed) and None
    without the ABC check, which costs ten times as much."""
    return type(value) is dict or (value is not None and isinstance(value, Mapping))


def public(record: Mapping[str, Any]) -> Json:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def parse_date(value: object) -> date | None:
    return _parse_date_text(value) if isinstance(value, str) else None


# Requests and stored documents repeat a handful of days, and a `date` never changes: the
# texts' days are remembered.
@functools.lru_cache(maxsize=1024)
def _parse_date_text(value: str) -> date | None:
    if not DATE_RE.match(value):
        return None
    try:
        if value.isascii() and value[-1].isdigit():  # as strptime reads it, less its cost
            day, month, year = value.split("/")
            return date(int(year), int(month), int(day))
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_filter_date(value: str) -> date | None:
    """A list-filter date, as strict as a body's: an impossible day (31/02) is bad input."""
    return parse_date(value)


@functools.lru_cache(maxsize=1024)
def fmt_date(value: date) -> str:
    """dd/mm/yyyy, as `strftime("%d/%m/%Y")` writes it (which it still writes before 1000,
    where platforms differ); remembered per day, as `parse_date`."""
    if value.year < 1000:
        return value.strftime("%d/%m/%Y")
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def parse_iso(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def as_flag(value: object) -> bool:
    return as_text(value).strip().lower() in {"1", "true"}


def stable_token(seed: str, length: int = 8) -> str:
    digest = hashlib.sha1(seed.encode()).digest()  # noqa: S324 - not security, a stable id
    return base64.b32encode(digest).decode()[:length]


def doc_type_of(doc: Mapping[str, Any]) -> DocType:
    return BY_TYPE[str(doc["type"])]


def get_document(ctx: Ctx, doc_id: int, dt: DocType | None = None) -> Json:
    doc = ctx.tx.get("document", doc_id, ctx.name)
    if doc is None or (dt is not None and doc["type"] != dt.type):
        raise not_found()
    return doc


def documents(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("document", ctx.name)


def save_document(ctx: Ctx, doc: Json) -> None:
    ctx.tx.put("document", int(doc["id"]), ctx.name, doc)


def paginate(rows: list[Json], query: Mapping[str, list[str]]) -> tuple[list[Json], Json]:
    def number(name: str, default: int) -> int:
        values = query.get(name) or []
        if not values or values[-1] == "":
            return default
        value = parse_int(values[-1], signed=True)
        if value is None:
            raise invalid("not_a_number", what=name, field=name)
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
