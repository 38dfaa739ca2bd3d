"""The HTTP client every hand-written suite uses: records, counts, paces and validates.

Every response is checked against the spec at once (documented status, content type, body
schema with compiled validators), recorded through `ixc.exchange` (the one redaction point)
and counted in the ledger, so coverage and the recording never depend on a suite remembering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from invoicexpress_core.errors import parse_error_body
from ixc.exchange import Exchange, Recorder, redact_text, redact_url
from ixc.spec import Operation, Spec

from ._ledger import Ledger

KEY = object()  # sentinel: send the target's key
MAX_RECORDED_BODY = 64_000


class ContractViolation(AssertionError):
    """A response broke the spec; the message names the operation and what broke."""


class BudgetExhausted(Exception):
    """The request budget (--max-requests) is spent."""


@dataclass
class Target:
    """Where the suites point, and how carefully they must behave there."""

    base_url: str
    api_key: str = field(repr=False)
    account_name: str = ""
    live: bool = False
    sandbox: Any = field(default=None, repr=False)  # invoicexpress_sandbox RunningSandbox
    run_id: str = "local"
    max_requests: int = 0  # 0 = no budget
    per_minute: int = 0  # 0 = no pacing
    send_email: bool = False
    allow_429: bool = False

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def marker(self) -> str:
        """Prefix put on every document this run creates, so live clean-up touches only ours."""
        return f"ixc-contract-{self.run_id}"


def violations(spec: Spec, op: Operation, response: httpx.Response) -> list[str]:
    """Everything in `response` the spec does not allow, as readable sentences."""
    status = response.status_code
    documented = op.responses.get(str(status))
    name = f"[{op.operation_id}] {op.method} {op.path} -> {status}"
    if documented is None:
        return [f"{name}: status {status} is not documented (documented: {op.status_codes})"]
    resp = spec.resolve(documented)
    content = resp.get("content") or {}
    if not content:
        return []
    ctype = response.headers.get("content-type", "").split(";")[0].strip()
    if ctype not in content:
        return [
            f"{name}: content type {ctype or 'missing'!r} is not documented "
            f"(documented: {sorted(content)})"
        ]
    pointer = spec.response_schema_pointer(op, status, ctype)
    if pointer is None:
        return []
    try:
        body = response.json()
    except ValueError:
        return [f"{name}: body is not JSON although {ctype} is documented"]
    out = []
    for err in sorted(spec.validator_at(pointer).iter_errors(body), key=lambda e: e.json_path)[:5]:
        out.append(f"{name}: schema violation at {err.json_path}: {err.message[:300]}")
    return out


class ContractClient:
    """Calls operations by operationId. One per process; thread-safe enough for pacing."""

    def __init__(
        self,
        target: Target,
        spec: Spec,
        ledger: Ledger,
        recorder: Recorder | None,
        *,
        budget: int = 0,
    ) -> None:
        self.target = target
        self.spec = spec
        self.ledger = ledger
        self.recorder = recorder
        self.budget = budget
        self.http = httpx.Client(base_url=target.base_url, timeout=30)
        self._lock = threading.Lock()
        self._last = 0.0
        self.current_test = ""
        self.touched: list[str] = []
        self.target_secrets: list[str] = [target.api_key]

    def close(self) -> None:
        self.http.close()

    def url(self, op: Operation, params: Mapping[str, Any]) -> str:
        path = op.path
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        return path

    def _pace(self) -> None:
        if not self.target.per_minute:
            return
        with self._lock:
            gap = 60.0 / self.target.per_minute
            wait = self._last + gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def call(
        self,
        operation_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        key: Any = KEY,
        check: bool = True,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        """Send one request to `operation_id`; record it; raise ContractViolation if it breaks
        the spec (unless `check=False`, for suites that assert the breach themselves)."""
        op = self.spec.operations[operation_id]
        if self.budget and self.ledger.requests >= self.budget:
            pytest.skip(f"request budget reached ({self.budget} requests in this worker)")
        q: dict[str, Any] = dict(query or {})
        if key is KEY:
            q["api_key"] = self.target.api_key
        elif key is not None:
            q["api_key"] = key
        self._pace()
        headers = {"Accept": "application/json"}
        kwargs: dict[str, Any] = {}
        if raw_body is not None:
            kwargs["content"] = raw_body
            headers["Content-Type"] = content_type
        elif json is not None:
            kwargs["json"] = json
        response = self.http.request(
            op.method, self.url(op, params or {}), params=q, headers=headers, **kwargs
        )
        self.ledger.requests += 1
        self.ledger.statuses[(operation_id, response.status_code)] += 1
        self.touched.append(operation_id)
        if self.recorder is not None:
            exchange = Exchange.from_httpx(
                response,
                operation_id=operation_id,
                secrets=self.target_secrets,
                meta={"suite": "contract", "test": self.current_test},
            )
            if raw_body is not None and len(raw_body) > MAX_RECORDED_BODY:
                # the 413 probes: keep the recording small, say what was sent
                exchange.request_body = f"<{len(raw_body)} bytes, not recorded>"
            self.recorder.write(exchange)
        if check:
            found = violations(self.spec, op, response)
            if found:
                raise ContractViolation(self.redact("\n".join(found)))
        return response

    def redact(self, text: str) -> str:
        return redact_text(text, self.target_secrets)

    def describe(self, response: httpx.Response) -> str:
        """A one-line, redacted description of a response for failure messages."""
        body = response.text[:400]
        return self.redact(
            f"{response.request.method} {redact_url(response.request.url)} -> "
            f"{response.status_code} {body}"
        )


def error_messages(body: Any) -> list[str]:
    """Every wording a message of `body` may be matched by: as shown, bare, and Rails-style."""
    out: list[str] = []
    for m in parse_error_body(body):
        out += [m.text, m.message]
        if m.field:
            out += [
                f"{m.field} {m.message}",
                f"{m.field.replace('_', ' ').capitalize()} {m.message}",
            ]
    return list(dict.fromkeys(out))
