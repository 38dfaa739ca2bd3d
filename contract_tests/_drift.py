"""Server drift on the run's own recording, inside the same run: what the server adds that the
spec does not document is reported, and its breaking findings (ERR, WARN) not in the baseline
fail the run; INFO findings are listed in the summary."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from invoicexpress_core.exchange import read_recording
from invoicexpress_core.spec import load_spec
from ixc.drift import Level, load_baseline, server_drift
from ixc.drift.baseline import default_baseline_path


def drift_of_recording(
    record: Path, secrets: Iterable[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """(failures as (operation, message), lesser findings as text) for `record`."""
    report = server_drift(
        load_spec(),
        read_recording(record),
        source=record.name,
        secrets=tuple(secrets),
        baseline=load_baseline(default_baseline_path()),
    )
    failures: list[tuple[str, str]] = []
    notes: list[str] = []
    for f in report.findings:
        if f.baselined:
            continue
        text = f"[{f.operation}] server drift {f.rule} at {f.pointer}: {f.message}"
        if f.level >= Level.WARN:  # ERR, and WARN such as an undocumented field, fail the run
            failures.append((f.operation or "(run)", text[:500]))
        else:
            notes.append(f"{f.level.name} {text[:300]}")
    return failures, notes
