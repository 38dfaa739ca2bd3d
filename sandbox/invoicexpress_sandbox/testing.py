"""Run a sandbox for tests, over a real socket on a free port.

    from invoicexpress_sandbox.testing import running_sandbox

    with running_sandbox() as sb:                   # in-memory, rate limit off
        client = sb.client()                        # httpx.Client with base_url and api_key
        r = client.get("/invoices.json")
        sb.admin.put("/_sandbox/faults", json={"faults": ["wrong_type"]})  # token sent
        sb.reset()                                  # back to the start configuration

`running_sandbox(rate_limit=None, db=None, faults=(), quirks=(), spec_path=None,
port=0, in_process=True)`: the server runs in a background thread (or, with
`in_process=False`, in a subprocess running `python -m invoicexpress_sandbox`); the context
manager waits until `/_sandbox/health` answers and stops the server on exit. The admin token
is random per run (or `IXC_SANDBOX_TOKEN`); `sb.admin` (also callable: `sb.admin()`) sends it.
Secrets reach a subprocess through its environment, never its command line.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from ._app import Options, Sandbox
from ._guard import TOKEN_ENV, TOKEN_HEADER
from ._serve import HOST, bind, server_for

START_TIMEOUT = 30.0


class AdminClient(httpx.Client):
    """An httpx client on the admin routes that sends the admin token (and JSON bodies).

    Calling it returns itself, so `sb.admin.get(...)` and `sb.admin().get(...)` both work.
    """

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(
            base_url=base_url,
            timeout=30,
            headers={TOKEN_HEADER: token, "Content-Type": "application/json"},
        )

    def __call__(self) -> AdminClient:
        return self

    def __repr__(self) -> str:
        return f"AdminClient({self.base_url})"


@dataclass
class RunningSandbox:
    """Handles on a running sandbox."""

    base_url: str
    api_key: str = field(repr=False)
    account_name: str
    admin: AdminClient = field(repr=False)
    sandbox: Sandbox | None = field(default=None, repr=False)  # None when in a subprocess
    admin_token: str = field(default="", repr=False)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client for the API, authenticated as the demo account."""
        params = dict(kwargs.pop("params", {}) or {})
        params.setdefault("api_key", self.api_key)
        return httpx.Client(base_url=self.base_url, params=params, timeout=30, **kwargs)

    def reset(self) -> None:
        """Back to the start configuration: the seeded demo account (same API key), faults,
        quirks, rate limit and clock as the sandbox started."""
        self.admin.post("/_sandbox/reset", json={}).raise_for_status()

    def set_faults(self, *names: str) -> None:
        self.admin.put("/_sandbox/faults", json={"faults": list(names)}).raise_for_status()

    def outbox(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.admin.get("/_sandbox/outbox").json()["messages"]
        return messages

    def state(self) -> dict[str, Any]:
        """Every stored row, to prove a request changed nothing."""
        snapshot: dict[str, Any] = self.admin.get("/_sandbox/state").json()
        return snapshot


def _wait_healthy(admin: httpx.Client, alive: Any) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the sandbox stopped before answering /_sandbox/health")
        try:
            if admin.get("/_sandbox/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.05)
    raise RuntimeError(
        f"the sandbox did not answer /_sandbox/health within {START_TIMEOUT:.0f}s ({last})"
    )


@contextmanager
def running_sandbox(
    *,
    rate_limit: int | None = None,
    db: str | Path | None = None,
    faults: Iterable[str] = (),
    quirks: Iterable[str] = (),
    spec_path: Path | None = None,
    port: int = 0,
    in_process: bool = True,
    log: TextIO | None = None,
) -> Iterator[RunningSandbox]:
    """Start a sandbox, wait until it answers, yield handles, stop it."""
    token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(18)
    if not in_process:
        with _subprocess_sandbox(rate_limit, db, [*faults, *quirks], spec_path, port, token) as sb:
            yield sb
        return
    sandbox = Sandbox(
        Options(
            db=str(db) if db else None,
            rate_limit=rate_limit,
            faults=tuple(faults),
            quirks=tuple(quirks),
            spec_path=spec_path,
            admin_token=token,
            log=log,
        )
    )
    sock = bind(port)
    base_url = f"http://{HOST}:{sock.getsockname()[1]}"
    server = server_for(sandbox, sock)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="invoicexpress-sandbox", daemon=True
    )
    thread.start()
    admin = AdminClient(base_url, token)
    try:
        _wait_healthy(admin, thread.is_alive)
        demo = sandbox.demo()
        yield RunningSandbox(
            base_url, str(demo["api_key"]), str(demo["name"]), admin, sandbox, token
        )
    finally:
        admin.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        sandbox.store.close()


@contextmanager
def _subprocess_sandbox(
    rate_limit: int | None,
    db: str | Path | None,
    names: list[str],
    spec_path: Path | None,
    port: int,
    token: str,
) -> Iterator[RunningSandbox]:
    cmd = [
        sys.executable,
        "-m",
        "invoicexpress_sandbox",
        "--port",
        str(port),
        "--rate-limit",
        str(rate_limit or "off"),
    ]
    if db:
        cmd += ["--db", str(db)]
    if spec_path:
        cmd += ["--spec", str(spec_path)]
    for name in names:
        cmd += ["--fault", name]
    env = dict(os.environ)
    env[TOKEN_ENV] = token  # the environment, not argv: `ps` shows every user the command line
    env["PYTHONPATH"] = os.pathsep.join(
        [
            str(Path(__file__).resolve().parents[1]),
            str(Path(__file__).resolve().parents[2] / "toolkit"),
            env.get("PYTHONPATH", ""),
        ]
    )
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        text = "".join(lines)
        match = re.search(r"on (http://\S+)\n.*account name: (\S+)\n.*API key:\s+(\S+)", text, re.S)
        if match is None:
            err = proc.stderr.read() if proc.stderr and proc.poll() is not None else ""
            raise RuntimeError(f"the sandbox did not start: {text}{err}")
        admin = AdminClient(match[1], token)
        try:
            _wait_healthy(admin, lambda: proc.poll() is None)
            yield RunningSandbox(match[1], match[3], match[2], admin, None, token)
        finally:
            admin.close()
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
