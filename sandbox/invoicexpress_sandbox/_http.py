"""The request path of the API operations: read the call, answer it, send and log the answer.

    read -> [fault seam] -> serve (auth, rate limit, bad input, query, handler in a
    transaction) -> [fault seam] -> respond

Every answer, error or not, goes out through `respond`. The state it works on (store, clock,
switches, rate limit, keys, call log) is handed to `Api` when the sandbox is built.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from starlette.datastructures import URL
from starlette.responses import Response

from . import _liveforms
from ._call import Call, Outcome, Reply
from ._errors import ApiError, render, say
from ._guard import Receive, Scope, Send
from ._request import check_query, query_problem, read_body, read_query
from ._shared import JSON_TYPE, REASON_HEADER, BoundOperation, dumps, header_safe
from ._state import Parts, Serving
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


class _Answered(Exception):
    """A write answered but not kept (`Call.commit` off): raised in the transaction to roll it
    back."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


class Api(Serving):
    """Serves the API operations."""

    def __init__(self, parts: Parts) -> None:
        super().__init__(parts)
        self._base_urls: dict[tuple[Any, ...], str] = {}

    async def __call__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        bound: BoundOperation,
        params: Mapping[str, str],
    ) -> None:
        await (await self.answer(scope, receive, bound, params)).send(send)

    async def answer(
        self, scope: Scope, receive: Receive, bound: BoundOperation, params: Mapping[str, str]
    ) -> Answer:
        """The answer to an API call (logged, not yet sent)."""
        started = time.perf_counter()
        call = await self._read(scope, receive, bound, params)
        plan = self.switches.plan
        outcome = plan.apply(call, self.serve, self.accounts.by_key) if plan else self.serve(call)
        answer, reason = self._respond(call, outcome)
        self.calls.record(scope, bound.op.operation_id, answer.status, started, reason)
        return answer

    async def _read(
        self, scope: Scope, receive: Receive, bound: BoundOperation, params: Mapping[str, str]
    ) -> Call:
        """The call as sent; bad input in it is kept to be answered in its turn (after the
        key and the rate limit)."""
        raw_query = scope.get("query_string", b"")
        key, query = read_query(raw_query)
        problem: ApiError | None = None
        found = query_problem(raw_query)
        if found:
            problem = ApiError(400, f"Query string is not valid: {found}", reason=f": {found}")
        body: Any = None
        if problem is None and bound.validator is not None:
            try:
                body = await read_body(
                    scope, receive, bound, self.options, self.switches.quirks, self.clock
                )
            except ApiError as err:
                problem = err
        handler = bound.handler
        req = Req(bound.op.operation_id, dict(params), query, body, handler.doc_type, bound.machine)
        return Call(bound, key, req, body, problem, self._base_url(scope))

    def _base_url(self, scope: Scope) -> str:
        """Starlette's `request.base_url` without its trailing slash, kept per host."""
        host = next((v for k, v in scope["headers"] if k == b"host"), None)
        root = scope.get("root_path", "")
        server = scope.get("server")  # a list, not a tuple, from some clients (TestClient)
        cache_key = (scope.get("scheme"), tuple(server) if server else None, root, host)
        found = self._base_urls.get(cache_key)
        if found is None:
            path = root if root.endswith("/") else root + "/"
            url = URL(scope={**scope, "path": path, "query_string": b"", "root_path": root})
            found = str(url).rstrip("/")
            if len(self._base_urls) > 64:
                self._base_urls.clear()
            self._base_urls[cache_key] = found
        return found

    def serve(self, call: Call) -> Outcome:
        """The honest answer to the call."""
        bound = call.bound
        try:
            account = call.account = self._authenticate(call.api_key)
            retry = self.rate.retry_after(str(account["name"]))
            if retry is not None:
                raise ApiError(
                    429, "Too many requests, slow down.", headers={"Retry-After": str(retry)}
                )
            if call.problem is not None:
                raise call.problem
        except ApiError as err:
            return _refusal(bound, err, None)
        try:
            check_query(bound, call.req.query)
            return self._run(call, account)
        except ApiError as err:
            return _refusal(bound, err, call.sent)

    def _run(self, call: Call, account: Json) -> Reply:
        bound = call.bound
        handler = bound.handler
        try:
            with self.store.write() if handler.writes else self.store.read() as tx:
                # Writers re-read the account inside their transaction (switches such as
                # `at_configured` may have changed); readers use the cached record.
                if handler.writes:
                    account = tx.get("account", int(account["id"])) or account
                ctx = Ctx(
                    tx=tx,
                    account=account,
                    now=self.clock.now(),
                    quirks=self.switches.quirks,
                    base_url=call.base_url,
                )
                status, payload = handler.fn(ctx, call.req)
                if not call.commit and 200 <= status < 300:
                    raise _Answered(status, payload)  # answered, then rolled back
        except _Answered as answered:
            return Reply(answered.status, answered.payload)
        if bound.refreshes_keys:
            self.accounts.refresh()
        return Reply(status, payload)

    def _authenticate(self, key: str | None) -> Json:
        account = self.accounts.by_key.get(key or "")
        if account is None:
            raise ApiError(
                401,
                say("invalid_api_key"),
                shape="ErrorsObject",
                reason=f"/api_key: {'unknown key' if key else 'missing query parameter'}",
            )
        return account

    def _respond(self, call: Call, outcome: Outcome) -> tuple[Answer, str | None]:
        """The answer, and the reason of a refusal (for the log)."""
        bound = call.bound
        if isinstance(outcome, ApiError):
            language = str((call.account or {}).get("language") or "en")
            return self._error(bound, outcome, language), outcome.reason
        status, payload = outcome.status, outcome.payload
        live = _liveforms.SWITCH in self.switches.quirks
        if isinstance(payload, RawJson):
            if not live:
                return Answer(status, payload.data, outcome.media_type), None
            payload = json.loads(payload.data)
        if live:
            payload = _liveforms.payload(bound.op.operation_id, payload, call.sent)
        if payload is None:
            return Answer(status, b"", None), None
        return Answer(status, dumps(payload), outcome.media_type), None

    def error(self, bound: BoundOperation | None, err: ApiError, language: str = "en") -> Response:
        """A refusal in the body shape the operation documents for its status."""
        answer = self._error(bound, err, language)
        return Response(answer.body, answer.status, answer.headers, answer.media_type)

    def _error(self, bound: BoundOperation | None, err: ApiError, language: str) -> Answer:
        if err.body is not None:
            body = err.body
        else:
            shape, example = bound.shapes.get(err.status, ("", None)) if bound else ("", None)
            if err.generic and example and shape != "SimpleError":
                err.message = example
            if language != "en" and bound is not None:  # the account's language, where evidenced
                err.message = self.spec.translate(err.message, language, bound.op.operation_id)
            body = render(err.shape or shape or "ErrorsObject", err)
            if _liveforms.SWITCH in self.switches.quirks:
                op_id = bound.op.operation_id if bound else None
                live = _liveforms.error_body(op_id, err.status, err.message, err.field)
                body = body if live is None else live
        headers = dict(err.headers)
        if err.status < 500:
            headers[REASON_HEADER] = header_safe(err.reason)
        if isinstance(body, str):  # a blank or HTML page, as recorded live
            media = "text/html; charset=utf-8" if body else JSON_TYPE
            return Answer(err.status, body.encode(), media, headers)
        return Answer(err.status, dumps(body), JSON_TYPE, headers)


