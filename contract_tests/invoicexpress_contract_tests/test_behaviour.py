"""Suite 6: behavioural oracles. What the server says it did, it did: a schema cannot see a
wrong value of the right type, so these follow the data.

- round trips: what a create or update sent is what the answer and the next read carry, in the
  API's normalised form (dd/mm/yyyy dates, decimal strings, client fields); every prose field
  (found in the spec) carries non-ASCII text and must read back character for character;
- arithmetic from the items at each line's own tax rate (the rate of the tax named in the
  request, read from listTaxes), under a global discount, up to the document's totals, with a
  retention that changes no amount;
- an update, a change of state or a delete that answered 2xx is visible on the next read
  (list filters and pages: test_lists.py);
- `proprietary_uid` makes a create idempotent; a full payment settles, each payment yields its
  receipt.

Only HTTP, only what the run created (rows are found through this worker's marker), so any
server, with any data already in it, gives the same verdict.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient
from ._documents import (
    body_of,
    created_again,
    dec,
    final_invoice,
    lines_for,
    r2,
    rates,
    ymd,
)
from ._inputs import request_root, root_key
from ._world import TextPath, World, accent, accented, at_path, example_request, text_paths

SPEC = load_spec()
HUNDRED = Decimal(100)
WITH_ITEMS = sorted(
    {
        str(op.document_type)
        for op in SPEC
        if op.document_type
        and op.method == "POST"
        and op.operation_id.startswith("create")
        and isinstance(example_request(SPEC, op), dict)
        and "items" in next(iter(example_request(SPEC, op).values()))
    }
)


def check_round_trip(
    where: str, sent: dict[str, Any], got: dict[str, Any], text: list[TextPath]
) -> list[str]:
    """What was sent is what `got` carries, compared in the API's normalised form; prose
    fields (`text`, non-ASCII included) character for character."""
    out = []
    for key in ("date", "due_date"):
        if key in sent and got.get(key) != sent[key]:
            out.append(f"{where}: {key} sent {sent[key]!r}, read back {got.get(key)!r}")
    for path, _limit in text:
        back = {label: value for label, _c, _k, value in at_path(got, path)}
        for label, _c, _k, value in at_path(sent, path):
            if back.get(label) != value:
                out.append(f"{where}: {label[1:]} sent {value!r}, read back {back.get(label)!r}")
    client_sent = sent.get("client") or {}
    client_got = got.get("client") or {}
    for key in ("email", "country"):
        if key in client_sent and client_got.get(key) != client_sent[key]:
            out.append(
                f"{where}: client.{key} sent {client_sent[key]!r}, read back "
                f"{client_got.get(key)!r}"
            )
    items_sent = sent.get("items") or []
    items_got = got.get("items") or []
    if len(items_got) != len(items_sent):
        out.append(f"{where}: {len(items_sent)} items sent, {len(items_got)} read back")
        return out
    for n, (a, b) in enumerate(zip(items_sent, items_got, strict=True)):
        for key in ("unit_price", "quantity", "discount"):
            if key in a and dec(b.get(key)) != dec(a[key]):
                out.append(f"{where}: items[{n}].{key} sent {a[key]!r}, read back {b.get(key)!r}")
        name = (a.get("tax") or {}).get("name")
        if name and (b.get("tax") or {}).get("name") != name:
            out.append(f"{where}: items[{n}].tax sent {name!r}, read back {b.get('tax')!r}")
    return out


def money_terms(op: Any, global_type: str) -> dict[str, Any]:
    """A retention and a global discount of `global_type`, for whichever the request takes."""
    fields = request_root(SPEC, op)
    value = "12.5" if global_type == "percentage" else "5.5"
    out: dict[str, Any] = {}
    if "retention" in fields:
        out["retention"] = "11.5"
    if "global_discount" in fields:
        out["global_discount"] = {"value_type": global_type, "value": float(value)}
    return out


def check_arithmetic(
    where: str, sent: dict[str, Any], doc: dict[str, Any], rate_of: dict[str, Decimal]
) -> list[str]:
    """Each line at its own tax rate, the global discount lowering each line's taxable base
    (a percentage of it, or an amount shared by net value), then the document's totals, exact
    to the cent. Retention is a percentage read back as sent that changes no amount: `total`
    is `before_taxes + taxes` (api-surface §6.4)."""
    out = []
    sent_items = sent.get("items") or []
    items = doc.get("items") or []
    gd = sent.get("global_discount") or {}
    g_type, g_value = gd.get("value_type"), dec(gd.get("value")) or Decimal(0)
    note = f", global discount {g_value} {g_type}" if g_type else ""
    if g_type:
        got_gd = doc.get("global_discount") or {}
        if got_gd.get("value_type") != g_type or dec(got_gd.get("value")) != g_value:
            out.append(f"{where}: global_discount sent {gd!r}, read back {got_gd or None!r}")
    if "retention" in sent and dec(doc.get("retention")) != dec(sent["retention"]):
        out.append(
            f"{where}: retention sent {sent['retention']!r}, read back {doc.get('retention')!r}"
        )
    lines = []
    for item in sent_items:
        price, qty = dec(item["unit_price"]), dec(item["quantity"])
        pct = dec(item.get("discount", 0)) or Decimal(0)
        rate = rate_of.get(str((item.get("tax") or {}).get("name")))
        if price is None or qty is None or rate is None:
            return out  # a line the oracle cannot price: no amount to expect
        lines.append((item, price, qty, pct, rate, price * qty * (1 - pct / HUNDRED)))
    net_sum = sum((line[-1] for line in lines), Decimal(0))
    sums = {"sum": Decimal(0), "discount": Decimal(0), "taxes": Decimal(0)}
    shares = Decimal(0)
    for n, ((item, price, qty, pct, rate, net), got) in enumerate(zip(lines, items, strict=False)):
        share = Decimal(0)
        if g_type == "percentage":
            share = net * g_value / HUNDRED
        elif g_type == "absolute" and net_sum:
            share = g_value * net / net_sum
        gross = price * qty
        expected = {
            "subtotal": r2(gross),
            "discount_amount": r2(gross - net),
            "tax_amount": r2((net - share) * rate / HUNDRED),
        }
        expected["total"] = (
            expected["subtotal"] - expected["discount_amount"] + expected["tax_amount"]
        )
        for key, should in expected.items():
            if key in got and dec(got[key]) != should:
                out.append(
                    f"{where}: items[{n}].{key} is {got[key]!r}, expected {should} "
                    f"({item['unit_price']} x {item['quantity']}, {pct}% off, tax {rate}%{note})"
                )
        shown_rate = dec((got.get("tax") or {}).get("value"))
        # an item states its tax's rate as the tax does, or to the cent (the sandbox, like
        # amounts; the full rate is then in the comment): a rate of 84.2685567 shows 84.27
        if shown_rate is not None and shown_rate not in (rate, r2(rate)):
            out.append(f"{where}: items[{n}].tax.value {shown_rate} != the tax's rate {rate}")
        sums["sum"] += expected["subtotal"]
        sums["discount"] += expected["discount_amount"]
        sums["taxes"] += expected["tax_amount"]
        shares += share
    if len(items) != len(sent_items):
        return out
    sums["discount"] += r2(shares)
    before_taxes = sums["sum"] - sums["discount"]
    want = {**sums, "before_taxes": before_taxes, "total": before_taxes + sums["taxes"]}
    for key, value in want.items():
        if key in doc and dec(doc[key]) != value:
            out.append(f"{where}: {key} is {doc[key]!r}, expected {value} from the items{note}")
    retention = dec(doc.get("retention"))
    if retention and "retention_amount" in doc:
        expected_ret = r2(before_taxes * retention / HUNDRED)
        if dec(doc["retention_amount"]) != expected_ret:
            out.append(f"{where}: retention_amount {doc['retention_amount']!r} != {expected_ret}")
    return out


def accented_client(api: ContractClient, world: World) -> dict[str, Any]:
    """This worker's client with a non-ASCII name and code (made by its first document, the
    same one after that: an existing name is matched, its other fields ignored)."""
    base = f"{api.target.worker_marker}-client"
    return {"name": accented(base, 100), "code": accented(base, 30)}


def get_doc(api: ContractClient, world: World, document_type: str, doc_id: int) -> Any:
    return api.call(world.op_for(document_type, "get").operation_id, {"document-id": doc_id})


@pytest.mark.parametrize("document_type", WITH_ITEMS)
def test_document_round_trip_and_arithmetic(
    api: ContractClient, world: World, document_type: str
) -> None:
    create = world.create_op(document_type)
    get = world.op_for(document_type, "get").operation_id
    text = text_paths(SPEC, create, SPEC.operations[get])
    body = world.document_body(
        document_type, items=lines_for(api, world), **money_terms(create, "percentage")
    )
    sent = body[root_key(SPEC, create) or next(iter(body))]
    sent["client"] = accented_client(api, world)
    accent(sent, text)
    made = api.call(create.operation_id, json=body)
    assert made.status_code == 201, f"[{create.operation_id}] {api.describe(made)}"
    doc = body_of(made)
    world.created_documents.append((document_type, int(doc["id"])))
    rate_of = rates(api, world)
    problems = check_round_trip(f"[{create.operation_id}] answer", sent, doc, text)
    problems += check_arithmetic(f"[{create.operation_id}] answer", sent, doc, rate_of)
    read = get_doc(api, world, document_type, doc["id"])
    assert read.status_code == 200, f"[{get}] just created: {api.describe(read)}"
    again = body_of(read)
    problems += check_round_trip(f"[{get}] after {create.operation_id}", sent, again, text)
    problems += check_arithmetic(f"[{get}] after {create.operation_id}", sent, again, rate_of)
    if again.get("id") != doc["id"]:
        problems.append(f"[{get}] asked for id {doc['id']}, read {again.get('id')!r}")
    assert not problems, "\n".join(problems[:12])


@pytest.mark.parametrize("document_type", WITH_ITEMS)
def test_update_is_visible_on_the_next_read(
    api: ContractClient, world: World, document_type: str
) -> None:
    update = world.op_for(document_type, "update")
    get = world.op_for(document_type, "get").operation_id
    text = text_paths(SPEC, update, SPEC.operations[get])
    draft = world.new_document(document_type)
    body = world.document_body(
        document_type, items=lines_for(api, world)[::-1], **money_terms(update, "absolute")
    )
    sent = body[root_key(SPEC, update) or next(iter(body))]
    sent["reference"] = world.unique("updated")
    sent["observations"] = f"{api.target.worker_marker} updated"
    sent["client"] = accented_client(api, world)
    accent(sent, text)
    response = api.call(update.operation_id, {"document-id": draft["id"]}, json=body)
    assert 200 <= response.status_code < 300, f"[{update.operation_id}] {api.describe(response)}"
    read = get_doc(api, world, document_type, draft["id"])
    assert read.status_code == 200, f"[{get}] after an update: {api.describe(read)}"
    after = body_of(read)
    where = f"[{update.operation_id}] answered {response.status_code}, then {get}"
    problems = check_round_trip(where, sent, after, text)
    problems += check_arithmetic(where, sent, after, rates(api, world))
    assert not problems, "\n".join(problems[:12])


@pytest.mark.parametrize("kind", ["Client", "Item", "Tax"])
def test_resource_round_trip_update_and_delete(
    api: ContractClient, world: World, kind: str
) -> None:
    """Create, read, update, read, (delete, read): each answer is what the next read shows."""
    create = SPEC.operations[f"create{kind}"]
    key = root_key(SPEC, create) or kind.lower()
    body = example_request(SPEC, create)
    fields = body[key]
    fields["name"] = world.unique(kind.lower())[-20 if kind == "Tax" else -60 :]
    if kind == "Client":
        fields.update(
            code=world.unique("c")[-20:],
            address="Rua do Souto 1",
            city="Braga",
            postal_code="4700-001",
            observations="round trip",
        )
    if kind == "Item":
        fields.update(unit_price="17.125", description="round trip")
    if kind == "Tax":
        fields.update(value="17.5", default_tax=0)
    accent(fields, text_paths(SPEC, create, SPEC.operations[f"get{kind}"]))
    made = api.call(create.operation_id, json=body)
    assert made.status_code == 201, f"[{create.operation_id}] {api.describe(made)}"
    obj = body_of(made)
    if kind != "Client":
        world.created_other.append((f"delete{kind}", {f"{kind.lower()}-id": obj["id"]}))
    pid = {f"{kind.lower()}-id": obj["id"]}
    get = f"get{kind}"
    problems = _same_fields(f"[{create.operation_id}] answer", fields, obj)
    problems += _same_fields(f"[{get}] after create", fields, body_of(api.call(get, pid)))
    if kind == "Client":
        for find, param in (("findClientByName", "name"), ("findClientByCode", "code")):
            found = api.call(find, query={f"client_{param}": fields[param]})
            if found.status_code != 200 or str(body_of(found).get("id")) != str(obj["id"]):
                problems.append(
                    f"[{find}] client_{param}={fields[param]!r} should find client {obj['id']}, "
                    f"got {api.describe(found)}"
                )
    update = SPEC.operations[f"update{kind}"]
    changed = example_request(SPEC, update)
    new = changed[root_key(SPEC, update) or key]
    new.update({k: v for k, v in fields.items() if k in new})
    if kind == "Client":
        new.update(email=f"{world.unique('e')}@example.com", city=accented("Porto"))
    if kind == "Item":
        new.update(unit_price="18.5", description=accented("updated"))
    if kind == "Tax":
        new.update(value="12.5")
    response = api.call(update.operation_id, pid, json=changed)
    assert 200 <= response.status_code < 300, f"[{update.operation_id}] {api.describe(response)}"
    problems += _same_fields(
        f"[{update.operation_id}] answered {response.status_code}, then [{get}]",
        new,
        body_of(api.call(get, pid)),
    )
    if kind != "Client":
        delete = f"delete{kind}"
        gone = api.call(delete, pid)
        assert 200 <= gone.status_code < 300, f"[{delete}] {api.describe(gone)}"
        after = api.call(get, pid, check=False)
        if after.status_code != 404:
            problems.append(
                f"[{delete}] answered {gone.status_code} but [{get}] still answers "
                f"{after.status_code}"
            )
        plural = "Taxes" if kind == "Tax" else f"{kind}s"
        listed = api.call(f"list{plural}", query={"per_page": 100}).json()
        rows = next(iter(v for v in listed.values() if isinstance(v, list)), [])
        if any(str(r.get("id")) == str(obj["id"]) for r in rows):
            problems.append(
                f"[{delete}] answered {gone.status_code} but list{kind}s still lists it"
            )
    assert not problems, "\n".join(problems)


def _same_fields(where: str, sent: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out = []
    for key, value in sent.items():
        if key not in got or isinstance(value, dict):
            continue
        a, b = dec(value), dec(got[key])
        same = a == b if a is not None and b is not None else str(got[key]) == str(value)
        if not same:
            out.append(f"{where}: {key} sent {value!r}, read back {got[key]!r}")
    return out


def test_payments_settle_and_each_yields_a_receipt(api: ContractClient, world: World) -> None:
    invoice = final_invoice(api, world)
    total = dec(invoice["total"])
    assert total is not None, f"[changeInvoiceState] total {invoice['total']!r}"
    assert total > 0, f"[changeInvoiceState] total {invoice['total']!r}"
    half = r2(total / 2)
    receipts = []
    problems = []
    for n, amount in enumerate((half, total - half)):
        body = example_request(SPEC, SPEC.operations["createPartialPayment"])
        body["partial_payment"].update(
            amount=float(amount), payment_date=invoice["date"], note=api.target.worker_marker
        )
        response = api.call("createPartialPayment", {"document-id": invoice["id"]}, json=body)
        assert response.status_code == 201, f"[createPartialPayment] {api.describe(response)}"
        receipt = body_of(response)
        world.created_documents.append(("receipts", int(receipt["id"])))
        receipts.append(receipt["id"])
        if dec(receipt.get("total")) != amount:
            problems.append(
                f"[createPartialPayment] paid {amount}, the receipt's total is "
                f"{receipt.get('total')!r}"
            )
        read = api.call("getReceipt", {"document-id": receipt["id"]}, check=False)
        if read.status_code != 200:
            problems.append(
                f"[createPartialPayment] receipt {receipt['id']} answered, but [getReceipt] "
                f"gives {read.status_code}"
            )
        status = body_of(get_doc(api, world, "invoices", invoice["id"])).get("status")
        settled = n == 1
        if settled and status != "settled":
            problems.append(f"[createPartialPayment] paid in full, the invoice is {status!r}")
        if not settled and status == "settled":
            problems.append(f"[createPartialPayment] paid {amount} of {total}: already settled")
    if len(set(receipts)) != 2:
        problems.append(f"[createPartialPayment] two payments, receipts {receipts}")
    related = api.call("listRelatedDocuments", {"document-id": invoice["id"]}).json()
    listed = {d.get("id") for d in related.get("documents") or []}
    if not set(receipts) <= listed:
        problems.append(
            f"[listRelatedDocuments] invoice {invoice['id']} lists {sorted(listed)}, not its "
            f"receipts {receipts}"
        )
    assert not problems, "\n".join(problems)


def test_proprietary_uid_makes_a_create_idempotent(api: ContractClient, world: World) -> None:
    body = world.document_body("invoices")
    body["proprietary_uid"] = world.unique("uid")
    reference = body["invoice"]["reference"]
    first = api.call("createInvoice", json=body)
    assert first.status_code == 201, f"[createInvoice] {api.describe(first)}"
    world.created_documents.append(("invoices", body_of(first)["id"]))
    second = api.call("createInvoice", json=body)
    assert created_again(first, second), (
        f"[createInvoice] the same proprietary_uid again expected 409 or the first document, "
        f"got {api.describe(second)}"
    )
    rows = api.call("listInvoices", query={"reference": reference, "per_page": 100}).json()
    ids = [r["id"] for r in rows["invoices"] if r.get("reference") == reference]
    assert ids == [body_of(first)["id"]], (
        f"[createInvoice] one proprietary_uid, documents {ids} with reference {reference}"
    )


def test_numbering_is_gapless_and_dates_never_go_back(api: ContractClient, world: World) -> None:
    """Finalised invoices of one series: consecutive numbers, ATCUD ending in the number, the
    series' dates in order; and a draft that did not become final took no number."""
    finals = [final_invoice(api, world) for _ in range(2)]
    world.new_document("invoices")  # a draft in between takes no number
    finals.append(final_invoice(api, world))
    problems = []
    numbers = []
    for doc in finals:
        seq = str(doc.get("sequence_number", ""))
        head, _, series = seq.partition("/")
        if not head.isdigit():
            problems.append(f"[changeInvoiceState] sequence_number {seq!r} is not n/series")
            continue
        numbers.append((series, int(head), doc.get("date", ""), doc.get("atcud")))
        read = body_of(get_doc(api, world, "invoices", doc["id"]))
        for key in ("sequence_number", "atcud", "status"):
            if read.get(key) != doc.get(key):
                problems.append(
                    f"[getInvoice] {key} {read.get(key)!r} != {doc.get(key)!r} answered by "
                    "[changeInvoiceState]"
                )
    for (s1, n1, d1, _), (s2, n2, d2, a2) in itertools.pairwise(numbers):
        between = range(n1 + 1, n2) if s1 == s2 else range(0)
        skipped = [n for n in between if not world.numbered("invoices", f"{n}/{s1}")]
        if s1 == s2 and (n2 <= n1 or skipped):
            problems.append(
                f"[changeInvoiceState] series {s1}: {n1} then {n2} (not gapless; no document "
                f"numbered {skipped})"
            )
        if s1 == s2 and ymd(d2) < ymd(d1):
            problems.append(f"[changeInvoiceState] series {s1}: date {d2} after {d1}")
        if a2 not in (None, "N/D", "N/A") and not str(a2).endswith(f"-{n2}"):
            problems.append(f"[changeInvoiceState] atcud {a2!r} does not end with -{n2}")
    assert not problems, "\n".join(problems)


