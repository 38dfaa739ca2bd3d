"""The quick contract profile and the date-sensitive tests under moved clocks.

The clocks are moved for real, by libfaketime (Debian's `faketime` package, which `.ci/run`
installs): every process of a run (the `ixc contract` parent, its xdist workers and the sandbox
they start) reads the moved time from the C library. Nothing they send may carry the day the
code or the spec was written on, so each run must be as green as on an ordinary day:

- a leap day (29 February) at least a year ahead of today: a date written today is then in the
  past, and the day itself is one a year ago or a year on does not have;
- a year's last seconds, so that the run crosses midnight into the new year;
- a server whose clock is ten minutes behind the suite's (the sandbox in its own process under
  its own moved clock, the suites through `--base-url`).

The quick contract profile runs twice: on the leap day (a managed sandbox, one clock), and
with the server ten minutes behind the suite as the server crosses into the new year (the
suite is in it from the start). The date-sensitive tests run on the leap day and across the
year's end.

Each instant is computed from today when the test runs: no calendar date is written here. Each
contract run shows, in the `Date` of the answers it recorded, that the server was at that instant.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import os
import subprocess
import sys
from pathlib import Path

import pytest

from invoicexpress_core.exchange import read_recording
from tests.contract.rehearsal import start_sandbox

REPO = Path(__file__).resolve().parents[2]
SLEEP_SHIM = Path(__file__).resolve().parent / "faketime_site"
LIBFAKETIME = next(
    (
        path
        for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
        if (path := Path(folder) / "faketime" / "libfaketime.so.1").exists()
    ),
    None,
)
# Tests in the sandbox and the client that send dates and read them back against the clock.
DATE_SENSITIVE = [
    "tests/sandbox/test_behaviour.py",
    "tests/sandbox/test_state_machines.py",
    "tests/sandbox/test_error_messages.py",
    "tests/sandbox/test_totals.py",
    "tests/client/test_e2e_sandbox.py",
    "tests/client/test_safe_creates.py",
]
# Each run in one process: beside the outer suite's workers on two busy cores, a second worker
# cost the date-sensitive run 1.5x the CPU (24 -> 16 CPU-s, the same 20 s wall alone) and the
# quick profile 1.25x; the clock, not the parallelism, is under test here.
ONE_PROCESS = ("-n", "0")


def _leap_day_a_year_ahead(today: dt.date) -> dt.date:
    year = today.year + 1
    while not calendar.isleap(year) or dt.date(year, 2, 29) < today + dt.timedelta(days=365):
        year += 1
    return dt.date(year, 2, 29)


def _at(moment: dt.datetime) -> str:
    """libfaketime's "start at this instant, then tick" form."""
    return "@" + moment.strftime("%Y-%m-%d %H:%M:%S")


def _leap_day() -> dt.datetime:
    return dt.datetime.combine(_leap_day_a_year_ahead(dt.date.today()), dt.time(10))


def _year_end() -> dt.datetime:
    """Midnight falls in a run's first seconds (a one-process quick run takes 35-60 s)."""
    return dt.datetime(dt.date.today().year, 12, 31, 23, 59, 50)


def _instants() -> dict[str, dt.datetime]:
    return {"leap-day-a-year-ahead": _leap_day(), "year-end": _year_end()}


def _server_days(report_dir: Path) -> set[dt.date]:
    """The days the server's `Date` header named in a run's recording."""
    days = set()
    for exchange in read_recording(report_dir / "exchanges.jsonl"):
        headers = {k.lower(): v for k, v in exchange.response_headers.items()}
        if "date" in headers:
            days.add(email.utils.parsedate_to_datetime(headers["date"]).date())
    return days


def _faked(instant: str) -> dict[str, str]:
    if LIBFAKETIME is None:
        if os.environ.get("CI") or os.environ.get("IXC_REQUIRE_FAKETIME"):
            pytest.fail("libfaketime is missing: install Debian's `faketime` package")
        pytest.skip("libfaketime is not installed (Debian package `faketime`)")
    paths = [str(SLEEP_SHIM), os.environ.get("PYTHONPATH", "")]
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": instant,
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # timeouts and pacing keep real durations
        "FAKETIME_DONT_RESET": "1",  # children tick on from the instant, not restart at it
        # libfaketime turns its "monotonic fix" on for this glibc: every timed condition wait
        # (the GIL's too) then returns early, and a two-worker run spent 8x the CPU (150 s for
        # the date-sensitive tests, 18 s with the fix off). The monotonic clock is real here.
        "FAKETIME_FORCE_MONOTONIC_FIX": "0",
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),  # time.sleep: see the shim
    }


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def _verdict(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"


def test_quick_contract_run_is_green_on_a_leap_day_a_year_ahead(tmp_path: Path) -> None:
    instant = _leap_day()
    proc = _run(
        [sys.executable, "-m", "ixc", "contract", "--quick", *ONE_PROCESS,
         "--report-dir", str(tmp_path / "reports")],
        _faked(_at(instant)),
        tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, _verdict(proc)
    assert _server_days(tmp_path / "reports") == {instant.date()}


@pytest.mark.parametrize("clock", sorted(_instants()))
def test_date_sensitive_tests_pass_under_a_moved_clock(clock: str, tmp_path: Path) -> None:
    env = _faked(_at(_instants()[clock]))
    proc = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ONE_PROCESS,
         *DATE_SENSITIVE],
        env,
        REPO,
    )  # fmt: skip
    assert proc.returncode == 0, _verdict(proc)


def test_server_ten_minutes_behind_the_suite_crosses_into_the_new_year(tmp_path: Path) -> None:
    """The server starts in the year's last seconds and crosses midnight during the run; the
    suite's clock is ten minutes ahead, in the new year from the start. Dates follow the
    server's `Date`, so the server never sees a date from its tomorrow, before or after its
    midnight."""
    server_at = _year_end()
    server_env = _faked(_at(server_at))
    proc, url, key = start_sandbox("--rate-limit", "off", env=server_env)
    try:
        run = _run(
            [sys.executable, "-m", "ixc", "contract", "--quick", *ONE_PROCESS, "--base-url", url,
             "--report-dir", str(tmp_path / "reports")],
            {**_faked(_at(server_at + dt.timedelta(minutes=10))), "INVOICEXPRESS_API_KEY": key},
            tmp_path,
        )  # fmt: skip
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert run.returncode == 0, _verdict(run)
    # Its first requests come before midnight on a quiet machine, after on a very busy one.
    new_year = server_at.date() + dt.timedelta(days=1)
    days = _server_days(tmp_path / "reports")
    assert new_year in days, days
    assert days <= {server_at.date(), new_year}, days
