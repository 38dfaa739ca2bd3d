"""The pytest plugin as a user meets it: a test file of theirs, run by pytest in a subprocess
(the plugin loads from its `pytest11` entry point), with and without pytest-xdist."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

# Runs in file order (on one xdist worker): the first test changes everything a test can change,
# the second proves all of it was reset.
BEHAVIOUR = """
import asyncio
import datetime as dt

import httpx
import pytest

from invoicexpress import RateLimitError

ITEM = {"name": "Hora", "description": "x", "unit_price": 10, "quantity": 1}
MOVED = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1000), dt.time(9, 30))


def doc(day):
    due = day + dt.timedelta(days=30)
    return {"date": day.strftime("%d/%m/%Y"), "due_date": due.strftime("%d/%m/%Y"),
            "client": {"name": "Ana", "code": "A1"}, "items": [ITEM]}


@pytest.mark.ix_sandbox(faults=["wrong_status"], quirks=["guide_update_500"],
                        now=MOVED, rate_limit=3)
def test_marker_sets_everything(ix, ix_sandbox):
    assert ix_sandbox.now() == MOVED
    with httpx.Client(base_url=ix_sandbox.base_url,
                      params={"api_key": ix_sandbox.api_key}) as http:
        created = http.post("/invoices.json", json={"invoice": doc(MOVED.date())})
        assert created.status_code == 200  # wrong_status: a create answers 200, not 201
        doc_id = created.json()["invoice"]["id"]
        http.put(f"/invoices/{doc_id}/change-state.json",
                 json={"invoice": {"state": "finalized"}})
        http.put(f"/invoices/{doc_id}/email-document.json",
                 json={"message": {"client": {"email": "a@b.pt", "save": "0"}}})
    assert [m["to"] for m in ix_sandbox.outbox()] == ["a@b.pt"]
    with pytest.raises(RateLimitError):  # the fourth request in this minute
        ix.invoices.list()
    ix_sandbox.advance(days=2)
    assert ix_sandbox.now() == MOVED + dt.timedelta(days=2)


def test_the_next_test_starts_from_scratch(ix, ix_sandbox):
    assert ix.invoices.list().invoices == []
    assert ix_sandbox.outbox() == []
    assert ix_sandbox.admin.request("GET", "faults")["faults"] == []
    assert ix_sandbox.admin.request("GET", "faults")["quirks"] == []
    assert ix_sandbox.admin.request("GET", "rate-limit")["per_minute"] is None
    assert abs(ix_sandbox.now().date() - dt.date.today()) <= dt.timedelta(days=1)  # real time
    for _ in range(6):  # no rate limit left over
        ix.invoices.list()
    created = ix.invoices.create(doc(ix_sandbox.now().date()))
    assert created.invoice.id == 1  # ids start again: the state was wiped


def test_async_client_works_from_fresh_event_loops(ix_async, ix_sandbox):
    async def count():
        return len((await ix_async.invoices.list()).invoices)

    assert asyncio.run(count()) == 0
    assert asyncio.run(count()) == 0  # a second loop: nothing pooled from the first


def test_set_now_and_calls(ix, ix_sandbox):
    leap_day = dt.date(dt.date.today().year // 4 * 4 + 4, 2, 29)  # the next leap year's
    ix_sandbox.set_now(leap_day)
    ix.invoices.list()
    assert ix_sandbox.now() == dt.datetime.combine(leap_day, dt.time())
    assert [c["status"] for c in ix_sandbox.calls()] == [200]
    assert ix_sandbox.api_key not in repr(ix_sandbox)
"""

BAD_MARKERS = """
import pytest


@pytest.mark.ix_sandbox(faults=["no_such_fault"])
def test_unknown_fault(ix_sandbox):
    pass


@pytest.mark.ix_sandbox(quirks=["wrong_status"])
def test_fault_given_as_quirk(ix_sandbox):
    pass


@pytest.mark.ix_sandbox(clock="2026-01-01")
def test_unknown_argument(ix_sandbox):
    pass


@pytest.mark.ix_sandbox(now="tomorrow")
def test_bad_date(ix_sandbox):
    pass


@pytest.mark.ix_sandbox(faults="wrong_status")
def test_a_string_not_a_list(ix_sandbox):
    pass
"""


def _readme_block() -> str:
    blocks: list[str] = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    [block] = [b for b in blocks if "@pytest.mark.ix_sandbox" in b]
    return block


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest as a user runs it in their own project (no ini of ours, strict markers)."""
    (folder / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_readme_example_and_plugin_behaviour_under_xdist(tmp_path: Path) -> None:
    (tmp_path / "test_readme.py").write_text(_readme_block())
    (tmp_path / "test_behaviour.py").write_text(textwrap.dedent(BEHAVIOUR))
    # Two workers, one sandbox each; --dist=loadfile keeps each file's order on one worker.
    proc = _pytest(tmp_path, "-n", "2", "--dist=loadfile", "test_readme.py", "test_behaviour.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 passed" in proc.stdout


def test_wrong_marker_arguments_fail_the_test_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "test_bad.py").write_text(BAD_MARKERS)
    proc = _pytest(tmp_path, "test_bad.py")
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "5 errors" in out  # raised in the fixture: setup errors
    known = "unknown fault 'no_such_fault'; known: accents_stripped, allow_forbidden_transition,"
    assert known in out
    assert "unknown quirk 'wrong_status'; known: " in out
    assert "guide_update_500" in out
    assert "unknown argument clock; use faults, now, quirks, rate_limit" in out
    assert "now='tomorrow' is not an ISO date or datetime" in out
    assert "faults must be a list of names" in out
    assert "Traceback" not in out


def test_the_plugin_loads_without_the_server_dependencies(tmp_path: Path) -> None:
    """pytest imports the plugin in every project with this distribution installed, also one
    with the client alone: Starlette and uvicorn must not be needed until a fixture is used."""
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    pass\n")
    (tmp_path / "test_fixture.py").write_text("def test_uses_it(ix):\n    pass\n")
    (tmp_path / "conftest.py").write_text(
        "import sys\n"
        "sys.modules['starlette'] = None  # as if the [sandbox] extra were not installed\n"
    )
    blocked = _pytest(tmp_path, "-p", "no:randomly", "-rE")
    assert "1 passed, 1 error" in blocked.stdout, blocked.stdout + blocked.stderr
    assert "the sandbox fixtures need 'starlette': pip install" in blocked.stdout
    probe = "import invoicexpress_sandbox.pytest_plugin, sys; print(' '.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not {"starlette", "uvicorn", "jsonschema_rs"} & {m.split(".")[0] for m in loaded}
