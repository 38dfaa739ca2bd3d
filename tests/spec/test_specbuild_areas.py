"""The spec builder is cut by API area: each area lives in the module of its name, and every
schema and operation of the spec comes from exactly one area (or the shared blocks)."""

from __future__ import annotations

import pytest

import invoicexpress_specbuild as specbuild
from invoicexpress_specbuild import errors, parameters, wire
from invoicexpress_specbuild.areas import AREAS

# The sandbox is cut under the same names (docs/ARCHITECTURE.md).
AREA_NAMES = [
    "documents",
    "payments_receipts",
    "clients",
    "items_taxes",
    "sequences",
    "treasury",
    "accounts_saft",
]


def test_each_area_lives_in_the_module_of_its_name() -> None:
    assert [a.name for a in AREAS] == AREA_NAMES
    for area in AREAS:
        assert area.paths.__module__.startswith(f"invoicexpress_specbuild.areas.{area.name}")
        assert area.schemas.__module__.startswith(f"invoicexpress_specbuild.areas.{area.name}")


def test_every_schema_has_one_owner() -> None:
    shared = {**wire.schemas(), **errors.shapes(), **parameters.schemas()}
    owners: dict[str, list[str]] = {name: ["shared"] for name in shared}
    for area in AREAS:
        for name in area.schemas():
            owners.setdefault(name, []).append(area.name)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}
    assert set(owners) == set(specbuild.schemas())


def test_every_operation_has_one_owner() -> None:
    owners: dict[str, list[str]] = {}
    for area in AREAS:
        for item in area.paths().values():
            for op in item.values():
                owners.setdefault(op["operationId"], []).append(area.name)
    assert {o: a for o, a in owners.items() if len(a) > 1} == {}
    built = {op["operationId"] for item in specbuild.paths().values() for op in item.values()}
    assert set(owners) == built
    assert owners["createPartialPayment"] == ["payments_receipts"]
    assert owners["exportSaft"] == ["accounts_saft"]


def test_a_name_defined_twice_stops_the_build() -> None:
    into = {"Client": {"type": "object"}}
    with pytest.raises(ValueError, match=r"clients: defined twice: \['Client'\]"):
        specbuild._merge(into, {"Client": {"type": "string"}}, "clients")
    assert into == {"Client": {"type": "object"}}
