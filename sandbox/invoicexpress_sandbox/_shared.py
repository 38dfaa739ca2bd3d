"""What the serving pieces share: options, an operation bound to its handler and to the facts
the spec fixes for it, the wire helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from invoicexpress_core.machines import StateMachine
from invoicexpress_core.spec import Operation, Spec

from ._jsontext import fast_compact
from ._validation import BodyValidator
from .handlers import HandlerSpec

JSON_TYPE = "application/json; charset=utf-8"


REASON_HEADER = "X-Sandbox-Reason"


FILES_PREFIX = "/_files"  # placeholder PDFs, QR codes, SAF-T files (URLs given to API clients)


MAX_BODY = 1_000_000


MAX_DEPTH = 32


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
    admin_routes: bool = True  # off for --live-like: a real account has none
    admin_token: str | None = None  # default: env IXC_SANDBOX_TOKEN, else random
    db_sync: str = "full"  # SQLite synchronous mode for a --db file: full | normal
    log: TextIO | None = None  # a request log line per API call goes here (`--log`)
    language: str = "en"  # the demo account's language, which words its 422s (`--language`)


@dataclass(frozen=True)
class QueryParam:
    """A query parameter as the spec describes it, read once at start-up."""

    name: str
    required: bool
    schema: dict[str, Any]  # resolved
    validator: Any  # compiled for the schema (`Spec.validator_at`)
    date_format: str | None  # strptime format when the schema is one of the spec's date types


@dataclass
class BoundOperation:
    """An operation with its handler and what the spec fixes for it, computed at start-up."""

    op: Operation
    handler: HandlerSpec
    validator: BodyValidator | None
    machine: StateMachine | None
    shapes: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    query: tuple[QueryParam, ...] = ()
    refreshes_keys: bool = False  # an account write: the API keys are read again after it


def query_params(spec: Spec, op: Operation) -> tuple[QueryParam, ...]:
    """The operation's query parameters; date types are known by their schema's pattern."""
    schemas = spec.document.get("components", {}).get("schemas", {})
    date_formats = {
        str(schemas[name]["pattern"]): fmt
        for name, fmt in (("DateDMY", "%d/%m/%Y"), ("DateTimeDMY", "%d/%m/%Y %H:%M:%S"))
        if "pattern" in schemas.get(name, {})
    }
    found = []
    for i, raw in enumerate(op.raw.get("parameters", [])):
        ref = raw.get("$ref")
        param = spec.resolve(raw)
        if param.get("in") != "query":
            continue
        base = ref[1:] if ref else f"{op.pointer}/parameters/{i}"
        schema = spec.resolve(param.get("schema", {}))
        found.append(
            QueryParam(
                str(param["name"]),
                bool(param.get("required")),
                schema,
                spec.validator_at(f"{base}/schema"),
                date_formats.get(str(schema.get("pattern"))),
            )
        )
    return tuple(found)


def shape_of(spec: Spec, op: Operation) -> dict[int, tuple[str, str | None]]:
    """Per status: the named error schema and the example message (canonical body)."""
    out: dict[int, tuple[str, str | None]] = {}
    for code, raw in op.responses.items():
        if not code.isdigit():
            continue
        resp = spec.resolve(raw)
        media = (resp.get("content") or {}).get("application/json") or {}
        schema = media.get("schema") or {}
        # `anyOf`: the documented shape first, then the recorded live ones (spec, issue 17)
        ref = (schema.get("anyOf") or [schema])[0].get("$ref", "")
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


def dumps(body: Any) -> bytes:
    """JSON bytes; never fails on text that UTF-8 cannot carry (a lone surrogate from an older
    store is sent as its JSON escape), so an answer after a commit always goes out."""
    fast = fast_compact(body)
    if fast is not None:
        return fast
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
