"""Where the builder reads and writes, in the checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "spec" / "invoicexpress.yaml"
VENDOR_DIR = ROOT / "spec" / "examples" / "vendor"
VENDOR_OPS_FILE = ROOT / "spec" / "examples" / "vendor-operations.json"