class Answer(NamedTuple):
    status: int
    body: bytes
    media_type: str | None
    headers: dict[str, str] | None = None

    async def send(self, send: Send, date: bytes | None = None) -> None:
        """Sent as Starlette's `Response` sends it (same headers, same order), after `date`
        (the `Date` header) when given."""
        given = (self.headers or {}).items()
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in given]
        if date is not None:
            raw = [(b"date", date), *(h for h in raw if h[0] != b"date")]
        named = {k for k, _ in raw} if given else frozenset()
        status = self.status
        if b"content-length" not in named and not (status < 200 or status in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        media = self.media_type
        if media is not None and b"content-type" not in named:
            raw.append((b"content-type", _content_type(media)))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": self.body})


@functools.lru_cache(maxsize=32)
def _content_type(media: str) -> bytes:
    """The `Content-Type` Starlette's `Response` sends for a media type (a few, each worked
    out once)."""
    if media.startswith("text/") and "charset=" not in media.lower():
        media += "; charset=utf-8"
    return media.encode("latin-1")


def _refusal(bound: BoundOperation, err: ApiError, sent: Any) -> ApiError:
    """A rule's refusal as the operation answers it: its field named inside the body's one
    root object; a 422 where the operation documents none is the 400 of malformed input."""
    roots = [k for k in sent if k != "proprietary_uid"] if isinstance(sent, dict) else []
    if len(roots) == 1:
        err.within(roots[0])
    if err.status == 422 and 422 not in bound.shapes:
        # A rule broken on an operation that documents no 422 (a list filter such as an
        # impossible date) is malformed input: its documented answer is 400.
        return ApiError(400, err.message, shape="ErrorsObject", reason=err.reason)
    return err
