"""The vendor's own examples, kept verbatim in spec/examples/vendor/, attached to the
operations they document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def read(directory: Path) -> dict[str, Any]:
    """The vendor's examples, verbatim, keyed for reference from operations."""
    index_file = directory / "index.yaml"
    if not index_file.exists():
        return {}
    index = yaml.safe_load(index_file.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for entry in index.get("entries", []):
        file = directory / entry["file"]
        name = "vendor-" + Path(entry["file"]).stem.replace(".", "-")
        out[name] = {
            "summary": f"Vendor example ({', '.join(entry['source'])[:120]})",
            "value": json.loads(file.read_text(encoding="utf-8")),
            "x-source": f"spec/examples/vendor/{entry['file']}",
            "x-vendor-operation": entry["vendor_operation"],
            "x-kind": entry["kind"],
            "x-status": entry.get("status"),
        }
    return dict(sorted(out.items()))


def attach(paths: dict[str, Any], comps: dict[str, Any]) -> None:
    """Reference each vendor example from the concrete operations it documents.

    A templated vendor operation covers several of ours; the example goes to those whose body
    accepts the example's root keys (the vendor's `invoice` body documents createInvoice and,
    through the generic root key, createCreditNote and createDebitNote too).
    """
    examples = comps.get("examples", {})

    def root_keys(content: dict[str, Any]) -> set[str] | None:
        schema = content.get("schema", {})
        while "$ref" in schema:
            schema = comps["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        props = schema.get("properties")
        return set(props) if isinstance(props, dict) else None

    for name, ex in examples.items():
        for item in paths.values():
            for op in item.values():
                if op.get("x-vendor-operation") != ex["x-vendor-operation"]:
                    continue
                if ex["x-kind"] == "request":
                    target = op.get("requestBody", {}).get("content", {}).get("application/json")
                else:
                    resp = op["responses"].get(str(ex["x-status"]), {})
                    target = resp.get("content", {}).get("application/json")
                if target is None:
                    continue
                keys = root_keys(target)
                value = ex["value"]
                if isinstance(value, dict) and keys is not None and not set(value) <= keys:
                    continue
                target.setdefault("examples", {})[name] = {"$ref": f"#/components/examples/{name}"}
