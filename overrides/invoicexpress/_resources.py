"""Resource namespaces (`ix.invoices`, `ix.quotes`, `ix.pdf`, ...) over the generated operations.

Document resources are not written per type: one `DocumentResource` is instantiated for each
document type of CONVENTIONS.md, and its methods name the operation by the spec's operationId
pattern (`create{S}`, `change{S}State`, ...). `Namespaces.operations()` lists what is reachable;
a test checks it covers the whole spec.

Typing: every method is written once, annotated with the generated model it returns on the
sync client (`-> D`, `-> Iterator[E]`), and decorated with `@op` / `@pages`. Those descriptors
give type checkers the async view too: on a `Resource[Async]` the same method returns
`Awaitable[D]` / `AsyncIterator[E]`. Classes serving several types are generic over their
models (`DocumentResource[M, CreditNoteResponse, ListCreditNotesResponse200, CreditNote]`), bound
once in the `Namespaces` table; a test checks each declared type against the generated
operation's 2xx models, so the spec stays the source of truth. At runtime `@op` is a plain method.
"""

# The runner returns the parsed model (sync) or an awaitable of it (async) untyped; each method
# declares the model, and tests/client/test_typing.py checks every declaration against the
# generated operation's 2xx models, hence:
# mypy: disable-error-code="no-any-return"
from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import (
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    TypedDict,
    TypeVar,
    Unpack,
    overload,
)

from invoicexpress_client.api import OPERATIONS
from invoicexpress_client.models import (
    AccountCreated,
    ClientBalance,
    ClientResponse,
    ConfigureAtCommunicationResponse200,
    CreateClientRegularizationResponse201,
    CreateClientTreasuryMovementResponse201,
    CreateItemResponse201,
    CreateTaxResponse201,
    CreditNote,
    CreditNoteResponse,
    DebitNote,
    DebitNoteResponse,
    DevolutionResponse,
    EstimateFamilyDocument,
    FeesNoteResponse,
    GeneratePdfResponse200,
    GetAccountResponse200,
    GetItemResponse200,
    GetQrCodeResponse200,
    GetQrCodeResponse202,
    GetTaxResponse200,
    GuideFamilyDocument,
    InvoiceFamilyDocument,
    InvoiceReceipt,
    InvoiceReceiptResponse,
    InvoiceResponse,
    Item,
    ListClientInvoicesResponse200,
    ListClientRegularizationsResponse200,
    ListClientsResponse200,
    ListCreditNotesResponse200,
    ListDebitNotesResponse200,
    ListEstimatesResponse200,
    ListGuidesResponse200,
    ListInvoiceReceiptsResponse200,
    ListInvoicesResponse200,
    ListItemsResponse200,
    ListPurchaseOrdersResponse200,
    ListReceiptsResponse200,
    ListRelatedDocumentsResponse200,
    ListSequencesResponse200,
    ListSimplifiedInvoicesResponse200,
    ListTaxesResponse200,
    ListVatMossInvoicesResponse200,
    MessageBody,
    ProformaResponse,
    PurchaseOrderResponse,
    PurchaseOrderResponseDocument,
    QuoteResponse,
    Receipt,
    ReceiptResponse,
    RegisterSequenceResponse200,
    SaftReady,
    SequenceResponse,
    ShippingResponse,
    SimplifiedInvoice,
    SimplifiedInvoiceResponse,
    Tax,
    TransportResponse,
    UpdateClientInitialBalanceResponse200,
    VatMossInvoice,
    VatMossInvoiceResponse,
)
from invoicexpress_client.models import Client as ClientModel

R_co = TypeVar("R_co", covariant=True)
I_co = TypeVar("I_co", covariant=True)
P = ParamSpec("P")
T = TypeVar("T")


class Mode:
    """Type-level marker: what a resource's methods give (never instantiated)."""


class Sync(Mode):
    """Methods return the parsed model; `iter` returns an Iterator (InvoiceXpress)."""


class Async(Mode):
    """Methods return awaitables; `iter` returns an AsyncIterator (AsyncInvoiceXpress)."""


M = TypeVar("M", bound=Mode)
D = TypeVar("D")  # a document's response model (CreditNoteResponse)
L = TypeVar("L")  # a list page's model (ListCreditNotesResponse200)
E = TypeVar("E")  # one listed element (CreditNote)
C = TypeVar("C")  # a create's response model
G = TypeVar("G")  # a get's response model


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


