"""Resource namespaces (`ix.invoices`, `ix.quotes`, `ix.pdf`, ...) over the generated operations.

Document resources are not written per type: one `DocumentResource` is instantiated for each
document type of CONVENTIONS.md, and its methods name the operation by the spec's operationId
pattern (`create{S}`, `change{S}State`, ...). Each class is generic over the result type, so
the same code serves the sync client (plain values) and the async one (awaitables).
`Namespaces.operations()` lists what is reachable; a test checks it covers the whole spec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Protocol, TypedDict, TypeVar, Unpack

from invoicexpress_client.api import OPERATIONS

R = TypeVar("R")
I = TypeVar("I")  # noqa: E741  (the iterator type: Iterator or AsyncIterator)
R_co = TypeVar("R_co", covariant=True)
I_co = TypeVar("I_co", covariant=True)


@dataclass(frozen=True)
class Call:
    """One operation to run: its snake_case operationId, path ids, wire-named query, JSON body."""

    operation: str
    path: tuple[Any, ...] = ()
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    iso_dates: bool = False


class Runner(Protocol[R_co, I_co]):
    def run(self, call: Call) -> R_co: ...
    def paginate(self, make: Callable[[int], Call]) -> I_co: ...
    def poll(self, call: Call, timeout: float, interval: float) -> R_co: ...


@dataclass(frozen=True)
class DocumentType:
    """A row of the CONVENTIONS.md type map: path segment, singular root key, `type`, family."""

    segment: str
    key: str
    type_name: str
    family: str


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("invoices", "invoice", "Invoice", "invoices"),
    DocumentType("invoice_receipts", "invoice_receipt", "InvoiceReceipt", "invoices"),
    DocumentType("simplified_invoices", "simplified_invoice", "SimplifiedInvoice", "invoices"),
    DocumentType("credit_notes", "credit_note", "CreditNote", "invoices"),
    DocumentType("debit_notes", "debit_note", "DebitNote", "invoices"),
    DocumentType("vat_moss_invoices", "vat_moss_invoice", "VatMossInvoice", "invoices"),
    DocumentType("quotes", "quote", "Quote", "estimates"),
    DocumentType("proformas", "proforma", "Proforma", "estimates"),
    DocumentType("fees_notes", "fees_note", "FeesNote", "estimates"),
    DocumentType("shippings", "shipping", "Shipping", "guides"),
    DocumentType("transports", "transport", "Transport", "guides"),
    DocumentType("devolutions", "devolution", "Devolution", "guides"),
    DocumentType("purchase_orders", "purchase_order", "PurchaseOrder", "purchase_orders"),
    DocumentType("receipts", "receipt", "Receipt", "receipts"),
)
#: The family list operation a type falls back to when it has no list of its own.
FAMILY_LISTS = {"estimates": "list_estimates", "guides": "list_guides"}


class ListFilters(TypedDict, total=False):
    """List filters; dates and amounts are Python values, brackets are added on the wire."""

    type: Sequence[str]
    status: Sequence[str]
    non_archived: bool
    archived: bool
    text: str
    reference: str
    date_from: dt.date
    date_to: dt.date
    due_date_from: dt.date
    due_date_to: dt.date
    loaded_at_from: dt.date
    loaded_at_to: dt.date
    total_before_taxes_from: Decimal
    total_before_taxes_to: Decimal
    per_page: int


def filter_query(filters: Mapping[str, Any], page: int | None = None) -> dict[str, Any]:
    """ListFilters -> wire names: type -> "type[]", date_from -> "date[from]"."""
    query: dict[str, Any] = {}
    for name, value in filters.items():
        if name in ("type", "status"):
            query[f"{name}[]"] = [value] if isinstance(value, str) else list(value)
        elif name.endswith(("_from", "_to")):
            base, _, bound = name.rpartition("_")
            query[f"{base}[{bound}]"] = value
        else:
            query[name] = value
    if page is not None:
        query["page"] = page
    return query


class Resource(Generic[R, I]):
    """A namespace; `_ops` maps method name -> operation it calls (for coverage reports)."""

    _ops: dict[str, str] = {}  # noqa: RUF012  (read-only class table, overridden per class)

    def __init__(self, runner: Runner[R, I]) -> None:
        self._runner = runner

    def operations(self) -> dict[str, str]:
        """operation name -> method name, for the operations the generated client has."""
        return {op: method for method, op in self._ops.items() if op in OPERATIONS}

    def _run(
        self,
        op: str,
        *path: Any,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        iso_dates: bool = False,
    ) -> R:
        return self._runner.run(Call(op, path, query or {}, body, iso_dates))

    def _iter(self, op: str, *path: Any, filters: Mapping[str, Any]) -> I:
        return self._runner.paginate(lambda page: Call(op, path, filter_query(filters, page)))


def _body_has_field(operation: str, name: str) -> bool:
    """Whether the generated request body model of `operation` has a field `name`."""
    import importlib
    import inspect

    import attrs

    module = importlib.import_module(OPERATIONS[operation].module)
    body = inspect.signature(module.sync_detailed).parameters["body"].annotation
    return attrs.has(body) and name in attrs.fields_dict(body)


def _wrap(root: str, data: Mapping[str, Any], *aliases: str) -> dict[str, Any]:
    """`data` under its root key, unless the caller already wrapped it (siblings such as
    `proprietary_uid` are kept)."""
    if any(isinstance(data.get(key), Mapping) for key in (root, *aliases)):
        return dict(data)
    return {root: dict(data)}


class DocumentResource(Resource[R, I]):
    """One document type: create, get, update, change_state, email, list, iter (+ cancel)."""

    def __init__(self, runner: Runner[R, I], doc: DocumentType) -> None:
        super().__init__(runner)
        self.doc = doc
        k = doc.key
        own_list = f"list_{doc.segment}"
        self._list_op = own_list if own_list in OPERATIONS else FAMILY_LISTS.get(doc.family, "")
        self._list_type = None if own_list in OPERATIONS else doc.type_name
        self._ops = {
            "create": f"create_{k}",
            "get": f"get_{k}",
            "update": f"update_{k}",
            "change_state": f"change_{k}_state",
            "email": f"email_{k}",
            "cancel": f"cancel_{k}",
            "list": self._list_op,
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.doc.segment}>"

    def _family_key(self) -> tuple[str, ...]:
        generic = {"invoices": "invoice", "estimates": "quote", "guides": "shipping"}
        return (generic[self.doc.family],) if self.doc.family in generic else ()

    def create(self, document: Mapping[str, Any], *, proprietary_uid: str | None = None) -> R:
        """Create a draft (or final, per the API). `proprietary_uid` makes retries safe."""
        body = _wrap(self.doc.key, document, *self._family_key())
        if proprietary_uid:
            if not _body_has_field(self._ops["create"], "proprietary_uid"):
                raise TypeError(
                    f"{self.doc.segment}: the spec accepts proprietary_uid only on "
                    "invoices-family creates; drop it here"
                )
            body["proprietary_uid"] = proprietary_uid
        return self._run(self._ops["create"], body=body)

    def get(self, document_id: int) -> R:
        return self._run(self._ops["get"], document_id)

    def update(self, document_id: int, document: Mapping[str, Any]) -> R:
        """PUT replaces the document: send the client and every item again."""
        body = _wrap(self.doc.key, document, *self._family_key())
        return self._run(self._ops["update"], document_id, body=body)

    def change_state(self, document_id: int, state: str, *, message: str | None = None) -> R:
        """Fire a state event (`finalized`, `canceled` needs `message`, `settled`, ...)."""
        inner: dict[str, Any] = {"state": state}
        if message is not None:
            inner["message"] = message
        return self._run(self._ops["change_state"], document_id, body={self.doc.key: inner})

    def email(
        self,
        document_id: int,
        *,
        to: str,
        subject: str | None = None,
        body: str | None = None,
        cc: str | None = None,
        bcc: str | None = None,
        save_email: bool = False,
        logo: bool = False,
    ) -> R:
        """Send the document by email (`save_email` stores the address on the client)."""
        message: dict[str, Any] = {
            "client": {"email": to, "save": "1" if save_email else "0"},
            "logo": "1" if logo else "0",
        }
        for name, value in (("subject", subject), ("body", body), ("cc", cc), ("bcc", bcc)):
            if value is not None:
                message[name] = value
        return self._run(self._ops["email"], document_id, body={"message": message})

    def cancel(self, document_id: int, *, message: str) -> R:
        """Receipts only (`cancelReceipt`); InvoiceXpress requires the reason as `message`."""
        body = {self.doc.key: {"state": "canceled", "message": message}}
        return self._run(self._ops["cancel"], document_id, body=body)

    def _filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(filters)
        if self._list_type and "type" not in merged:
            merged["type"] = [self._list_type]
        return merged

    def list(self, *, page: int = 1, **filters: Unpack[ListFilters]) -> R:
        """One page of this type (estimates/guides types use the family list with type[])."""
        return self._run(self._list_op, query=filter_query(self._filters(filters), page))

    def iter(self, **filters: Unpack[ListFilters]) -> I:
        """Every matching document across all pages."""
        return self._iter(self._list_op, filters=self._filters(filters))


class FamilyListResource(Resource[R, I]):
    """`ix.estimates` / `ix.guides`: the family-wide lists."""

    def __init__(self, runner: Runner[R, I], op: str) -> None:
        super().__init__(runner)
        self._ops = {"list": op}

    def list(self, *, page: int = 1, **filters: Unpack[ListFilters]) -> R:
        return self._run(self._ops["list"], query=filter_query(filters, page))

    def iter(self, **filters: Unpack[ListFilters]) -> I:
        return self._iter(self._ops["list"], filters=filters)


class _Crud(Resource[R, I]):
    """list/iter/create/get/update/delete for a resource with root key `_root`."""

    _root = ""
    _name = ""
    _plural = ""

    def __init__(self, runner: Runner[R, I]) -> None:
        super().__init__(runner)
        n, p = self._name, self._plural
        self._ops = {
            "list": f"list_{p}",
            "create": f"create_{n}",
            "get": f"get_{n}",
            "update": f"update_{n}",
            "delete": f"delete_{n}",
        }

    def list(self, *, page: int = 1, per_page: int | None = None) -> R:
        return self._run(self._ops["list"], query=self._page_query(page, per_page))

    def _page_query(self, page: int, per_page: int | None) -> dict[str, Any]:
        from ._client import operation_info

        wire = {w for w, _ in operation_info(self._ops["list"]).query_params}
        query: dict[str, Any] = {}
        if "page" in wire:
            query["page"] = page
        if per_page is not None and "per_page" in wire:
            query["per_page"] = per_page
        return query

    def iter(self, *, per_page: int | None = None) -> I:
        from ._client import operation_info

        op = self._ops["list"]
        wire = {w for w, _ in operation_info(op).query_params}
        filters = {"per_page": per_page} if per_page and "per_page" in wire else {}
        if "page" in wire:
            return self._iter(op, filters=filters)
        return self._runner.paginate(lambda _page: Call(op, (), filters))

    def create(self, data: Mapping[str, Any]) -> R:
        return self._run(self._ops["create"], body=_wrap(self._root, data))

    def get(self, resource_id: int | str) -> R:
        return self._run(self._ops["get"], resource_id)

    def update(self, resource_id: int | str, data: Mapping[str, Any]) -> R:
        return self._run(self._ops["update"], resource_id, body=_wrap(self._root, data))

    def delete(self, resource_id: int | str) -> R:
        return self._run(self._ops["delete"], resource_id)


class ItemsResource(_Crud[R, I]):
    _root, _name, _plural = "item", "item", "items"


class TaxesResource(_Crud[R, I]):
    _root, _name, _plural = "tax", "tax", "taxes"


class ClientsResource(_Crud[R, I]):
    """Clients, plus find by name/code and the client's invoice list."""

    _root, _name, _plural = "client", "client", "clients"

    def __init__(self, runner: Runner[R, I]) -> None:
        super().__init__(runner)
        del self._ops["delete"]
        self._ops |= {
            "find_by_name": "find_client_by_name",
            "find_by_code": "find_client_by_code",
            "invoices": "list_client_invoices",
        }

    def find_by_name(self, name: str) -> R:
        return self._run(self._ops["find_by_name"], query={"client_name": name})

    def find_by_code(self, code: str) -> R:
        return self._run(self._ops["find_by_code"], query={"client_code": code})

    def invoices(
        self,
        client_id: int | str,
        *,
        filter: Mapping[str, Any] | None = None,
        page: int = 1,
        per_page: int | None = None,
    ) -> R:
        """The client's documents; `filter` is the JSON body filter (status, by_type, ...)."""
        from ._client import operation_info

        wire = {w for w, _ in operation_info(self._ops["invoices"]).query_params}
        query = {k: v for k, v in (("page", page), ("per_page", per_page)) if k in wire}
        body = {"filter": dict(filter)} if filter is not None else None
        return self._run(self._ops["invoices"], client_id, query=query, body=body)


