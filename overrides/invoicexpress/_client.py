"""`InvoiceXpress` / `AsyncInvoiceXpress`: the generated client, configured and wrapped.

Namespace methods (generated, `invoicexpress_client.typed`) hand this module a `Call`; it builds
the request with the generated operation module (found via the OPERATIONS registry), sends it
with pacing, retries and typed errors (see `_transport`), and decodes the answer into the typed
model of the status it got, checked against the spec (see `_decode`).
"""

from __future__ import annotations

import inspect
import os
import types
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, MutableMapping
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union, get_args, get_origin

import httpx

from invoicexpress_client.api import OPERATIONS, OperationInfo
from invoicexpress_core.exchange import Exchange, redact_text

if TYPE_CHECKING:
    from invoicexpress_client.client import AuthenticatedClient

from ._decode import Decoder
from ._exceptions import (
    ConfigurationError,
    ConflictError,
    InvoiceXpressError,
    PollTimeoutError,
    TransportError,
    UnexpectedResponseError,
)
from ._resources import Async, Call, Namespaces, Sync
from ._transport import (
    CURRENT_OPERATION,
    AsyncInvoiceXpressTransport,
    Clock,
    InvoiceXpressTransport,
    Pacer,
    RetryPolicy,
    SystemClock,
    _Policy,
)
from ._wire import shape_body, to_wire

DEFAULT_REQUESTS_PER_MINUTE = 100