class _Method(Generic[P, T]):
    """A resource method; at runtime it binds like a plain function (`_bind`)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        # __name__, __doc__, __wrapped__ (so inspect.signature sees the method's own parameters)
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def _bind(self, obj: object) -> Any:
        return self if obj is None else types.MethodType(self._fn, obj)


class op(_Method[P, T]):
    """`@op` on a method annotated `-> T`: `T` on sync resources, `Awaitable[T]` on async ones."""

    def __init__(self, fn: Callable[Concatenate[Any, P], T]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> op[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: type | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Async], owner: type | None = None
    ) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self._bind(obj)


class pages(_Method[P, T]):
    """`@pages` on a method annotated `-> Iterator[T]`: AsyncIterator[T] on async resources."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Iterator[T]]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> pages[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Sync], owner: type | None = None
    ) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[Async], owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self._bind(obj)


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


class Resource(Generic[M]):
    """A namespace; `_ops` maps method name -> operation it calls (for coverage reports).

    `M` (Sync or Async) only tells type checkers what the methods return (see `op`)."""

    _ops: dict[str, str] = {}  # noqa: RUF012  (read-only class table, overridden per class)

    def __init__(self, runner: Runner[Any, Any]) -> None:
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
    ) -> Any:
        return self._runner.run(Call(op, path, query or {}, body, iso_dates))

    def _iter(self, op: str, *path: Any, filters: Mapping[str, Any]) -> Any:
        return self._runner.paginate(lambda page: Call(op, path, filter_query(filters, page)))

    def _poll(self, call: Call, timeout: float, interval: float) -> Any:
        return self._runner.poll(call, timeout, interval)


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


class DocumentResource(Resource[M], Generic[M, D, L, E]):
    """One document type: create, get, update, change_state, email, list, iter (+ cancel).

    D: its response model, L: its list page model, E: one listed document."""

    def __init__(self, runner: Runner[Any, Any], doc: DocumentType) -> None:
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

    @op
    def create(self, document: Mapping[str, Any], *, proprietary_uid: str | None = None) -> D:
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

    @op
    def get(self, document_id: int) -> D:
        return self._run(self._ops["get"], document_id)

    @op
    def update(self, document_id: int, document: Mapping[str, Any]) -> D:
        """PUT replaces the document: send the client and every item again."""
        body = _wrap(self.doc.key, document, *self._family_key())
        return self._run(self._ops["update"], document_id, body=body)

    @op
    def change_state(self, document_id: int, state: str, *, message: str | None = None) -> D:
        """Fire a state event (`finalized`, `canceled` needs `message`, `settled`, ...)."""
        inner: dict[str, Any] = {"state": state}
        if message is not None:
            inner["message"] = message
        return self._run(self._ops["change_state"], document_id, body={self.doc.key: inner})

    @op
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
    ) -> None:
        """Send the document by email (`save_email` stores the address on the client)."""
        message: dict[str, Any] = {
            "client": {"email": to, "save": "1" if save_email else "0"},
            "logo": "1" if logo else "0",
        }
        for name, value in (("subject", subject), ("body", body), ("cc", cc), ("bcc", bcc)):
            if value is not None:
                message[name] = value
        return self._run(self._ops["email"], document_id, body={"message": message})

    @op
    def cancel(self, document_id: int, *, message: str) -> D:
        """Receipts only (`cancelReceipt`); InvoiceXpress requires the reason as `message`."""
        body = {self.doc.key: {"state": "canceled", "message": message}}
        return self._run(self._ops["cancel"], document_id, body=body)

    def _filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(filters)
        if self._list_type and "type" not in merged:
            merged["type"] = [self._list_type]
        return merged

    @op
    def list(self, *, page: int = 1, **filters: Unpack[ListFilters]) -> L:
        """One page of this type (estimates/guides types use the family list with type[])."""
        return self._run(self._list_op, query=filter_query(self._filters(filters), page))

    @pages
    def iter(self, **filters: Unpack[ListFilters]) -> Iterator[E]:
        """Every matching document across all pages."""
        return self._iter(self._list_op, filters=self._filters(filters))


class FamilyListResource(Resource[M], Generic[M, L, E]):
    """`ix.estimates` / `ix.guides`: the family-wide lists."""

    def __init__(self, runner: Runner[Any, Any], operation: str) -> None:
        super().__init__(runner)
        self._ops = {"list": operation}

    @op
    def list(self, *, page: int = 1, **filters: Unpack[ListFilters]) -> L:
        return self._run(self._ops["list"], query=filter_query(filters, page))

    @pages
    def iter(self, **filters: Unpack[ListFilters]) -> Iterator[E]:
        return self._iter(self._ops["list"], filters=filters)


