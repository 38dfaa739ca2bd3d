"""Documents as the behavioural suites read them: decimals, the account's tax rates, lines
at two rates, a finalised invoice, dd/mm/yyyy dates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient
from ._world import World

CENT = Decimal("0.01")
#: document type -> the operation carrying its state machine
MACHINES = {str(op.state_machine["document_type"]): op for op in load_spec() if op.state_machine}


def dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def body_of(response: Any) -> dict[str, Any]:
    out: dict[str, Any] = next(iter(response.json().values()))
    return out


def created_again(first: Any, second: Any) -> bool:
    """A create repeated with the same `proprietary_uid` made no second document: 409 (the
    first is still under way, as documented), or the first document answered again (the
    `uid_replay` reading once it has finished, sandbox/README.md)."""
    if second.status_code == 409:
        return True
    try:
        again = next(iter(second.json().values()))
    except (ValueError, StopIteration, AttributeError):
        return False
    return (
        second.status_code in (200, 201)
        and isinstance(again, dict)
        and again.get("id") == body_of(first)["id"]
    )


def rates(api: ContractClient, world: World) -> dict[str, Decimal]:
    """Tax name -> rate (percent) of the account, read once per worker. Taxes the suites made
    are left out: the test that made one deletes it, and a document naming a deleted tax gets
    the default one (a run ordered by its plan read the list between the two)."""
    if "rates" not in world._cache:
        rows = api.call("listTaxes").json()["taxes"]
        world._cache["rates"] = {
            str(t["name"]): d
            for t in rows
            if (d := dec(t.get("value"))) is not None
            and not world.made_by_suites(str(t["name"]), "tax")
        }
    found: dict[str, Decimal] = world._cache["rates"]
    return found


def two_rates(api: ContractClient, world: World) -> list[str]:
    """Names of up to two taxes with different rates, the higher first."""
    by_rate: dict[Decimal, str] = {}
    for name, rate in sorted(rates(api, world).items()):
        by_rate.setdefault(rate, name)
    names = [by_rate[r] for r in sorted(by_rate, reverse=True)]
    if not names:
        pytest.skip("listTaxes lists no tax with a numeric value: no rate to compute with")
    return names[:2]


def lines_for(api: ContractClient, world: World) -> list[dict[str, Any]]:
    """Two lines at different tax rates, with fractional prices, quantities and a discount."""
    taxes = two_rates(api, world)
    return [
        {
            "name": world.unique("line-a"),
            "description": "first line",
            "unit_price": "12.345",
            "quantity": "3",
            "discount": 10,
            "tax": {"name": taxes[0]},
        },
        {
            "name": world.unique("line-b"),
            "description": "second line",
            "unit_price": "7.5",
            "quantity": "2.5",
            "discount": 0,
            "tax": {"name": taxes[-1]},
        },
    ]


def final_invoice(api: ContractClient, world: World, **overrides: Any) -> dict[str, Any]:
    doc = world.new_document("invoices", **overrides)
    response = world.change_state("invoices", doc["id"], "finalized")
    assert response.status_code == 200, f"[changeInvoiceState] {api.describe(response)}"
    return body_of(response)


def ymd(dmy: str) -> str:
    d, m, y = [*dmy.split("/"), "", "", ""][:3]
    return f"{y}{m}{d}"
