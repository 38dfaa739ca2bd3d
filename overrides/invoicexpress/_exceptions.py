"""Every error this client raises, in one tree::

    InvoiceXpressError                  base: catch this to catch everything below
    ├── ConfigurationError              no API key / account: set INVOICEXPRESS_* variables
    ├── TransportError                  the request never got an HTTP answer (after safe retries)
    ├── PollTimeoutError                a PDF / QR code / SAF-T export was still 202 at the deadline
    ├── UnexpectedResponseError         a 2xx body that does not fit its schema (drift)
    └── APIStatusError                  the server answered >= 400; carries status, body, request
        ├── AuthenticationError         401
        ├── NotFoundError               404
        ├── NotAcceptableError          406
        ├── ConflictError               409
        ├── ValidationError             422 (messages parsed from every known error shape)
        ├── RateLimitError              429 (after the client's own retries)
        └── ServerError                 5xx

Why one module: callers catch by meaning (404, 422) without knowing which of the nine error
body shapes InvoiceXpress used; `repr` never shows bodies, headers or URLs with the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from invoicexpress_core.errors import error_messages
from invoicexpress_core.exchange import Exchange, redact_text


@dataclass(frozen=True)
class RequestInfo:
    """The request an error belongs to; `url` is already redacted."""

    method: str
    url: str


class InvoiceXpressError(Exception):
    """Base of every error raised by the `invoicexpress` package."""

    hint: str = ""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message + (f" HINT: {self.hint}" if self.hint else ""))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigurationError(InvoiceXpressError):
    hint = (
        "pass account=/api_key= or set INVOICEXPRESS_ACCOUNT and INVOICEXPRESS_API_KEY "
        "(keys: https://www.app.invoicexpress.com/users/api); INVOICEXPRESS_BASE_URL points "
        "the client at a sandbox."
    )


class TransportError(InvoiceXpressError):
    hint = "check the network and the base URL; reads and creates with proprietary_uid are retried"


class PollTimeoutError(InvoiceXpressError):
    hint = "the server is still preparing the file; call wait() again with a larger timeout"


class UnexpectedResponseError(InvoiceXpressError):
    hint = (
        "the response does not match spec/invoicexpress.yaml; run `ixc drift server` on a "
        "recording and report the difference"
    )


class APIStatusError(InvoiceXpressError):
    """The server answered with an error status. `body` is the parsed JSON (or text)."""

    status: int = 0

    def __init__(
        self,
        *,
        status: int,
        body: object,
        request: RequestInfo,
        exchange: Exchange | None = None,
        secrets: Iterable[str] = (),
        retry_after: float | None = None,
        reason: str | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.request = request
        self.exchange = exchange
        self.retry_after = retry_after
        self.messages = [redact_text(m, secrets) for m in error_messages(body)]
        #: the sandbox's `X-Sandbox-Reason` header (`<json-pointer>: <cause>`), when present
        self.reason = redact_text(reason, secrets) if reason else None
        detail = "; ".join(self.messages) or "no error message in the body"
        why = f" [sandbox: {self.reason}]" if self.reason else ""
        super().__init__(f"{request.method} {request.url} -> {status}: {detail}.{why}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, method={self.request.method!r}, "
            f"url={self.request.url!r})"
        )


class AuthenticationError(APIStatusError):
    hint = ConfigurationError.hint


class NotFoundError(APIStatusError):
    hint = "check the id and that it belongs to this account and document type"


class NotAcceptableError(APIStatusError):
    hint = "this operation does not accept that document type or format; check the path used"


class ConflictError(APIStatusError):
    hint = (
        "the resource's state conflicts with this request (a create with the same "
        "proprietary_uid still running: retry later with the same uid; a sequence already "
        "registered: nothing to do)"
    )


class ValidationError(APIStatusError):
    hint = "fix the fields named in the messages; `.messages` lists them one by one"


class RateLimitError(APIStatusError):
    hint = (
        "too many requests even after retrying; lower requests_per_minute or wait "
        "`.retry_after` seconds"
    )


class ServerError(APIStatusError):
    hint = "InvoiceXpress failed; retry later (writes may have been applied: read before retrying)"


_BY_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    404: NotFoundError,
    406: NotAcceptableError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class(status: int) -> type[APIStatusError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else APIStatusError