class SequencesResource(Resource[R, I]):
    _ops = {  # noqa: RUF012
        "list": "list_sequences",
        "create": "create_sequence",
        "get": "get_sequence",
        "register": "register_sequence",
        "set_current": "set_current_sequence",
    }

    def list(self) -> R:
        return self._run(self._ops["list"])

    def create(self, sequence: Mapping[str, Any]) -> R:
        return self._run(self._ops["create"], body=_wrap("sequence", sequence))

    def get(self, sequence_id: int) -> R:
        return self._run(self._ops["get"], sequence_id)

    def register(self, sequence_id: int) -> R:
        """Register the series with the tax authority (AT)."""
        return self._run(self._ops["register"], sequence_id)

    def set_current(self, sequence_id: int) -> R:
        return self._run(self._ops["set_current"], sequence_id)


class AccountsResource(Resource[R, I]):
    _ops = {  # noqa: RUF012
        "create": "create_account",
        "create_for_existing_user": "create_account_for_existing_user",
        "get": "get_account",
        "update": "update_account",
        "configure_at_communication": "configure_at_communication",
    }

    def create(self, account: Mapping[str, Any]) -> R:
        return self._run(self._ops["create"], body=_wrap("account", account))

    def create_for_existing_user(self, account: Mapping[str, Any]) -> R:
        return self._run(self._ops["create_for_existing_user"], body=_wrap("account", account))

    def get(self, account_id: int | str) -> R:
        return self._run(self._ops["get"], account_id)

    def update(self, account_id: int | str, account: Mapping[str, Any]) -> R:
        return self._run(self._ops["update"], account_id, body=_wrap("account", account))

    def configure_at_communication(self, at_communication: Mapping[str, Any]) -> R:
        """AT (tax authority) credentials for this account; `at_password` is base64."""
        body = _wrap("at_communication", at_communication)
        return self._run(self._ops["configure_at_communication"], body=body)


