"""Python values in, InvoiceXpress wire values out (and back).

Money is `Decimal` and dates are `datetime.date` in our API; InvoiceXpress wants decimal strings
and `dd/mm/yyyy` (ISO only on the treasury endpoints), and answers with numbers *or* strings.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib
import sys
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Union, get_args, get_origin

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"


def to_wire(value: Any, *, iso_dates: bool = False) -> Any:
    """A JSON-ready copy: Decimal -> "12.30", date -> "31/12/2026" (ISO if `iso_dates`)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat() if iso_dates else value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat() if iso_dates else value.strftime(DATE_FORMAT)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_wire(v, iso_dates=iso_dates) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(v, iso_dates=iso_dates) for v in value]
    return value


def to_decimal(value: Any) -> Decimal | None:
    """A money/quantity value from a response (number, numeric string, "", None) as Decimal."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal value: {value!r}") from None


def parse_date(value: str | None) -> dt.date | None:
    """`dd/mm/yyyy` or ISO `yyyy-mm-dd` from a response as a date (None when empty)."""
    if not value:
        return None
    for fmt in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a dd/mm/yyyy or ISO date: {value!r}")


def shape_body(value: Any, annotation: Any) -> Any:
    """`value` made JSON-ready for the generated model type `annotation` (a body or field type).

    Why not plain `to_wire`: the spec types some money fields as strings (item `unit_price`,
    the live API rejects numbers) and others as numbers (payment `amount`), and some dates ISO
    (treasury) — the generated model's annotations say which, so a Decimal or date is written
    the way that field wants. Keys the model does not know are passed through unchanged.
    """
    kinds = _kinds(annotation)
    if isinstance(value, bool):  # our flags are bool; the wire wants "0"/"1" or 0/1 there
        wanted = [
            {m.value for m in kind} for kind in kinds if issubclass(kind, enum.Enum)
        ]  # a field taking both (`FlagInput`) gets the documented integer
        if {0, 1} in wanted:
            return int(value)
        if {"0", "1"} in wanted:
            return "1" if value else "0"
        return value
    if value is None:
        return value
    if isinstance(value, Decimal):
        if str in kinds or not kinds & {float, int}:
            return format(value, "f")
        if int in kinds and float not in kinds and value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, dt.date):
        iso = dt.date in kinds or dt.datetime in kinds
        return to_wire(value, iso_dates=iso)
    if isinstance(value, Mapping):
        model = next((k for k in kinds if _is_attrs_class(k)), None)
        hints = _model_hints(model) if model is not None else {}
        return {str(k): shape_body(v, hints.get(str(k))) for k, v in value.items()}
    if isinstance(value, list | tuple):
        inner = [get_args(a)[0] for a in _flatten(annotation) if get_origin(a) is list]
        return [shape_body(v, inner[0] if inner else None) for v in value]
    return to_wire(value)


def _is_attrs_class(kind: Any) -> bool:
    """`attrs.has` without importing attrs: `import invoicexpress` leaves it to the generated
    client, which loads it only when a client is made."""
    return isinstance(kind, type) and getattr(kind, "__attrs_attrs__", None) is not None


def _flatten(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for arg in get_args(annotation) for a in _flatten(arg)]
    return [annotation]


def _kinds(annotation: Any) -> set[Any]:
    return {a for a in _flatten(annotation) if isinstance(a, type)}


@functools.cache
def _model_hints(model: type) -> dict[str, Any]:
    """Resolved field annotations of a generated attrs model (they are strings there)."""
    models = importlib.import_module(model.__module__.rsplit(".", 1)[0])
    gen_types = importlib.import_module(models.__name__.rsplit(".", 1)[0] + ".types")
    namespace = {**vars(gen_types), **vars(models), **vars(sys.modules[model.__module__])}
    namespace["datetime"] = dt
    try:
        return typing.get_type_hints(model, globalns=namespace)
    except (NameError, TypeError):
        return {}
