"""One handler per operationId of the spec (names from docs/CONVENTIONS.md).

A handler gets the request already authenticated, parsed and schema-validated, runs inside one
storage transaction, and returns `(status, body)`; errors are raised as `ApiError`. Which
routes exist is decided by the spec, not here: the app binds each spec operation to the
handler of the same operationId and refuses to start when one is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from invoicexpress_core.machines import StateMachine

from . import _domain as d
from ._catalog import DOC_TYPES, DocType
from ._errors import ApiError, invalid, not_found, say
from ._money import to_decimal


@dataclass
class Req:
    """The parts of a request a handler reads."""

    operation_id: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    document_type: DocType | None = None
    machine: StateMachine | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def int_param(self, *names: str) -> int:
        for name in names:
            if name in self.params:
                raw = self.params[name]
                if raw.isdigit():
                    return int(raw)
                raise not_found()
        value = next(iter(self.params.values()), "")
        if value.isdigit():
            return int(value)
        raise not_found()

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def state_machine(self) -> StateMachine:
        """The operation's `x-state-machine` (a 500 when the spec gives it none)."""
        if self.machine is None:
            raise ApiError(500, f"the spec gives {self.operation_id} no x-state-machine")
        return self.machine

    @property
    def json(self) -> Mapping[str, Any]:
        return self.body if isinstance(self.body, Mapping) else {}


@dataclass(frozen=True)
class RawJson:
    """A body already serialised (a stored record's public JSON): sent without re-encoding."""

    data: bytes


Reply = tuple[int, Any]
Handler = Callable[[d.Ctx, Req], Reply]


@dataclass(frozen=True)
class HandlerSpec:
    fn: Handler
    writes: bool  # needs a write transaction (also for GETs that advance async jobs)
    doc_type: DocType | None = None


HANDLERS: dict[str, HandlerSpec] = {}


def _register(op_id: str, fn: Handler, *, writes: bool, dt: DocType | None = None) -> None:
    HANDLERS[op_id] = HandlerSpec(fn, writes, dt)


def _pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _doc_reply(dt: DocType, doc: Mapping[str, Any]) -> Any:
    return {dt.key: d.public(doc)}


def _list_reply(ctx: d.Ctx, req: Req, key: str, rows: list[Any]) -> Any:
    rows = d.filter_documents(ctx, rows, req.query)
    rows.sort(key=lambda r: int(r["id"]), reverse=True)
    page, pagination = d.paginate(rows, req.query)
    return {key: [d.public(r) for r in page], "pagination": pagination}


# ----------------------------------------------------------------------------- documents


def _make_document_handlers(dt: DocType) -> None:
    s = _pascal(dt.key)

    def create(ctx: d.Ctx, req: Req) -> Reply:
        return 201, _doc_reply(dt, d.create_document(ctx, dt, req.json))

    def get(ctx: d.Ctx, req: Req) -> Reply:
        found = ctx.tx.get_public("document", req.int_param("document_id", "id"), ctx.name)
        if found is None or found[0] != dt.type:
            raise not_found()
        return 200, RawJson(b'{"' + dt.key.encode() + b'":' + found[1].encode() + b"}")

    def update(ctx: d.Ctx, req: Req) -> Reply:
        doc = d.update_document(ctx, dt, req.int_param("document_id", "id"), req.json)
        return 200, _doc_reply(dt, doc)

    def change(ctx: d.Ctx, req: Req) -> Reply:
        doc_id = req.int_param("document_id", "id")
        doc = d.change_state(ctx, dt, doc_id, req.json, req.state_machine())
        return 200, _doc_reply(dt, doc)

    def email(ctx: d.Ctx, req: Req) -> Reply:
        d.email_document(ctx, dt, req.int_param("document_id", "id"), req.json)
        return 200, None

    def listing(ctx: d.Ctx, req: Req) -> Reply:
        rows = [r for r in d.documents(ctx) if r["type"] == dt.type]
        return 200, _list_reply(ctx, req, f"{dt.key}s", rows)

    if dt.segment != "receipts":
        _register(f"create{s}", create, writes=True, dt=dt)
        _register(f"update{s}", update, writes=True, dt=dt)
        _register(f"change{s}State", change, writes=True, dt=dt)
        _register(f"email{s}", email, writes=True, dt=dt)
    else:
        _register("emailReceipt", email, writes=True, dt=dt)
    _register(f"get{s}", get, writes=False, dt=dt)
    _register(f"list{s}s", listing, writes=False, dt=dt)