class TreasuryResource(Resource[R, I]):
    """Client balances and movements; these endpoints take ISO dates, not dd/mm/yyyy."""

    _ops = {  # noqa: RUF012
        "balance": "get_client_balance",
        "update_initial_balance": "update_client_initial_balance",
        "regularizations": "list_client_regularizations",
        "create_regularization": "create_client_regularization",
        "delete_regularization": "delete_client_regularization",
        "create_movement": "create_client_treasury_movement",
        "delete_movement": "delete_client_treasury_movement",
    }

    def balance(self, client_id: int | str) -> R:
        return self._run(self._ops["balance"], client_id)

    def update_initial_balance(self, client_id: int | str, initial_balance: Mapping[str, Any]) -> R:
        body = _wrap("initial_balance", initial_balance)
        return self._run(self._ops["update_initial_balance"], client_id, body=body, iso_dates=True)

    def regularizations(self, client_id: int | str, *, page: int = 1) -> R:
        return self._run(self._ops["regularizations"], client_id, query={"page": page})

    def create_regularization(self, client_id: int | str, regularization: Mapping[str, Any]) -> R:
        body = _wrap("regularization", regularization)
        return self._run(self._ops["create_regularization"], client_id, body=body, iso_dates=True)

    def delete_regularization(self, client_id: int | str, regularization_id: int) -> R:
        return self._run(self._ops["delete_regularization"], client_id, regularization_id)

    def create_movement(self, client_id: int | str, movement: Mapping[str, Any]) -> R:
        body = _wrap("treasury_movement", movement)
        return self._run(self._ops["create_movement"], client_id, body=body, iso_dates=True)

    def delete_movement(self, client_id: int | str, movement_id: int) -> R:
        return self._run(self._ops["delete_movement"], client_id, movement_id)


