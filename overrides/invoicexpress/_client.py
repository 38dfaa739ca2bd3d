"""`InvoiceXpress` / `AsyncInvoiceXpress`: the generated client, configured and wrapped.

Requests go through the generated operation functions (`invoicexpress_client.api.*`), found via
the generated OPERATIONS registry; this module only turns Python values into their arguments,
and runs them with pacing, retries and typed errors (see `_transport`).
"""

from __future__ import annotations

import importlib
import inspect
import os
import types
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from enum import Enum
from typing import Any, Union, get_args, get_origin

import attrs
import httpx

from invoicexpress_client.api import OPERATIONS, OperationInfo
from invoicexpress_client.client import AuthenticatedClient
from invoicexpress_core.exchange import Exchange, redact_text

from ._exceptions import (
    ConfigurationError,
    InvoiceXpressError,
    PollTimeoutError,
    TransportError,
    UnexpectedResponseError,
)
from ._resources import Async, Call, Namespaces, Sync
from ._transport import (
    CURRENT_OPERATION,
    LAST_EXCHANGE,
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


class _Base:
    def __init__(
        self,
        account: str | None,
        api_key: str | None,
        base_url: str | None,
        requests_per_minute: int | None,
        max_retries: int,
        timeout: float,
        clock: Clock | None,
        on_exchange: Callable[[Exchange], None] | None,
        retry: RetryPolicy | None,
    ) -> None:
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

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.account!r}, base_url={self.base_url!r}, "
            "api_key=[REDACTED])"
        )

    def _generated_client(self, **transport: Any) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url=self.base_url,
            token=self._api_key,
            timeout=self._timeout,
            raise_on_unexpected_status=False,
            headers={"Accept": "application/json"},
            httpx_args=transport,
        )

    def _prepare(self, call: Call) -> tuple[types.ModuleType, dict[str, Any]]:
        info = operation_info(call.operation)
        module = importlib.import_module(info.module)
        params = inspect.signature(module.sync_detailed).parameters
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
            kwargs[name] = _coerce(
                to_wire(value, iso_dates=call.iso_dates), params[name].annotation
            )
        if call.body is not None:
            body = call.body
            if isinstance(body, Mapping):
                body = _RawBody(shape_body(body, params["body"].annotation))
            kwargs["body"] = body
        elif "body" in params and params["body"].default is inspect.Parameter.empty:
            raise TypeError(f"{call.operation} needs a request body")
        return module, kwargs

    def _parse_failed(self, call: Call, exc: Exception) -> InvoiceXpressError:
        exchange = LAST_EXCHANGE.get()
        detail = redact_text(f"{type(exc).__name__}: {exc}", [self._api_key])
        status = exchange.status if exchange else "?"
        error = UnexpectedResponseError(
            f"{call.operation}: the {status} response could not be parsed ({detail})"
        )
        error.exchange = exchange  # type: ignore[attr-defined]
        return error

    def _transport_failed(self, exc: httpx.HTTPError) -> TransportError:
        return TransportError(redact_text(f"{type(exc).__name__}: {exc}", [self._api_key]))


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


def _coerce(value: Any, annotation: Any) -> Any:
    """Wire value -> what the generated function expects (Enum members for enum params)."""
    enum_cls, is_list = _enum_in(annotation)
    if enum_cls is None:
        return value
    if is_list:
        values = value if isinstance(value, list) else [value]
        return [enum_cls(v) for v in values]
    return enum_cls(value)


def page_items(parsed: Any) -> tuple[list[Any], int | None]:
    """The items of one list page and its total_pages (None: the endpoint is not paginated)."""
    if parsed is None:
        return [], None
    if isinstance(parsed, list):
        return parsed, None
    if not attrs.has(type(parsed)):
        return [], None
    items: list[Any] = []
    total: int | None = None
    for f in attrs.fields(type(parsed)):
        value = getattr(parsed, f.name)
        if f.name == "pagination":
            pages = getattr(value, "total_pages", None)
            total = pages if isinstance(pages, int) else None
        elif isinstance(value, list) and not items:
            items = value
    return items, total


