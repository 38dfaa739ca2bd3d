"""Suite 5: business invariants the schemas cannot express: totals arithmetic (Decimal),
numbering monotonic and gapless per series, `inverted_sequence_number` and ATCUD consistent
with `sequence_number`, dd/mm/yyyy dates, and pagination consistent with its filters."""

from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal
from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient
from ._world import World

SPEC = load_spec()
DMY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
CENT = Decimal("0.01")
FINALISABLE = sorted(
    {
        str(op.state_machine["document_type"])
        for op in SPEC
        if op.state_machine
        and any(t["event"] == "finalized" for t in op.state_machine["transitions"])
    }
)


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def check_totals(where: str, doc: dict[str, Any]) -> list[str]:
    """Totals arithmetic of one document, exact to the cent."""
    out = []
    items = doc.get("items") or []
    if not {"total", "before_taxes", "taxes"} <= doc.keys():
        return [f"{where}: totals missing ({sorted(doc)})"]
    try:
        total, before, taxes = dec(doc["total"]), dec(doc["before_taxes"]), dec(doc["taxes"])
    except ArithmeticError:
        return [f"{where}: totals are not numbers: total={doc.get('total')!r}"]
    if (before + taxes - total).copy_abs() >= CENT:
        out.append(f"{where}: total {total} != before_taxes {before} + taxes {taxes}")
    if items:
        item_tax = sum((dec(i.get("tax_amount", 0)) for i in items), Decimal(0))
        if (item_tax - taxes).copy_abs() >= CENT:
            out.append(f"{where}: taxes {taxes} != sum of item tax_amount {item_tax}")
        sub = sum((dec(i.get("subtotal", 0)) for i in items), Decimal(0))
        if "sum" in doc and (sub - dec(doc["sum"])).copy_abs() >= CENT:
            out.append(f"{where}: sum {doc['sum']} != sum of item subtotals {sub}")
    return out


@pytest.mark.parametrize("document_type", FINALISABLE)
def test_totals_numbering_and_dates(
    api: ContractClient, world: World, document_type: str, quick: bool
) -> None:
    problems: list[str] = []
    finals = []
    for _ in range(2 if quick else 3):
        draft = world.new_document(document_type)
        problems += check_totals(f"[{document_type}] draft {draft['id']}", draft)
        response = world.change_state(document_type, draft["id"], "finalized")
        finals.append(next(iter(response.json().values())))
    numbers: list[tuple[str, int]] = []
    for doc in finals:
        where = f"[{document_type}] final {doc.get('id')}"
        problems += check_totals(where, doc)
        for key in ("date", "due_date"):
            if doc.get(key) is not None and not DMY.match(str(doc[key])):
                problems.append(f"{where}: {key} {doc[key]!r} is not dd/mm/yyyy")
        seq = str(doc.get("sequence_number", ""))
        match = re.fullmatch(r"(\d+)/(.+)", seq)
        if not match:
            problems.append(f"{where}: sequence_number {seq!r} is not <number>/<series>")
            continue
        number, series = int(match[1]), match[2]
        numbers.append((series, number))
        inverted = doc.get("inverted_sequence_number")
        if inverted != f"{series}/{number}":
            problems.append(f"{where}: inverted_sequence_number {inverted!r} != {series}/{number}")
        atcud = str(doc.get("atcud"))
        if atcud not in ("N/D", "N/A") and not atcud.endswith(f"-{number}"):
            problems.append(f"{where}: atcud {atcud!r} does not end with -{number}")
    for (s1, n1), (s2, n2) in itertools.pairwise(numbers):
        between = range(n1 + 1, n2) if s1 == s2 else range(0)
        skipped = [n for n in between if not world.numbered(document_type, f"{n}/{s1}")]
        if s1 == s2 and (n2 <= n1 or skipped):
            problems.append(
                f"[{document_type}] numbering not gapless in series {s1}: {n1} then {n2} "
                f"(no document numbered {skipped})"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("filter_name", "value", "field", "expected"),
    [
        ("type[]", "Invoice", "type", "Invoice"),
        ("status[]", "draft", "status", "draft"),
    ],
)
def test_pagination_consistent_with_filters(
    api: ContractClient, world: World, filter_name: str, value: str, field: str, expected: str
) -> None:
    for _ in range(3):
        world.new_document("invoices")
    per_page = 2
    mine = api.target.worker_marker  # other workers (and the account's own data) stay out
    query = {filter_name: value, "per_page": per_page, "text": mine}
    first = api.call("listInvoices", query=query).json()
    pagination = first["pagination"]
    total = int(pagination["total_entries"])
    pages = int(pagination["total_pages"])
    problems = []
    if pages != max(1, math.ceil(total / per_page)) and not (total == 0 and pages == 0):
        problems.append(f"[listInvoices] total_pages {pages} != ceil({total}/{per_page})")
    seen = 0
    for page in range(1, pages + 1):
        body = api.call("listInvoices", query={**query, "page": page}).json()
        rows = body["invoices"]
        seen += len(rows)
        if int(body["pagination"]["current_page"]) != page:
            problems.append(
                f"[listInvoices] page {page} says current_page {body['pagination']['current_page']}"
            )
        if len(rows) > per_page:
            problems.append(f"[listInvoices] page {page} has {len(rows)} > {per_page} rows")
        problems += [
            f"[listInvoices] {filter_name}={value} returned {field}={r.get(field)!r}"
            for r in rows
            if r.get(field) != expected
        ]
    if total < 3:
        problems.append(f"[listInvoices] text={mine} found {total} of the 3 documents made")
    if seen != total:
        problems.append(f"[listInvoices] pages hold {seen} rows, total_entries says {total}")
    assert not problems, "\n".join(problems[:10])