for _dt in DOC_TYPES.values():
    _make_document_handlers(_dt)


def _family_list(family: str, key: str) -> Handler:
    def listing(ctx: d.Ctx, req: Req) -> Reply:
        rows = [r for r in d.documents(ctx) if d.doc_type_of(r).family == family]
        return 200, _list_reply(ctx, req, key, rows)

    return listing


# `/invoices.json` is the family list with all filters (CONVENTIONS), so it overrides the
# per-type `listInvoices` made above.
_register("listInvoices", _family_list("invoices", "invoices"), writes=False)
_register("listEstimates", _family_list("estimates", "estimates"), writes=False)
_register("listGuides", _family_list("guides", "guides"), writes=False)
_register("listPurchaseOrders", _family_list("purchase_orders", "purchase_orders"), writes=False)


def _cancel_receipt(ctx: d.Ctx, req: Req) -> Reply:
    receipt = d.cancel_receipt(
        ctx, req.int_param("receipt_id", "id"), req.json, req.state_machine()
    )
    return 200, {"receipt": d.public(receipt)}


_register("cancelReceipt", _cancel_receipt, writes=True, dt=DOC_TYPES["receipts"])


def _partial_payment(ctx: d.Ctx, req: Req) -> Reply:
    receipt = d.partial_payment(ctx, req.int_param("document_id", "id"), req.json)
    return 201, {"receipt": d.public(receipt)}


_register("createPartialPayment", _partial_payment, writes=True)


def _related(ctx: d.Ctx, req: Req) -> Reply:
    docs = d.related(ctx, req.int_param("document_id", "id"))
    return 200, {"documents": [d.public(x) for x in docs]}


_register("listRelatedDocuments", _related, writes=False)


def _pdf(ctx: d.Ctx, req: Req) -> Reply:
    doc = d.get_document(ctx, req.int_param("document_id", "id"))
    if doc["status"] == "deleted":
        raise ApiError(406, say("pdf_invalid_state"))
    second_copy = (req.q("second_copy") or "").lower() in ("true", "1")
    key = "_pdf_second" if second_copy else "_pdf"
    if not doc.get(key):
        doc[key] = True
        d.save_document(ctx, doc)
        return 202, None
    suffix = "-2via" if second_copy else ""
    return 200, {"output": {"pdfUrl": f"{ctx.base_url}/_files/{doc['id']}{suffix}.pdf"}}


_register("generatePdf", _pdf, writes=True)


def _qr(ctx: d.Ctx, req: Req) -> Reply:
    doc_id = req.int_param("document_id", "id")
    doc = ctx.tx.get("document", doc_id, ctx.name)
    if doc is None:
        raise ApiError(
            404, f"No document with ID {doc_id} was found in this account", shape="SimpleError"
        )
    if doc["status"] in ("draft", "deleted"):
        raise ApiError(
            422,
            f"Document with ID {doc_id} is still in draft. QR Codes are only available for "
            "final, canceled or settled documents.",
            shape="SimpleError",
        )
    if not doc.get("_qr"):
        doc["_qr"] = True
        d.save_document(ctx, doc)
        return 202, {"qr_code": {"status": "In progress"}}
    return 200, {"qr_code": {"url": f"{ctx.base_url}/_files/{doc_id}-qr.png"}}


_register("getQrCode", _qr, writes=True)


def _saft(ctx: d.Ctx, req: Req) -> Reply:
    if ctx.account.get("trial"):
        raise invalid("saft_trial")
    month_raw = req.q("month")
    if month_raw in (None, ""):
        raise invalid("saft_month_missing")
    year_raw = req.q("year") or req.q("years") or str(ctx.today.year)
    month = to_decimal(month_raw)
    year = to_decimal(year_raw)
    if month is None or year is None or not 1 <= month <= 12 or month % 1 or year % 1:
        raise invalid("saft_month_missing")
    if not all(ctx.account.get(k) for k in ("address", "postal_code", "city", "fiscal_id")):
        raise invalid("saft_company_incomplete")
    if not d.saft_period_has_documents(ctx, int(month), int(year)):
        raise invalid("saft_no_documents")
    key = f"saft:{ctx.name}:{int(year)}-{int(month):02d}"
    if ctx.tx.meta(key) is None:
        ctx.tx.set_meta(key, "started")
        return 202, {
            "message": "The SAF-T file generation was started. Please keep requesting "
            "until you get back the url."
        }
    return 200, {"url": f"{ctx.base_url}/_files/saft-{int(year)}-{int(month):02d}.xml"}