class _RawBody:
    """A JSON body for a generated function: it only calls `body.to_dict()`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return self._data

    def __repr__(self) -> str:
        return "<request body>"


#: the httpx transport a client takes: sync for InvoiceXpress, async for AsyncInvoiceXpress
T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)


class _Base(Generic[T]):
    """What both clients share: options, the account, the key (never shown), the pacing and
    retry policy; each subclass wraps its own kind of transport (`_connect`)."""

    def __init__(
        self,
        account: str | None = None,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        requests_per_minute: int | None = None,
        max_retries: int = 3,
        timeout: float = 30.0,
        clock: Clock | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        retry: RetryPolicy | None = None,
        strict: bool = True,
        uid_store: MutableMapping[str, int] | None = None,
        transport: T | None = None,
    ) -> None:
        #: what `for_account` passes on to a client for another account
        self._options: dict[str, Any] = {
            "base_url": base_url,
            "requests_per_minute": requests_per_minute,
            "max_retries": max_retries,
            "timeout": timeout,
            "clock": clock,
            "on_exchange": on_exchange,
            "retry": retry,
            "strict": strict,
            "transport": transport,
        }
        self.account = account or os.environ.get("INVOICEXPRESS_ACCOUNT") or None
        key = api_key or os.environ.get("INVOICEXPRESS_API_KEY")
        if not key:
            raise ConfigurationError("no InvoiceXpress API key")
        self._api_key = key
        base = base_url or os.environ.get("INVOICEXPRESS_BASE_URL")
        if not base:
            if not self.account:
                raise ConfigurationError("no InvoiceXpress account (or base URL)")
            base = f"https://{self.account}.app.invoicexpress.com"
        self.base_url = base.rstrip("/")
        self.clock: Clock = clock or SystemClock()
        rpm = DEFAULT_REQUESTS_PER_MINUTE if requests_per_minute is None else requests_per_minute
        pacer = Pacer(rpm, self.clock) if rpm > 0 else None
        self._policy = _Policy(
            secret=key,
            pacer=pacer,
            retry=retry or RetryPolicy(max_retries=max_retries),
            clock=self.clock,
            on_exchange=on_exchange,
        )
        self._timeout = httpx.Timeout(timeout)
        #: False: a response that does not fit its schema warns and keeps the raw value
        self.strict = strict
        #: proprietary_uid -> document id of this client's own creates (see `recover`)
        self.uid_store: MutableMapping[str, int] = {} if uid_store is None else uid_store
        self._connect(transport)

    def _connect(self, transport: T | None) -> None:
        """Build the generated client on this policy's transport, and the resources."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.account!r}, base_url={self.base_url!r}, "
            "api_key=[REDACTED])"
        )

    def _generated_client(self, **transport: Any) -> AuthenticatedClient:
        # imported here: the generated client brings attrs, which `import invoicexpress` skips
        from invoicexpress_client.client import AuthenticatedClient

        return AuthenticatedClient(
            base_url=self.base_url,
            token=self._api_key,
            timeout=self._timeout,
            raise_on_unexpected_status=False,
            headers={"Accept": "application/json"},
            httpx_args=transport,
        )

    def _request(self, call: Call) -> dict[str, Any]:
        """The httpx request arguments of `call`, built by the generated operation module."""
        info = operation_info(call.operation)
        params = info.parameters()
        if len(call.path) != len(info.path_params):
            raise TypeError(
                f"{call.operation} takes {len(info.path_params)} path ids "
                f"({', '.join(info.path_params)}), got {len(call.path)}"
            )
        kwargs: dict[str, Any] = dict(zip(info.path_params, call.path, strict=True))
        by_wire = dict(info.query_params)
        for wire, value in call.query.items():
            if value is None:
                continue
            name = by_wire.get(wire)
            if name is None:
                known = ", ".join(sorted(by_wire)) or "none"
                raise TypeError(
                    f"{call.operation} has no query parameter {wire!r} (it has: {known})"
                )
            kwargs[name] = _coerce(call.operation, wire, to_wire(value), params[name].annotation)
        if call.body is not None:
            body = call.body
            if isinstance(body, Mapping):
                body = _RawBody(shape_body(body, params["body"].annotation))
            kwargs["body"] = body
        elif "body" in params and params["body"].default is inspect.Parameter.empty:
            raise TypeError(f"{call.operation} needs a request body")
        return info.request(**kwargs)

    def _decode(self, call: Call, response: httpx.Response) -> Any:
        """The model of the status the server answered, decoded and checked (the status and
        the content type too: a misfit raises, or warns with `strict=False`)."""
        op_id = operation_id(call.operation)
        if not call.responses:  # `call()`: the JSON as it came
            return response.json() if response.content else None
        decoder = Decoder(op_id, strict=self.strict, redact=self._redact)
        status = response.status_code
        if status not in call.responses:
            documented = ", ".join(map(str, call.responses))
            decoder.misfit((), f"status {documented}", status)
            status = min(call.responses)  # strict=False: read it as the documented one
        model = call.responses[status]
        if model is None:
            return None
        kind = response.headers.get("content-type", "")
        if "json" not in kind:
            decoder.misfit((), "content type application/json", kind or None)
        try:
            data = response.json()
        except ValueError:
            raise UnexpectedResponseError(
                f"{op_id}: /: expected a JSON body ({model.__name__}), got {kind or 'no body'}"
            ) from None
        result = decoder.model(model, data)
        self._remember_uid(call, result)
        return result

    def _redact(self, text: str) -> str:
        return redact_text(text, [self._api_key])

    def _remember_uid(self, call: Call, result: Any) -> None:
        uid = _uid_of(call)
        document = next(iter(vars(result).values()), None) if uid is not None else None
        doc_id = getattr(document, "id", None)
        if uid is not None and isinstance(doc_id, int):
            self.uid_store[uid] = doc_id

    def _lookup(self, call: Call, exc: ConflictError) -> Call:
        """How to find the document a uid create made when its answer was lost: the newest
        document of that type with the create's `reference` (proprietary_uid exists only on
        invoices-family creates, which `listInvoices` lists and filters by reference)."""
        reference = call.body.get(_root_of(call), {}).get("reference")
        if not reference:
            raise _explain(
                exc,
                f"The client does not know which document proprietary_uid {_uid_of(call)!r} "
                "made: keep `uid_store` across runs, or give uid creates a unique `reference` "
                "so the client can look the document up",
            )
        type_name = "".join(p.title() for p in _root_of(call).split("_"))
        query = {"type[]": [type_name], "reference": reference, "per_page": 100}
        return Call("list_invoices", (), query, None, {})

    def _pick(self, call: Call, exc: ConflictError, listed: object) -> int:
        docs = listed.get("invoices") if isinstance(listed, dict) else None
        reference = call.body[_root_of(call)]["reference"]
        ids = [
            d["id"] for d in docs or [] if isinstance(d, dict) and d.get("reference") == reference
        ]
        if len(ids) != 1:
            raise _explain(
                exc,
                f"{len(ids)} documents carry reference {reference!r}, so the one "
                f"proprietary_uid {_uid_of(call)!r} made is not known",
            )
        found = int(ids[0])
        uid = _uid_of(call)
        if uid is not None:
            self.uid_store[uid] = found
        return found

    def _recovered(self, call: Call, doc_id: int) -> Call:
        """The `get` whose answer stands for the create's (the same model, status 200)."""
        model = call.responses[min(call.responses)]
        return Call(call.operation.replace("create_", "get_", 1), (doc_id,), {}, None, {200: model})

    def _transport_failed(self, exc: httpx.HTTPError) -> TransportError:
        return TransportError(redact_text(f"{type(exc).__name__}: {exc}", [self._api_key]))


