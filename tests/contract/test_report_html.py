"""The contract run's index.html and summary.md: built from a summary with failures (two of
their own and a hundred of one cause), then opened in headless Chromium (Debian's package) over
the DevTools protocol: it must render with no console error, no exception and no request for
anything but the file itself, with the verdict, the causes and the matrix on the first screen."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from invoicexpress_contract_tests._ledger import Ledger, documented_messages, documented_statuses
from invoicexpress_contract_tests._summary import (
    add_curl_lines,
    build_summary,
    render_markdown,
    write_summary,
)
from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import load_spec

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECRET = "k3y-that-must-not-show"


def _summary(tmp_path: Path) -> dict[str, Any]:
    """A run where one status code and one message were missed and two tests failed."""
    spec = load_spec()
    led = Ledger()
    for op, codes in documented_statuses(spec).items():
        for code in codes:
            if (op, code) != ("getInvoice", 404):
                led.statuses[(op, code)] += 1
    led.statuses[("getInvoice", 418)] += 1  # answered, not documented
    for op, messages in documented_messages(spec).items():
        for message in messages[1:]:
            led.messages[(op, message)] += 1
    record = tmp_path / "exchanges.jsonl"
    exchange = Exchange(
        method="POST",
        url="http://127.0.0.1:8765/invoices.json?api_key=[REDACTED]",
        status=200,
        request_body={"invoice": {"date": "01/12/2026", "observations": "it's <b>"}},
        meta={"test": "contract_tests/test_operations.py::test_create[createInvoice]"},
    )
    record.write_text(exchange.to_json() + "\n", encoding="utf-8")
    failures = {
        "createInvoice": [
            {
                "test": "contract_tests/test_operations.py::test_create[createInvoice]",
                "message": "E   AssertionError: [createInvoice] answered 200, documented 201",
                "curl": "",
            }
        ],
        "getInvoice": [
            {
                "test": "contract_tests/test_schemathesis.py::test_api[GET /invoices/{id}.json]",
                "message": "Undocumented HTTP status code: Received: 418",
                "curl": "curl -X GET 'http://127.0.0.1:8765/invoices/1.json?api_key=[REDACTED]'",
            }
        ],
    }
    for n in range(100):  # one cause: a refused create of the guides, ids differing
        op = ("createShipping", "createTransport", "createDevolution")[n % 3]
        failures.setdefault(op, []).append(
            {
                "test": f"contract_tests/test_behaviour.py::test_round_trip[{op}-{n}]",
                "message": f"E   AssertionError: [{op}] POST http://127.0.0.1:8765/{n}.json -> 422 "
                '{"errors":[{"error":"Loaded at can\'t be in the past"}]}',
                "curl": f"curl -X POST 'http://127.0.0.1:8765/{n}.json'",
            }
        )
    add_curl_lines(failures, record)
    return build_summary(led, failures, record)


def test_summary_md_lists_the_causes_first_each_with_a_curl_line(tmp_path: Path) -> None:
    md = render_markdown(_summary(tmp_path))
    assert md.index("## Causes (3; 102 failures, 0 tests could not run)") < md.index("## Coverage")
    assert "### create guides 422: 100 failure(s)" in md
    create = md[md.index("### create invoices 200: 1 failure(s)") :]
    assert "answered 200, documented 201" in create
    curl = (
        'curl -X POST "http://127.0.0.1:8765/invoices.json?api_key=${INVOICEXPRESS_API_KEY}" '
        "-H 'Content-Type: application/json' "
        """-d '{"invoice":{"date":"01/12/2026","observations":"it'\\''s <b>"}}'"""
    )
    assert curl in create  # the recorded request again, quotes escaped for the shell


