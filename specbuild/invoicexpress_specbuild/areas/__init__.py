"""The API's areas, one module each; the sandbox is cut under the same names."""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.areas import (
    accounts_saft,
    clients,
    documents,
    items_taxes,
    payments_receipts,
    sequences,
    treasury,
)

AREAS: tuple[Area, ...] = (
    documents.AREA,
    payments_receipts.AREA,
    clients.AREA,
    items_taxes.AREA,
    sequences.AREA,
    treasury.AREA,
    accounts_saft.AREA,
)
