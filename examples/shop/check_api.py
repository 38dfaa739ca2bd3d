"""The shop's CI step: the contract suites and a spec drift report, run from this folder.

1. `ixc contract --quick` against a fresh sandbox; its reports must land under ./reports.
2. `ixc drift spec OLD NEW`: the spec the installed toolkit ships (OLD) against the same spec
   with one operation removed (NEW, what a vendor change could look like); the report must
   call it an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from invoicexpress_core.spec import load_spec


def run(*argv: str) -> int:
    print("$", " ".join(argv), flush=True)
    return subprocess.run(argv, check=False).returncode


def main() -> int:
    code = run("ixc", "contract", "--quick", "-n", "2")
    written = [Path("reports/contract") / n for n in ("junit.xml", "exchanges.jsonl", "summary.md")]
    missing = [str(p) for p in written if not p.is_file()]
    if code or missing:
        print(f"contract: exit {code}, missing reports {missing}", file=sys.stderr)
        return 1

    spec = load_spec()
    document = json.loads(json.dumps(spec.document))
    del document["paths"]["/invoices/{document-id}.json"]["get"]
    with tempfile.TemporaryDirectory() as tmp:
        new = Path(tmp) / "new.json"
        new.write_text(json.dumps(document), encoding="utf-8")
        report = Path("reports/drift.json")
        code = run(
            "ixc", "drift", "spec", str(spec.path), str(new),
            "--json", str(report), "--fail-on", "ERR", "--quiet",
        )  # fmt: skip
    findings = json.loads(report.read_text(encoding="utf-8"))
    text = json.dumps(findings)
    if code != 1 or "getInvoice" not in text:
        print(f"drift: exit {code}; expected exit 1 naming getInvoice", file=sys.stderr)
        return 1
    print("check_api: contract passed; drift caught the removed getInvoice")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
