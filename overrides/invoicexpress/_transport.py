"""The httpx transport under the generated client: pacing, retries, redacted logs, typed errors.

Why a transport: the generated functions call `httpx.Client.request`; wrapping the transport is
the one place that sees every request of every operation, can sleep and resend, and can raise
before the generated code tries to parse an error body with a success model.
"""

from __future__ import annotations

import collections
import contextvars
import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from invoicexpress_core.exchange import Exchange, redact_text, redact_url

from ._exceptions import RateLimitError, RequestInfo, TransportError, error_class

logger = logging.getLogger("invoicexpress")

#: The last exchange seen in this thread/task, so a parse failure can show what came back.
LAST_EXCHANGE: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "invoicexpress_last_exchange", default=None
)
#: The operationId being run, so recorded exchanges name their operation.
CURRENT_OPERATION: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "invoicexpress_current_operation", default=None
)


class RedactingFilter(logging.Filter):
    """Masks API keys in records of loggers we do not own (httpx logs full request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()


def install_log_redaction(secret: str) -> None:
    """Idempotently attach the redacting filter to httpx/httpcore and remember `secret`."""
    _FILTER.secrets.add(secret)
    for name in ("httpx", "httpcore", "invoicexpress"):
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)


class Clock(Protocol):
    """Time source; tests inject a fake one so nothing asserts wall-clock time."""

    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...
    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # here: only async users pay for importing it

        await asyncio.sleep(seconds)


class Pacer:
    """Client-side limit: at most `per_minute` requests in any 60 s window (InvoiceXpress: 100).

    `reserve()` returns how long to wait before the next request may go out, and books it.
    """

    def __init__(self, per_minute: int, clock: Clock, window: float = 60.0) -> None:
        if per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1")
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()  # one client may be shared by threads

    def reserve(self) -> float:
        """Seconds to wait before the next request; waits over a second are logged at INFO."""
        with self._lock:
            wait = self._reserve()
        if wait > 1.0:
            logger.info(
                "pacing: waiting %.1f s to stay under %d requests per minute",
                wait,
                self.per_minute,
            )
        return wait

    def _reserve(self) -> float:
        now = self.clock.monotonic()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        wait = 0.0
        if len(self._sent) >= self.per_minute:
            wait = self._sent[0] + self.window - now
        self._sent.append(now + wait)
        return wait


@dataclass
class RetryPolicy:
    """Bounded exponential backoff with full jitter; `Retry-After` wins when the server sends it."""

    max_retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        cap = min(self.max_delay, self.base_delay * (2**attempt))
        return self.rng.uniform(cap / 2, cap)

    def delay_for_429(self, response: httpx.Response, attempt: int) -> float:
        after = retry_after_seconds(response.headers.get("retry-after"))
        return after if after is not None else self.backoff(attempt)


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date (None when absent or garbage)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_retry_safe(request: httpx.Request) -> bool:
    """Reads, and creates carrying `proprietary_uid` (the server deduplicates those)."""
    if request.method in ("GET", "HEAD"):
        return True
    if request.method != "POST":
        return False
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("proprietary_uid"))


class _Policy:
    """What the sync and async transports share: decisions, logging, error building."""

    def __init__(
        self,
        *,
        secret: str,
        pacer: Pacer | None,
        retry: RetryPolicy,
        clock: Clock,
        on_exchange: Callable[[Exchange], None] | None,
    ) -> None:
        self._secret = secret
        install_log_redaction(secret)
        self.pacer = pacer
        self.retry = retry
        self.clock = clock
        self.on_exchange = on_exchange

    def __repr__(self) -> str:
        return f"<{type(self).__name__} secret=[REDACTED]>"

    def record(self, response: httpx.Response, started: float) -> Exchange:
        exchange = Exchange.from_httpx(
            response, operation_id=CURRENT_OPERATION.get(), secrets=[self._secret]
        )
        exchange.elapsed_ms = round((self.clock.monotonic() - started) * 1000, 1)
        LAST_EXCHANGE.set(exchange)
        logger.debug("%s %s -> %s", exchange.method, exchange.url, exchange.status)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        return exchange

    def connection_failed(self, request: httpx.Request, exc: Exception, attempt: int) -> float:
        """Seconds to wait before retrying, or raise TransportError when retrying is unsafe."""
        url = redact_url(request.url)
        if not is_retry_safe(request) or attempt >= self.retry.max_retries:
            why = "not retried: not safe to repeat" if not is_retry_safe(request) else "gave up"
            raise TransportError(
                f"{request.method} {url}: {type(exc).__name__} ({why} after {attempt + 1} tries)"
            ) from None
        delay = self.retry.backoff(attempt)
        logger.warning(
            "%s %s: %s; retry %d in %.1fs",
            request.method,
            url,
            type(exc).__name__,
            attempt + 1,
            delay,
        )
        return delay

    def rate_limited(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying a 429, or None to give up (raise)."""
        if attempt >= self.retry.max_retries:
            return None
        delay = self.retry.delay_for_429(response, attempt)
        if delay > self.retry.max_retry_after:
            return None
        logger.warning(
            "%s %s -> 429; retry %d in %.1fs",
            response.request.method,
            redact_url(response.request.url),
            attempt + 1,
            delay,
        )
        return delay

    def raise_for_status(self, response: httpx.Response, exchange: Exchange) -> None:
        if response.status_code < 400:
            return
        try:
            body: Any = response.json() if response.content else None
        except ValueError:
            body = response.text
        cls = error_class(response.status_code)
        retry_after = None
        if cls is RateLimitError:
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
        raise cls(
            status=response.status_code,
            body=body,
            request=RequestInfo(response.request.method, exchange.url),
            exchange=exchange,
            secrets=[self._secret],
            retry_after=retry_after,
            reason=response.headers.get("x-sandbox-reason"),
        )