_register("exportSaft", _saft, writes=True)


# ----------------------------------------------------------------------------- clients


def _client_reply(client: Mapping[str, Any]) -> Any:
    return {"client": d.public(client)}


def _list_clients(ctx: d.Ctx, req: Req) -> Reply:
    rows = sorted(d.clients(ctx), key=lambda c: int(c["id"]))
    page, pagination = d.paginate(rows, req.query)
    return 200, {"clients": [d.public(c) for c in page], "pagination": pagination}


def _create_client(ctx: d.Ctx, req: Req) -> Reply:
    root = req.json.get("client")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    return 201, _client_reply(d.save_client(ctx, root))


def _get_client(ctx: d.Ctx, req: Req) -> Reply:
    return 200, _client_reply(d.get_client(ctx, req.int_param("client_id", "id")))


def _update_client(ctx: d.Ctx, req: Req) -> Reply:
    current = d.get_client(ctx, req.int_param("client_id", "id"))
    root = req.json.get("client")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    d.save_client(ctx, root, current)
    return 200, None


def _find_client(key: str, param: str) -> Handler:
    def find(ctx: d.Ctx, req: Req) -> Reply:
        value = req.q(param) or ""
        client = d.client_by(ctx, key, value)
        if client is None:
            raise not_found("Client not found")
        return 200, _client_reply(client)

    return find


def _client_invoices(ctx: d.Ctx, req: Req) -> Reply:
    client_id = req.int_param("client_id", "id")
    d.get_client(ctx, client_id)
    flt = req.json.get("filter") if isinstance(req.json.get("filter"), Mapping) else {}
    assert isinstance(flt, Mapping)
    rows = [
        r
        for r in d.documents(ctx)
        if int(r["client"]["id"]) == client_id and d.doc_type_of(r).family == "invoices"
    ]

    def wanted(name: str) -> set[str]:
        raw = flt.get(name) or []
        return {str(v) for v in (raw if isinstance(raw, list) else [raw])}

    statuses = wanted("status")
    if "sent" in statuses:
        statuses.add("final")
    types = wanted("by_type")
    archived = wanted("archived")
    rows = [
        r
        for r in rows
        if (not statuses or r["status"] in statuses)
        and (not types or r["type"] in types)
        and (not archived or ("archived" if r["archived"] else "non_archived") in archived)
    ]
    rows.sort(key=lambda r: int(r["id"]), reverse=True)
    page, pagination = d.paginate(rows, req.query)
    return 200, {"invoices": [d.public(r) for r in page], "pagination": pagination}


_register("listClients", _list_clients, writes=False)
_register("createClient", _create_client, writes=True)
_register("getClient", _get_client, writes=False)
_register("updateClient", _update_client, writes=True)
_register("findClientByName", _find_client("name", "client_name"), writes=False)
_register("findClientByCode", _find_client("code", "client_code"), writes=False)
_register("listClientInvoices", _client_invoices, writes=False)


# ----------------------------------------------------------------------------- items, taxes


def _list_items(ctx: d.Ctx, req: Req) -> Reply:
    rows = sorted(d.items(ctx), key=lambda c: int(c["id"]))
    page, pagination = d.paginate(rows, req.query)
    return 200, {"items": [d.public(i) for i in page], "pagination": pagination}


def _item_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("item")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    return root


def _create_item(ctx: d.Ctx, req: Req) -> Reply:
    return 201, {"item": d.public(d.save_item(ctx, _item_root(req)))}


def _get_item(ctx: d.Ctx, req: Req) -> Reply:
    return 200, {"item": d.public(d.get_item(ctx, req.int_param("item_id", "id")))}


def _update_item(ctx: d.Ctx, req: Req) -> Reply:
    current = d.get_item(ctx, req.int_param("item_id", "id"))
    d.save_item(ctx, _item_root(req), current)
    return 200, None


def _delete_item(ctx: d.Ctx, req: Req) -> Reply:
    d.delete_item(ctx, req.int_param("item_id", "id"))
    return 200, None


_register("listItems", _list_items, writes=False)
_register("createItem", _create_item, writes=True)
_register("getItem", _get_item, writes=False)
_register("updateItem", _update_item, writes=True)
_register("deleteItem", _delete_item, writes=True)


def _tax_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("tax")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    return root


