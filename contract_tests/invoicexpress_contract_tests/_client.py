"""The HTTP client every hand-written suite uses: records, counts, paces and validates.

Every response is checked against the spec at once (documented status, content type, body
schema with compiled validators), recorded through `invoicexpress_core.exchange` (the one
redaction point) and counted in the ledger, so coverage and the recording never depend on a
suite remembering.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from invoicexpress_core.calendar import lisbon_now, rebase, wall_clock
from invoicexpress_core.errors import parse_error_body, template_regex
from invoicexpress_core.exchange import Exchange, Recorder, redact_text, redact_url
from invoicexpress_core.spec import Operation, Spec

from ._ledger import Ledger

KEY = object()  # sentinel: send the target's key
MAX_RECORDED_BODY = 64_000


class ContractViolation(AssertionError):
    """A response broke the spec; the message names the operation and what broke."""


class SetupFailed(AssertionError):
    """A request a test needed before it could check anything (a create in `World`) failed.
    The report names it once, as its own cause, and the tests it stopped as not run."""

    def __init__(self, operation_id: str, status: int, detail: str) -> None:
        super().__init__(f"[{operation_id}] setup failed: {detail}")
        self.operation_id = operation_id
        self.status = status


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
    account_id: str = ""  # --account-id: the account behind the key, when the server is not ours
    workers: int = 1
    worker: str = "main"

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def marker(self) -> str:
        """Prefix put on every document this run creates, so live clean-up touches only ours."""
        return f"ixc-contract-{self.run_id}"

    @functools.cached_property
    def admin(self) -> httpx.Client:
        """The managed sandbox's admin routes, with the token they need (the one place that
        sends it): `sandbox.admin_token`, else env IXC_SANDBOX_TOKEN."""
        token = getattr(self.sandbox, "admin_token", None) or os.environ.get(
            "IXC_SANDBOX_TOKEN", ""
        )
        headers = {"X-Sandbox-Token": str(token)} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    @property
    def worker_marker(self) -> str:
        """The marker of this process: what it creates, it alone reads back through filters."""
        return f"{self.marker}-{self.worker}"


def violations(spec: Spec, op: Operation, response: httpx.Response) -> list[str]:
    """Everything in `response` the spec does not allow, as readable sentences."""
    status = response.status_code
    documented = op.responses.get(str(status))
    name = f"[{op.operation_id}] {op.method} {op.path} -> {status}"
    if documented is None:
        return [f"{name}: status {status} is not documented (documented: {op.status_codes})"]
    resp = spec.resolve(documented)
    content = resp.get("content") or {}
    if not content or (not response.content and resp.get("x-may-be-empty")):
        return []
    ctype = response.headers.get("content-type", "").split(";")[0].strip()
    if ctype not in content:
        return [
            f"{name}: content type {ctype or 'missing'!r} is not documented "
            f"(documented: {sorted(content)})"
        ]
    wrong_headers = header_violations(spec, resp, response, name)
    pointer = spec.response_schema_pointer(op, status, ctype)
    if pointer is None:
        return wrong_headers
    try:  # a documented text type (the HTML error page) is validated as the text it is
        body = response.json() if "json" in ctype else response.text
    except ValueError:
        return [f"{name}: body is not JSON although {ctype} is documented"]
    out = wrong_headers
    for err in sorted(spec.errors_at(pointer, body), key=lambda e: e.json_path)[:5]:
        out.append(f"{name}: schema violation at {err.json_path}: {err.message[:300]}")
    return out


def header_violations(
    spec: Spec, documented: dict[str, Any], response: httpx.Response, name: str
) -> list[str]:
    """Documented response headers that are present but not of their documented number type
    (a `Retry-After: soon`); absent ones are the spec's business to require, not this."""
    out = []
    for header, about in (documented.get("headers") or {}).items():
        value = response.headers.get(header)
        schema = spec.resolve(spec.resolve(about).get("schema") or {})
        kind = schema.get("type")
        if value is None or kind not in ("integer", "number"):
            continue
        text = value.strip()
        whole = text.isdigit() or (text.startswith("-") and text[1:].isdigit())
        number = whole or text.replace(".", "", 1).lstrip("-").isdigit()
        if not (whole if kind == "integer" else number) or (
            "minimum" in schema and float(text) < schema["minimum"]
        ):
            out.append(f"{name}: header {header} {value!r} is not the documented {kind}")
    return out


