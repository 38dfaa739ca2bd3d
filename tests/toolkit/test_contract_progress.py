"""`ixc contract` output in a CI log: a line per finished suite, a table per suite at the end,
no control codes, no duplicate xdist status lines, and the reports in --report-dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ixc.contract_progress import Suite, render_table, suite_of

REPO = Path(__file__).resolve().parents[2]


def test_suite_names_and_the_table() -> None:
    assert suite_of("contract_tests/test_error_codes.py::test_x[a/b::c]") == "test_error_codes.py"
    lines = render_table(
        [
            Suite("test_a.py", 3, 3, failures=2, not_run=1, seconds=2.25),
            Suite("test_schemathesis.py", 2, 2, seconds=10.0),
        ]
    )
    assert lines == [
        "suite                  tests  failures  not run   seconds",
        "test_a.py                  3         2        1       2.2",
        "test_schemathesis.py       2         0        0      10.0",
        "total                      5         2        1      12.2",
    ]


def test_a_contract_run_reports_suite_by_suite_without_control_codes(tmp_path: Path) -> None:
    report = tmp_path / "report"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ixc",
            "contract",
            "-n",
            "2",
            "--report-dir",
            str(report),
            "-k",
            "test_account_states or test_invariants",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "\x1b" not in out
    assert "\r" not in out
    assert "bringing up nodes" not in out
    assert any(ln.endswith("on 2 pytest-xdist workers") for ln in out.splitlines())
    lines = out.splitlines()
    done = [ln for ln in lines if ln.startswith("contract: [")]
    assert len(done) == 2
    assert {ln.split("] ")[1].split(":")[0] for ln in done} == {
        "test_account_states.py",
        "test_invariants.py",
    }
    table = lines[lines.index(next(ln for ln in lines if "contract suites" in ln)) + 1 :]
    assert table[0].split() == ["suite", "tests", "failures", "not", "run", "seconds"]
    rows = {row.split()[0]: row.split()[1:3] for row in table[1:4]}
    assert rows["total"][1] == "0"
    assert int(rows["test_account_states.py"][0]) + int(rows["test_invariants.py"][0]) == int(
        rows["total"][0]
    )
    # then the contract summary, ending with the verdict; then pytest's one-line tally
    summary = lines.index(next(ln for ln in lines if "contract summary" in ln))
    assert summary > lines.index(table[0])
    assert lines[-2] == "PASSED: the server honours the contract"
    assert lines[-1].split(" in ")[0].endswith("passed")
    for name in ("junit.xml", "exchanges.jsonl", "summary.md", "summary.json", "index.html"):
        assert (report / name).is_file(), name
    assert f"report {report}/index.html" in proc.stderr
