"""The ASGI application: routes bound from the spec, auth, rate limit, bad-input handling.

Start-up reads the spec, refuses to run when an operation has no handler or when the spec is
not the one the handlers were built for, compiles every request-body validator once, and
registers one Starlette route per spec path. Requests are served on the event loop thread
through a single SQLite connection, each mutating request in one transaction.

The pieces: `_front` (the ASGI app: guard, `Date`, route table), `_http` (the API request
path), `_seam` (where faults act on it), `_request` (reading requests), `_admin` (admin
routes), `_state` (what persists between requests), `_shared` (options, bound operations).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicexpress_core.spec import load_spec

from ._admin import Admin
from ._clock import Clock
from ._errors import ApiError
from ._faults import FAULTS, QUIRKS, unknown
from ._front import Front, PathEndpoint, RouteTable
from ._guard import MIN_TOKEN_LENGTH, TOKEN_ENV, Guard
from ._http import Api, starlette_path
from ._shared import BoundOperation, Options, query_params, shape_of
from ._state import Accounts, CallLog, Parts, RateLimit, Switches
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


class Sandbox:
    """One running sandbox: spec, store, clock, switches and the ASGI app, wired together."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options = options or Options()
        self.spec = load_spec(options.spec_path)
        if options.check_spec_hash:
            expected = expected_spec_hash()
            if expected != self.spec.sha256:
                raise StartupError(
                    f"the spec at {self.spec.path} (sha256 {self.spec.sha256[:12]}) is not the "
                    f"one the sandbox handlers were built for ({expected[:12] or 'none'}). "
                    f"Check the handlers against the spec change, then record it with: "
                    f"{UPDATE_HINT}"
                )
        bad = unknown(list(options.faults) + list(options.quirks))
        if bad:
            raise StartupError(
                f"unknown fault or quirk: {', '.join(bad)}; known: "
                f"{', '.join(sorted(FAULTS) + sorted(QUIRKS))}"
            )
        self.switches = Switches((*options.faults, *options.quirks))
        self.rate = RateLimit(options.rate_limit)
        self.admin_token = self._admin_token()
        self.bound = self._bind()
        self.store = Store(options.db, options.db_sync)
        self.clock = Clock()
        with self.store.write() as tx:
            if tx.get("account", 1) is None:
                seed(tx, self.clock.now(), options.language)
        self.accounts = Accounts(self.store)
        self.calls = CallLog(options.log)
        parts = Parts(
            self.spec, options, self.store, self.clock, self.switches, self.rate, self.accounts,
            self.calls,
        )  # fmt: skip
        self.api = Api(parts)
        admin = Admin(parts, operations=len(self.bound))
        api_routes = self._api_routes()
        routes = [Route(p, e, methods=m) for p, e, m in admin.routes()]
        rest = Starlette(routes=routes + api_routes if options.admin_routes else api_routes)
        rest.add_exception_handler(404, self._not_found)
        rest.add_exception_handler(405, self._not_allowed)
        table = RouteTable(api_routes)
        self.app = Front(Guard(self.admin_token), self.clock, self.api, table, rest)

    @property
    def quirks(self) -> frozenset[str]:
        return self.switches.quirks

    @property
    def rate_limit(self) -> int | None:
        return self.rate.limit

    @rate_limit.setter
    def rate_limit(self, limit: int | None) -> None:
        self.rate.limit = limit

    def demo(self) -> Json:
        """The demo account (the first one, seeded at start and on reset)."""
        return self.accounts.demo()

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
        """Each operation with its handler and what the spec fixes for it."""
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
                query_params(self.spec, op),
                op.operation_id.startswith(("createAccount", "updateAccount")),
            )
        return bound

    def _api_routes(self) -> list[Route]:
        """One route per spec path, static paths first (as Starlette tries them)."""
        by_path: dict[str, dict[str, BoundOperation]] = {}
        for b in self.bound.values():
            by_path.setdefault(b.op.path, {})[b.op.method] = b
        return [
            PathEndpoint(self.api, by_path[path]).route(starlette_path(path))
            for path in sorted(by_path, key=lambda p: (p.count("{"), p))
        ]

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        return self.api.error(None, ApiError(404, "Not found", reason=": no such route"))

    async def _not_allowed(self, request: Request, exc: Exception) -> Response:
        """RFC 9110 wants the path's methods in `Allow`: Starlette's 405 names them."""
        named = (getattr(exc, "headers", None) or {}).get("Allow", "")
        headers = {"Allow": ", ".join(sorted(m.strip() for m in named.split(",") if m.strip()))}
        reason = f": {request.method} not allowed here"
        refusal = ApiError(405, "Method not allowed", headers=headers, reason=reason)
        return self.api.error(None, refusal)


def create_app(options: Options | None = None) -> Front:
    """The ASGI app of a new sandbox, guarded (see `Sandbox` for the pieces)."""
    return Sandbox(options).app


__all__ = ["Options", "Sandbox", "StartupError", "create_app"]
