"""examples/client_tour.py runs, as a user would run it, against a sandbox: twice on the same
one, as a user runs an example again."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from invoicexpress_sandbox import testing

TOUR = Path(__file__).resolve().parents[2] / "examples" / "client_tour.py"


def test_the_client_tour_runs_twice_against_the_same_sandbox() -> None:
    with testing.running_sandbox() as sb:
        env = {
            **os.environ,
            "INVOICEXPRESS_ACCOUNT": sb.account_name,
            "INVOICEXPRESS_API_KEY": sb.api_key,
            "INVOICEXPRESS_BASE_URL": sb.base_url,
        }
        runs = [
            subprocess.run(
                [sys.executable, str(TOUR)], env=env, capture_output=True, text=True, timeout=120
            )
            for _ in range(2)
        ]
    for done in runs:
        assert done.returncode == 0, done.stderr
        _check(done.stdout)
    assert runs[0].stdout != runs[1].stdout  # two runs, two sets of documents


def _check(stdout: str) -> None:
    lines = dict(line.split(": ", 1) for line in stdout.splitlines())
    assert lines["pdf"].startswith("http")
    assert lines["404"] == "['Document not found']"
    assert "Invalid state" in lines["422"] or "can't" in lines["422"], lines["422"]
    sequence, when = lines["async"].split()
    assert "/" in sequence  # a final document's number, `number/serie`
    assert when == dt.date.today().isoformat()
