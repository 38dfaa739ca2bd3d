"""The ASGI application: routes bound from the spec, auth, rate limit, bad-input handling.

Start-up reads the spec, refuses to run when an operation has no handler or when the spec is
not the one the handlers were built for, compiles every request-body validator once, and
registers one Starlette route per spec path. Requests are served on the event loop thread
through a single SQLite connection, each mutating request in one transaction.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote_to_bytes

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicexpress_core.exchange import redact_url
from invoicexpress_core.machines import StateMachine
from invoicexpress_core.spec import Operation, Spec, load_spec

from ._catalog import DOC_TYPES
from ._clock import Clock
from ._errors import ApiError, render, say
from ._faults import FAULTS, QUIRKS, mutate, unknown
from ._guard import TOKEN_ENV, Guard
from ._store import Store
from ._validation import BodyValidator
from .areas._base import Ctx, Json
from .areas.accounts_saft import accounts, new_account, seed
from .handlers import HANDLERS, HandlerSpec, RawJson, Req

SPEC_HASH_FILE = Path(__file__).with_name("spec.sha256")
UPDATE_HINT = "python -m invoicexpress_sandbox.spec_hash --update"
JSON_TYPE = "application/json; charset=utf-8"
REASON_HEADER = "X-Sandbox-Reason"
FILES_PREFIX = "/_files"  # placeholder PDFs, QR codes, SAF-T files (URLs given to API clients)
MAX_BODY = 1_000_000
MAX_DEPTH = 32


class StartupError(RuntimeError):
    """The sandbox cannot serve this spec; the message says how to fix it."""


def expected_spec_hash() -> str:
    return SPEC_HASH_FILE.read_text().strip() if SPEC_HASH_FILE.exists() else ""


@dataclass
class Options:
    """How to run one sandbox."""

    db: str | None = None
    rate_limit: int | None = 100  # requests per minute per account; None = off
    faults: Iterable[str] = ()
    quirks: Iterable[str] = ()
    spec_path: Path | None = None
    check_spec_hash: bool = True
    max_body: int = MAX_BODY
    max_depth: int = MAX_DEPTH
    admin_token: str | None = None  # default: env IXC_SANDBOX_TOKEN, else random
    db_sync: str = "full"  # SQLite synchronous mode for a --db file: full | normal
    log: TextIO | None = None  # a request log line per API call goes here (`--log`)


def _coerce(schema: dict[str, Any], values: list[str]) -> Any:
    """A query string value as the JSON type its schema describes (ValueError if it is not)."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items", {})
        return [_coerce(items, [v]) for v in values]
    raw = values[-1]
    if kind == "integer":
        if not raw.lstrip("-").isdigit() or len(raw) > 18:  # beyond a 64-bit integer
            raise ValueError(raw)
        return int(raw)
    if kind == "number":
        return float(raw)
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    return raw


@dataclass
class BoundOperation:
    op: Operation
    handler: HandlerSpec
    validator: BodyValidator | None
    machine: StateMachine | None
    shapes: dict[int, tuple[str, str | None]] = field(default_factory=dict)


def _shape_of(spec: Spec, op: Operation) -> dict[int, tuple[str, str | None]]:
    """Per status: the named error schema and the example message (canonical body)."""
    out: dict[int, tuple[str, str | None]] = {}
    for code, raw in op.responses.items():
        if not code.isdigit():
            continue
        resp = spec.resolve(raw)
        media = (resp.get("content") or {}).get("application/json") or {}
        ref = (media.get("schema") or {}).get("$ref", "")
        example = ((media.get("examples") or {}).get("sandbox") or {}).get("value")
        message = _example_message(example)
        out[int(code)] = (str(ref).rsplit("/", 1)[-1] if ref else "", message)
    return out


def _example_message(example: Any) -> str | None:
    if isinstance(example, dict):
        errors = example.get("errors")
        if isinstance(errors, dict):
            return str(errors.get("error") or errors.get("message") or "") or None
        if isinstance(errors, list) and errors:
            first = errors[0]
            return str(first.get("error") if isinstance(first, dict) else first)
        for key in ("error", "message", "reason"):
            if isinstance(example.get(key), str):
                return str(example[key])
    return None