class PdfResource(Resource[R, I]):
    """PDF links: `generate` may answer 202 (None) while the file is built; `wait` polls."""

    _ops = {"generate": "generate_pdf", "wait": "generate_pdf"}  # noqa: RUF012

    def generate(self, document_id: int, *, second_copy: bool = False) -> R:
        return self._run(self._ops["generate"], document_id, query=self._query(second_copy))

    def wait(
        self,
        document_id: int,
        *,
        second_copy: bool = False,
        timeout: float = 60.0,
        interval: float = 1.0,
    ) -> R:
        call = Call(self._ops["wait"], (document_id,), self._query(second_copy))
        return self._runner.poll(call, timeout, interval)

    @staticmethod
    def _query(second_copy: bool) -> dict[str, Any]:
        return {"second_copy": True} if second_copy else {}


class QrCodesResource(Resource[R, I]):
    _ops = {"get": "get_qr_code", "wait": "get_qr_code"}  # noqa: RUF012

    def get(self, document_id: int) -> R:
        return self._run(self._ops["get"], document_id)

    def wait(self, document_id: int, *, timeout: float = 60.0, interval: float = 1.0) -> R:
        return self._runner.poll(Call(self._ops["wait"], (document_id,)), timeout, interval)


class SaftResource(Resource[R, I]):
    """SAF-T export for a month; 202 while it is prepared."""

    _ops = {"export": "export_saft", "wait": "export_saft"}  # noqa: RUF012

    def export(self, *, month: int, year: int) -> R:
        return self._run(self._ops["export"], query={"month": month, "year": year})

    def wait(self, *, month: int, year: int, timeout: float = 300.0, interval: float = 2.0) -> R:
        call = Call(self._ops["wait"], (), {"month": month, "year": year})
        return self._runner.poll(call, timeout, interval)


