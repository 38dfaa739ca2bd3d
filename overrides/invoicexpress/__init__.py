"""InvoiceXpress API v2 client: typed, paced, retried, and safe with your API key.

    from invoicexpress import InvoiceXpress
    ix = InvoiceXpress()  # INVOICEXPRESS_ACCOUNT, INVOICEXPRESS_API_KEY (INVOICEXPRESS_BASE_URL)
    created = ix.invoices.create({...})

Requests are made by the generated package `invoicexpress_client` (from spec/); this package
adds configuration, pacing, retries, typed errors, pagination, polling and namespaces.
Request TypedDicts are in `invoicexpress.requests`, response models in `invoicexpress.models`
(both generated from the spec into `invoicexpress_client.typed`).
"""

from invoicexpress_core.errors import error_messages

from ._client import AsyncInvoiceXpress, InvoiceXpress, page_items
from ._decode import ResponseDriftWarning
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InvoiceXpressError,
    NotAcceptableError,
    NotFoundError,
    PollTimeoutError,
    RateLimitError,
    RequestInfo,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from ._resources import Call
from ._transport import Clock, Pacer, RetryPolicy, SystemClock
from ._wire import parse_date, to_decimal, to_wire

__all__ = [
    "APIStatusError",
    "AsyncInvoiceXpress",
    "AuthenticationError",
    "Call",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "InvoiceXpress",
    "InvoiceXpressError",
    "NotAcceptableError",
    "NotFoundError",
    "Pacer",
    "PollTimeoutError",
    "RateLimitError",
    "RequestInfo",
    "ResponseDriftWarning",
    "RetryPolicy",
    "ServerError",
    "SystemClock",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
    "error_messages",
    "page_items",
    "parse_date",
    "to_decimal",
    "to_wire",
]
