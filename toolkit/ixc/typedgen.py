"""The typed layer of the generated client: `invoicexpress_client.typed`, written from the spec.

openapi-python-client gives attrs models whose fields follow the wire (`float` totals, `str`
dates, `Unset` sentinels). This emitter writes, from the same spec, what the hand-written client
hands to users:

- `typed/requests.py`: a TypedDict per request body, with `Literal`s for every enum (states,
  events, payment mechanisms, units, exemption codes, countries) and `date` / `Decimal` where the
  wire wants dd/mm/yyyy or a decimal;
- `typed/models.py`: a frozen, keyword-only model per response object with converted types
  (`Decimal` money, `date` dates, `int` ids, `bool` flags) and, per class, `__ix_fields__`:
  each field's wire name, whether it is required, and its schema *kind* (the data the client's
  decoder checks);
- `typed/namespaces.py`: one resource class per namespace with exactly the operations the spec
  has (a method that is not an operation does not exist, for mypy or at run time);
- `typed/_runtime.py`: copied from `overrides/codegen/typed_runtime.py` (Call, Resource, the
  sync/async method descriptors).

Why TypedDicts for requests and dataclasses for responses: requests stay plain dicts users can
build, merge and log, while mypy checks every key and value; responses are attribute access
with converted values and a repr of only the fields that are set. Method names per namespace
are the only hand-kept table (`NAMESPACES`): an entry the spec lacks has no method, and a test
checks that every operation of the spec is reachable.
"""

from __future__ import annotations

import keyword
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).resolve().parents[2] / "overrides" / "codegen" / "typed_runtime.py"

#: Python field names that would shadow what class bodies use, or keywords: add "_".
RESERVED = {"type", "sum", "list", "dict", "str", "int", "bool", "float", "from"}

#: Document namespaces: method -> operationId pattern (S = singular Pascal type).
DOCUMENT_METHODS = {
    "create": "create{S}",
    "get": "get{S}",
    "update": "update{S}",
    "change_state": "change{S}State",
    "cancel": "cancel{S}",
    "email": "email{S}",
}

#: Other namespaces: method -> operationId. `iter` is added wherever `list` paginates.
NAMESPACES: dict[str, dict[str, str]] = {
    "estimates": {"list": "listEstimates"},
    "guides": {"list": "listGuides"},
    "documents": {"related": "listRelatedDocuments", "pay": "createPartialPayment"},
    "pdf": {"generate": "generatePdf", "wait": "generatePdf"},
    "qr_codes": {"get": "getQrCode", "wait": "getQrCode"},
    "saft": {"export": "exportSaft", "wait": "exportSaft"},
    "clients": {
        "list": "listClients",
        "create": "createClient",
        "get": "getClient",
        "update": "updateClient",
        "find_by_name": "findClientByName",
        "find_by_code": "findClientByCode",
        "invoices": "listClientInvoices",
    },
    "items": {
        "list": "listItems",
        "create": "createItem",
        "get": "getItem",
        "update": "updateItem",
        "delete": "deleteItem",
    },
    "taxes": {
        "list": "listTaxes",
        "create": "createTax",
        "get": "getTax",
        "update": "updateTax",
        "delete": "deleteTax",
    },
    "sequences": {
        "list": "listSequences",
        "create": "createSequence",
        "get": "getSequence",
        "register": "registerSequence",
        "set_current": "setCurrentSequence",
    },
    "accounts": {
        "create": "createAccount",
        "create_for_existing_user": "createAccountForExistingUser",
        "get": "getAccount",
        "update": "updateAccount",
        "configure_at_communication": "configureAtCommunication",
    },
    "treasury": {
        "balance": "getClientBalance",
        "update_initial_balance": "updateClientInitialBalance",
        "regularizations": "listClientRegularizations",
        "create_regularization": "createClientRegularization",
        "delete_regularization": "deleteClientRegularization",
        "create_movement": "createClientTreasuryMovement",
        "delete_movement": "deleteClientTreasuryMovement",
    },
}

#: Methods that poll while the server answers 202.
WAITS = {"wait"}


