"""What the serving pieces share: options, a bound operation, the state a running sandbox holds."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from invoicexpress_core.machines import StateMachine
from invoicexpress_core.spec import Operation, Spec

from ._clock import Clock
from ._faults import FAULTS, QUIRKS
from ._store import Store
from ._validation import BodyValidator
from .areas._base import Json
from .areas.accounts_saft import accounts
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


@dataclass
class BoundOperation:
    op: Operation
    handler: HandlerSpec
    validator: BodyValidator | None
    machine: StateMachine | None
    shapes: dict[int, tuple[str, str | None]] = field(default_factory=dict)


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


class SandboxState:
    """The state of one running sandbox, as the HTTP, request and admin layers read it."""

    options: Options
    spec: Spec
    faults: set[str]
    quirks: set[str]
    rate_limit: int | None
    admin_token: str
    bound: dict[str, BoundOperation]
    store: Store
    clock: Clock
    calls: deque[dict[str, Any]]
    _windows: dict[str, tuple[float, int]]
    _query_cache: dict[str, list[tuple[str, bool, str, dict[str, Any]]]]
    _date_formats: dict[str, str]
    _keys: dict[str, Json]
    _lock: threading.Lock

    def _start_switches(self) -> tuple[set[str], set[str]]:
        """(faults, quirks) as the options set them at start-up."""
        names = (*self.options.faults, *self.options.quirks)
        return {n for n in names if n in FAULTS}, {n for n in names if n in QUIRKS}

    def _refresh_keys(self) -> None:
        with self.store.read() as tx:
            self._keys = {str(a["api_key"]): a for a in accounts(tx)}

    def demo(self) -> Json:
        with self.store.read() as tx:
            account = tx.get("account", 1)
        assert account is not None
        return account
