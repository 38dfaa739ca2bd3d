"""Test data, read from the spec's own examples, and the resources the suites need.

Request bodies start from each operation's `sandbox` example (so a spec change flows here
without edits) and are then marked with the run id, so a live run can find and clean up
exactly what it created and nothing else.
"""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any

import pytest

from invoicexpress_core.spec import Operation, Spec

from ._cleanup import cleanup
from ._client import KEY, SERVER_CLOCK, ContractClient
from ._inputs import properties, request_root, root_key

_counter = itertools.count(1)


def example_request(spec: Spec, op: Operation) -> Any:
    """The operation's documented `sandbox` request example, its dates moved to the server's
    today (a fresh copy; None if no body)."""
    return spec.request_example(op, SERVER_CLOCK.today())


def singular(op: Operation) -> str:
    """`createInvoiceReceipt` -> `InvoiceReceipt` (operationId conventions)."""
    name = op.operation_id
    for prefix in ("create", "get", "update", "change", "email", "delete", "list"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name.removesuffix("State")


# Text a server must store as sent: Portuguese accents and ordinals (Latin-1) and characters of
# the BMP beyond Latin-1 (the euro sign, Polish, Hungarian and Greek letters). The API documents
# Portuguese text, nothing beyond the BMP: no emoji.
NON_ASCII = "Ação nº 2.ª € Łódź Ő Ω "
SHORT_NON_ASCII = "çº€Ł"
BALANCE_ROOM = 1_000_000.0  # a test client's initial balance: see World.client_with_balance
# Free strings by schema that are identifiers or references the server validates or resolves
# (a NIF, a postal code, a tax named by a line...): they stay as the suites make them.
NOT_PROSE = frozenset(
    {"fiscal_id", "postal_code", "phone", "fax", "website", "license_plate", "tax", "password",
     "serie", "manual_sequence_number", "plugin_id"}
)  # fmt: skip


def accented(base: str, limit: int | None = None) -> str:
    """`base` led by non-ASCII text, within `limit` characters; the tail of `base` (its unique
    part) is kept."""
    lead = NON_ASCII if limit is None or len(NON_ASCII) + len(base) <= limit else SHORT_NON_ASCII
    return lead + base[max(0, len(base) - (limit - len(lead))) :] if limit else lead + base


TextPath = tuple[tuple[str, ...], int | None]


def text_paths(spec: Spec, write: Operation, read: Operation) -> list[TextPath]:
    """Prose fields `write` accepts and `read` answers (paths under the root object, `*` for
    every element of an array, with the request's maxLength): free strings by schema (no enum,
    format or pattern) that are not identifiers (NOT_PROSE)."""
    pointer = spec.response_schema_pointer(read, 200, "application/json")
    if pointer is None:
        return []
    answer: dict[str, Any] = next(iter(properties(spec, spec.pointer("#" + pointer)).values()), {})

    def walk(sent: dict[str, Any], got: dict[str, Any], at: tuple[str, ...]) -> list[TextPath]:
        out: list[TextPath] = []
        for name, schema in sent.items():
            back = got.get(name)
            if name in NOT_PROSE or back is None:
                continue
            types = schema.get("type")
            if "string" in (types if isinstance(types, list) else [types]):
                if not {"enum", "format", "pattern", "const"} & schema.keys():
                    out.append(((*at, name), schema.get("maxLength")))
            elif schema.get("type") == "array" and back.get("type") == "array":
                items = properties(spec, schema.get("items", {}))
                out += walk(items, properties(spec, back.get("items", {})), (*at, name, "*"))
            elif properties(spec, schema):
                out += walk(properties(spec, schema), properties(spec, back), (*at, name))
        return out

    return walk(request_root(spec, write), properties(spec, answer), ())


def at_path(node: Any, path: tuple[str, ...]) -> list[tuple[str, Any, Any, str]]:
    """(label, container, key, value) of every string present at `path` (`*`: each element)."""
    head, rest = path[0], path[1:]
    pairs: list[tuple[Any, Any]]
    if head == "*":
        pairs = list(enumerate(node)) if isinstance(node, list) else []
    else:
        pairs = [(head, node[head])] if isinstance(node, dict) and head in node else []
    out = []
    for key, value in pairs:
        label = f"[{key}]" if head == "*" else f".{key}"
        if not rest:
            if isinstance(value, str):
                out.append((label, node, key, value))
        else:
            out += [(label + sub, c, k, v) for sub, c, k, v in at_path(value, rest)]
    return out


def accent(root: dict[str, Any], paths: list[TextPath]) -> None:
    """Lead every prose field `root` carries with non-ASCII text."""
    for path, limit in paths:
        for _label, container, key, value in at_path(root, path):
            container[key] = accented(value, limit)


def fresh_nif() -> str:
    """A valid Portuguese company NIF (mod-11 check digit) no earlier run is likely to use."""
    digits = [5] + [secrets.randbelow(10) for _ in range(7)]
    rest = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
    return "".join(map(str, digits)) + str(0 if rest < 2 else 11 - rest)


class World:
    """Lazily created resources of one worker (ids by kind), all marked with the run id."""

    def __init__(self, api: ContractClient) -> None:
        self.api = api
        self.spec = api.spec
        self.target = api.target
        self._cache: dict[str, Any] = {}
        self.created_documents: list[tuple[str, int]] = []  # (document type, id)
        self.created_other: list[tuple[str, dict[str, Any]]] = []  # (delete op, params)
        # (document type, status) -> a document left there by a transition test, for the next
        self.pooled: dict[tuple[str, str], int] = {}

    def series_name(self, prefix: str) -> str:
        """A series name no earlier run on the account used: letters and digits only, with this
        worker's run tag (a counter alone repeats from one run to the next)."""
        tag = "".join(ch for ch in self.target.worker_marker[-12:] if ch.isalnum())
        return f"{prefix}{next(_counter)}{tag}"[:20]

    def unique(self, stem: str) -> str:
        return f"{self.target.worker_marker}-{stem}-{next(_counter)}"

    @staticmethod
    def made_by_suites(name: str, stem: str) -> bool:
        """Whether `name` is one `unique(stem)` made, whole or its tail, in any worker or run:
        the test that made it may delete it while another still uses it."""
        return re.search(rf"-(?:gw\d+|main)-{re.escape(stem)}-\d+$", name) is not None

    # ---- documents --------------------------------------------------------------------
    def create_op(self, document_type: str) -> Operation:
        for op in self.spec:
            if (
                op.document_type == document_type
                and op.method == "POST"
                and op.operation_id.startswith("create")
            ):
                return op
        raise LookupError(f"no create operation for {document_type}")

    def op_for(self, document_type: str, prefix: str) -> Operation:
        for op in self.spec:
            if op.document_type == document_type and op.operation_id.startswith(prefix):
                return op
        raise LookupError(f"no {prefix} operation for {document_type}")

    def numbered(self, document_type: str, sequence_number: str) -> bool:
        """Whether a document of the type carries `sequence_number` (the list's `text` filter
        searches it): a number this run's finalisations skipped must belong to one, since
        another worker (or user) may finalise in the same series in between."""
        family = self.create_op(document_type).family
        op = next(  # the family's list: the one with a `text` filter
            o
            for o in self.spec
            if o.family == family
            and o.method == "GET"
            and any(self.spec.resolve(p).get("name") == "text" for p in o.raw.get("parameters", []))
        )
        rows = self.api.call(op.operation_id, query={"text": sequence_number, "per_page": 100})
        found: list[dict[str, Any]] = (
            next(iter(rows.json().values()), []) if rows.status_code == 200 else []
        )
        return any(r.get("sequence_number") == sequence_number for r in found)

    def document_body(self, document_type: str, **overrides: Any) -> Any:
        op = self.create_op(document_type)
        body = example_request(self.spec, op)
        body.pop("proprietary_uid", None)
        root = body[root_key(self.spec, op) or next(iter(body))]
        root["reference"] = self.unique("doc")
        series = self.series_id()
        if series is not None and "sequence_id" not in overrides:
            root["sequence_id"] = series
        root["observations"] = self.target.worker_marker
        if self.target.live and isinstance(root.get("client"), dict):
            root["client"]["name"] = f"{self.target.marker}-client"
            root["client"]["code"] = f"{self.target.marker}-client"[:30]
        if self.target.live:  # documents make items of their lines: those must be ours too
            for n, item in enumerate(root.get("items") or []):
                item["name"] = f"{self.target.marker}-item-{n}"
        if "owner_invoice_id" in root:  # credit/debit notes correct a final invoice
            if "owner" not in self._cache:
                self._cache["owner"] = self.final_invoice()["id"]
            root["owner_invoice_id"] = self._cache["owner"]
        root.update(overrides)
        return body

    def series_id(self) -> int | None:
        """This worker's own series, so numbering checks read no other writer's numbers.

        Made once with createSequence and registered (200, or 409 when the server registered
        it at once). None on a live account (series are account-wide settings) or when the
        server refuses a new series; documents then go on the account's default series."""
        if "series" not in self._cache:
            self._cache["series"] = None
            if not self.target.live:
                op = self.spec.operations["createSequence"]
                body = example_request(self.spec, op)
                body["sequence"]["serie"] = self.series_name("W")
                made = self.api.call("createSequence", json=body)
                if made.status_code == 201:
                    sid = int(next(iter(made.json().values()))["id"])
                    reg = self.api.call("registerSequence", {"sequence-id": sid})
                    if reg.status_code in (200, 409):
                        self._cache["series"] = sid
        series: int | None = self._cache["series"]
        return series

    def new_document(self, document_type: str, **overrides: Any) -> dict[str, Any]:
        """Create a draft of `document_type`; returns the document object of the response."""
        op = self.create_op(document_type)
        response = self.api.call(
            op.operation_id, json=self.document_body(document_type, **overrides)
        )
        self.api.require(op.operation_id, response, 201)
        doc: dict[str, Any] = next(iter(response.json().values()))
        self.created_documents.append((document_type, int(doc["id"])))
        return doc

    def change_state(
        self,
        document_type: str,
        doc_id: int,
        event: str,
        *,
        message: str | None = None,
        check: bool = True,
    ) -> Any:
        op = next(
            o
            for o in self.spec
            if o.state_machine and o.state_machine["document_type"] == document_type
        )
        key = root_key(self.spec, op) or "invoice"
        state: dict[str, Any] = {"state": event}
        if message is not None:
            state["message"] = message
        return self.api.call(
            op.operation_id, {"document-id": doc_id}, json={key: state}, check=check
        )

    def final_invoice(self) -> dict[str, Any]:
        doc = self.new_document("invoices")
        response = self.change_state("invoices", doc["id"], "finalized")
        self.api.require("changeInvoiceState", response, 200)
        out: dict[str, Any] = response.json()["invoice"]
        return out

    def receipt(self) -> dict[str, Any]:
        """A final receipt, made by paying a final invoice in full."""
        inv = self.final_invoice()
        body = example_request(self.spec, self.spec.operations["createPartialPayment"])
        body["partial_payment"]["amount"] = inv["total"]
        body["partial_payment"]["payment_date"] = inv["date"]
        body["partial_payment"]["note"] = self.target.worker_marker  # the receipt's observations
        response = self.api.call("createPartialPayment", {"document-id": inv["id"]}, json=body)
        self.api.require("createPartialPayment", response, 201)
        out: dict[str, Any] = response.json()["receipt"]
        self.created_documents.append(("receipts", int(out["id"])))
        return out

    # ---- other resources ----------------------------------------------------------------
    def _create(
        self, operation_id: str, params: dict[str, Any] | None = None, mutate: Any = None
    ) -> dict[str, Any]:
        op = self.spec.operations[operation_id]
        body = example_request(self.spec, op)
        if operation_id == "createTax":
            body["tax"]["default_tax"] = 0  # the account's default tax is not ours to change
        if mutate is not None:
            mutate(body)
        response = self.api.call(operation_id, params or {}, json=body)
        self.api.require(operation_id, response, 200, 201)
        value = next(iter(response.json().values()))
        if isinstance(value, list):
            value = value[0]
        out: dict[str, Any] = value
        if operation_id in ("createItem", "createTax"):
            self.created_other.append(
                (
                    operation_id.replace("create", "delete"),
                    {"item-id" if operation_id == "createItem" else "tax-id": out["id"]},
                )
            )
        return out

    def client_id(self) -> int:
        if "client" not in self._cache:

            def named(body: Any) -> None:
                body["client"]["name"] = self.unique("client")
                body["client"]["code"] = self.unique("c")[-30:]

            self._cache["client"] = self._create("createClient", mutate=named)
        return int(self._cache["client"]["id"])

    def item_id(self) -> int:
        def named(body: Any) -> None:
            body["item"]["name"] = self.unique("item")

        return int(self._create("createItem", mutate=named)["id"])

    def tax_id(self) -> int:
        def named(body: Any) -> None:
            body["tax"]["name"] = self.unique("tax")[-20:]

        return int(self._create("createTax", mutate=named)["id"])

    def sequence_id(self, *, fresh: bool = False) -> int:
        if fresh:

            def named(body: Any) -> None:
                body["sequence"]["serie"] = self.series_name("X")

            return int(self._create("createSequence", mutate=named)["id"])
        response = self.api.call("listSequences")
        sequences = response.json()["sequences"]
        return int(sequences[0]["id"])

    def account(self) -> tuple[str, str]:
        """An account the suites may read and update, with the key that owns it.

        Managed sandbox: the key's own account (admin route). Elsewhere: `--account-id` (the
        account behind `--api-key`); else, off a live account, one made with createAccount,
        which answers its id and its own key. A live run without `--account-id` skips, naming
        it: nothing else reveals the account behind a key."""
        if "account" not in self._cache:
            if self.target.is_sandbox:
                rows = self.target.admin.get("/_sandbox/accounts").json()["accounts"]
                mine = next(a for a in rows if a["name"] == self.target.account_name)
                self._cache["account"] = (str(mine["id"]), self.target.api_key)
            elif self.target.account_id:
                self._cache["account"] = (self.target.account_id, self.target.api_key)
            elif self.target.live:
                pytest.skip("needs --account-id (the account behind --api-key) on a live account")
            else:

                def named(body: Any) -> None:
                    body["account"]["email"] = f"{self.unique('acc')}@example.com"
                    body["account"]["organization_name"] = self.unique("org")
                    body["account"]["fiscal_id"] = fresh_nif()

                made = self._create("createAccount", mutate=named)
                key = str(made.get("api_key") or "")
                if not key:
                    pytest.skip("createAccount answered no api_key; pass --account-id")
                self.api.target_secrets.append(key)
                self._cache["account"] = (str(made["id"]), key)
        account: tuple[str, str] = self._cache["account"]
        return account

    def account_id(self) -> str:
        return self.account()[0]

    def key_for(self, params: dict[str, Any]) -> Any:
        """The key to send with `params`: an account's own key for account operations."""
        return self.account()[1] if "account-id" in params else KEY

    def named_resource(self, kind: str) -> dict[str, Any]:
        """A new Client, Item or Tax with a unique name (whole response object)."""
        op_id = f"create{kind}"
        root = root_key(self.spec, self.spec.operations[op_id]) or kind.lower()

        def named(body: Any) -> None:
            # a tax's name is short; a client's keeps the whole run marker (live clean-up)
            body[root]["name"] = self.unique(kind.lower())[-20 if kind == "Tax" else -60 :]
            if kind == "Client" and "code" in body[root]:
                body[root]["code"] = self.unique("c")[-20:]

        return self._create(op_id, mutate=named)

    def sandbox_account(self, **flags: Any) -> dict[str, Any]:
        """A separate sandbox account (its own key) with switches the API cannot set: trial,
        AT configured, payment provider. Sandbox only (admin route)."""
        sb = self.target.sandbox
        assert sb is not None, "sandbox only"
        name = "ixc" + str(next(_counter)) + self.target.run_id[-4:].replace("-", "")
        response = self.target.admin.post("/_sandbox/accounts", json={"name": name, **flags})
        assert response.status_code == 201, response.text
        self.api.target_secrets.append(str(response.json()["api_key"]))
        out: dict[str, Any] = response.json()
        return out

    def existing_user(self) -> tuple[str, str]:
        """E-mail and password of a user this run created (createAccount)."""
        if "user" not in self._cache:
            op = self.spec.operations["createAccount"]
            body = example_request(self.spec, op)
            body["account"]["email"] = f"{self.unique('user')}@example.com"
            body["account"]["organization_name"] = self.unique("org")
            response = self.api.call("createAccount", json=body)
            self.api.require("createAccount", response, 201)
            self._cache["user"] = (body["account"]["email"], body["account"]["password"])
        user: tuple[str, str] = self._cache["user"]
        return user

    def other_account_fiscal_id(self) -> str:
        """A fiscal id some other account already uses."""
        account, key = self.account()
        response = self.api.call("getAccount", {"account-id": account}, key=key)
        return str(response.json()["account"]["fiscal_id"])

    def regularization_id(self, client_id: int) -> int:
        self.client_with_balance(client_id)
        return int(self._create("createClientRegularization", {"client-id": client_id})["id"])

    def client_with_balance(self, client_id: int | None = None) -> int:
        """A client whose remaining balance covers a regularization. Regularizations and
        payments of the shared client take from it (a regularization may not exceed what
        remains), so its initial balance is set far above what a run takes: the example's
        100 was spent by the full profile's payments, and a setup then failed."""
        cid = self.client_id() if client_id is None else client_id
        op = self.spec.operations["updateClientInitialBalance"]
        body = example_request(self.spec, op)
        body["initial_balance"]["value"] = BALANCE_ROOM
        self.api.call(op.operation_id, {"client-id": cid}, json=body)
        return cid

    def movement_id(self, client_id: int) -> int:
        return int(self._create("createClientTreasuryMovement", {"client-id": client_id})["id"])

    def document_for(self, op: Operation) -> int:
        """A document `op` can act on: a new one when `op` writes (changes its state, updates,
        e-mails), else one shared by every test that only reads one: a draft of the type, a
        final invoice, a receipt (paying and cancelling act on the shared final ones)."""
        oid = op.operation_id
        if oid == "cancelReceipt":
            return int(self.receipt()["id"])
        if oid == "createPartialPayment":
            return int(self.final_invoice()["id"])
        if oid.startswith("change") or op.method != "GET":
            # a write may need a draft that no other test has moved on since (a shared one was
            # found settled in the full profile): a fresh one
            return int(self.new_document(op.document_type or "invoices")["id"])
        dt = op.document_type or "invoices"
        key, make = {
            "getReceipt": ("receipt", self.receipt),
            "getQrCode": ("final", self.final_invoice),
            "listRelatedDocuments": ("final", self.final_invoice),
        }.get(oid, (f"draft:{op.document_type}", lambda: self.new_document(dt)))
        if key not in self._cache:
            self._cache[key] = int(make()["id"])
        return int(self._cache[key])

    def params_for(self, op: Operation) -> dict[str, Any]:
        """Existing resources for every path parameter of `op`."""
        params: dict[str, Any] = {}
        names = [p.strip("{}") for p in op.path.split("/") if p.startswith("{")]
        names = [n.split("}")[0] for n in names]
        for name in names:
            if name == "document-id":
                params[name] = self.document_for(op)
            elif name == "client-id":
                params[name] = (
                    self.client_with_balance()
                    if op.operation_id == "createClientRegularization"
                    else self.client_id()
                )
            elif name == "item-id":
                params[name] = self.item_id()
            elif name == "tax-id":
                params[name] = self.tax_id()
            elif name == "sequence-id":
                params[name] = self.sequence_id(fresh=op.operation_id == "registerSequence")
            elif name == "account-id":
                params[name] = self.account_id()
            elif name == "regularization-id":
                params[name] = self.regularization_id(params["client-id"])
            elif name == "movement-id":
                params[name] = self.movement_id(params["client-id"])
            else:
                raise LookupError(f"no way to make a {name} for {op.operation_id}")
        return params

    def cleanup(self) -> None:
        """Live runs: retire what this run made, touch nothing else (`_cleanup`)."""
        cleanup(self)

    def way_out(self, document_type: str, status: str) -> list[str] | None:
        """The shortest run of events (the state machine's) from `status` to deleted or
        canceled (a draft is deleted, a final cancelled); None when there is none."""
        machine = next(
            (
                o.state_machine
                for o in self.spec
                if o.state_machine and o.state_machine["document_type"] == document_type
            ),
            None,
        )
        if machine is None:
            return None
        paths: dict[str, list[str]] = {status: []}
        queue = [status]
        while queue:
            state = queue.pop(0)
            if state in ("deleted", "canceled"):
                return paths[state]
            for t in machine["transitions"]:
                if t["from"] == state and t["to"] not in paths:
                    paths[t["to"]] = [*paths[state], t["event"]]
                    queue.append(t["to"])
        return None
