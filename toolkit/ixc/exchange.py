"""Temporary re-export while branches merge: use `invoicexpress_core.exchange`."""

from invoicexpress_core.exchange import (
    REDACTED,
    SECRET_BODY_KEYS,
    SECRET_HEADERS,
    SECRET_QUERY_KEYS,
    Exchange,
    Recorder,
    read_recording,
    redact_headers,
    redact_json,
    redact_text,
    redact_url,
)

__all__ = [
    "REDACTED",
    "SECRET_BODY_KEYS",
    "SECRET_HEADERS",
    "SECRET_QUERY_KEYS",
    "Exchange",
    "Recorder",
    "read_recording",
    "redact_headers",
    "redact_json",
    "redact_text",
    "redact_url",
]