class _Crud(Resource[M], Generic[M, L, E, C, G]):
    """list/iter/create/get/update/delete for a resource with root key `_root`.

    L: the list page model, E: one listed element, C: create's model, G: get's model."""

    _root = ""
    _name = ""
    _plural = ""

    def __init__(self, runner: Runner[Any, Any]) -> None:
        super().__init__(runner)
        n, p = self._name, self._plural
        self._ops = {
            "list": f"list_{p}",
            "create": f"create_{n}",
            "get": f"get_{n}",
            "update": f"update_{n}",
            "delete": f"delete_{n}",
        }

    @op
    def list(self, *, page: int = 1, per_page: int | None = None) -> L:
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

    @pages
    def iter(self, *, per_page: int | None = None) -> Iterator[E]:
        from ._client import operation_info

        op = self._ops["list"]
        wire = {w for w, _ in operation_info(op).query_params}
        filters = {"per_page": per_page} if per_page and "per_page" in wire else {}
        if "page" in wire:
            return self._iter(op, filters=filters)
        return self._runner.paginate(lambda _page: Call(op, (), filters))

    @op
    def create(self, data: Mapping[str, Any]) -> C:
        return self._run(self._ops["create"], body=_wrap(self._root, data))

    @op
    def get(self, resource_id: int | str) -> G:
        return self._run(self._ops["get"], resource_id)

    @op
    def update(self, resource_id: int | str, data: Mapping[str, Any]) -> None:
        return self._run(self._ops["update"], resource_id, body=_wrap(self._root, data))

    @op
    def delete(self, resource_id: int | str) -> None:
        return self._run(self._ops["delete"], resource_id)


class ItemsResource(
    _Crud[M, ListItemsResponse200, Item, CreateItemResponse201, GetItemResponse200]
):
    _root, _name, _plural = "item", "item", "items"


class TaxesResource(_Crud[M, ListTaxesResponse200, Tax, CreateTaxResponse201, GetTaxResponse200]):
    _root, _name, _plural = "tax", "tax", "taxes"


class ClientsResource(
    _Crud[M, ListClientsResponse200, ClientModel, ClientResponse, ClientResponse]
):
    """Clients, plus find by name/code and the client's invoice list."""

    _root, _name, _plural = "client", "client", "clients"

    def __init__(self, runner: Runner[Any, Any]) -> None:
        super().__init__(runner)
        del self._ops["delete"]
        self._ops |= {
            "find_by_name": "find_client_by_name",
            "find_by_code": "find_client_by_code",
            "invoices": "list_client_invoices",
        }

    @op
    def find_by_name(self, name: str) -> ClientResponse:
        return self._run(self._ops["find_by_name"], query={"client_name": name})

    @op
    def find_by_code(self, code: str) -> ClientResponse:
        return self._run(self._ops["find_by_code"], query={"client_code": code})

    @op
    def invoices(
        self,
        client_id: int | str,
        *,
        filter: Mapping[str, Any] | None = None,
        page: int = 1,
        per_page: int | None = None,
    ) -> ListClientInvoicesResponse200:
        """The client's documents; `filter` is the JSON body filter (status, by_type, ...)."""
        from ._client import operation_info

        wire = {w for w, _ in operation_info(self._ops["invoices"]).query_params}
        query = {k: v for k, v in (("page", page), ("per_page", per_page)) if k in wire}
        body = {"filter": dict(filter)} if filter is not None else None
        return self._run(self._ops["invoices"], client_id, query=query, body=body)


class SequencesResource(Resource[M]):
    _ops = {  # noqa: RUF012
        "list": "list_sequences",
        "create": "create_sequence",
        "get": "get_sequence",
        "register": "register_sequence",
        "set_current": "set_current_sequence",
    }

    @op
    def list(self) -> ListSequencesResponse200:
        return self._run(self._ops["list"])

    @op
    def create(self, sequence: Mapping[str, Any]) -> SequenceResponse:
        return self._run(self._ops["create"], body=_wrap("sequence", sequence))

    @op
    def get(self, sequence_id: int) -> SequenceResponse:
        return self._run(self._ops["get"], sequence_id)

    @op
    def register(self, sequence_id: int) -> RegisterSequenceResponse200:
        """Register the series with the tax authority (AT)."""
        return self._run(self._ops["register"], sequence_id)

    @op
    def set_current(self, sequence_id: int) -> None:
        return self._run(self._ops["set_current"], sequence_id)


