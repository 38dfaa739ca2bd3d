"""`ixc contract --plan` sends nothing, and a budgeted run sends what the plan says."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from invoicexpress_contract_tests import _plan
from invoicexpress_contract_tests.conftest import CLEANUP_TEST, QUICK_BUDGET
from invoicexpress_core.spec import load_spec
from ixc.cmd_contract import plugin_args, suites_dir
from tests.contract.rehearsal import measurement_pace, start_sandbox

REPO = Path(__file__).resolve().parents[2]
TOLERANCE = 0.25  # the plan's request count against a real budgeted run's
CUT_TRANSITIONS = 3  # of the plan's transitions, those its last tests may not reach
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
    reached = json.loads((tmp_path / "r" / "plan.json").read_text())["reaches"]
    assert summary["transitions"]["exercised"] >= reached["transition"] - CUT_TRANSITIONS, (
        summary["transitions"],
        reached,
    )


def collected(*args: str, hash_seed: str) -> list[str]:
    """The suites' tests in the order this process would run them (`--collect-only`)."""
    suites = suites_dir()
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONHASHSEED=hash_seed)
    env.pop("INVOICEXPRESS_BASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini"),
         "--rootdir", str(suites), "-p", "no:cacheprovider", *plugin_args(), *args,
         "--collect-only", "-q"],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_paced_quick_runs_first_what_its_minutes_allow(tmp_path: Path) -> None:
    """`--quick` through `--base-url` runs first the plan of what its minutes at the API's pace
    allow (a paced run stops sending then), walks included, and then every other test; each
    process (an xdist worker) computes the same order whatever its hash seed."""
    target = ("--quick", "--base-url", "http://127.0.0.1:9", "--api-key", "k")
    plan = ixc("--plan", *target, cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    head = re.search(r"plan: (\d+) of (\d+) tests, about (\d+) requests", plan.stdout)
    reach = re.search(r"reaches: (\d+) operations, (\d+) transitions", plan.stdout)
    assert head, plan.stdout
    assert reach, plan.stdout
    assert int(head[3]) <= QUICK_BUDGET, plan.stdout
    orders = [collected(*target, hash_seed=seed) for seed in ("1", "2")]
    assert orders[0] == orders[1], "two processes ordered the tests differently"
    assert len(orders[0]) == int(head[2])  # every test runs; the plan's come first
    first = orders[0][: int(head[1])]
    walked = [n for n in first if "test_allowed_transition" in n]
    assert len(walked) >= int(reach[2]), (len(walked), plan.stdout)  # in file order: none


# A live run against the live-like sandbox sends what its plan.json says, operation by
# operation. The plan prices each test by measured means (costs.json) and each shared setup once;
# a run differs where a test's branch or its setup's owner differs (a 404 probe that needs no
# resource, a draft another test made first), by a few requests an operation. So: the tests'
# requests within TOTAL_TOLERANCE, each operation within OP_SLACK requests or OP_TOLERANCE of
# its count (the larger), and the documents finalised within FINAL_SLACK. The clean-up is priced
# from a run of every test, where more documents end in states no answer told (read again): an
# upper estimate, which keeps the run inside its budget; it may run up to CLEANUP_UNDER below.
TOTAL_TOLERANCE = 0.10
CLEANUP_UNDER = 0.35
OP_TOLERANCE = 0.5
OP_SLACK = 4
FINAL_SLACK = 2
LIVE_BUDGET = 300
OTHER = "(other)"


def sent_by_operation(recording: Path) -> tuple[Counter[str], int, int]:
    """Requests of the tests by operation, those of the clean-up, and the documents numbered
    (an ATCUD) in the answers about our own documents (one, or those related to one)."""
    sent: Counter[str] = Counter()
    numbered: set[int] = set()
    cleanup = 0
    for line in recording.read_text().split("\n"):
        if not line:
            continue
        exchange = json.loads(line)
        if exchange.get("meta", {}).get("test") == CLEANUP_TEST:
            cleanup += 1
            continue
        sent[exchange["operation_id"] or OTHER] += 1
        body = exchange.get("response_body")
        if not isinstance(body, dict) or len(body) != 1:
            continue
        (value,) = body.values()
        rows = value if exchange["operation_id"] == "listRelatedDocuments" else [value]
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("atcud") and "id" in row:
                numbered.add(int(row["id"]))
    return sent, cleanup, len(numbered)


def plan_misses(
    plan: dict[str, Any], sent: Counter[str], cleanup: int, finalised: int
) -> list[str]:
    """Where a run's requests and finalised documents stray from its plan beyond tolerance."""
    out = []
    want, got = plan["requests"], sum(sent.values())
    if abs(got - want) > max(OP_SLACK, TOTAL_TOLERANCE * want):
        out.append(f"the tests' requests: sent {got}, the plan said {want}")
    want = plan["cleanup"]
    if not want * (1 - CLEANUP_UNDER) - OP_SLACK <= cleanup <= want + OP_SLACK:
        out.append(f"the clean-up's requests: sent {cleanup}, the plan said {want}")
    planned: dict[str, float] = plan["by_operation"]
    # "(other)": schemathesis' probes with a method no operation has. Its tests are priced by
    # their function's mean (over 100 variants), and only some operations' tests send such
    # probes: the total holds them, a per-operation count of a few tests cannot.
    for op in sorted((set(planned) | set(sent)) - {OTHER}):
        want, got = planned.get(op, 0.0), sent.get(op, 0)
        if abs(got - want) > max(OP_SLACK, OP_TOLERANCE * want):
            out.append(f"{op}: sent {got}, the plan said {want:.0f}")
    if abs(finalised - plan["finalised"]) > FINAL_SLACK:
        out.append(f"finalised {finalised} documents, the plan said {plan['finalised']}")
    return out


def test_live_run_sends_what_the_plan_says(tmp_path: Path) -> None:
    """The live profile against `ixc sandbox --live-like` (at a measurement pace: the same
    requests, shorter waits) with a budget of LIVE_BUDGET."""
    proc, url, key = start_sandbox("--live-like", "--rate-limit", "6000")
    try:
        env = dict(os.environ, INVOICEXPRESS_API_KEY=key, **measurement_pace(6000, quiet=True))
        env.pop("INVOICEXPRESS_BASE_URL", None)
        report = tmp_path / "r"
        subprocess.run(
            [sys.executable, "-m", "ixc", "contract", "--live", "--base-url", url,
             "--max-requests", str(LIVE_BUDGET), "-n", "1", "--report-dir", str(report)],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    plan = json.loads((report / "plan.json").read_text())
    sent, cleanup, finalised = sent_by_operation(report / "exchanges.jsonl")
    assert sum(sent.values()) + cleanup <= LIVE_BUDGET
    assert plan_misses(plan, sent, cleanup, finalised) == []


def readme_plan_block() -> tuple[list[str], list[str]]:
    """The README's `ixc contract --plan` example: its command's arguments and the lines it
    shows (indented two spaces under the command, as the docs show output; `...` stands for
    lines left out)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (ixc contract --plan[^\n]*)\n(.*?)```", text, re.S)
    assert block, "README.md shows no `ixc contract --plan` example"
    return block[1].split()[2:], [line.removeprefix("  ") for line in block[2].splitlines()]


def test_readme_plan_output_is_what_plan_prints(tmp_path: Path) -> None:
    """The README's --plan example, run as written (it sends nothing), prints the lines shown,
    in that order."""
    args, shown = readme_plan_block()
    run = ixc(*args, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    printed = iter(line.rstrip() for line in run.stdout.splitlines())
    for line in shown:
        if line.strip() == "...":
            continue
        assert any(got == line.rstrip() for got in printed), (line, run.stdout)
