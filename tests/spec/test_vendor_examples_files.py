"""The vendor examples folder is consistent with its index and with the vendor bundle."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoicexpress_specbuild import vendor_ops

REPO = Path(__file__).resolve().parents[2]
VENDOR_DIR = REPO / "spec" / "examples" / "vendor"
INDEX = VENDOR_DIR / "index.yaml"


def _index() -> dict[str, Any]:
    data = yaml.safe_load(INDEX.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _entries() -> list[dict[str, Any]]:
    entries = _index()["entries"]
    assert isinstance(entries, list)
    return entries


@cache
def _bundle_operation_ids() -> frozenset[str]:
    """The bundle's operationIds, from the committed list (spec/examples/vendor-operations.json)."""
    return frozenset(row["operationId"] for row in vendor_ops.read())


def test_index_entries_are_well_formed() -> None:
    entries = _entries()
    assert entries
    for entry in entries:
        assert entry["kind"] in ("request", "response"), entry
        if entry["kind"] == "request":
            assert entry["status"] is None, entry
            assert ".request" in entry["file"], entry
        else:
            assert isinstance(entry["status"], int), entry
            assert f".response-{entry['status']}" in entry["file"], entry
        assert entry["file"].startswith(f"{entry['vendor_operation']}."), entry
        assert isinstance(entry["reconstructed"], bool), entry
        assert entry["source"], entry
    assert isinstance(_index().get("skipped", []), list)


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: str(e["file"]))
def test_entry_file_exists_and_parses(entry: dict[str, Any]) -> None:
    path = VENDOR_DIR / entry["file"]
    assert path.is_file(), f"{entry['file']} is in index.yaml but missing"
    json.loads(path.read_text(encoding="utf-8"))


def test_every_json_file_is_indexed() -> None:
    indexed = [entry["file"] for entry in _entries()]
    assert len(indexed) == len(set(indexed)), "duplicate file in index.yaml"
    on_disk = {path.name for path in VENDOR_DIR.glob("*.json")}
    assert on_disk == set(indexed)


def test_vendor_operations_exist_in_bundle() -> None:
    known = _bundle_operation_ids()
    for entry in _entries():
        assert entry["vendor_operation"] in known, entry["file"]
    for skipped in _index().get("skipped", []):
        assert skipped["vendor_operation"] in known, skipped
