"""`ixc contract` as a user runs it (real processes): it names only the reports this run wrote,
refuses a selection of no test in one line, and a Ctrl-C still leaves the report of what ran."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ixc.cli import build_parser
from ixc.cmd_contract import child_env


def _ixc(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ixc", "contract", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_api_key_travels_in_the_environment() -> None:
    args = build_parser().parse_args(["contract", "--api-key", "secret-key-123456"])
    assert child_env(args)["INVOICEXPRESS_API_KEY"] == "secret-key-123456"


def test_a_pytest_usage_error_claims_no_report(tmp_path: Path) -> None:
    """An earlier run's reports are there; this run writes none and says so."""
    report = tmp_path / "reports" / "contract"
    report.mkdir(parents=True)
    for name in ("index.html", "summary.md", "junit.xml", "exchanges.jsonl"):
        (report / name).write_text("an earlier run")
    done = _ixc("-n", "0", "--", "--no-such-pytest-flag", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "ixc contract: no report was written"
    assert "index.html" not in done.stderr
    assert (report / "index.html").read_text() == "an earlier run"


def test_a_selection_of_no_test_is_one_line_and_writes_no_report(tmp_path: Path) -> None:
    done = _ixc("-n", "2", "-k", "no_such_test_anywhere", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "ixc: error: -k 'no_such_test_anywhere' selects no test; check the expression\n"
    )
    assert done.stdout.strip() == ""  # no empty summary, no table
    report = tmp_path / "reports" / "contract"
    assert not (report / "summary.md").exists()
    assert not (report / "index.html").exists()


def test_an_interrupted_run_writes_its_report_and_says_so(tmp_path: Path) -> None:
    """SIGINT, as Ctrl-C sends it, once the run has made requests: the report is written for
    what ran, marked interrupted, and ixc names it."""
    report = tmp_path / "report"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ixc",
            "contract",
            "-n",
            "2",
            "--quick",
            "--report-dir",
            str(report),
            "-k",
            "test_error_codes or test_operations",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal's foreground job gets it, even when this test runs in a
        # background job (whose children inherit SIGINT ignored, and Python keeps it so)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300  # a guard against a hang, not a measure
    try:
        while (
            sum(len(p.read_bytes().splitlines()) for p in (report / ".parts").glob("recording-*"))
            < 20
        ):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run made no requests"
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, out + err
    summary = json.loads((report / "summary.json").read_text())
    assert summary["interrupted"] is True
    assert "INTERRUPTED" in summary["verdict"]
    assert summary["requests"] >= 20
    assert "INTERRUPTED" in (report / "summary.md").read_text()
    assert "INTERRUPTED" in (report / "index.html").read_text()
    assert f"report {report}/index.html" in err
