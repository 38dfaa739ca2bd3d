"""Money as InvoiceXpress computes it: `Decimal` end to end, 2 dp, ROUND_HALF_UP.

Each line is computed at full precision and rounded once per displayed amount; document totals
are sums of the rounded line amounts, so `total == before_taxes + taxes` always holds exactly,
as it does in the vendor's examples (api-docs 004: 24.39 + 5.61 = 30).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0")
ZERO_CENTS = Decimal("0.00")  # r2 of any zero amount
HUNDRED = Decimal("100")
# Larger amounts are refused as "not a number": no invoice needs them, and products and sums of
# them stay well inside Decimal's 28-digit context (1e10 * 1e10 has 21 digits).
LIMIT = Decimal("1e10")
# Ids and integers on the wire: what SQLite's INTEGER (a signed 64-bit) holds.
INT64_MAX = 2**63 - 1
# The default context (precision, traps) rounding half up: `_HALF_UP.quantize(value, CENT)`
# is `value.quantize(CENT, rounding=ROUND_HALF_UP)` without parsing a keyword argument on each
# of the dozen amounts a document line rounds.
_HALF_UP = Context(rounding=ROUND_HALF_UP)
# ASCII only: `int()` and `Decimal()` also read other scripts' digits ("١", "１", "²" crash or
# alias), and `Decimal()` reads "1_000"; none of those is a number the API writes.
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


def parse_int(text: str, *, signed: bool = False) -> int | None:
    """An integer written in ASCII digits without leading zeros, within 64 bits; else None
    (`01` would alias `1`)."""
    if len(text) > 20 or not _INTEGER.fullmatch(text) or (text.startswith("-") and not signed):
        return None
    value = int(text)
    return value if -INT64_MAX <= value <= INT64_MAX else None


def to_decimal(value: object) -> Decimal | None:
    """A `Decimal` from a JSON number or numeric string (`"1,5"` is not numeric); else None."""
    if isinstance(value, str):
        return _text_decimal(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _bounded(Decimal(str(value)))
    return None


def _text_decimal(value: str) -> Decimal | None:
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return _bounded(Decimal(text))
    except InvalidOperation:
        return None


def _bounded(result: Decimal) -> Decimal | None:
    return result if result.is_finite() and abs(result) < LIMIT else None


@functools.lru_cache(maxsize=256)
def stored_rate(text: str) -> tuple[Decimal, int | float, str]:
    """A stored tax rate's text (`str` of its JSON number) as (`Decimal`, `wire` form,
    `decimal_text` form), remembered: every document line reads its tax's rate."""
    value = Decimal(text)
    return value, wire(value), decimal_text(value)


def r2(value: Decimal) -> Decimal:
    return _HALF_UP.quantize(value, CENT)


def wire(value: Decimal) -> int | float:
    """A JSON number for a 2-dp amount: `30` for 30.00, `24.39` for 24.39."""
    text = str(_HALF_UP.quantize(value, CENT))  # digits, a point, two digits
    return int(text[:-3]) if text.endswith(".00") else float(text)


def decimal_text(value: Decimal, places: int = 1) -> str:
    """The string form the API uses for prices and quantities (`"1.0"`, `"24.3902"`): the
    value's digits without trailing zeros, at least `places` of them after the point."""
    text = f"{value:f}"
    if "." not in text:
        return f"{text}.{'0' * places}" if places else text
    text = text.rstrip("0")
    shown = len(text) - text.index(".") - 1
    if shown < places:
        return text + "0" * (places - shown)
    return text if shown else text[:-1]


# Named tuples, not frozen dataclasses: as immutable and typed, and each document makes a few
# of them per line, which a frozen dataclass's `__init__` (`object.__setattr__` per field) makes
# several times slower.
class LineIn(NamedTuple):
    unit_price: Decimal
    quantity: Decimal
    discount_pct: Decimal
    tax_pct: Decimal


class LineOut(NamedTuple):
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal


class Totals(NamedTuple):
    lines: tuple[LineOut, ...]
    sum: Decimal
    discount: Decimal
    before_taxes: Decimal
    taxes: Decimal
    total: Decimal
    retention_amount: Decimal


def compute(
    lines: Sequence[LineIn],
    *,
    global_type: str | None = None,
    global_value: Decimal = ZERO,
    retention_pct: Decimal = ZERO,
) -> Totals:
    """Totals of a document.

    Line: subtotal = price x qty; discount = subtotal x line %; the global discount (percentage
    of each net line, or an absolute amount shared by net value) lowers the taxable base; tax =
    taxable base x tax %. Retention is reported but, as in the vendor's examples, not
    subtracted from `total`.
    """
    # A 0 % line discount and no global discount leave the amounts as they are (the same
    # values the full formula gives, without its arithmetic).
    nets = [
        ln.unit_price * ln.quantity * (1 - ln.discount_pct / HUNDRED)
        if ln.discount_pct
        else ln.unit_price * ln.quantity
        for ln in lines
    ]
    net_sum = sum(nets, ZERO)
    shares: list[Decimal] = []
    for net in nets:
        if global_type == "percentage":
            shares.append(net * global_value / HUNDRED)
        elif global_type == "absolute" and net_sum > 0:
            shares.append(global_value * net / net_sum)
        else:
            shares.append(ZERO)
    outs: list[LineOut] = []
    for ln, net, share in zip(lines, nets, shares, strict=True):
        gross = ln.unit_price * ln.quantity
        subtotal = r2(gross)
        discount_amount = r2(gross - net) if ln.discount_pct else ZERO_CENTS
        taxable = net - share if share else net
        tax_amount = r2(taxable * ln.tax_pct / HUNDRED) if ln.tax_pct else ZERO_CENTS
        outs.append(
            LineOut(subtotal, discount_amount, tax_amount, subtotal - discount_amount + tax_amount)
        )
    total_sum = sum((o.subtotal for o in outs), ZERO)
    global_amount = r2(sum(shares, ZERO))
    discount = sum((o.discount_amount for o in outs), ZERO) + global_amount
    before_taxes = total_sum - discount
    taxes = sum((o.tax_amount for o in outs), ZERO)
    return Totals(
        lines=tuple(outs),
        sum=total_sum,
        discount=discount,
        before_taxes=before_taxes,
        taxes=taxes,
        total=before_taxes + taxes,
        retention_amount=r2(before_taxes * retention_pct / HUNDRED),
    )