def snake(name: str) -> str:
    """createCreditNote -> create_credit_note, pdfUrl -> pdf_url, date[from] -> date_from."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", name)
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", words).lower().strip("_")


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


def py_name(wire: str, taken: set[str]) -> str:
    name = snake(wire) or "field"
    if name[0].isdigit():
        name = "f_" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def query_name(wire: str) -> str:
    """`type[]` -> type, `date[from]` -> date_from, `per_page` -> per_page."""
    return snake(wire.replace("[]", ""))


@dataclass
class Emitter:
    spec: dict[str, Any]
    models: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # alias name -> Literal source
    emitted_models: set[str] = field(default_factory=set)
    emitted_requests: set[str] = field(default_factory=set)

    # ---- schema helpers -------------------------------------------------------------------
    def resolve(self, schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        name = None
        while "$ref" in schema:  # follow aliases (PurchaseOrderResponseDocument -> PurchaseOrder)
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.spec["components"]["schemas"][name]
        return name, schema

    def nullable_inner(self, schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        one = schema.get("oneOf")
        if one:
            rest = [s for s in one if s != {"type": "null"}]
            if len(rest) == 1 and len(rest) < len(one):
                return True, rest[0]
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            left = [t for t in types if t != "null"]
            return True, {**schema, "type": left[0] if len(left) == 1 else left}
        return False, schema

    def literal(self, values: list[Any], alias: str | None) -> str:
        source = "Literal[" + ", ".join(repr(v) for v in values) + "]"
        if alias:
            self.aliases[alias] = source
            return alias
        return source

    # ---- responses: (python type, kind tree) ----------------------------------------------
    def out_type(self, schema: dict[str, Any], owner: str, prop: str) -> tuple[str, Any]:
        nullable, schema = self.nullable_inner(schema)
        name, body = self.resolve(schema)
        py, kind = self._out_type(name, body, owner, prop)
        if nullable:
            return f"{py} | None", ("nullable", kind)
        return py, kind

    def _out_type(
        self, name: str | None, s: dict[str, Any], owner: str, prop: str
    ) -> tuple[str, Any]:
        if name in ("DateDMY", "DateDMYInput"):
            return "dt.date", ("date", "dmy")
        if name == "IsoDate" or s.get("format") == "date":
            return "dt.date", ("date", "iso")
        if name == "DateTimeDMY":
            return "dt.datetime", ("datetime", "dmy")
        if name == "DecimalValue":
            return "Decimal", ("decimal",)
        if name == "DecimalString":
            return "Decimal", ("decimal_str",)
        if name == "IdLike":
            return "int", ("id",)
        if name == "IntLike":
            return "int", ("int_like",)
        if name == "TextLike":
            return "str", ("text_like",)
        if name == "FlagString":
            return "bool", ("flag",)
        t = s.get("type")
        if "enum" in s and t == "integer" and sorted(s["enum"]) == [0, 1]:
            return "bool", ("flag01",)
        if "enum" in s:
            return self.literal(s["enum"], name), ("enum", tuple(s["enum"]))
        if t == "object" or "properties" in s:
            if not s.get("properties"):
                return "_abc.Mapping[str, object]", ("object",)
            cls = name or (owner + pascal(prop))
            self.model(cls, s)
            return cls, ("model", cls)
        if t == "array":
            inner_py, inner_kind = self.out_type(s.get("items", {}), owner, prop + "_item")
            return f"list[{inner_py}]", ("list", inner_kind)
        if t == "integer":
            return "int", ("int",)
        if t == "number":
            return "Decimal", ("number",)
        if t == "boolean":
            return "bool", ("bool",)
        if t == "string":
            if snake(prop) == "id":  # Client.id is a string of digits; ids are int here
                return "int", ("id",)
            return "str", ("str",)
        return "object", ("any",)

    def model(self, cls: str, s: dict[str, Any]) -> None:
        if cls in self.emitted_models:
            return
        self.emitted_models.add(cls)
        required = set(s.get("required", []))
        taken: set[str] = set()
        lines: list[str] = []
        specs: list[str] = []
        for wire, prop in s.get("properties", {}).items():
            attr = py_name(wire, taken)
            py, kind = self.out_type(prop, cls, pascal(wire))
            if wire in required:
                lines.append(f"    {attr}: {py}")
            else:
                optional = py if py.endswith("| None") else f"{py} | None"
                lines.append(f"    {attr}: {optional} = None")
            specs.append(f"        ({attr!r}, {wire!r}, {wire in required}, {kind!r}),")
        doc = (s.get("description") or f"{cls} as the API returns it.").split("\n")[0]
        doc = doc.replace('"""', "'''").replace("\\", "\\\\")
        self.models.append(
            "\n".join(
                [
                    f"class {cls}(Model):",
                    f'    """{doc}"""',
                    "",
                    *(lines or ["    pass"]),
                    "",
                    "    __ix_fields__: ClassVar[FieldSpecs] = (",
                    *specs,
                    "    )",
                ]
            )
        )

    # ---- requests: TypedDicts -------------------------------------------------------------
    def in_type(self, schema: dict[str, Any], owner: str, prop: str) -> str:
        nullable, schema = self.nullable_inner(schema)
        name, s = self.resolve(schema)
        py = self._in_type(name, s, owner, prop)
        return f"{py} | None" if nullable else py

    def _in_type(self, name: str | None, s: dict[str, Any], owner: str, prop: str) -> str:
        if name in ("DateDMY", "DateDMYInput", "IsoDate") or s.get("format") == "date":
            return "dt.date"
        if name == "DateTimeDMY":
            return "dt.datetime"
        if name in ("DecimalValue", "DecimalString"):
            return "Decimal | int"
        if name in ("IdLike", "IntLike"):
            return "int"
        if name == "TextLike":
            return "str | int"
        if name in ("FlagString", "FlagInput"):
            return "bool"
        t = s.get("type")
        if "anyOf" in s:
            # `Unset` ("" sent by production clients for an unset optional) is not offered:
            # a typed caller leaves the key out.
            kept = [o for o in s["anyOf"] if o.get("$ref") != "#/components/schemas/Unset"]
            return " | ".join(self.in_type(one, owner, prop) for one in kept)
        if "enum" in s and t == "integer" and sorted(s["enum"]) == [0, 1]:
            return "bool"
        if "enum" in s:
            return self.literal(s["enum"], name)
        if t == "object" or "properties" in s:
            if not s.get("properties"):
                return "_abc.Mapping[str, object]"
            cls = name or (owner + pascal(prop))
            self.request(cls, s)
            return cls
        if t == "array":
            return f"_abc.Sequence[{self.in_type(s.get('items', {}), owner, prop + 'Item')}]"
        if t == "integer":
            return "int"
        if t == "number":
            return "Decimal | int"
        if t == "boolean":
            return "bool"
        if t == "string":
            return "str"
        if isinstance(t, list):
            return " | ".join(
                self._in_type(None, {**s, "type": one}, owner, prop) for one in t if one != "null"
            )
        return "object"

    def request(self, cls: str, s: dict[str, Any]) -> None:
        if cls in self.emitted_requests:
            return
        self.emitted_requests.add(cls)
        required = set(s.get("required", []))
        lines = []
        for wire, prop in s.get("properties", {}).items():
            py = self.in_type(prop, cls, pascal(wire))
            wrap = "Required" if wire in required else "NotRequired"
            lines.append(f"    {wire!r}: {wrap}[{py}],")
        doc = (s.get("description") or f"The body of {cls}.").split("\n")[0]
        doc = doc.replace('"""', "'''").replace("\\", "\\\\")
        self.requests.append(
            "\n".join(
                [
                    f"{cls} = TypedDict(",
                    f"    {cls!r},",
                    "    {",
                    *lines,
                    "    },",
                    "    total=False,",
                    ")",
                    f'"""{doc}"""',
                ]
            )
        )