# Known bugs of the live API (api-surface §8): a live run does not send these requests.
LIVE_KNOWN_BUGS = {
    "updateShipping": "guide updates answer 500",
    "updateTransport": "guide updates answer 500",
    "updateDevolution": "guide updates answer 500",
    "deleteClientTreasuryMovement": "treasury deletes answer 500 (yet are applied)",
}
RATE_HEADERS = ("x-ratelimit-limit", "ratelimit-limit", "x-rate-limit-limit")
MAX_BACKOFF = 64.0
# Live clean-up, at most: per document whose state no answer stated, read it, cancel or delete
# it, and read again an invoice its receipt's cancelling freed (a document whose state is known
# costs its events out); once, the pages of the item list.
CLEANUP_PER_DOCUMENT = 3
CLEANUP_FIXED = 8  # the item list's page, and the items our documents' lines made (by name)
CLEANUP_PER_SETTLED = 2  # its related documents read, the receipt settling issued cancelled
MAX_WAIT = 300.0  # give up on one request after this much waiting on 429s


class Pacer:
    """How fast this process may talk to the server, learnt from what the server shows.

    Always honours a 429 (its `Retry-After`, else an exponential back-off) and then slows to
    what the server let through in the last minute; a limit announced in a rate-limit header
    is followed from the start. Shared by every suite of the process (schemathesis too)."""

    def __init__(self, per_minute: int = 0, workers: int = 1) -> None:
        self.per_minute = per_minute
        self.workers = max(1, workers)
        self._sent: deque[float] = deque()
        self._last = 0.0
        self._lock = threading.Lock()
        self.throttled = 0  # 429s waited out

    def before(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self.per_minute:
                wait = self._last + 60.0 / self.per_minute - now
                if wait > 0:
                    time.sleep(wait)
                    now = time.monotonic()
            self._last = now
            self._sent.append(now)
            while self._sent and now - self._sent[0] > 60:
                self._sent.popleft()

    def after(self, status: int, headers: Mapping[str, Any], attempt: int) -> float | None:
        """Seconds to wait before sending the same request again (None: keep the answer)."""
        headers = {
            str(k).lower(): str(v[0] if isinstance(v, list) and v else v)
            for k, v in headers.items()
        }
        shown = next((headers.get(h) for h in RATE_HEADERS if headers.get(h)), None)
        if shown and shown.strip().isdigit() and int(shown) > 0:
            self.per_minute = max(1, int(int(shown) * 0.9) // self.workers)
        if status != 429:
            return None
        self.throttled += 1
        with self._lock:
            let_through = max(1, len(self._sent) - 1)
            if not shown:
                self.per_minute = max(1, min(self.per_minute or let_through, let_through))
        retry_after = (headers.get("retry-after") or "").strip()
        if retry_after.replace(".", "", 1).isdigit():
            return min(float(retry_after) + 0.5, MAX_BACKOFF)
        return min(2.0**attempt, MAX_BACKOFF)


class ServerClock:
    """The server's wall clock as its answers state it (`Date`), advanced by the time since.

    Every date the suites send derives from `today()`, so a run is right on any day and against
    a server whose clock is off the suite's by minutes or years. Before any answer, the suite's
    own clock stands in."""

    def __init__(self) -> None:
        self._read: tuple[dt.datetime, float] | None = None

    def observe(self, headers: Mapping[str, Any]) -> None:
        """Read `Date` from httpx headers or schemathesis' (a dict of lists, any case)."""
        value = next((v for k, v in headers.items() if str(k).lower() == "date"), "")
        if isinstance(value, list):
            value = value[0] if value else ""
        stated = wall_clock(str(value))
        if stated is not None:
            self._read = (stated, time.monotonic())

    @property
    def known(self) -> bool:
        return self._read is not None

    def now(self) -> dt.datetime:
        if self._read is None:
            return lisbon_now()
        stated, at = self._read
        return stated + dt.timedelta(seconds=time.monotonic() - at)

    def today(self) -> dt.date:
        return self.now().date()


SERVER_CLOCK = ServerClock()  # one server per process, like the ContractClient


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
        self.pacer = Pacer(target.per_minute, target.workers)
        self.current_test = ""
        self.touched: list[str] = []
        self.quick_minutes = 0.0  # --quick: once the server paces the run, stop sending then
        self.started = time.monotonic()
        self.target_secrets: list[str] = [target.api_key]
        self.created_documents: list[tuple[str, int]] = []  # (document type, id)
        self.created_other: list[tuple[str, dict[str, Any]]] = []  # (delete op, params)
        # document id -> (status, carries the run marker), as the last answer about it said;
        # the clean-up reads only the documents missing here
        self.states: dict[int, tuple[str, bool]] = {}
        # documents a change-state answer called settled: settling issues a receipt ("When
        # changing state to settled, a new receipt will be created", api-docs 002), which the
        # clean-up finds among their related documents
        self.settled: set[int] = set()
        self.waited_out: list[Any] = []  # the 429s the last request waited out: checked too

    def close(self) -> None:
        self.http.close()

    def paced_out(self) -> bool:
        """--quick against a server that paces it (429s): its minutes are spent."""
        return bool(
            self.quick_minutes
            and self.pacer.throttled
            and time.monotonic() - self.started > self.quick_minutes * 60
        )

    def url(self, op: Operation, params: Mapping[str, Any]) -> str:
        path = op.path
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        return path

    def send(self, request: Any, *, retry_429: bool = True) -> Any:
        """Send through the pacer, counting every request: `request()` again after each 429
        until the server lets it through (or MAX_WAIT is spent: the 429 is then the answer)."""
        waited = 0.0
        attempt = 0
        self.waited_out = []
        while True:
            if self.budget and self.ledger.requests + self.cleanup_reserve() >= self.budget:
                pytest.skip(
                    f"request budget reached ({self.budget} requests in this worker, "
                    f"{self.cleanup_reserve()} of them kept for the clean-up)"
                )
            if self.paced_out():
                pytest.skip(
                    f"--quick: the server paces this run ({self.pacer.per_minute} requests a "
                    f"minute), so it stops sending after {self.quick_minutes:.0f} minutes; the "
                    "tests of the plan ran first, run without --quick for the rest"
                )
            if retry_429:  # probes for a 429 (retry_429=False) must not be paced under it
                self.pacer.before()
            response = request()
            self.ledger.requests += 1
            SERVER_CLOCK.observe(response.headers)
            if not retry_429:
                return response
            wait = self.pacer.after(response.status_code, response.headers, attempt)
            if wait is None or waited + wait > MAX_WAIT:
                if response.status_code == 429:
                    self.ledger.findings[f"unhandled 429 after {waited:.0f}s of waiting"] += 1
                return response
            self.ledger.throttled += 1
            self.waited_out.append(response)
            time.sleep(wait)
            waited += wait
            attempt += 1

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
        retry_429: bool = True,
    ) -> httpx.Response:
        """Send one request to `operation_id`; record it; raise ContractViolation if it breaks
        the spec (unless `check=False`, for suites that assert the breach themselves)."""
        op = self.spec.operations[operation_id]
        if self.target.live and operation_id in LIVE_KNOWN_BUGS:
            pytest.skip(f"[{operation_id}] known live bug: {LIVE_KNOWN_BUGS[operation_id]}")
        q: dict[str, Any] = dict(query or {})
        if key is KEY:
            q["api_key"] = self.target.api_key
        elif key is not None:
            q["api_key"] = key
        headers = {"Accept": "application/json"}
        kwargs: dict[str, Any] = {}
        if raw_body is not None:
            kwargs["content"] = raw_body
            headers["Content-Type"] = content_type
        elif json is not None:
            kwargs["json"] = json

        def request() -> httpx.Response:
            return self.http.request(
                op.method, self.url(op, params or {}), params=q, headers=headers, **kwargs
            )

        response: httpx.Response = self.send(request, retry_429=retry_429)
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
        if response.status_code == 201:
            self._remember(operation_id, op.document_type, response)
        self._note_state(params or {}, response)
        acted_on = (params or {}).get("document-id")
        if op.state_machine and acted_on is not None:
            doc_id = int(acted_on)
            if self.states.get(doc_id, ("", False))[0] == "settled":
                self.settled.add(doc_id)
        if check:
            found = [v for r in self.waited_out for v in violations(self.spec, op, r)]
            found += violations(self.spec, op, response)
            if found:
                raise ContractViolation(self.redact("\n".join(found)))
        return response

    def _remember(
        self, operation_id: str, document_type: str | None, response: httpx.Response
    ) -> None:
        """Every document, item and tax a create answered: the live clean-up's list, whichever
        suite made it."""
        try:
            made = next(iter(response.json().values()))
            made_id = int(made["id"])
        except (ValueError, TypeError, KeyError, StopIteration, AttributeError):
            return
        if document_type or operation_id == "createPartialPayment":
            self.created_documents.append((document_type or "receipts", made_id))
        elif operation_id in ("createItem", "createTax"):
            param = "item-id" if operation_id == "createItem" else "tax-id"
            self.created_other.append((operation_id.replace("create", "delete"), {param: made_id}))

    def _note_state(self, params: Mapping[str, Any], response: httpx.Response) -> None:
        """Keep the status a document answer states; forget that of a document acted on
        whose answer was about something else (a payment answers the receipt)."""
        acted_on = params.get("document-id")
        if acted_on is not None:
            self.states.pop(int(acted_on), None)
        if not 200 <= response.status_code < 300 or "json" not in response.headers.get(
            "content-type", ""
        ):
            return
        try:
            body = response.json()
            doc = next(iter(body.values())) if isinstance(body, dict) and len(body) == 1 else None
            if isinstance(doc, dict) and "status" in doc and "id" in doc:
                marked = self.target.marker in str(doc.get("observations", ""))
                self.states[int(doc["id"])] = (str(doc["status"]), marked)
        except (ValueError, TypeError, StopIteration):
            return

    def cleanup_reserve(self) -> int:
        """Live: what the clean-up of everything this process made so far may cost. Tests stop
        before they eat into it, so tests and clean-up together never pass the budget."""
        if not self.target.live:
            return 0
        documents = 0
        for document_type, doc_id in set(self.created_documents):
            known = self.states.get(doc_id)
            steps = self.steps_out(document_type, known[0]) if known else None
            documents += CLEANUP_PER_DOCUMENT if steps is None else steps
        issued = CLEANUP_PER_SETTLED * len(self.settled)
        return CLEANUP_FIXED + documents + issued + len(self.created_other)

    def steps_out(self, document_type: str, status: str) -> int | None:
        """Events from `status` to deleted or canceled by the type's state machine (0 there
        already); None when the machine is unknown or leads nowhere out."""
        machine = self._machines().get(document_type)
        if machine is None:
            return None
        seen = {status: 0}
        queue = [status]
        while queue:
            state = queue.pop(0)
            if state in ("deleted", "canceled"):
                return seen[state]
            for t in machine["transitions"]:
                if t["from"] == state and t["to"] not in seen:
                    seen[t["to"]] = seen[state] + 1
                    queue.append(t["to"])
        return None

    @functools.cache  # noqa: B019 - one client per process, living as long as it
    def _machines(self) -> dict[str, dict[str, Any]]:
        return {
            str(op.state_machine["document_type"]): op.state_machine
            for op in self.spec
            if op.state_machine
        }

    def read_clock(self) -> None:
        """One cheap read before the first write, so that every date this process sends
        derives from the server's clock (`SERVER_CLOCK`), not the suite's."""
        if not SERVER_CLOCK.known:
            self.call("listTaxes", check=False)

    def dated(self, value: Any) -> Any:
        """`value` (a body or query from the spec's examples) with its dates moved to the
        server's today."""
        return rebase(value, self.spec.examples_date, SERVER_CLOCK.today())

    def redact(self, text: str) -> str:
        return redact_text(text, self.target_secrets)

    def require(self, operation_id: str, response: httpx.Response, *codes: int) -> None:
        """Setup: the request a test needed answered one of `codes`, else SetupFailed."""
        if response.status_code not in codes:
            raise SetupFailed(operation_id, response.status_code, self.describe(response))

    def describe(self, response: httpx.Response) -> str:
        """A one-line, redacted description of a response for failure messages."""
        body = response.text[:400]
        return self.redact(
            f"{response.request.method} {redact_url(response.request.url)} -> "
            f"{response.status_code} {body}"
        )


def carries(spec: Spec, message: str, found: list[str], operation_id: str) -> bool:
    """`found` holds `message` word for word, in English or in another evidenced wording of
    it (`x-error-translations`): the API answers in the account's language, which the suites
    do not know, so a Portuguese account's 422s are not false failures. A message with
    `{placeholders}` is carried by any answer that fills them in."""
    for wording in spec.wordings(message, operation_id):
        if wording in found:
            return True
        if "{" in wording and any(template_regex(wording).match(f) for f in found):
            return True
    return False


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