def test_account_and_series_round_trips(api: ContractClient, world: World) -> None:
    """An account update and a new series are what the next read shows (not on a live
    account: both are account-wide settings)."""
    if api.target.live:
        pytest.skip("account-wide settings are never changed on a live account")
    account, key = world.account()
    body = example_request(SPEC, SPEC.operations["updateAccount"])
    body["account"].pop("fiscal_id", None)
    body["account"]["organization_name"] = world.unique("org")
    updated = api.call("updateAccount", {"account-id": account}, json=body, key=key)
    assert 200 <= updated.status_code < 300, f"[updateAccount] {api.describe(updated)}"
    read = body_of(api.call("getAccount", {"account-id": account}, key=key))
    problems = _same_fields(
        f"[updateAccount] answered {updated.status_code}, then [getAccount]",
        {k: v for k, v in body["account"].items() if k in read and k != "password"},
        read,
    )
    series = world.series_id()
    if series is not None:
        got = body_of(api.call("getSequence", {"sequence-id": series}))
        listed = api.call("listSequences").json()["sequences"]
        if not any(str(s.get("id")) == str(series) for s in listed):
            problems.append(f"[listSequences] does not list series {series} made by this run")
        if str(got.get("id")) != str(series):
            problems.append(f"[getSequence] asked for {series}, read {got.get('id')!r}")
    assert not problems, "\n".join(problems)
