"""A local, stateful InvoiceXpress: a real HTTP server that behaves like the v2 API.

Routes come from the spec (one handler per operationId); state lives in SQLite (in memory by
default, a file when asked). Run it with `ixc sandbox`; embed it in tests with
`invoicexpress_sandbox.testing.running_sandbox()`, or the pytest plugin's fixtures.

The names below load on first use: pytest imports `invoicexpress_sandbox.pytest_plugin` (an
entry point) in every project that installs this distribution, also without the `[sandbox]`
extra, so importing the package must not need Starlette or uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import Options, Sandbox, StartupError, create_app
    from ._faults import FAULTS, QUIRKS
    from ._guard import TOKEN_ENV, TOKEN_HEADER
    from ._store import SYNC_MODES, Store
    from .handle import SandboxHandle

__all__ = [
    "FAULTS",
    "QUIRKS",
    "SYNC_MODES",
    "TOKEN_ENV",
    "TOKEN_HEADER",
    "Options",
    "Sandbox",
    "SandboxHandle",
    "StartupError",
    "Store",
    "create_app",
]
_HOME = {
    "FAULTS": "._faults",
    "QUIRKS": "._faults",
    "SYNC_MODES": "._store",
    "TOKEN_ENV": "._guard",
    "TOKEN_HEADER": "._guard",
    "SandboxHandle": ".handle",
    "Options": "._app",
    "Sandbox": "._app",
    "StartupError": "._app",
    "Store": "._store",
    "create_app": "._app",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name], __name__), name)