def _uid_of(call: Call) -> str | None:
    uid = call.body.get("proprietary_uid") if isinstance(call.body, Mapping) else None
    return uid if isinstance(uid, str) else None


def _root_of(call: Call) -> str:
    return str(next(k for k in call.body if k != "proprietary_uid"))


def _explain(exc: ConflictError, why: str) -> ConflictError:
    """The 409 with what the client tried and what would let it recover next time."""
    exc.hint = f"{exc.hint}. {why}"
    exc.args = (f"{exc.message} HINT: {exc.hint}",)
    return exc


def operation_id(name: str) -> str:
    """The spec's operationId for a snake_case operation name (get_qr_code -> getQrCode)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def operation_info(name: str) -> OperationInfo:
    try:
        return OPERATIONS[name]
    except KeyError:
        raise InvoiceXpressError(
            f"operation {name!r} is not in the spec this client was generated from"
        ) from None


def _enum_in(annotation: Any) -> tuple[type[Enum] | None, bool]:
    """The Enum class inside a parameter annotation, and whether it is a list of them."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _enum_in(arg)
            if found[0] is not None:
                return found
        return None, False
    if origin is list:
        inner = _enum_in(get_args(annotation)[0])
        return inner[0], True
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation, False
    return None, False


def _coerce(operation: str, wire: str, value: Any, annotation: Any) -> Any:
    """Wire value -> what the generated function expects (Enum members for enum params).

    A value outside the spec's enum is refused here, before any request, naming the allowed
    values (the documented `sent` selects final documents in `status[]`)."""
    enum_cls, is_list = _enum_in(annotation)
    if enum_cls is None:
        return value
    allowed = [m.value for m in enum_cls]
    values = value if isinstance(value, list) else [value]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(
            f"{operation_id(operation)}: {wire} does not accept {', '.join(map(repr, bad))}; "
            f"allowed: {', '.join(map(repr, allowed))}"
        )
    members = [enum_cls(v) for v in values]
    return members if is_list else members[0]


def page_items(model: Any) -> tuple[list[Any], int | None]:
    """The items of one decoded list page and its total_pages (None: not paginated)."""
    if model is None:
        return [], None
    items: list[Any] = []
    total: int | None = None
    for attr, _wire, _required, kind in getattr(model, "__ix_fields__", ()):
        value = getattr(model, attr)
        if attr == "pagination":
            pages = getattr(value, "total_pages", None)
            total = pages if isinstance(pages, int) else None
        elif kind[0] == "list" and isinstance(value, list) and not items:
            items = value
    return items, total


