"""The vendor bundle's operations as a committed list of facts (method, path, operationId).

The bundle itself lives outside the repository; the list lets the mapping tests run on a fresh
clone. Refresh it when the vendor publishes a new bundle:
`python -m invoicexpress_specbuild.vendor_ops /path/to/official-openapi-bundle.yaml`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from invoicexpress_specbuild.files import VENDOR_OPS_FILE as VENDOR_OPS_FILE  # where the list lives

TEMPLATE_PARAMS = frozenset({"invoices-type", "estimates-type", "guides-type"})


def extract(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per operation; `types` lists the document types a template parameter admits."""
    out = []
    for path, item in bundle["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete"):
                continue
            types: list[str] = []
            for p in op.get("parameters", []):
                if "$ref" in p:
                    p = bundle["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]
                if p["name"] in TEMPLATE_PARAMS:
                    types = [str(t) for t in p["schema"]["enum"]]
            out.append(
                {
                    "operationId": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "types": types,
                }
            )
    return out


def read() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(VENDOR_OPS_FILE.read_text(encoding="utf-8"))
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=1) + "\n"


def main(argv: list[str]) -> int:
    import yaml

    bundle = yaml.safe_load(Path(argv[0]).read_text(encoding="utf-8"))
    VENDOR_OPS_FILE.write_text(render(extract(bundle)), encoding="utf-8")
    print(f"wrote {VENDOR_OPS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
