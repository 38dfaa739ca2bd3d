"""A local, stateful InvoiceXpress: a real HTTP server that behaves like the v2 API.

Routes come from the spec (one handler per operationId); state lives in SQLite (in memory by
default, a file when asked). Run it with `ixc sandbox`; embed it in tests with
`invoicexpress_sandbox.testing.running_sandbox()`.
"""

from __future__ import annotations

from ._app import Options, Sandbox, StartupError, create_app
from ._faults import FAULTS, QUIRKS
from ._store import SYNC_MODES, Store

__all__ = [
    "FAULTS",
    "QUIRKS",
    "SYNC_MODES",
    "Options",
    "Sandbox",
    "StartupError",
    "Store",
    "create_app",
]