class AccountsResource(Resource[M]):
    _ops = {  # noqa: RUF012
        "create": "create_account",
        "create_for_existing_user": "create_account_for_existing_user",
        "get": "get_account",
        "update": "update_account",
        "configure_at_communication": "configure_at_communication",
    }

    @op
    def create(self, account: Mapping[str, Any]) -> AccountCreated:
        return self._run(self._ops["create"], body=_wrap("account", account))

    @op
    def create_for_existing_user(self, account: Mapping[str, Any]) -> AccountCreated:
        return self._run(self._ops["create_for_existing_user"], body=_wrap("account", account))

    @op
    def get(self, account_id: int | str) -> GetAccountResponse200:
        return self._run(self._ops["get"], account_id)

    @op
    def update(self, account_id: int | str, account: Mapping[str, Any]) -> None:
        return self._run(self._ops["update"], account_id, body=_wrap("account", account))

    @op
    def configure_at_communication(
        self, at_communication: Mapping[str, Any]
    ) -> ConfigureAtCommunicationResponse200:
        """AT (tax authority) credentials for this account; `at_password` is base64."""
        body = _wrap("at_communication", at_communication)
        return self._run(self._ops["configure_at_communication"], body=body)


class TreasuryResource(Resource[M]):
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

    @op
    def balance(self, client_id: int | str) -> ClientBalance:
        return self._run(self._ops["balance"], client_id)

    @op
    def update_initial_balance(
        self, client_id: int | str, initial_balance: Mapping[str, Any]
    ) -> UpdateClientInitialBalanceResponse200:
        body = _wrap("initial_balance", initial_balance)
        return self._run(self._ops["update_initial_balance"], client_id, body=body, iso_dates=True)

    @op
    def regularizations(
        self, client_id: int | str, *, page: int = 1
    ) -> ListClientRegularizationsResponse200:
        return self._run(self._ops["regularizations"], client_id, query={"page": page})

    @op
    def create_regularization(
        self, client_id: int | str, regularization: Mapping[str, Any]
    ) -> CreateClientRegularizationResponse201:
        body = _wrap("regularization", regularization)
        return self._run(self._ops["create_regularization"], client_id, body=body, iso_dates=True)

    @op
    def delete_regularization(self, client_id: int | str, regularization_id: int) -> None:
        return self._run(self._ops["delete_regularization"], client_id, regularization_id)

    @op
    def create_movement(
        self, client_id: int | str, movement: Mapping[str, Any]
    ) -> CreateClientTreasuryMovementResponse201:
        body = _wrap("treasury_movement", movement)
        return self._run(self._ops["create_movement"], client_id, body=body, iso_dates=True)

    @op
    def delete_movement(self, client_id: int | str, movement_id: int) -> None:
        return self._run(self._ops["delete_movement"], client_id, movement_id)


class PdfResource(Resource[M]):
    """PDF links: `generate` may answer 202 (None) while the file is built; `wait` polls."""

    _ops = {"generate": "generate_pdf", "wait": "generate_pdf"}  # noqa: RUF012

    @op
    def generate(
        self, document_id: int, *, second_copy: bool = False
    ) -> GeneratePdfResponse200 | None:
        return self._run(self._ops["generate"], document_id, query=self._query(second_copy))

    @op
    def wait(
        self,
        document_id: int,
        *,
        second_copy: bool = False,
        timeout: float = 60.0,
        interval: float = 1.0,
    ) -> GeneratePdfResponse200:
        call = Call(self._ops["wait"], (document_id,), self._query(second_copy))
        return self._poll(call, timeout, interval)

    @staticmethod
    def _query(second_copy: bool) -> dict[str, Any]:
        return {"second_copy": True} if second_copy else {}


class QrCodesResource(Resource[M]):
    _ops = {"get": "get_qr_code", "wait": "get_qr_code"}  # noqa: RUF012

    @op
    def get(self, document_id: int) -> GetQrCodeResponse200 | GetQrCodeResponse202:
        return self._run(self._ops["get"], document_id)

    @op
    def wait(
        self, document_id: int, *, timeout: float = 60.0, interval: float = 1.0
    ) -> GetQrCodeResponse200:
        return self._poll(Call(self._ops["wait"], (document_id,)), timeout, interval)