@dataclass
class Operation:
    op_id: str
    method: str
    path: str
    op: dict[str, Any]
    params: list[dict[str, Any]]


def operations(spec: dict[str, Any]) -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    comps = spec["components"].get("parameters", {})
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            params = [
                comps[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                for p in [*shared, *op.get("parameters", [])]
            ]
            found[op["operationId"]] = Operation(op["operationId"], method, path, op, params)
    return found


def _media_schema(obj: dict[str, Any]) -> dict[str, Any] | None:
    content = obj.get("content", {})
    media = content.get("application/json")
    if media is None:
        return None
    schema: dict[str, Any] | None = media.get("schema")
    return schema


@dataclass
class Signature:
    """A namespace method's parameters and what it sends."""

    positional: list[str] = field(default_factory=list)
    keyword: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    query: list[str] = field(default_factory=list)  # '"wire name": python_name'
    body: str = "None"
    filters: str | None = None  # the TypedDict of a list's filters
    paged: bool = False


def _params(positional: list[str], keyword: list[str], rest: list[str] | None = None) -> str:
    tail = [*keyword, *(rest or [])]
    return ", ".join(["self", *positional, *(["*", *tail] if tail else [])])


def _digits_only(pattern: str) -> bool:
    """A string parameter whose pattern admits only digits (SAF-T `month`, `year`): an int."""
    return bool(pattern) and set(pattern) <= set("^$()?|[]{}0123456789-")


class NamespaceWriter:
    """Writes one method per (namespace, method name, operation) from the operation's shape."""

    def __init__(self, em: Emitter, ops: dict[str, Operation]) -> None:
        self.em = em
        self.ops = ops

    def response_type(self, op: Operation, status: str) -> str:
        resp = op.op["responses"][status]
        schema = _media_schema(resp)
        if schema is None:
            return "None"
        name, _ = self.em.resolve(schema)
        cls = name or f"{pascal(op.op_id)}Response{status}"
        py, _kind = self.em.out_type(schema, cls, "")
        return py

    def statuses(self, op: Operation) -> list[str]:
        return sorted(s for s in op.op["responses"] if s.startswith("2"))

    def responses_literal(self, op: Operation) -> str:
        parts = []
        for status in self.statuses(op):
            py = self.response_type(op, status)
            parts.append(f"{int(status)}: {py}")
        return "{" + ", ".join(parts) + "}"

    def list_element(self, op: Operation) -> tuple[str, str] | None:
        """(list property, element type) of a list response, when it is an object of a list."""
        status = self.statuses(op)[0]
        schema = _media_schema(op.op["responses"][status])
        if schema is None:
            return None
        _name, s = self.em.resolve(schema)
        for wire, prop in s.get("properties", {}).items():
            _n, p = self.em.resolve(prop)
            if p.get("type") == "array":
                cls = f"{pascal(op.op_id)}Response{status}"
                py, _k = self.em.out_type(p.get("items", {}), cls, pascal(wire) + "Item")
                return wire, py
        return None

    def returns(self, op: Operation, name: str) -> str:
        """The method's return type: the 2xx models (a wait returns the final 200 one)."""
        if name in WAITS:
            return self.response_type(op, "200")
        parts = [self.response_type(op, s) for s in self.statuses(op)]
        return " | ".join(dict.fromkeys(parts))

    def signature(self, op: Operation, name: str) -> Signature:
        sig = Signature()
        for p in op.params:
            if p["in"] == "path":
                sig.positional.append(f"{snake(p['name'])}: int")
                sig.path.append(snake(p["name"]))
        rb = op.op.get("requestBody")
        body_schema = _media_schema(rb) if rb else None
        if body_schema is not None:
            self.body(op, body_schema, sig)
        query = [p for p in op.params if p["in"] == "query" and p["name"] != "page"]
        if name == "list" and any(p["name"].endswith("]") for p in query):
            sig.filters = f"{pascal(op.op_id)}Filters"
            self.filters_typeddict(sig.filters, op)
            query = [p for p in query if p["name"] == "per_page"]
        for p in query:
            qn = query_name(p["name"])
            py = self.em.in_type(p.get("schema", {}), pascal(op.op_id), pascal(qn))
            if py == "str" and _digits_only(p.get("schema", {}).get("pattern", "")):
                py = "int"
            if p.get("required") and not sig.keyword:
                sig.positional.append(f"{qn}: {py}")
            elif p.get("required"):
                sig.keyword.append(f"{qn}: {py}")
            else:
                sig.keyword.append(f"{qn}: {py} | None = None")
            sig.query.append(f'"{p["name"]}": {qn}')
        sig.paged = any(p["name"] == "page" for p in op.params if p["in"] == "query")
        return sig

    def body(self, op: Operation, body_schema: dict[str, Any], sig: Signature) -> None:
        """The body argument: the fields under the root key (the key is added for you); a
        change-state body becomes `state` (+ `message`) arguments."""
        bname, bs = self.em.resolve(body_schema)
        bcls = bname or f"{pascal(op.op_id)}Body"
        props = bs.get("properties", {})
        roots = [k for k in bs.get("required", []) if k != "proprietary_uid"]
        if not roots:  # the type's key first, then the family's generic one (CONVENTIONS)
            roots = bs.get("x-accepted-root-keys", [])[:1]
        if len(roots) != 1:
            sig.positional.append(f"data: {self.em.in_type(body_schema, bcls, '')}")
            sig.body = "data"
            return
        key = roots[0]
        _iname, inner = self.em.resolve(props[key])
        fields = inner.get("properties", {})
        if "state" in fields and "state" in inner.get("required", []):
            events = fields["state"].get("enum", [])
            if len(events) == 1:  # cancelReceipt: the one event is the method itself
                parts = [f'"state": {events[0]!r}']
            else:
                sig.positional.append(f"state: {self.em.in_type(fields['state'], bcls, 'State')}")
                parts = ['"state": state']
            for extra, schema in fields.items():
                if extra == "state":
                    continue
                py = self.em.in_type(schema, bcls, pascal(extra))
                required = extra in inner.get("required", [])
                sig.keyword.append(f"{extra}: {py}" + ("" if required else " | None = None"))
                parts.append(f'"{extra}": {extra}')
            sig.body = f'{{"{key}": _drop_none({{{", ".join(parts)}}})}}'
        else:
            sig.positional.append(f"data: {self.em.in_type(props[key], bcls, pascal(key))}")
            sig.body = f'{{"{key}": data}}'
        if "proprietary_uid" in props:
            sig.keyword.append("proprietary_uid: str | None = None")
            sig.body = f"_with_uid({sig.body}, proprietary_uid)"

    def method(self, name: str, op: Operation, *, doc_type: str | None) -> list[str]:
        sig = self.signature(op, name)
        ret = self.returns(op, name)
        path = "".join(f"{p}, " for p in sig.path)
        responses = self.responses_literal(op)
        doc = (op.op.get("summary") or op.op.get("description") or "").split("\n")[0]
        query = "{" + ", ".join(sig.query) + "}"
        if name == "list":
            return self.list_methods(op, sig, ret, doc_type, query, responses)
        keyword = sig.keyword
        if sig.paged:
            keyword = ["page: int = 1", *keyword]
            query = "{" + ", ".join(['"page": page', *sig.query]) + "}"
        call = f"Call({snake(op.op_id)!r}, ({path}), {query}, {sig.body}, {responses})"
        if name in WAITS:
            params = _params(
                sig.positional, [*keyword, "timeout: float = 60.0", "interval: float = 1.0"]
            )
            return [
                "    @op",
                f"    def wait({params}) -> {ret}:",
                f'        """{doc}: polls while the server answers 202 (`{op.op_id}`)."""',
                f"        return self._poll({call}, timeout, interval)",
                "",
            ]
        return [
            "    @op",
            f"    def {name}({_params(sig.positional, keyword)}) -> {ret}:",
            f'        """{doc} (`{op.op_id}`)."""',
            f"        return self._run({call})",
            "",
        ]

    def list_methods(
        self,
        op: Operation,
        sig: Signature,
        ret: str,
        doc_type: str | None,
        query: str,
        responses: str,
    ) -> list[str]:
        """`list` (one page) and, when the response holds a list, `iter` (every page)."""
        path = "".join(f"{p}, " for p in sig.path)
        filters = [f"**filters: Unpack[{sig.filters}]"] if sig.filters else []
        merged = (
            f"{{**{query}, **self._filters({'filters' if sig.filters else '{}'}, {doc_type!r})}}"
        )
        page = ["page: int = 1"] if sig.paged else []
        paged_query = '{**q, "page": page}' if sig.paged else "q"
        about = self.list_doc(op, doc_type)
        op_name = snake(op.op_id)
        lines = [
            "    @op",
            f"    def list({_params(sig.positional, [*page, *sig.keyword], filters)}) -> {ret}:",
            f'        """One page: {about}"""',
            f"        q = {merged}",
            f"        call = Call({op_name!r}, ({path}), {paged_query}, None, {responses})",
            "        return self._run(call)",
            "",
        ]
        element = self.list_element(op)
        if element is not None:
            params = _params(sig.positional, sig.keyword, filters)
            lines += [
                "    @pages",
                f"    def iter({params}) -> _abc.Iterator[{element[1]}]:",
                f'        """Every page: {about}"""',
                f"        q = {merged}",
                f"        call = Call({snake(op.op_id)!r}, ({path}), q, None, {responses})",
                f"        return self._iter(call, paged={sig.paged})",
                "",
            ]
        return lines

    def list_doc(self, op: Operation, doc_type: str | None) -> str:
        if doc_type:
            return (
                f"`{op.op_id}` lists a family; `type` defaults to [{doc_type!r}], "
                "pass `type=[...]` to walk other types too."
            )
        return f"`{op.op_id}`."

    def filters_typeddict(self, cls: str, op: Operation) -> None:
        if cls in self.em.emitted_requests:
            return
        self.em.emitted_requests.add(cls)
        lines = []
        for p in op.params:
            if p["in"] != "query" or p["name"] in ("page", "per_page"):
                continue
            qn = query_name(p["name"])
            py = self.em.in_type(p.get("schema", {}), cls, pascal(qn))
            lines.append(f"    {qn!r}: {py},")
        self.em.requests.append(
            "\n".join(
                [
                    f"{cls} = TypedDict(",
                    f"    {cls!r},",
                    "    {",
                    *lines,
                    "    },",
                    "    total=False,",
                    ")",
                    f'"""Filters of `{op.op_id}` in Python names (`date_from`: `date[from]`)."""',
                ]
            )
        )


def document_types(ops: dict[str, Operation]) -> list[tuple[str, str]]:
    """(path segment, singular Pascal) for every document type, from `x-document-type`."""
    found: dict[str, str] = {}
    for op in ops.values():
        seg = op.op.get("x-document-type")
        if seg and op.op_id.startswith("get"):
            found[seg] = op.op_id[len("get") :]
    return sorted(found.items())


def namespaces(nw: NamespaceWriter, ops: dict[str, Operation]) -> list[tuple[str, str, str]]:
    """(attribute, class name, class source) of every namespace: the table's, then one per
    document type (`x-document-type`) with the methods its operations allow."""
    out: list[tuple[str, str, str]] = []
    for ns, methods in NAMESPACES.items():
        present = {name: op_id for name, op_id in methods.items() if op_id in ops}
        body: list[str] = []
        for name, op_id in present.items():
            body += nw.method(name, ops[op_id], doc_type=None)
        ops_of = {name: snake(op_id) for name, op_id in present.items()}
        if "list" in ops_of and nw.list_element(ops[present["list"]]) is not None:
            ops_of["iter"] = ops_of["list"]
        cls = pascal(ns) + "Resource"
        out.append((ns, cls, _resource_class(cls, ns, body, ops_of)))
    for seg, single in document_types(ops):
        body, ops_of = [], {}
        for name, pattern in DOCUMENT_METHODS.items():
            op_id = pattern.format(S=single)
            if op_id in ops:
                ops_of[name] = snake(op_id)
                body += nw.method(name, ops[op_id], doc_type=None)
        own = f"list{pascal(seg)}"
        if own in ops and ops[own].op.get("x-document-type") == seg:
            body += nw.method("list", ops[own], doc_type=None)
            ops_of["list"] = ops_of["iter"] = snake(own)
        elif (family := _family_list(ops, seg)) is not None:
            body += nw.method("list", ops[family], doc_type=single)
            ops_of["list"] = ops_of["iter"] = snake(family)
        cls = pascal(seg) + "Resource"
        out.append((seg, cls, _resource_class(cls, seg, body, ops_of)))
    return out


_HEAD = [
    "from __future__ import annotations",
    "",
    "import collections.abc as _abc",
    "import datetime as dt",
    "from decimal import Decimal",
]


def build(spec: dict[str, Any]) -> dict[str, str]:
    """The typed package's files (name -> source) for `spec`.

    A NAMESPACES entry the spec lacks simply has no method; tests/client/test_namespaces.py
    checks that every operation of the real spec is reachable from a namespace."""
    ops = operations(spec)
    em = Emitter(spec)
    nw = NamespaceWriter(em, ops)
    spaces = namespaces(nw, ops)
    literals = "\n".join(
        [
            '"""The spec\'s enums as Literal aliases (states, units, countries, ...)."""',
            "",
            "from typing import Literal",
            "",
            *[f"{k} = {v}" for k, v in sorted(em.aliases.items())],
            "",
        ]
    )
    models = "\n".join(
        [
            '"""Response models: converted, checked values (see `__ix_fields__`)."""',
            "",
            *_HEAD,
            "from typing import ClassVar, Literal",
            "",
            "from ._runtime import FieldSpecs, Model",
            "from .literals import *  # noqa: F403",
            "",
            "",
            *[m + "\n\n" for m in em.models],
        ]
    )
    requests = "\n".join(
        [
            '"""Request bodies as TypedDicts: every key and value checked by mypy."""',
            "",
            *_HEAD,
            "from typing import Literal, NotRequired, Required, TypedDict",
            "",
            "from .literals import *  # noqa: F403",
            "",
            "",
            *[r + "\n\n" for r in em.requests],
        ]
    )
    names = "\n".join(
        [
            '"""Namespaces: one class per API area, one method per operation the spec has."""',
            "",
            "# Each method declares the model its Call decodes to; the runner returns it untyped:",
            '# mypy: disable-error-code="no-any-return"',
            *_HEAD,
            "from typing import ClassVar, Generic, Literal, Unpack",
            "",
            "from ._runtime import Call, M, Mode, Resource, _drop_none, _with_uid, op, pages",
            "from .literals import *  # noqa: F403",
            "from .models import *  # noqa: F403",
            "from .requests import *  # noqa: F403",
            "",
            "",
            *[source + "\n\n" for _ns, _cls, source in spaces],
            "class Namespaces(Generic[M]):",
            '    """The resource attributes shared by the sync and async clients."""',
            "",
            *[f"    {ns}: {cls}[M]" for ns, cls, _source in spaces],
            "",
            "",
            "RESOURCES: dict[str, type[Resource[Mode]]] = {",
            *[f"    {ns!r}: {cls}," for ns, cls, _source in spaces],
            "}",
            "",
        ]
    )
    init = (
        '"""The typed layer: request TypedDicts, converted response models, namespaces."""\n\n'
        "from . import literals, models, namespaces, requests\n\n"
        '__all__ = ["literals", "models", "namespaces", "requests"]\n'
    )
    return {
        "__init__.py": init,
        "_runtime.py": RUNTIME.read_text(encoding="utf-8"),
        "literals.py": literals,
        "models.py": models,
        "requests.py": requests,
        "namespaces.py": names,
    }


def _family_list(ops: dict[str, Operation], seg: str) -> str | None:
    """The family list a type without its own list walks (`quotes` -> `listEstimates`)."""
    family = next(
        (o.op.get("x-family") for o in ops.values() if o.op.get("x-document-type") == seg), None
    )
    name = f"list{pascal(family or '')}"  # listInvoices, listEstimates, listGuides, ...
    return name if family and name in ops else None


def _resource_class(cls: str, ns: str, body: list[str], ops_of: dict[str, str]) -> str:
    return "\n".join(
        [
            f"class {cls}(Resource[M]):",
            f'    """`ix.{ns}`: exactly the operations the spec has for it."""',
            "",
            f"    _ops: ClassVar[dict[str, str]] = {ops_of!r}",
            "",
            *(body or ["    pass"]),
        ]
    )


def write(spec: dict[str, Any], package: Path) -> None:
    """Write `typed/` into the generated package folder `package`."""
    out = package / "typed"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, source in build(spec).items():
        (out / name).write_text(source, encoding="utf-8")