class Sandbox:
    """One running sandbox: spec, store, clock, switches and the Starlette app."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.spec = load_spec(self.options.spec_path)
        if self.options.check_spec_hash:
            expected = expected_spec_hash()
            if expected != self.spec.sha256:
                raise StartupError(
                    f"the spec at {self.spec.path} (sha256 {self.spec.sha256[:12]}) is not the "
                    f"one the sandbox handlers were built for ({expected[:12] or 'none'}). "
                    f"Check the handlers against the spec change, then record it with: "
                    f"{UPDATE_HINT}"
                )
        bad = unknown(list(self.options.faults) + list(self.options.quirks))
        if bad:
            raise StartupError(
                f"unknown fault or quirk: {', '.join(bad)}; known: "
                f"{', '.join(sorted(FAULTS) + sorted(QUIRKS))}"
            )
        self.faults, self.quirks = self._start_switches()
        self.rate_limit = self.options.rate_limit
        self.admin_token = (
            self.options.admin_token or os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(18)
        )
        self.bound = self._bind()
        self.store = Store(self.options.db, self.options.db_sync)
        self.clock = Clock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._query_cache: dict[str, list[tuple[str, bool, str, dict[str, Any]]]] = {}
        schemas = self.spec.document.get("components", {}).get("schemas", {})
        self._date_formats = {
            str(schemas[name]["pattern"]): fmt
            for name, fmt in (("DateDMY", "%d/%m/%Y"), ("DateTimeDMY", "%d/%m/%Y %H:%M:%S"))
            if "pattern" in schemas.get(name, {})
        }
        self._keys: dict[str, Json] = {}
        self._lock = threading.Lock()
        self.calls: deque[dict[str, Any]] = deque(maxlen=1000)
        with self.store.write() as tx:
            if tx.get("account", 1) is None:
                seed(tx, self.clock.now())
        self._refresh_keys()
        routes = Starlette(routes=self._routes())
        routes.add_exception_handler(404, self._not_found)
        routes.add_exception_handler(405, self._not_allowed)
        self.app = Guard(routes, self.admin_token)

    def _start_switches(self) -> tuple[set[str], set[str]]:
        """(faults, quirks) as the options set them at start-up."""
        names = (*self.options.faults, *self.options.quirks)
        return {n for n in names if n in FAULTS}, {n for n in names if n in QUIRKS}

    # ------------------------------------------------------------------ binding

    def _bind(self) -> dict[str, BoundOperation]:
        missing = sorted(op.operation_id for op in self.spec if op.operation_id not in HANDLERS)
        if missing:
            raise StartupError(
                f"the spec has {len(missing)} operation(s) without a sandbox handler: "
                f"{', '.join(missing)}. Add them to the area's module under "
                "invoicexpress_sandbox/handlers/."
            )
        bound: dict[str, BoundOperation] = {}
        for op in self.spec:
            validator = BodyValidator(self.spec, op) if op.raw.get("requestBody") else None
            bound[op.operation_id] = BoundOperation(
                op,
                HANDLERS[op.operation_id],
                validator,
                op.machine,
                _shape_of(self.spec, op),
            )
        return bound

    def _routes(self) -> list[Route]:
        by_path: dict[str, dict[str, BoundOperation]] = {}
        for b in self.bound.values():
            by_path.setdefault(b.op.path, {})[b.op.method] = b
        routes = [Route(p, e, methods=m) for p, e, m in self._admin_routes()]
        for path in sorted(by_path, key=lambda p: (p.count("{"), p)):
            methods = by_path[path]
            routes.append(
                Route(_starlette_path(path), self._endpoint(methods), methods=list(methods))
            )
        return routes

    def _endpoint(self, methods: dict[str, BoundOperation]) -> Any:
        async def endpoint(request: Request) -> Response:
            bound = methods.get(request.method)
            if bound is None:  # HEAD and friends
                return self._error(
                    None,
                    ApiError(
                        405, "Method not allowed", reason=f": {request.method} not allowed here"
                    ),
                )
            return await self.handle(request, bound)

        return endpoint

    # ------------------------------------------------------------------ serving

    async def handle(self, request: Request, bound: BoundOperation) -> Response:
        op = bound.op
        faults = frozenset(self.faults)
        started = time.perf_counter()
        body: Any = None
        try:
            account = self._authenticate(request, faults)
            retry = self._rate_limited(str(account["name"]))
            if retry is not None:
                raise ApiError(
                    429, "Too many requests, slow down.", headers={"Retry-After": str(retry)}
                )
            problem = query_problem(request.scope.get("query_string", b""))
            if problem:
                raise ApiError(400, f"Query string is not valid: {problem}", reason=f": {problem}")
            body = await self._body(request, bound)
            req = Req(
                op.operation_id,
                dict(request.path_params),
                _query(request),
                body,
                bound.handler.doc_type,
                bound.machine,
            )
            self._check_query(bound, req)
            status, payload = self._run(
                bound, req, account, str(request.base_url).rstrip("/"), faults
            )
        except ApiError as err:
            roots = [k for k in body if k != "proprietary_uid"] if isinstance(body, dict) else []
            if len(roots) == 1:
                err.within(roots[0])
            if err.status == 422 and 422 not in bound.shapes:
                # A rule broken on an operation that documents no 422 (a list filter such as
                # an impossible date) is malformed input: its documented answer is 400.
                err = ApiError(400, err.message, shape="ErrorsObject", reason=err.reason)
            response = self._error(bound, err)
            self._record(request, op.operation_id, response.status_code, started, err.reason)
            return response
        if isinstance(payload, RawJson):
            if not faults:
                self._record(request, op.operation_id, status, started)
                return Response(payload.data, status_code=status, media_type=JSON_TYPE)
            payload = json.loads(payload.data)
        payload, status = (
            mutate(payload, faults, status, op.method) if faults else (payload, status)
        )
        media = "text/html; charset=utf-8" if "wrong_content_type" in faults else JSON_TYPE
        self._record(request, op.operation_id, status, started)
        if payload is None:
            return Response(b"", status_code=status)
        return Response(_dumps(payload), status_code=status, media_type=media)

    def _run(
        self,
        bound: BoundOperation,
        req: Req,
        account: Json,
        base_url: str,
        faults: frozenset[str],
    ) -> tuple[int, Any]:
        store_ctx = self.store.write() if bound.handler.writes else self.store.read()
        with store_ctx as tx:
            # Writers re-read the account inside their transaction (switches such as
            # `at_configured` may have changed); readers use the cached record.
            fresh = (
                (tx.get("account", int(account["id"])) or account)
                if (bound.handler.writes)
                else account
            )
            ctx = Ctx(
                tx=tx,
                account=fresh,
                now=self.clock.now(),
                quirks=frozenset(self.quirks),
                faults=faults,
                base_url=base_url,
            )
            status, payload = bound.handler.fn(ctx, req)
        if bound.op.operation_id.startswith(("createAccount", "updateAccount")):
            self._refresh_keys()
        return status, payload

    def _authenticate(self, request: Request, faults: frozenset[str]) -> Json:
        key = request.query_params.get("api_key")
        if not key and "skip_auth" in faults:
            return self._keys[next(iter(self._keys))]
        account = self._keys.get(key or "")
        if account is None:
            raise ApiError(
                401,
                say("invalid_api_key"),
                shape="ErrorsObject",
                reason=f"/api_key: {'unknown key' if key else 'missing query parameter'}",
            )
        return account

    def _refresh_keys(self) -> None:
        with self.store.read() as tx:
            self._keys = {str(a["api_key"]): a for a in accounts(tx)}

    def _rate_limited(self, account: str) -> int | None:
        limit = self.rate_limit
        if not limit:
            return None
        now = time.monotonic()
        with self._lock:
            start, count = self._windows.get(account, (now, 0))
            if now - start >= 60:
                start, count = now, 0
            if count >= limit:
                return max(1, math.ceil(60 - (now - start)))
            self._windows[account] = (start, count + 1)
        return None

    async def _body(self, request: Request, bound: BoundOperation) -> Any:
        validator = bound.validator
        if validator is None:
            return None
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.options.max_body:
            raise ApiError(
                413, f"Request body larger than {self.options.max_body} bytes", shape="ErrorsObject"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.options.max_body:
                raise ApiError(
                    413,
                    f"Request body larger than {self.options.max_body} bytes",
                    shape="ErrorsObject",
                )
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            if validator.required:
                raise self._bad(bound, "Request body can't be blank")
            return {}
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json" and not ctype.endswith("+json"):
            raise self._bad(bound, say("email_content_type"), status=415)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self._bad(bound, "Request body is not valid UTF-8", status=400) from None
        try:
            body = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except RecursionError:
            raise self._bad(bound, "Request body is nested too deeply", status=400) from None
        except ValueError as exc:
            raise self._bad(bound, f"Request body is not valid JSON: {exc}", status=400) from None
        if _depth(body, self.options.max_depth) > self.options.max_depth:
            raise self._bad(bound, "Request body is nested too deeply", status=400)
        body = validator.normalise(body)
        if "bad_date_today" in self.quirks and bound.op.family and isinstance(body, dict):
            body = _date_fallback(body, validator.root_keys, self.clock.now())
        if (
            "tax_numeric_value_500" in self.quirks
            and bound.op.operation_id in ("createTax", "updateTax")
            and _numeric_tax_value(body)
        ):
            raise ApiError(500, "Internal Server Error", shape="ErrorsObject")
        validator.check(body)
        return body

    def _bad(self, bound: BoundOperation, message: str, *, status: int = 400) -> ApiError:
        """Bad input: the operation's documented 422 when it has one, else `status`."""
        if 422 in bound.shapes:
            return ApiError(422, message, field="base")
        return ApiError(status, message, shape="ErrorsObject")

    def _check_query(self, bound: BoundOperation, req: Req) -> None:
        """Query parameters against their schemas in the spec: a missing required one, or a
        value of the wrong type, range or enum, is bad input (the op's 422, else 400)."""
        for name, required, pointer, schema in self._query_params(bound.op):
            values = req.query.get(name)
            if values and len(values) > 1 and schema.get("type") != "array":
                raise self._bad(bound, f"{name} is given {len(values)} times")
            if not values:
                # Operations that document a 422 name their own message for it (SAF-T's month).
                if required and 422 not in bound.shapes:
                    raise self._bad(bound, f"{name} is required")
                continue
            try:
                value = _coerce(schema, values)
            except ValueError:
                raise self._bad(bound, f"{name} is not valid: {values[-1]!r}") from None
            error = next(iter(self.spec.validator_at(pointer).iter_errors(value)), None)
            if error is not None or not self._real_date(schema, value):
                raise self._bad(bound, f"{name} is not valid: {values[-1]!r}")

    def _real_date(self, schema: dict[str, Any], value: Any) -> bool:
        """A value of a date type of the spec (by its pattern) names a day that exists."""
        fmt = self._date_formats.get(str(schema.get("pattern")))
        if fmt is None or not isinstance(value, str):
            return True
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            return False
        return True

    def _query_params(self, op: Operation) -> list[tuple[str, bool, str, dict[str, Any]]]:
        """(name, required, schema pointer, resolved schema) per query parameter; cached."""
        cache = self._query_cache
        if op.operation_id not in cache:
            found = []
            for i, raw in enumerate(op.raw.get("parameters", [])):
                ref = raw.get("$ref")
                param = self.spec.resolve(raw)
                if param.get("in") != "query":
                    continue
                base = ref[1:] if ref else f"{op.pointer}/parameters/{i}"
                schema = self.spec.resolve(param.get("schema", {}))
                found.append(
                    (str(param["name"]), bool(param.get("required")), f"{base}/schema", schema)
                )
            cache[op.operation_id] = found
        return cache[op.operation_id]

    def _error(self, bound: BoundOperation | None, err: ApiError) -> Response:
        if err.body is not None:
            body = err.body
        else:
            shape, example = bound.shapes.get(err.status, ("", None)) if bound else ("", None)
            if (
                err.status == 404
                and example
                and shape != "SimpleError"
                and (
                    err.message
                    in (
                        "Document not found",
                        "Client not found",
                        "Item not found",
                        "Tax not found",
                        "Regularization not found",
                        "Treasury movement not found",
                    )
                )
            ):
                err.message = example
            body = render(err.shape or shape or "ErrorsObject", err)
        headers = dict(err.headers)
        if err.status < 500:
            headers[REASON_HEADER] = header_safe(err.reason)
        return Response(_dumps(body), status_code=err.status, media_type=JSON_TYPE, headers=headers)

    def _record(
        self,
        request: Request,
        operation_id: str,
        status: int,
        started: float,
        reason: str | None = None,
    ) -> None:
        """Capture the call; the URL is redacted when read (keeps the hot path cheap)."""
        self.calls.append(
            {
                "method": request.method,
                "url": request.url,
                "operation_id": operation_id,
                "status": status,
                "reason": reason if status < 500 else None,
                "at": time.time(),
            }
        )
        log = self.options.log
        if log is not None:
            ms = (time.perf_counter() - started) * 1000
            line = f"{request.method} {redact_url(_path_and_query(request))} {status} {ms:.1f}ms"
            print(f"{line} {header_safe(reason)}" if reason else line, file=log, flush=True)

    @staticmethod
    def _json(status: int, body: Any) -> Response:
        """An admin answer; a refusal names its cause in the reason header too."""
        headers = {}
        if status >= 400 and isinstance(body, dict):
            error = (body.get("errors") or {}).get("error")
            headers[REASON_HEADER] = header_safe(f": {error}")
        return Response(_dumps(body), status_code=status, media_type=JSON_TYPE, headers=headers)

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        return self._error(None, ApiError(404, "Not found", reason=": no such route"))

    async def _not_allowed(self, request: Request, exc: Exception) -> Response:
        return self._error(
            None,
            ApiError(405, "Method not allowed", reason=f": {request.method} not allowed here"),
        )

    # ------------------------------------------------------------------ admin

    def _admin_routes(self) -> list[tuple[str, Any, list[str]]]:
        return [
            ("/_sandbox/health", self._health, ["GET"]),
            ("/_sandbox/reset", self._reset, ["POST"]),
            ("/_sandbox/accounts", self._accounts, ["GET", "POST"]),
            ("/_sandbox/outbox", self._outbox, ["GET", "DELETE"]),
            ("/_sandbox/clock", self._clock, ["GET", "POST", "DELETE"]),
            ("/_sandbox/faults", self._faults, ["GET", "PUT", "DELETE"]),
            ("/_sandbox/rate-limit", self._rate, ["GET", "PUT"]),
            ("/_sandbox/calls", self._calls, ["GET", "DELETE"]),
            ("/_sandbox/state", self._state, ["GET"]),
            (f"{FILES_PREFIX}/{{name}}", self._file, ["GET"]),
        ]

    async def _admin_json(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise ApiError(400, "admin body must be JSON") from None
        if not isinstance(data, dict):
            raise ApiError(400, "admin body must be a JSON object")
        return data

    async def _health(self, request: Request) -> Response:
        return self._json(
            200,
            {
                "status": "ok",
                "spec_sha256": self.spec.sha256,
                "operations": len(self.bound),
                "db": self.store.path,
                "db_sync": self.store.synchronous,
            },
        )

    def demo(self) -> Json:
        with self.store.read() as tx:
            account = tx.get("account", 1)
        assert account is not None
        return account

    async def _reset(self, request: Request) -> Response:
        """Back to the start configuration: state, faults, quirks, rate limit, clock, calls."""
        self.clock.reset()
        with self.store.write() as tx:
            tx.wipe()
            seed(tx, self.clock.now())
        self.faults, self.quirks = self._start_switches()
        self.rate_limit = self.options.rate_limit
        self._windows.clear()
        self.calls.clear()
        self._refresh_keys()
        demo = self.demo()
        return self._json(200, {"account_name": demo["name"], "api_key": demo["api_key"]})

    async def _accounts(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                data = await self._admin_json(request)
            except ApiError as err:
                return self._json(err.status, {"errors": {"error": err.message}})
            name = str(data.get("name") or "").strip().lower()
            if not (name.isascii() and name.isalnum() and len(name) <= 60):
                return self._json(
                    422, {"errors": {"error": "name must be 1-60 ASCII letters and digits"}}
                )
            key = data.get("api_key")
            if key is not None and not (
                isinstance(key, str)
                and key.isascii()
                and key.isprintable()
                and 8 <= len(key) <= 128
            ):
                return self._json(
                    422, {"errors": {"error": "api_key must be 8-128 printable ASCII characters"}}
                )
            with self.store.write() as tx:
                if any(a["name"] == name for a in accounts(tx)):
                    return self._json(409, {"errors": {"error": f"account {name} exists"}})
                account = new_account(
                    tx,
                    self.clock.now(),
                    name=name,
                    organization_name=str(data.get("organization_name") or name),
                    email=str(data.get("email") or f"{name}@sandbox.invalid"),
                    password=str(data.get("password") or "sandbox"),
                    api_key=str(data["api_key"]) if data.get("api_key") else None,
                    extra=_admin_extra(data),
                )
            self._refresh_keys()
            return self._json(201, _admin_account(account))
        with self.store.read() as tx:
            rows = [_admin_account(a) for a in accounts(tx)]
        return self._json(200, {"accounts": rows})

    async def _outbox(self, request: Request) -> Response:
        with self.store.write() as tx:
            mails: list[Json] = []
            for account in accounts(tx):
                for mail in tx.all("mail", str(account["name"])):
                    mail["account"] = account["name"]
                    mails.append(mail)
                    if request.method == "DELETE":
                        tx.delete("mail", int(mail["id"]))
        return self._json(200, {"messages": mails})

    async def _clock(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.clock.reset()
        elif request.method == "POST":
            try:
                data = await self._admin_json(request)
                if "now" in data:
                    self.clock.set(
                        datetime.fromisoformat(str(data["now"])),
                        frozen=bool(data.get("frozen", False)),
                    )
                if "advance_seconds" in data or "advance_days" in data:
                    self.clock.advance(
                        timedelta(
                            seconds=float(data.get("advance_seconds", 0)),
                            days=float(data.get("advance_days", 0)),
                        )
                    )
            except (ApiError, ValueError, TypeError) as exc:
                return self._json(400, {"errors": {"error": f"bad clock request: {exc}"}})
        return self._json(200, self.clock.describe())

    async def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            self.quirks.clear()
        elif request.method == "PUT":
            try:
                data = await self._admin_json(request)
            except ApiError as err:
                return self._json(err.status, {"errors": {"error": err.message}})
            names = [str(n) for n in (data.get("faults") or [])]
            names += [str(n) for n in (data.get("quirks") or [])]
            bad = unknown(names)
            if bad:
                return self._json(422, {"errors": {"error": f"unknown: {', '.join(bad)}"}})
            self.faults = {n for n in names if n in FAULTS}
            self.quirks = {n for n in names if n in QUIRKS}
        return self._json(
            200,
            {
                "faults": sorted(self.faults),
                "quirks": sorted(self.quirks),
                "available_faults": FAULTS,
                "available_quirks": QUIRKS,
            },
        )

    async def _rate(self, request: Request) -> Response:
        if request.method == "PUT":
            try:
                data = await self._admin_json(request)
                value = data.get("per_minute")
                self.rate_limit = None if value in (None, 0, "off") else int(value)
            except (ApiError, ValueError, TypeError) as exc:
                return self._json(400, {"errors": {"error": f"bad rate limit: {exc}"}})
            self._windows.clear()
        return self._json(200, {"per_minute": self.rate_limit})

    async def _calls(self, request: Request) -> Response:
        rows = [
            dict(
                c,
                url=redact_url(str(c["url"])),
                at=datetime.fromtimestamp(float(c["at"])).isoformat(timespec="milliseconds"),
            )
            for c in list(self.calls)
        ]
        if request.method == "DELETE":
            self.calls.clear()
        return self._json(200, {"calls": rows})

    async def _state(self, request: Request) -> Response:
        with self.store.read() as tx:
            snap = tx.snapshot()
        return self._json(
            200,
            {
                "records": [list(r) for r in snap["records"]],
                "counters": [list(r) for r in snap["counters"]],
                "meta": [list(r) for r in snap["meta"]],
                "switches": {
                    "faults": sorted(self.faults),
                    "quirks": sorted(self.quirks),
                    "rate_limit": self.rate_limit,
                    "clock": self.clock.setting(),
                },
            },
        )

    async def _file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name.endswith(".pdf"):
            return Response(
                b"%PDF-1.4\n% sandbox placeholder for " + name.encode() + b"\n%%EOF\n",
                media_type="application/pdf",
            )
        if name.endswith(".png"):
            return Response(b"\x89PNG\r\n\x1a\n", media_type="image/png")
        return Response(b"<?xml version='1.0'?><AuditFile/>", media_type="application/xml")


def _admin_extra(data: dict[str, Any]) -> dict[str, Any]:
    """Account switches settable from the admin route (trial, AT, payment provider)."""
    extra: dict[str, Any] = {k: bool(data[k]) for k in ("trial", "at_configured") if k in data}
    if "payment_provider" in data:
        extra["_payment_provider"] = bool(data["payment_provider"])
    return extra


def _admin_account(account: Json) -> Json:
    return {
        "id": account["id"],
        "name": account["name"],
        "api_key": account["api_key"],
        "organization_name": account["organization_name"],
        "email": account["email"],
        "trial": account.get("trial", False),
        "at_configured": account.get("at_configured"),
    }


def _starlette_path(path: str) -> str:
    """`/invoices/{document-id}.json` -> `/invoices/{document_id}.json` for Starlette."""
    out, i = [], 0
    while i < len(path):
        if path[i] == "{":
            j = path.index("}", i)
            out.append("{" + path[i + 1 : j].replace("-", "_") + "}")
            i = j + 1
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def _query(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key != "api_key":
            out.setdefault(key, []).append(value)
    return out


def _dumps(body: Any) -> bytes:
    """JSON bytes; never fails on text that UTF-8 cannot carry (a lone surrogate from an older
    store is sent as its JSON escape), so an answer after a commit always goes out."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def header_safe(text: str | None) -> str:
    """A header value: printable ASCII only (escapes the rest), at most 300 characters."""
    raw = (text or "").encode("ascii", "backslashreplace").decode("ascii")
    cleaned = "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" for c in raw)
    return cleaned if len(cleaned) <= 300 else cleaned[:297] + "..."


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _numeric_tax_value(body: Any) -> bool:
    tax = body.get("tax") if isinstance(body, dict) else None
    value = tax.get("value") if isinstance(tax, dict) else None
    return isinstance(value, int | float) and not isinstance(value, bool)


def _date_fallback(body: dict[str, Any], root_keys: list[str], now: datetime) -> dict[str, Any]:
    """Quirk `bad_date_today`: a document `date` that is no dd/mm/yyyy day becomes today."""
    for key in root_keys or [k for k in body if k != "proprietary_uid"]:
        root = body.get(key)
        if isinstance(root, dict) and "date" in root:
            try:
                datetime.strptime(str(root["date"]), "%d/%m/%Y")
            except ValueError:
                return {**body, key: {**root, "date": now.strftime("%d/%m/%Y")}}
    return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: a repeated key (which value wins?) is bad input."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return out


_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def query_problem(raw: bytes) -> str | None:
    """Why a raw query string cannot be read unambiguously (None: it can)."""
    if b"%" not in raw:
        return None
    if _BAD_PERCENT.search(raw):
        return "malformed percent-encoding"
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "percent-encoded bytes are not UTF-8"
    if "\x00" in text:
        return "NUL in the query string"
    return None


def _depth(node: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping early past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def create_app(options: Options | None = None) -> Guard:
    """The ASGI app of a new sandbox, guarded (see `Sandbox` for the pieces)."""
    return Sandbox(options).app


__all__ = ["DOC_TYPES", "Options", "Sandbox", "StartupError", "create_app"]
