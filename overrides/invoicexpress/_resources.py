"""Resource namespaces (`ix.invoices`, `ix.quotes`, `ix.pdf`, ...): generated from the spec.

The classes live in `invoicexpress_client.typed.namespaces` (written by `ixc generate` from
spec/invoicexpress.yaml): one class per namespace, one method per operation the spec has, so a
method that is not an operation (`ix.clients.delete`, `ix.invoices.cancel`,
`ix.receipts.create`) exists neither for mypy nor at run time. This module binds them to a
client and lists what is reachable.
"""

from __future__ import annotations

from typing import Any, Generic

from invoicexpress_client.typed.namespaces import RESOURCES
from invoicexpress_client.typed.namespaces import Namespaces as _GeneratedNamespaces
from invoicexpress_client.typed.runtime import (
    Async,
    Call,
    M,
    Mode,
    Resource,
    Runner,
    Sync,
)

__all__ = ["Async", "Call", "Mode", "Namespaces", "Resource", "Runner", "Sync"]


class Namespaces(_GeneratedNamespaces[M], Generic[M]):
    """The resource attributes shared by InvoiceXpress (M=Sync) and AsyncInvoiceXpress (Async)."""

    def _init_namespaces(self, runner: Runner[Any, Any]) -> None:
        self._resources: dict[str, Resource[Any]] = {
            name: cls(runner) for name, cls in RESOURCES.items()
        }
        for name, resource in self._resources.items():
            setattr(self, name, resource)

    def operations(self) -> dict[str, str]:
        """Every operation reachable from a namespace (snake_case) -> `namespace.method`."""
        found: dict[str, str] = {}
        for name, resource in self._resources.items():
            for op, method in resource.operations().items():
                found.setdefault(op, f"{name}.{method}")
        return found
