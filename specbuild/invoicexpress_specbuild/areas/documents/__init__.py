"""Documents: invoices, estimates, guides and purchase orders, one concrete operation per
document type (create, get, update, change-state, e-mail), the family and per-type lists, and
what any document offers (PDF, QR code, related documents).

The API's 13 document types differ only in root keys, type names, state machines and a few
fields (doctypes.py); here each operation is written once and expanded per type.
"""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.areas.documents.lists import list_paths
from invoicexpress_specbuild.areas.documents.operations import (
    document_paths,
    pdf,
    qr_code,
    related_documents,
)
from invoicexpress_specbuild.areas.documents.schemas import schemas
from invoicexpress_specbuild.doctypes import DOC_TYPES
from invoicexpress_specbuild.nodes import Node


def paths() -> dict[str, Node]:
    out: dict[str, Node] = {}
    for dt in DOC_TYPES:
        out |= document_paths(dt)
    for path, item in list_paths().items():
        out.setdefault(path, {}).update(item)
    out["/api/pdf/{document-id}.json"] = {"get": pdf()}
    out["/api/qr_codes/{document-id}.json"] = {"get": qr_code()}
    out["/document/{document-id}/related_documents.json"] = {"get": related_documents()}
    return out


AREA = Area("documents", schemas, paths)
