"""`ixc contract --plan` sends nothing, and a budgeted run sends what the plan says."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from invoicexpress_contract_tests import _plan
from invoicexpress_core.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
TOLERANCE = 0.25  # the plan's request count against a real budgeted run's
CUT_AT_MOST = 40  # tests of the plan that may find the budget spent: at 150 its estimates run
# up to a fifth over (setups it counts once, retries it does not count)


def ixc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("INVOICEXPRESS_BASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "ixc", "contract", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def planned(out: str) -> int:
    found = re.search(r"about (\d+) requests \(within a budget", out)
    assert found, out
    return int(found[1])


def test_plan_sends_nothing_and_counts_the_clean_up(tmp_path: Path) -> None:
    with socket.socket() as listener:  # a server that would see any connection
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        run = ixc(
            "--plan", "--live", "--max-requests", "150", "--base-url", url, "--api-key", "k",
            cwd=tmp_path,
        )  # fmt: skip
        try:
            listener.accept()
            connected = True
        except BlockingIOError:
            connected = False
    assert run.returncode == 0, run.stderr
    assert not connected, "--plan connected to the server"
    assert "clean-up: about" in run.stdout
    total = re.search(r"expected total: about (\d+) requests", run.stdout)
    assert total, run.stdout
    assert int(total[1]) <= 150, run.stdout
    assert "documents finalised" in run.stdout


def test_walks_take_every_transition_once() -> None:
    for op in load_spec():
        machine = op.state_machine
        if not machine:
            continue
        walks = _plan.transition_walks(machine)
        taken = [(t["from"], t["event"]) for walk in walks for t in walk]
        want = {(t["from"], t["event"]) for t in machine["transitions"]}
        assert want <= set(taken), machine["document_type"]
        for walk in walks:  # each walk is a path from the initial state
            assert walk[0]["from"] == machine["initial"]
            assert all(a["to"] == b["from"] for a, b in itertools.pairwise(walk))


def test_budgeted_run_sends_what_the_plan_says(tmp_path: Path) -> None:
    """Against the bundled sandbox with --max-requests 150: the tests that ran are the plan's,
    and the requests sent are within TOLERANCE of its count."""
    plan = ixc("--plan", "--max-requests", "150", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    expected = planned(plan.stdout)
    run = ixc("--max-requests", "150", "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    sent = int(summary["requests"])
    assert abs(sent - expected) <= TOLERANCE * expected, (expected, sent, run.stdout[-2000:])
    junit = (tmp_path / "r" / "junit.xml").read_text()
    cut = junit.count("request budget reached")  # the plan's last tests, when it ran over
    assert cut <= CUT_AT_MOST, f"{cut} tests of the plan found the budget spent"
    assert summary["transitions"]["exercised"] >= 20, summary["transitions"]
