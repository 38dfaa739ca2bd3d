"""pytest plugin for `ixc contract` runs: progress suite by suite, then a table per suite.

Loaded with `-p ixc.contract_progress` (only by `ixc contract`). It replaces pytest's dots with
one line per finished suite (a test file) and, on a terminal, a status line rewritten in place;
when the output is not a terminal (CI logs) it writes plain lines only, no control codes: a line
per finished suite and at most one "still running" line every `HEARTBEAT` seconds. When the
server paces the run, the status line says so, with the rate seen and the time left. At the end:
a table of suite, tests, failures, tests that could not run (a setup they needed failed) and
seconds, printed before the contract summary so that the console ends with the causes.
pytest-xdist's own "bringing up nodes..." lines (printed twice when not on a terminal) are
replaced by the count of workers, on the line that counts the tests. A run that selected no
test says nothing more (`ixc contract` reports it in one line).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

HEARTBEAT = 30.0


@dataclass
class Suite:
    name: str
    total: int = 0
    done: int = 0
    failures: int = 0
    not_run: int = 0  # failed because a setup they needed failed (counted in failures too)
    seconds: float = 0.0
    finished: bool = False


def suite_of(nodeid: str) -> str:
    """`contract_tests/test_error_codes.py::test_x[a]` -> `test_error_codes.py`."""
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1]


def render_table(suites: Sequence[Suite]) -> list[str]:
    """The end-of-run table; seconds are test time summed over workers."""
    width = max([len("suite"), len("total"), *(len(s.name) for s in suites)])
    lines = [f"{'suite':<{width}}  {'tests':>6}  {'failures':>8}  {'not run':>7}  {'seconds':>8}"]
    total = Suite(
        "total",
        done=sum(s.done for s in suites),
        failures=sum(s.failures for s in suites),
        not_run=sum(s.not_run for s in suites),
        seconds=sum(s.seconds for s in suites),
    )
    for s in [*suites, total]:
        lines.append(
            f"{s.name:<{width}}  {s.done:>6}  {s.failures:>8}  {s.not_run:>7}  {s.seconds:>8.1f}"
        )
    return lines


class Progress:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.reporter: Any = None  # registered after this plugin: looked up at session start
        self.tty = False
        self.suites: dict[str, Suite] = {}
        self.started = time.monotonic()
        self.last_line = self.started
        self.failed_ids: set[str] = set()
        self.pace: dict[str, dict[str, Any]] = {}  # per worker, the last pace it reported
        self.samples: list[tuple[float, int]] = []  # (when, requests sent by all workers)

    # -- collection: how many tests each suite has

    def _collected(self, nodeids: Sequence[str]) -> None:
        if self.suites or not nodeids:  # each xdist worker reports the same collection
            return
        counts = Counter(suite_of(n) for n in nodeids)
        self.suites = {name: Suite(name, total) for name, total in counts.items()}
        plural = "s" if len(counts) != 1 else ""
        workers = getattr(self.config.option, "numprocesses", None)
        on = f" on {workers} pytest-xdist workers" if workers else ""
        self._say(f"{len(nodeids)} tests in {len(counts)} suite{plural}{on}")

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:
            self._collected([item.nodeid for item in session.items])

    def pytest_xdist_node_collection_finished(self, node: Any, ids: Sequence[str]) -> None:
        self._collected(ids)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        self.tty = bool(self.reporter is not None and self.reporter.isatty)
        trdist = self.config.pluginmanager.get_plugin("terminaldistreporter")
        if trdist is not None and not self.tty:
            trdist.ensure_show_status = lambda: None  # its status line, written twice in logs

    # -- results: pytest's dots are silenced, suites are counted

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> Generator[None, Any, Any]:
        category, _letter, _word = yield
        return category, "", ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        suite = self.suites.get(suite_of(report.nodeid))
        if suite is None:
            return
        suite.seconds += report.duration
        if report.failed and report.nodeid not in self.failed_ids:
            self.failed_ids.add(report.nodeid)
            suite.failures += 1
            if dict(report.user_properties).get("setup"):  # set by contract_tests' summary
                suite.not_run += 1
        pace = dict(report.user_properties).get("pace")
        if isinstance(pace, dict):
            self.pace[str(pace.get("worker"))] = pace
            self.samples.append((time.monotonic(), sum(int(p["sent"]) for p in self.pace.values())))
        if report.when == "teardown":
            suite.done += 1
            if suite.done == suite.total:
                suite.finished = True
                self._finished(suite)
            else:
                self._status()

    def _finished(self, suite: Suite) -> None:
        ended = sum(1 for s in self.suites.values() if s.finished)
        failed = f", {suite.failures} failed" if suite.failures else ""
        self._say(
            f"[{ended}/{len(self.suites)}] {suite.name}: {suite.total} tests{failed} "
            f"({time.monotonic() - self.started:.0f} s since start)"
        )

    def _status(self) -> None:
        done = sum(s.done for s in self.suites.values())
        total = sum(s.total for s in self.suites.values())
        line = f"{done}/{total} tests, {len(self.failed_ids)} failed" + self.pace_text(done, total)
        now = time.monotonic()
        if self.tty:
            self.reporter.rewrite(f"  {line} ", erase=True)
        elif now - self.last_line >= HEARTBEAT:
            self._say(f"... {line} ({now - self.started:.0f} s)")

    def pace_text(self, done: int, total: int, now: float | None = None) -> str:
        """`; paced by the server (N 429s): R requests/min, about M min left` once the server
        has paced the run (a 429 waited out, or a rate the run keeps to), else nothing. The
        rate is that of the last minute; the time left, the requests the plan has still to send
        (a budgeted run) or the tests left at the requests per test so far."""
        throttled = sum(int(p.get("throttled", 0)) for p in self.pace.values())
        kept = sum(int(p.get("per_minute", 0)) for p in self.pace.values())
        if not (throttled or kept) or len(self.samples) < 2:
            return ""
        now = time.monotonic() if now is None else now
        recent = [(t, n) for t, n in self.samples if now - t <= 60] or self.samples[-2:]
        (t0, n0), (t1, n1) = recent[0], self.samples[-1]
        if t1 - t0 < 1 or n1 <= n0:
            return ""
        rate = (n1 - n0) / (t1 - t0) * 60
        if all("planned" in p for p in self.pace.values()):  # a budgeted run: its plan's count
            todo = sum(max(0, int(p["planned"]) - int(p["sent"])) for p in self.pace.values())
        else:
            todo = round((total - done) * n1 / max(1, done))
        left = todo / rate
        who = f"the server ({throttled} 429s)" if throttled else f"the profile ({kept}/min)"
        stop = (
            "; --quick stops sending now"
            if any(p.get("stopping") for p in self.pace.values())
            else ""
        )
        return f"; paced by {who}: {rate:.0f} requests/min, about {left:.0f} min left{stop}"

    def _say(self, line: str) -> None:
        if self.reporter is None:
            return
        self.last_line = time.monotonic()
        if self.tty:
            self.reporter.rewrite("", erase=True)
        self.reporter.ensure_newline()
        self.reporter.write_line(f"contract: {line}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            self.config.option.verbose = -2  # not even pytest's "N deselected" line

    @pytest.hookimpl(tryfirst=True)  # before the contract summary, which ends with the causes
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.suites:
            return
        terminalreporter.write_sep("=", "contract suites")
        for line in render_table(list(self.suites.values())):
            terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is None:  # the controller only
        config.pluginmanager.register(Progress(config), "ixc-contract-progress")
