"""The probe's coverage notes: each operation named once, with a count when it repeats."""

from __future__ import annotations

import re
from collections.abc import Callable

from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import load_spec, spec_path
from invoicexpress_drift.probe import coverage

Make = Callable[..., Exchange]


def test_coverage_names_each_operation_once_with_counts(make: Make) -> None:
    spec = load_spec(spec_path())
    exchanges = [
        make("GET", "/clients.json", 200, {"clients": []}, operation_id="listClients"),
        make("GET", "/clients.json", 200, {"clients": []}, operation_id="listClients"),
        make("GET", "/taxes.json", 200, {"taxes": []}, operation_id="listTaxes"),
        # documents fetched by id are not lists, however their bodies look
        make("GET", "/clients/5.json", 200, {"client": {"name": "A"}}, operation_id="getClient"),
        make("GET", "/clients/6.json", 200, {"client": {"name": "B"}}, operation_id="getClient"),
    ]
    notes = " ".join(coverage(spec, exchanges, 30))
    empty = re.search(r"(\d+) list\(s\) came back empty \(([^)]*)\)", notes)
    assert empty is not None
    assert empty.group(2) == "listClients ×2, listTaxes"
    assert empty.group(1) == "2"
    assert "getClient" not in empty.group(2)
    names = re.findall(r"[A-Za-z]+", notes.split("not exercised (", 1)[1].split(")", 1)[0])
    assert len(names) == len(set(names))