def _list_taxes(ctx: d.Ctx, req: Req) -> Reply:
    return 200, {"taxes": [d.public(t) for t in d.taxes(ctx)]}


def _create_tax(ctx: d.Ctx, req: Req) -> Reply:
    return 201, {"tax": d.public(d.save_tax(ctx, _tax_root(req)))}


def _get_tax(ctx: d.Ctx, req: Req) -> Reply:
    return 200, {"tax": d.public(d.get_tax(ctx, req.int_param("tax_id", "id")))}


def _update_tax(ctx: d.Ctx, req: Req) -> Reply:
    d.save_tax(ctx, _tax_root(req), d.get_tax(ctx, req.int_param("tax_id", "id")))
    return 200, None


def _delete_tax(ctx: d.Ctx, req: Req) -> Reply:
    d.delete_tax(ctx, req.int_param("tax_id", "id"))
    return 200, None


_register("listTaxes", _list_taxes, writes=False)
_register("createTax", _create_tax, writes=True)
_register("getTax", _get_tax, writes=False)
_register("updateTax", _update_tax, writes=True)
_register("deleteTax", _delete_tax, writes=True)


# ----------------------------------------------------------------------------- sequences


def _sequence_key(req: Req) -> str:
    return str(req.extra.get("sequence_key", "sequence"))


def _list_sequences(ctx: d.Ctx, req: Req) -> Reply:
    return 200, {"sequences": [d.render_sequence(s) for s in d.sequences(ctx)]}


def _create_sequence(ctx: d.Ctx, req: Req) -> Reply:
    root = req.json.get("sequence") or req.json.get("sequences")
    if not isinstance(root, Mapping):
        raise invalid("sequence_name_invalid", field="serie", code="001")
    seq = d.new_sequence(ctx, root)
    return 201, {_sequence_key(req): d.render_sequence(seq)}


def _get_sequence(ctx: d.Ctx, req: Req) -> Reply:
    seq = d.get_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, {_sequence_key(req): d.render_sequence(seq)}


def _register_sequence(ctx: d.Ctx, req: Req) -> Reply:
    d.register_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, {"sequences": [d.render_sequence(s) for s in d.sequences(ctx)]}


def _set_current(ctx: d.Ctx, req: Req) -> Reply:
    d.set_current_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, None


_register("listSequences", _list_sequences, writes=False)
_register("createSequence", _create_sequence, writes=True)
_register("getSequence", _get_sequence, writes=False)
_register("registerSequence", _register_sequence, writes=True)
_register("setCurrentSequence", _set_current, writes=True)


# ----------------------------------------------------------------------------- treasury


def _client_id(req: Req) -> int:
    return req.int_param("client_id", "id")


def _get_balance(ctx: d.Ctx, req: Req) -> Reply:
    return 200, d.balance(ctx, _client_id(req))


def _initial_balance(ctx: d.Ctx, req: Req) -> Reply:
    return 200, {"initial_balance": d.set_initial_balance(ctx, _client_id(req), req.json)}


def _list_regularizations(ctx: d.Ctx, req: Req) -> Reply:
    client = d.get_client(ctx, _client_id(req))
    rows = list(client.get("_regularizations", []))
    page, pagination = d.paginate(rows, req.query)
    return 200, {"regularization": page, "pagination": pagination}


def _create_regularization(ctx: d.Ctx, req: Req) -> Reply:
    record = d.add_regularization(ctx, _client_id(req), req.json)
    return 201, {"regularization": [record]}


def _delete_regularization(ctx: d.Ctx, req: Req) -> Reply:
    reg_id = _other_id(req, "regularization_id")
    d.delete_regularization(ctx, _client_id(req), reg_id)
    return 200, None


def _create_movement(ctx: d.Ctx, req: Req) -> Reply:
    return 201, {"treasury_movement": d.add_movement(ctx, _client_id(req), req.json)}


def _delete_movement(ctx: d.Ctx, req: Req) -> Reply:
    d.delete_movement(ctx, _client_id(req), _other_id(req, "treasury_movement_id", "movement_id"))
    if "treasury_delete_500" in ctx.quirks:  # applied (committed), then a 500 as live
        return 500, {"errors": {"error": "undefined method 'invoice' for nil"}}
    return 204, None


def _other_id(req: Req, *names: str) -> int:
    for name in names:
        if name in req.params and req.params[name].isdigit():
            return int(req.params[name])
    ids = [v for k, v in req.params.items() if k not in ("client_id",)]
    if ids and ids[-1].isdigit():
        return int(ids[-1])
    raise not_found()