class InvoiceXpress(_Base[httpx.BaseTransport], Namespaces[Sync]):
    """Synchronous client. `InvoiceXpress()` reads INVOICEXPRESS_ACCOUNT / _API_KEY / _BASE_URL.

    Resources are attributes (`ix.invoices.create(...)`, `ix.pdf.wait(...)`); `ix.call()` runs any
    operation by its snake_case operationId. `strict=False` turns a response that does not fit
    its schema into a `ResponseDriftWarning` (raw value kept) instead of an
    `UnexpectedResponseError`. `uid_store` remembers `proprietary_uid` -> id of creates (pass a
    persistent mapping to survive restarts).
    """

    def _connect(self, transport: httpx.BaseTransport | None) -> None:
        inner = transport or httpx.HTTPTransport()
        self._client = self._generated_client(transport=InvoiceXpressTransport(inner, self._policy))
        self._init_namespaces(self)

    def call(
        self,
        operation: str,
        *path: Any,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> object:
        """Run any operation by snake_case operationId; returns the JSON body as parsed."""
        return self.run(Call(operation, path, query or {}, body))

    def run(self, call: Call) -> Any:
        try:
            return self._decode(call, self._send(call))
        except ConflictError as exc:
            if _uid_of(call) is None:
                raise
            return self.run(self._recover(call, exc))

    def _recover(self, call: Call, exc: ConflictError) -> Call:
        """A uid create the server already has (409): answer with that document."""
        uid = _uid_of(call)
        known = self.uid_store.get(uid) if uid is not None else None
        if known is None:
            known = self._pick(call, exc, self.run(self._lookup(call, exc)))
        return self._recovered(call, known)

    def _send(self, call: Call) -> httpx.Response:
        request = self._request(call)
        token = CURRENT_OPERATION.set(operation_id(call.operation))
        try:
            return self._client.get_httpx_client().request(**request)
        except InvoiceXpressError:
            raise
        except httpx.HTTPError as exc:
            raise self._transport_failed(exc) from None
        finally:
            CURRENT_OPERATION.reset(token)

    def paginate(self, call: Call, paged: bool) -> Iterator[Any]:
        page = 1
        while True:
            query = {**call.query, "page": page} if paged else call.query
            items, total = page_items(self.run(replace(call, query=query)))
            yield from items
            if not paged or total is None or page >= total or not items:
                return
            page += 1

    def poll(self, call: Call, timeout: float, interval: float) -> Any:
        deadline = self.clock.monotonic() + timeout
        while True:
            response = self._send(call)
            if response.status_code != 202:
                return self._decode(call, response)
            if self.clock.monotonic() + interval > deadline:
                raise PollTimeoutError(f"{call.operation} still 202 after {timeout:g}s")
            self.clock.sleep(interval)
            interval = min(interval * 1.5, 10.0)

    def for_account(self, account: str, api_key: str) -> InvoiceXpress:
        """A client with these settings acting as another account (e.g. one just created
        with `accounts.create`, whose key the response carries)."""
        return InvoiceXpress(account, api_key, **self._options)

    def close(self) -> None:
        self._client.get_httpx_client().close()

    def __enter__(self) -> InvoiceXpress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncInvoiceXpress(_Base[httpx.AsyncBaseTransport], Namespaces[Async]):
    """Asynchronous client; same resources and options, methods are awaited
    (`await ix.invoices.get(1)`, `async for doc in ix.invoices.iter()`)."""

    def _connect(self, transport: httpx.AsyncBaseTransport | None) -> None:
        inner = transport or httpx.AsyncHTTPTransport()
        self._client = self._generated_client(
            transport=AsyncInvoiceXpressTransport(inner, self._policy)
        )
        self._init_namespaces(self)

    async def call(
        self,
        operation: str,
        *path: Any,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> object:
        """Run any operation by snake_case operationId; returns the JSON body as parsed."""
        return await self.run(Call(operation, path, query or {}, body))

    async def run(self, call: Call) -> Any:
        try:
            return self._decode(call, await self._send(call))
        except ConflictError as exc:
            if _uid_of(call) is None:
                raise
            return await self.run(await self._recover(call, exc))

    async def _recover(self, call: Call, exc: ConflictError) -> Call:
        """A uid create the server already has (409): answer with that document."""
        uid = _uid_of(call)
        known = self.uid_store.get(uid) if uid is not None else None
        if known is None:
            known = self._pick(call, exc, await self.run(self._lookup(call, exc)))
        return self._recovered(call, known)

    async def _send(self, call: Call) -> httpx.Response:
        request = self._request(call)
        token = CURRENT_OPERATION.set(operation_id(call.operation))
        try:
            return await self._client.get_async_httpx_client().request(**request)
        except InvoiceXpressError:
            raise
        except httpx.HTTPError as exc:
            raise self._transport_failed(exc) from None
        finally:
            CURRENT_OPERATION.reset(token)

    async def paginate(self, call: Call, paged: bool) -> AsyncIterator[Any]:
        page = 1
        while True:
            query = {**call.query, "page": page} if paged else call.query
            items, total = page_items(await self.run(replace(call, query=query)))
            for item in items:
                yield item
            if not paged or total is None or page >= total or not items:
                return
            page += 1

    async def poll(self, call: Call, timeout: float, interval: float) -> Any:
        deadline = self.clock.monotonic() + timeout
        while True:
            response = await self._send(call)
            if response.status_code != 202:
                return self._decode(call, response)
            if self.clock.monotonic() + interval > deadline:
                raise PollTimeoutError(f"{call.operation} still 202 after {timeout:g}s")
            await self.clock.asleep(interval)
            interval = min(interval * 1.5, 10.0)

    def for_account(self, account: str, api_key: str) -> AsyncInvoiceXpress:
        """An async client with these settings acting as another account."""
        return AsyncInvoiceXpress(account, api_key, **self._options)

    async def aclose(self) -> None:
        await self._client.get_async_httpx_client().aclose()

    async def __aenter__(self) -> AsyncInvoiceXpress:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
