"""The HTTP layer: one endpoint per spec path; auth, rate limit, the run, errors, the log."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from invoicexpress_core.exchange import redact_url

from . import _faults, _liveforms
from ._errors import ApiError, render, say
from ._faults import mutate
from ._request import RequestReading, query_of, query_problem
from ._shared import JSON_TYPE, REASON_HEADER, BoundOperation, dumps, header_safe
from .areas._base import Ctx, Json
from .handlers import RawJson, Req


def starlette_path(path: str) -> str:
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


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


class _Forgotten(Exception):
    """A fault's answered-but-not-stored write: raised inside the transaction to roll it back."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


class HttpLayer(RequestReading):
    """Serves the API operations: every answer, error or not, goes out through here."""

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

    async def handle(self, request: Request, bound: BoundOperation) -> Response:
        op = bound.op
        faults = frozenset(self.faults)
        started = time.perf_counter()
        body: Any = None
        account: Json | None = None
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
                query_of(request),
                body,
                bound.handler.doc_type,
                bound.machine,
            )
            if faults:
                req.query, req.body = _faults.before(op.operation_id, req.query, req.body, faults)
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
            if faults:
                err.status, err.message = _faults.on_error(err.status, err.message, faults)
                err.headers = _faults.headers(err.status, faults, err.headers)
            response = self._error(bound, err, str((account or {}).get("language") or "en"))
            self._record(request, op.operation_id, response.status_code, started, err.reason)
            return response
        live = _liveforms.SWITCH in self.quirks
        if isinstance(payload, RawJson):
            if not faults and not live:
                self._record(request, op.operation_id, status, started)
                return Response(payload.data, status_code=status, media_type=JSON_TYPE)
            payload = json.loads(payload.data)
        payload, status = (
            mutate(payload, faults, status, op.method, op.operation_id)
            if faults
            else (payload, status)
        )
        if live:
            payload = _liveforms.payload(op.operation_id, payload, body)
        media = _faults.media_type(faults, JSON_TYPE)
        self._record(request, op.operation_id, status, started)
        if payload is None:
            return Response(b"", status_code=status)
        return Response(dumps(payload), status_code=status, media_type=media)

    def _run(
        self,
        bound: BoundOperation,
        req: Req,
        account: Json,
        base_url: str,
        faults: frozenset[str],
    ) -> tuple[int, Any]:
        try:
            return self._run_in(bound, req, account, base_url, faults)
        except _Forgotten as forgotten:
            return forgotten.status, forgotten.payload

    def _run_in(
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
            if faults and 200 <= status < 300 and _faults.forgets(bound.op.operation_id, faults):
                raise _Forgotten(status, payload)  # answered, then rolled back
        if bound.op.operation_id.startswith(("createAccount", "updateAccount")):
            self._refresh_keys()
        return status, payload

    def _authenticate(self, request: Request, faults: frozenset[str]) -> Json:
        key = request.query_params.get("api_key")
        if (not key and "skip_auth" in faults) or (
            key and key not in self._keys and "wrong_key_accepted" in faults
        ):
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

    def _error(self, bound: BoundOperation | None, err: ApiError, language: str = "en") -> Response:
        if err.body is not None:
            body = err.body
        else:
            shape, example = bound.shapes.get(err.status, ("", None)) if bound else ("", None)
            if err.generic and example and shape != "SimpleError":
                err.message = example
            if language != "en" and bound is not None:  # the account's language, where evidenced
                err.message = self.spec.translate(err.message, language, bound.op.operation_id)
            body = render(err.shape or shape or "ErrorsObject", err)
            if _liveforms.SWITCH in self.quirks:
                op_id = bound.op.operation_id if bound else None
                live = _liveforms.error_body(op_id, err.status, err.message, err.field)
                body = body if live is None else live
        headers = dict(err.headers)
        if err.status < 500:
            headers[REASON_HEADER] = header_safe(err.reason)
        if isinstance(body, str):  # a blank or HTML page, as recorded live
            media = "text/html; charset=utf-8" if body else JSON_TYPE
            return Response(body, status_code=err.status, media_type=media, headers=headers)
        return Response(dumps(body), status_code=err.status, media_type=JSON_TYPE, headers=headers)

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

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        return self._error(None, ApiError(404, "Not found", reason=": no such route"))

    async def _not_allowed(self, request: Request, exc: Exception) -> Response:
        return self._error(
            None,
            ApiError(405, "Method not allowed", reason=f": {request.method} not allowed here"),
        )