_register("getClientBalance", _get_balance, writes=False)
_register("updateClientInitialBalance", _initial_balance, writes=True)
_register("listClientRegularizations", _list_regularizations, writes=False)
_register("createClientRegularization", _create_regularization, writes=True)
_register("deleteClientRegularization", _delete_regularization, writes=True)
_register("createClientTreasuryMovement", _create_movement, writes=True)
_register("deleteClientTreasuryMovement", _delete_movement, writes=True)


# ----------------------------------------------------------------------------- accounts


def _account_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("account")
    if not isinstance(root, Mapping):
        raise invalid("email_invalid", field="email")
    return root


def _create_account(ctx: d.Ctx, req: Req) -> Reply:
    root = _account_root(req)
    if not d._flag(root.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    d.validate_account_fields(ctx.tx, root, current=None)
    account = _new_account(ctx, root)
    return 201, {"account": d.render_account(account)}


def _new_account(ctx: d.Ctx, root: Mapping[str, Any]) -> d.Json:
    org = d._text(root.get("organization_name")).strip() or "Sandbox account"
    base = "".join(ch for ch in org.lower() if ch.isalnum())[:20] or "account"
    name = base
    existing = {a["name"] for a in d.accounts(ctx.tx)}
    suffix = 1
    while name in existing:
        suffix += 1
        name = f"{base}{suffix}"
    extra = {
        k: d._text(root.get(k))
        for k in d.ACCOUNT_FIELDS
        if root.get(k) is not None and k not in ("organization_name", "email", "fiscal_id")
    }
    return d.new_account(
        ctx.tx,
        ctx.now,
        name=name,
        organization_name=org,
        email=d._text(root.get("email")),
        password=d._text(root.get("password")),
        fiscal_id=d._text(root.get("fiscal_id")),
        extra=extra,
    )


def _create_account_existing(ctx: d.Ctx, req: Req) -> Reply:
    root = _account_root(req)
    email = d._text(root.get("email"))
    password = d._text(root.get("password"))
    if not d._flag(root.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    d.validate_account_fields(ctx.tx, root, current=None)
    if not any(a["email"] == email and a["_password"] == password for a in d.accounts(ctx.tx)):
        raise ApiError(401, say("invalid_api_key"))
    account = _new_account(ctx, root)
    return 200, {"account": d.render_account(account)}


def _own_account(ctx: d.Ctx, req: Req) -> d.Json:
    raw = req.params.get("account_id") or next(iter(req.params.values()), "")
    if raw != str(ctx.account["id"]):
        raise not_found("The account doesn't exist.")
    return ctx.account


def _get_account(ctx: d.Ctx, req: Req) -> Reply:
    account = _own_account(ctx, req)
    return 200, {
        "account": {
            k: account[k]
            for k in ("organization_name", "fiscal_id", "email", "state", "at_configured", "trial")
        }
    }


def _update_account(ctx: d.Ctx, req: Req) -> Reply:
    account = _own_account(ctx, req)
    root = _account_root(req)
    d.validate_account_fields(ctx.tx, root, current=account)
    for key in d.ACCOUNT_FIELDS:
        if root.get(key) is not None:
            account[key] = d._text(root[key])
    if isinstance(root.get("credentials"), Mapping):
        account["at_configured"] = True
    ctx.tx.put("account", int(account["id"]), ctx.name, account)
    return 200, None


def _configure_at(ctx: d.Ctx, req: Req) -> Reply:
    root = req.json.get("at_communication")
    if not isinstance(root, Mapping):
        raise invalid("at_subuser_size", field="at_subuser")
    subuser = d._text(root.get("at_subuser"))
    if not (3 <= len(subuser) <= 20) or "/" not in subuser:
        raise invalid("at_subuser_size", field="at_subuser")
    if not d._text(root.get("at_password")):
        raise invalid("at_field_blank", what="at_password", field="at_password")
    ctx.account["at_configured"] = True
    ctx.tx.put("account", int(ctx.account["id"]), ctx.name, ctx.account)
    return 200, {"success": "true"}


_register("createAccount", _create_account, writes=True)
_register("createAccountForExistingUser", _create_account_existing, writes=True)
_register("getAccount", _get_account, writes=False)
_register("updateAccount", _update_account, writes=True)
_register("configureAtCommunication", _configure_at, writes=True)
