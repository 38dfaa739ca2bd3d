"""One handler per operationId of the spec (names from docs/CONVENTIONS.md), one module per area.

A handler gets the request already authenticated, parsed and schema-validated, runs inside one
storage transaction, and returns `(status, body)`; errors are raised as `ApiError`. Which
routes exist is decided by the spec, not here: the app binds each spec operation to the
handler of the same operationId and refuses to start when one is missing. Importing an area's
module registers its handlers.
"""

from __future__ import annotations

from . import (
    accounts_saft,
    clients,
    documents,
    items_taxes,
    payments_receipts,
    sequences,
    treasury,
)
from ._base import HANDLERS, Handler, HandlerSpec, RawJson, Reply, Req

AREAS = (documents, payments_receipts, clients, items_taxes, sequences, treasury, accounts_saft)

__all__ = ["AREAS", "HANDLERS", "Handler", "HandlerSpec", "RawJson", "Reply", "Req"]