_CONNECTION_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.RemoteProtocolError,
    httpx.WriteError,
)


class InvoiceXpressTransport(httpx.BaseTransport):
    """Sync transport: pace, send, retry 429/connection errors where safe, raise typed errors."""

    def __init__(self, inner: httpx.BaseTransport, policy: _Policy) -> None:
        self._inner = inner
        self._policy = policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        p = self._policy
        attempt = 0
        while True:
            if p.pacer is not None:
                wait = p.pacer.reserve()
                if wait > 0:
                    p.clock.sleep(wait)
            started = p.clock.monotonic()
            try:
                response = self._inner.handle_request(request)
                response.request = request
                response.read()
            except _CONNECTION_ERRORS as exc:
                p.clock.sleep(p.connection_failed(request, exc, attempt))
                attempt += 1
                continue
            exchange = p.record(response, started)
            if response.status_code == 429:
                delay = p.rate_limited(response, attempt)
                if delay is not None:
                    p.clock.sleep(delay)
                    attempt += 1
                    continue
            p.raise_for_status(response, exchange)
            return response

    def close(self) -> None:
        self._inner.close()


class AsyncInvoiceXpressTransport(httpx.AsyncBaseTransport):
    """The async twin of InvoiceXpressTransport (same policy object, awaits the clock)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, policy: _Policy) -> None:
        self._inner = inner
        self._policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        p = self._policy
        attempt = 0
        while True:
            if p.pacer is not None:
                wait = p.pacer.reserve()
                if wait > 0:
                    await p.clock.asleep(wait)
            started = p.clock.monotonic()
            try:
                response = await self._inner.handle_async_request(request)
                response.request = request
                await response.aread()
            except _CONNECTION_ERRORS as exc:
                await p.clock.asleep(p.connection_failed(request, exc, attempt))
                attempt += 1
                continue
            exchange = p.record(response, started)
            if response.status_code == 429:
                delay = p.rate_limited(response, attempt)
                if delay is not None:
                    await p.clock.asleep(delay)
                    attempt += 1
                    continue
            p.raise_for_status(response, exchange)
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()