class DocumentsResource(Resource[R, I]):
    """Operations on any document by id: related documents and (partial) payments."""

    _ops = {"related": "list_related_documents", "pay": "create_partial_payment"}  # noqa: RUF012

    def related(self, document_id: int) -> R:
        return self._run(self._ops["related"], document_id)

    def pay(self, document_id: int, payment: Mapping[str, Any]) -> R:
        """Register a (partial) payment; makes a receipt. `amount` as Decimal, `date` as date."""
        return self._run(self._ops["pay"], document_id, body=_wrap("partial_payment", payment))


class Namespaces(Generic[R, I]):
    """The resource attributes shared by InvoiceXpress and AsyncInvoiceXpress."""

    invoices: DocumentResource[R, I]
    invoice_receipts: DocumentResource[R, I]
    simplified_invoices: DocumentResource[R, I]
    credit_notes: DocumentResource[R, I]
    debit_notes: DocumentResource[R, I]
    vat_moss_invoices: DocumentResource[R, I]
    quotes: DocumentResource[R, I]
    proformas: DocumentResource[R, I]
    fees_notes: DocumentResource[R, I]
    shippings: DocumentResource[R, I]
    transports: DocumentResource[R, I]
    devolutions: DocumentResource[R, I]
    purchase_orders: DocumentResource[R, I]
    receipts: DocumentResource[R, I]
    estimates: FamilyListResource[R, I]
    guides: FamilyListResource[R, I]
    documents: DocumentsResource[R, I]
    pdf: PdfResource[R, I]
    qr_codes: QrCodesResource[R, I]
    saft: SaftResource[R, I]
    clients: ClientsResource[R, I]
    items: ItemsResource[R, I]
    taxes: TaxesResource[R, I]
    sequences: SequencesResource[R, I]
    accounts: AccountsResource[R, I]
    treasury: TreasuryResource[R, I]

    def _init_namespaces(self, runner: Runner[R, I]) -> None:
        self._resources: dict[str, Resource[R, I]] = {}
        for doc in DOCUMENT_TYPES:
            self._resources[doc.segment] = DocumentResource(runner, doc)
        for family, op in FAMILY_LISTS.items():
            self._resources[family] = FamilyListResource(runner, op)
        simple: dict[str, type[Resource[R, I]]] = {
            "documents": DocumentsResource,
            "pdf": PdfResource,
            "qr_codes": QrCodesResource,
            "saft": SaftResource,
            "clients": ClientsResource,
            "items": ItemsResource,
            "taxes": TaxesResource,
            "sequences": SequencesResource,
            "accounts": AccountsResource,
            "treasury": TreasuryResource,
        }
        for name, cls in simple.items():
            self._resources[name] = cls(runner)
        for name, resource in self._resources.items():
            setattr(self, name, resource)

    def operations(self) -> dict[str, str]:
        """Every generated operation reachable from a namespace -> `namespace.method`."""
        found: dict[str, str] = {}
        for name, resource in self._resources.items():
            for op, method in resource.operations().items():
                found.setdefault(op, f"{name}.{method}")
        return found