def test_the_curl_line_replays_the_request_through_a_shell(tmp_path: Path) -> None:
    """The quoting is right: `sh` hands curl exactly the recorded body."""
    summary = _summary(tmp_path)
    [failure] = summary["failures"]["createInvoice"]
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "curl").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    (fake / "curl").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "INVOICEXPRESS_API_KEY": SECRET}
    out = subprocess.run(
        ["sh", "-c", failure["curl"]], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[:3] == ["-X", "POST", f"http://127.0.0.1:8765/invoices.json?api_key={SECRET}"]
    assert json.loads(out[-1]) == {"invoice": {"date": "01/12/2026", "observations": "it's <b>"}}


class DevTools:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fds 3 and 4): no extra
    library, no port."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                result: dict[str, Any] = reply["result"]
                return result
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} within {timeout}s"
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            chunk = os.read(self.read_fd, 1 << 16)
            assert chunk, "chromium closed the DevTools pipe"
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message


@contextmanager
def chromium(profile: Path) -> Iterator[DevTools]:
    if CHROMIUM is None:
        if os.environ.get("CI") or os.environ.get("IXC_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("needs Debian's chromium (apt-get install chromium); CI installs it")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def wire_fds() -> None:  # the child's fd 3 reads commands, fd 4 writes replies
        os.dup2(to_chrome_r, 3)
        os.dup2(from_chrome_w, 4)

    # close_fds=False: it would run after preexec_fn and close the dup'ed fds 3 and 4.
    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=False,
        preexec_fn=wire_fds,
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    try:
        yield DevTools(proc, to_chrome_w, from_chrome_r)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_chrome_w)
        os.close(from_chrome_r)


def test_index_html_renders_in_headless_chromium_without_errors(tmp_path: Path) -> None:
    report = tmp_path / "report"
    write_summary(_summary(tmp_path), report)
    page = report / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "http://" not in html.replace("http://127.0.0.1:8765", "")  # nothing to fetch
    assert SECRET not in html

    with chromium(tmp_path / "profile") as cdp:
        target = cdp.send("Target.createTarget", url="about:blank")["targetId"]
        session = cdp.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.send(f"{domain}.enable", session)
        cdp.send("Emulation.setDeviceMetricsOverride", session, width=1280, height=900,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
        cdp.events.clear()
        cdp.send("Page.navigate", session, url=page.as_uri())
        cdp.wait_for("Page.loadEventFired")
        found = cdp.send(
            "Runtime.evaluate",
            session,
            returnByValue=True,
            expression="""({
                rows: document.querySelectorAll('table.matrix tbody tr').length,
                missed: [...document.querySelectorAll('table.matrix td.n')].map(td =>
                    td.parentElement.querySelector('th').textContent),
                failures: [...document.querySelectorAll('pre')].map(p => p.textContent),
                causes: document.querySelectorAll('.causes > details').length,
                verdict: document.querySelector('.verdict').textContent,
                matrixTop: document.querySelector('table.matrix').getBoundingClientRect().top,
                viewport: window.innerHeight,
                heading: getComputedStyle(document.querySelector('h1')).fontSize,
                width: document.documentElement.scrollWidth,
            })""",
        )["result"]["value"]
        shot = cdp.send("Page.captureScreenshot", session, format="png")
    (tmp_path / "index.png").write_bytes(base64.b64decode(shot["data"]))
    shutil.copy(tmp_path / "index.png", report / "index.png")
    if os.environ.get("IXC_REPORT_SCREENSHOT"):  # to look at it: a path outside tmp
        shutil.copy(tmp_path / "index.png", os.environ["IXC_REPORT_SCREENSHOT"])

    errors = [
        e
        for e in cdp.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []
    requested = [
        e["params"]["request"]["url"]
        for e in cdp.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requested == [page.as_uri()]  # self-contained: no CSS, font or script fetched
    assert found["rows"] == len(load_spec().operations)
    assert found["missed"] == ["getInvoice"]  # the one documented code not exercised
    assert found["heading"] == "22px"  # the inline stylesheet applied
    assert found["verdict"] == "FAILED: 102 failure(s) from 3 cause(s)"
    assert found["causes"] == 3  # the hundred failures of one cause are one entry
    assert found["matrixTop"] < found["viewport"] == 900  # the matrix starts on the first screen
    assert any("${INVOICEXPRESS_API_KEY}" in text for text in found["failures"])
    assert base64.b64decode(shot["data"])[:8] == b"\x89PNG\r\n\x1a\n"