class InvoiceXpress(_Base, Namespaces[Sync]):
    """Synchronous client. `InvoiceXpress()` reads INVOICEXPRESS_ACCOUNT / _API_KEY / _BASE_URL.

    Resources are attributes (`ix.invoices.create(...)`, `ix.pdf.wait(...)`); `ix.call()` runs any
    operation by its snake_case operationId.
    """

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
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            account,
            api_key,
            base_url,
            requests_per_minute,
            max_retries,
            timeout,
            clock,
            on_exchange,
            retry,
        )
        self._options: dict[str, Any] = {
            "base_url": base_url,
            "requests_per_minute": requests_per_minute,
            "max_retries": max_retries,
            "timeout": timeout,
            "clock": clock,
            "on_exchange": on_exchange,
            "retry": retry,
            "transport": transport,
        }
        inner = transport or httpx.HTTPTransport()
        self._client = self._generated_client(transport=InvoiceXpressTransport(inner, self._policy))
        self._init_namespaces(self)

    def call(
        self,
        operation: str,
        *path: Any,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        iso_dates: bool = False,
    ) -> Any:
        """Run any operation by snake_case operationId; returns the parsed generated model."""
        return self.run(Call(operation, path, query or {}, body, iso_dates))

    def run(self, call: Call) -> Any:
        return self.run_detailed(call).parsed

    def run_detailed(self, call: Call) -> Any:
        module, kwargs = self._prepare(call)
        LAST_EXCHANGE.set(None)
        token = CURRENT_OPERATION.set(operation_id(call.operation))
        try:
            return module.sync_detailed(client=self._client, **kwargs)
        except InvoiceXpressError:
            raise
        except httpx.HTTPError as exc:
            raise self._transport_failed(exc) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if LAST_EXCHANGE.get() is None:
                raise
            raise self._parse_failed(call, exc) from None
        finally:
            CURRENT_OPERATION.reset(token)

    def paginate(self, make: Callable[[int], Call]) -> Iterator[Any]:
        page = 1
        while True:
            items, total = page_items(self.run(make(page)))
            yield from items
            if total is None or page >= total or not items:
                return
            page += 1

    def poll(self, call: Call, timeout: float, interval: float) -> Any:
        deadline = self.clock.monotonic() + timeout
        while True:
            response = self.run_detailed(call)
            if response.status_code != 202:
                return response.parsed
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


class AsyncInvoiceXpress(_Base, Namespaces[Async]):
    """Asynchronous client; same resources, methods are awaited (`await ix.invoices.get(1)`)."""

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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            account,
            api_key,
            base_url,
            requests_per_minute,
            max_retries,
            timeout,
            clock,
            on_exchange,
            retry,
        )
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
        iso_dates: bool = False,
    ) -> Any:
        return await self.run(Call(operation, path, query or {}, body, iso_dates))

    async def run(self, call: Call) -> Any:
        return (await self.run_detailed(call)).parsed

    async def run_detailed(self, call: Call) -> Any:
        module, kwargs = self._prepare(call)
        LAST_EXCHANGE.set(None)
        token = CURRENT_OPERATION.set(operation_id(call.operation))
        try:
            return await module.asyncio_detailed(client=self._client, **kwargs)
        except InvoiceXpressError:
            raise
        except httpx.HTTPError as exc:
            raise self._transport_failed(exc) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if LAST_EXCHANGE.get() is None:
                raise
            raise self._parse_failed(call, exc) from None
        finally:
            CURRENT_OPERATION.reset(token)

    async def paginate(self, make: Callable[[int], Call]) -> AsyncIterator[Any]:
        page = 1
        while True:
            items, total = page_items(await self.run(make(page)))
            for item in items:
                yield item
            if total is None or page >= total or not items:
                return
            page += 1

    async def poll(self, call: Call, timeout: float, interval: float) -> Any:
        deadline = self.clock.monotonic() + timeout
        while True:
            response = await self.run_detailed(call)
            if response.status_code != 202:
                return response.parsed
            if self.clock.monotonic() + interval > deadline:
                raise PollTimeoutError(f"{call.operation} still 202 after {timeout:g}s")
            await self.clock.asleep(interval)
            interval = min(interval * 1.5, 10.0)

    async def aclose(self) -> None:
        await self._client.get_async_httpx_client().aclose()

    async def __aenter__(self) -> AsyncInvoiceXpress:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
