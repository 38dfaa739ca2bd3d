"""The ASGI application: routes bound from the spec, auth, rate limit, bad-input handling.

Start-up reads the spec, refuses to run when an operation has no handler or when the spec is
not the one the handlers were built for, compiles every request-body validator once, and
registers one Starlette route per spec path. Requests are served on the event loop thread
through a single SQLite connection, each mutating request in one transaction.

The pieces: `_http` (serving), `_request` (reading requests), `_admin` (admin routes),
`_shared` (options and the state they share).
"""

from __future__ import annotations

import os
import secrets
import threading
from collections import deque
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from invoicexpress_core.spec import load_spec

from ._admin import AdminRoutes
from ._clock import Clock, DateHeader
from ._faults import FAULTS, QUIRKS, unknown
from ._guard import MIN_TOKEN_LENGTH, TOKEN_ENV, Guard
from ._http import HttpLayer, starlette_path
from ._shared import BoundOperation, Options, shape_of
from ._store import Store
from ._validation import BodyValidator
from .areas._base import Json
from .areas.accounts_saft import seed
from .handlers import HANDLERS

SPEC_HASH_FILE = Path(__file__).with_name("spec.sha256")
UPDATE_HINT = "python -m invoicexpress_sandbox.spec_hash --update"


class StartupError(RuntimeError):
    """The sandbox cannot serve this spec; the message says how to fix it."""


def expected_spec_hash() -> str:
    return SPEC_HASH_FILE.read_text().strip() if SPEC_HASH_FILE.exists() else ""


class Sandbox(HttpLayer, AdminRoutes):
    """One running sandbox: spec, store, clock, switches and the Starlette app."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.spec = load_spec(self.options.spec_path)
        if self.options.check_spec_hash:
            expected = expected_spec_hash()
            if expected != self.spec.sha256:
                raise StartupError(
                    f"the spec at {self.spec.path} (sha256 {self.spec.sha256[:12]}) is not the "
                    f"one the sandbox handlers were built for ({expected[:12] or 'none'}). "
                    f"Check the handlers against the spec change, then record it with: "
                    f"{UPDATE_HINT}"
                )
        bad = unknown(list(self.options.faults) + list(self.options.quirks))
        if bad:
            raise StartupError(
                f"unknown fault or quirk: {', '.join(bad)}; known: "
                f"{', '.join(sorted(FAULTS) + sorted(QUIRKS))}"
            )
        self.faults, self.quirks = self._start_switches()
        self.rate_limit = self.options.rate_limit
        self.admin_token = self._admin_token()
        self.bound = self._bind()
        self.store = Store(self.options.db, self.options.db_sync)
        self.clock = Clock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._query_cache: dict[str, list[tuple[str, bool, str, dict[str, Any]]]] = {}
        schemas = self.spec.document.get("components", {}).get("schemas", {})
        self._date_formats = {
            str(schemas[name]["pattern"]): fmt
            for name, fmt in (("DateDMY", "%d/%m/%Y"), ("DateTimeDMY", "%d/%m/%Y %H:%M:%S"))
            if "pattern" in schemas.get(name, {})
        }
        self._keys: dict[str, Json] = {}
        self._lock = threading.Lock()
        self.calls: deque[dict[str, Any]] = deque(maxlen=1000)
        with self.store.write() as tx:
            if tx.get("account", 1) is None:
                seed(tx, self.clock.now(), self.options.language)
        self._refresh_keys()
        routes = Starlette(routes=self._routes())
        routes.add_exception_handler(404, self._not_found)
        routes.add_exception_handler(405, self._not_allowed)
        self.app = DateHeader(Guard(routes, self.admin_token), self.clock)

    def _admin_token(self) -> str:
        """The given token (option, else env), else a random one; a short one is refused: the
        token is all that stands between any local process and the admin routes."""
        given = self.options.admin_token or os.environ.get(TOKEN_ENV)
        if not given:
            return secrets.token_urlsafe(18)
        if len(given) < MIN_TOKEN_LENGTH:
            raise StartupError(
                f"the admin token (--admin-token or {TOKEN_ENV}) must be at least "
                f"{MIN_TOKEN_LENGTH} characters long (it has {len(given)})"
            )
        return given

    def _bind(self) -> dict[str, BoundOperation]:
        missing = sorted(op.operation_id for op in self.spec if op.operation_id not in HANDLERS)
        if missing:
            raise StartupError(
                f"the spec has {len(missing)} operation(s) without a sandbox handler: "
                f"{', '.join(missing)}. Add them to the area's module under "
                "invoicexpress_sandbox/handlers/."
            )
        bound: dict[str, BoundOperation] = {}
        for op in self.spec:
            validator = BodyValidator(self.spec, op) if op.raw.get("requestBody") else None
            bound[op.operation_id] = BoundOperation(
                op,
                HANDLERS[op.operation_id],
                validator,
                op.machine,
                shape_of(self.spec, op),
            )
        return bound

    def _routes(self) -> list[Route]:
        by_path: dict[str, dict[str, BoundOperation]] = {}
        for b in self.bound.values():
            by_path.setdefault(b.op.path, {})[b.op.method] = b
        admin = self._admin_routes() if self.options.admin_routes else []
        routes = [Route(p, e, methods=m) for p, e, m in admin]
        for path in sorted(by_path, key=lambda p: (p.count("{"), p)):
            methods = by_path[path]
            routes.append(
                Route(starlette_path(path), self._endpoint(methods), methods=list(methods))
            )
        return routes


def create_app(options: Options | None = None) -> DateHeader:
    """The ASGI app of a new sandbox, guarded (see `Sandbox` for the pieces)."""
    return Sandbox(options).app


__all__ = ["Options", "Sandbox", "StartupError", "create_app"]