class SaftResource(Resource[M]):
    """SAF-T export for a month; 202 while it is prepared."""

    _ops = {"export": "export_saft", "wait": "export_saft"}  # noqa: RUF012

    @op
    def export(self, *, month: int, year: int) -> SaftReady | MessageBody:
        return self._run(self._ops["export"], query={"month": month, "year": year})

    @op
    def wait(
        self, *, month: int, year: int, timeout: float = 300.0, interval: float = 2.0
    ) -> SaftReady:
        call = Call(self._ops["wait"], (), {"month": month, "year": year})
        return self._poll(call, timeout, interval)


class DocumentsResource(Resource[M]):
    """Operations on any document by id: related documents and (partial) payments."""

    _ops = {"related": "list_related_documents", "pay": "create_partial_payment"}  # noqa: RUF012

    @op
    def related(self, document_id: int) -> ListRelatedDocumentsResponse200:
        return self._run(self._ops["related"], document_id)

    @op
    def pay(self, document_id: int, payment: Mapping[str, Any]) -> ReceiptResponse:
        """Register a (partial) payment; makes a receipt. `amount` as Decimal, `date` as date."""
        return self._run(self._ops["pay"], document_id, body=_wrap("partial_payment", payment))


class Namespaces(Generic[M]):
    """The resource attributes shared by InvoiceXpress (M=Sync) and AsyncInvoiceXpress (Async).

    The table binds each document type to its generated models (checked against the spec by
    tests/client/test_typing.py)."""

    invoices: DocumentResource[M, InvoiceResponse, ListInvoicesResponse200, InvoiceFamilyDocument]
    invoice_receipts: DocumentResource[
        M, InvoiceReceiptResponse, ListInvoiceReceiptsResponse200, InvoiceReceipt
    ]
    simplified_invoices: DocumentResource[
        M, SimplifiedInvoiceResponse, ListSimplifiedInvoicesResponse200, SimplifiedInvoice
    ]
    credit_notes: DocumentResource[M, CreditNoteResponse, ListCreditNotesResponse200, CreditNote]
    debit_notes: DocumentResource[M, DebitNoteResponse, ListDebitNotesResponse200, DebitNote]
    vat_moss_invoices: DocumentResource[
        M, VatMossInvoiceResponse, ListVatMossInvoicesResponse200, VatMossInvoice
    ]
    quotes: DocumentResource[M, QuoteResponse, ListEstimatesResponse200, EstimateFamilyDocument]
    proformas: DocumentResource[
        M, ProformaResponse, ListEstimatesResponse200, EstimateFamilyDocument
    ]
    fees_notes: DocumentResource[
        M, FeesNoteResponse, ListEstimatesResponse200, EstimateFamilyDocument
    ]
    shippings: DocumentResource[M, ShippingResponse, ListGuidesResponse200, GuideFamilyDocument]
    transports: DocumentResource[M, TransportResponse, ListGuidesResponse200, GuideFamilyDocument]
    devolutions: DocumentResource[M, DevolutionResponse, ListGuidesResponse200, GuideFamilyDocument]
    purchase_orders: DocumentResource[
        M, PurchaseOrderResponse, ListPurchaseOrdersResponse200, PurchaseOrderResponseDocument
    ]
    receipts: DocumentResource[M, ReceiptResponse, ListReceiptsResponse200, Receipt]
    estimates: FamilyListResource[M, ListEstimatesResponse200, EstimateFamilyDocument]
    guides: FamilyListResource[M, ListGuidesResponse200, GuideFamilyDocument]
    documents: DocumentsResource[M]
    pdf: PdfResource[M]
    qr_codes: QrCodesResource[M]
    saft: SaftResource[M]
    clients: ClientsResource[M]
    items: ItemsResource[M]
    taxes: TaxesResource[M]
    sequences: SequencesResource[M]
    accounts: AccountsResource[M]
    treasury: TreasuryResource[M]

    def _init_namespaces(self, runner: Runner[Any, Any]) -> None:
        self._resources: dict[str, Resource[M]] = {}
        for doc in DOCUMENT_TYPES:
            self._resources[doc.segment] = DocumentResource(runner, doc)
        for family, op in FAMILY_LISTS.items():
            self._resources[family] = FamilyListResource(runner, op)
        simple: dict[str, type[Resource[M]]] = {
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
