"""JSON -> the typed response models, checked field by field against the spec's kinds.

Each generated model lists, in `__ix_fields__`, every field's wire name, whether it is required,
and its schema kind (from the spec's quirk types: `DateDMY`, `IsoDate`, `DecimalValue`,
`FlagString`, ...). Decoding converts as the kind says (money to `Decimal`, dates to `date`,
ids and `IntLike` numbers to `int`, flags to `bool`) and, on anything that does not fit, raises
`UnexpectedResponseError` naming the operation, the JSON pointer and the expected type. With
`strict=False` it warns (`ResponseDriftWarning`) and keeps the raw value instead, for a server
that drifted in a way your code can live with.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ._exceptions import UnexpectedResponseError

_NUMERIC = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DMY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


class ResponseDriftWarning(UserWarning):
    """A response did not fit its schema and `strict=False` kept the raw value."""


class _Misfit(Exception):
    def __init__(self, expected: str) -> None:
        self.expected = expected


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def _int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise _Misfit("an integer")


def _id(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.isdigit():
        return int(v)
    raise _Misfit("an id (integer or string of digits)")


def _int_like(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.isdigit():
        return int(v)
    raise _Misfit("a whole number, as an integer or string of digits (IntLike)")


def _text_like(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    raise _Misfit("text, as a string or a number (TextLike)")


def _str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise _Misfit("a string")


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise _Misfit("a boolean")


def _flag(v: Any) -> bool:
    if v in ("0", "1"):
        return bool(v == "1")
    raise _Misfit('a flag "0" or "1" (FlagString)')


def _flag01(v: Any) -> bool:
    if v in (0, 1) and not isinstance(v, bool):
        return bool(v)
    raise _Misfit("a flag 0 or 1")


def _number(v: Any) -> Decimal:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    raise _Misfit("a number")


def _decimal(v: Any) -> Decimal:
    if isinstance(v, str) and _NUMERIC.match(v):
        return Decimal(v)
    try:
        return _number(v)
    except _Misfit:
        raise _Misfit("a decimal, as a number or numeric string (DecimalValue)") from None


def _decimal_str(v: Any) -> Decimal:
    if isinstance(v, str) and _NUMERIC.match(v):
        try:
            return Decimal(v)
        except InvalidOperation:
            pass
    raise _Misfit("a decimal string (DecimalString)")


def _date(fmt: str) -> Callable[[Any], Any]:
    expected = {
        "dmy": "a date dd/mm/yyyy (DateDMY)",
        "iso": "an ISO date yyyy-mm-dd (IsoDate)",
    }[fmt]

    def parse(v: Any) -> dt.date:
        if isinstance(v, str):
            ok = _DMY.match(v) if fmt == "dmy" else len(v) == 10
            if ok:
                try:
                    if fmt == "dmy":
                        return dt.datetime.strptime(v, "%d/%m/%Y").date()
                    return dt.date.fromisoformat(v)
                except ValueError:
                    pass
        raise _Misfit(expected)

    return parse


def _datetime_dmy(v: Any) -> dt.datetime:
    if isinstance(v, str):
        try:
            return dt.datetime.strptime(v, "%d/%m/%Y %H:%M:%S")
        except ValueError:
            pass
    raise _Misfit("a date and time dd/mm/yyyy HH:MM:SS (DateTimeDMY)")


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "int": _int,
    "id": _id,
    "int_like": _int_like,
    "text_like": _text_like,
    "str": _str,
    "bool": _bool,
    "flag": _flag,
    "flag01": _flag01,
    "number": _number,
    "decimal": _decimal,
    "decimal_str": _decimal_str,
    "datetime": _datetime_dmy,
}


class Decoder:
    """Decodes one response; `operation` (operationId) and `strict` go into every error."""

    def __init__(self, operation: str, *, strict: bool, redact: Callable[[str], str]) -> None:
        self.operation = operation
        self.strict = strict
        self.redact = redact

    def misfit(self, at: tuple[str | int, ...], expected: str, value: Any) -> None:
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        message = self.redact(f"{self.operation}: {_pointer(at)}: expected {expected}, got {shown}")
        if self.strict:
            raise UnexpectedResponseError(message)
        warnings.warn(ResponseDriftWarning(message + " (kept as is: strict=False)"), stacklevel=6)

    def model(self, cls: type[Any], data: Any, at: tuple[str | int, ...] = ()) -> Any:
        if not isinstance(data, Mapping):
            self.misfit(at, f"an object ({cls.__name__})", data)
            return data
        module = sys.modules[cls.__module__]
        values: dict[str, Any] = {}
        for attr, wire, required, kind in cls.__ix_fields__:
            if wire not in data:
                if required:
                    self.misfit((*at, wire), f"a required field ({_describe(kind)})", None)
                values[attr] = None
                continue
            values[attr] = self.value(kind, data[wire], (*at, wire), module)
        return cls(**values)

    def value(self, kind: tuple[Any, ...], v: Any, at: tuple[str | int, ...], module: Any) -> Any:
        head = kind[0]
        try:
            if head == "nullable":
                return None if v is None else self.value(kind[1], v, at, module)
            if head == "model":
                return self.model(getattr(module, kind[1]), v, at)
            if head == "list":
                if not isinstance(v, list):
                    raise _Misfit("an array")
                return [self.value(kind[1], item, (*at, i), module) for i, item in enumerate(v)]
            if head == "enum":
                if v in kind[1]:
                    return v
                raise _Misfit("one of " + ", ".join(repr(x) for x in kind[1]))
            if head == "date":
                return _date(kind[1])(v)
            if head == "object":
                if isinstance(v, Mapping):
                    return v
                raise _Misfit("an object")
            if head == "any":
                return v
            return _SCALARS[head](v)
        except _Misfit as exc:
            self.misfit(at, exc.expected, v)
            return v


def _describe(kind: tuple[Any, ...]) -> str:
    head = kind[0]
    if head == "nullable":
        return _describe(kind[1]) + " or null"
    if head in ("model", "date"):
        return f"{head} {kind[1]}"
    if head == "list":
        return "array of " + _describe(kind[1])
    return str(head)
