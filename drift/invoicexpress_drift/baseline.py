"""The committed list of accepted server-drift findings, so CI fails only on new ones.

Entries are keyed by fingerprint; rule, operation and pointer are kept beside it for people
reading the diff, and a `reason` written by hand survives `--update-baseline`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from invoicexpress_core.exchange import redact_text
from invoicexpress_drift._model import Finding

BASELINE_VERSION = 1


BASELINE_NAME = "drift-baseline.json"


def default_baseline_path() -> Path:
    """The user's `drift-baseline.json` in the working directory, else this checkout's (a
    wheel ships none: an installed toolkit accepts nothing until the user keeps a baseline)."""
    here = Path.cwd() / BASELINE_NAME
    return here if here.is_file() else Path(__file__).resolve().parents[2] / BASELINE_NAME


def load_baseline(path: Path) -> dict[str, dict[str, Any]]:
    """Fingerprint → entry. A missing file is an empty baseline (a first run accepts nothing)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data.get("accepted", []) if isinstance(data, dict) else []
    return {
        str(e["fingerprint"]): dict(e)
        for e in entries
        if isinstance(e, dict) and "fingerprint" in e
    }


def apply_baseline(findings: list[Finding], baseline: dict[str, dict[str, Any]]) -> None:
    for f in findings:
        f.baselined = f.fingerprint in baseline


def write_baseline(
    path: Path,
    findings: list[Finding],
    previous: dict[str, dict[str, Any]],
    *,
    secrets: Iterable[str] = (),
) -> None:
    """Accept exactly the current findings, keeping hand-written reasons of those still seen."""
    entries = []
    for f in sorted(findings, key=lambda f: (f.operation, f.rule, f.pointer)):
        entry = {
            "fingerprint": f.fingerprint,
            "rule": f.rule,
            "operation": f.operation,
            "pointer": f.pointer,
        }
        reason = previous.get(f.fingerprint, {}).get("reason")
        entry["reason"] = reason or f.message
        entries.append(entry)
    data = {"version": BASELINE_VERSION, "accepted": entries}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    path.write_text(redact_text(text, tuple(secrets)), encoding="utf-8")
