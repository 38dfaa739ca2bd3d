"""The typed layer of the generated client: `invoicexpress_client.typed`, written from the spec.

openapi-python-client gives attrs models whose fields follow the wire (`float` totals, `str`
dates, `Unset` sentinels). This emitter writes, from the same spec, what the hand-written client
hands to users:

- `typed/requests.py`: a TypedDict per request body, with `Literal`s for every enum (states,
  events, payment mechanisms, units, exemption codes, countries) and `date` / `Decimal` where the
  wire wants dd/mm/yyyy or a decimal;
- `typed/models.py`: a frozen dataclass per response object with converted types (`Decimal`
  money, `date` dates, `int` ids, `bool` flags) and, per class, `__ix_fields__`: each field's wire
  name, whether it is required, and its schema *kind* (the data the client's decoder checks);
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
    s = re.sub(r"[^0-9A-Za-z]+", "_", name)
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", s).lower().strip("_")
    return s


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
            if snake(prop) == "id" or snake(prop).endswith("_id"):
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
                    "@dataclass(frozen=True, kw_only=True, repr=False)",
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
        if name == "IdLike":
            return "int"
        if name == "FlagString":
            return "bool"
        t = s.get("type")
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
class MethodSource:
    lines: list[str]
    ops: dict[str, str]


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

    def method(self, ns_cls: str, name: str, op: Operation, *, doc_type: str | None) -> list[str]:
        snake_op = snake(op.op_id)
        path_params = [p for p in op.params if p["in"] == "path"]
        query_params = [p for p in op.params if p["in"] == "query"]
        args: list[str] = ["self"]
        call_path: list[str] = []
        for p in path_params:
            pn = snake(p["name"])
            args.append(f"{pn}: int")
            call_path.append(pn)
        kwonly: list[str] = []
        query_items: list[str] = []
        body_expr = "None"
        rb = op.op.get("requestBody")
        body_schema = _media_schema(rb) if rb else None
        paged = any(p["name"] == "page" for p in query_params)
        filters_td = None
        statuses = self.statuses(op)
        main_status = statuses[0]
        ret = self.response_type(op, main_status) if name not in WAITS else None
        if name in WAITS:
            ret = self.response_type(op, "200")
        elif len(statuses) > 1:
            parts = [self.response_type(op, s) for s in statuses]
            ret = " | ".join(dict.fromkeys(parts))
        doc = (op.op.get("summary") or op.op.get("description") or "").split("\n")[0]
        if body_schema is not None:
            bname, bs = self.em.resolve(body_schema)
            bcls = bname or f"{pascal(op.op_id)}Body"
            props = bs.get("properties", {})
            root = [k for k in bs.get("required", []) if k != "proprietary_uid"]
            if len(root) == 1 and all(isinstance(props[k], dict) for k in props):
                key = root[0]
                inner_schema = props[key]
                _iname, inner = self.em.resolve(inner_schema)
                inner_props = inner.get("properties", {})
                if "state" in inner_props and "state" in inner.get("required", []):
                    events = inner_props["state"].get("enum", [])
                    if len(events) == 1:  # cancelReceipt: the one event is the method
                        parts = [f'"state": {events[0]!r}']
                    else:
                        state_py = self.em.in_type(inner_props["state"], bcls, "State")
                        args.append(f"state: {state_py}")
                        parts = ['"state": state']
                    for extra in inner_props:
                        if extra == "state":
                            continue
                        epy = self.em.in_type(inner_props[extra], bcls, pascal(extra))
                        required = extra in inner.get("required", [])
                        kwonly.append(f"{extra}: {epy}" + ("" if required else " | None = None"))
                        parts.append(f'"{extra}": {extra}')
                    body_expr = f'{{"{key}": _drop_none({{{", ".join(parts)}}})}}'
                else:
                    inner_py = self.em.in_type(inner_schema, bcls, pascal(key))
                    arg = "data"
                    args.append(f"{arg}: {inner_py}")
                    body_expr = f'{{"{key}": {arg}}}'
                if "proprietary_uid" in props:
                    kwonly.append("proprietary_uid: str | None = None")
                    body_expr = f"_with_uid({body_expr}, proprietary_uid)"
            else:
                self.em.request(bcls, bs) if bs.get("properties") else None
                args.append(
                    f"data: {bcls if bs.get('properties') else '_abc.Mapping[str, object]'}"
                )
                body_expr = "data"
        is_list = name == "list"
        if is_list and any(p["name"].endswith(("[]", "]")) for p in query_params):
            filters_td = f"{pascal(op.op_id)}Filters"
            self.filters_typeddict(filters_td, op)
        for p in query_params:
            qn = query_name(p["name"])
            if qn == "page":
                continue
            if filters_td and qn != "per_page":
                continue
            if name in WAITS and qn == "years":
                continue
            py = self.em.in_type(p.get("schema", {}), pascal(op.op_id), pascal(qn))
            if py == "str" and p.get("schema", {}).get("pattern", "").startswith("^(0?[1-9]"):
                py = "int"
            if py == "str" and p.get("schema", {}).get("pattern") == "^[0-9]{4}$":
                py = "int"
            if p.get("required") and not kwonly:
                args.append(f"{qn}: {py}")
            elif p.get("required") or (name in WAITS and qn == "year"):
                kwonly.append(f"{qn}: {py}")
            else:
                kwonly.append(f"{qn}: {py} | None = None")
            query_items.append(f'"{p["name"]}": {qn}')
        query_expr = "{" + ", ".join(query_items) + "}"
        lines: list[str] = []
        responses = self.responses_literal(op)
        if is_list or (paged and name not in ("iter",)):
            pass
        if is_list:
            elem = self.list_element(op)
            page_arg = ["page: int = 1"] if paged else []
            filt = [f"**filters: Unpack[{filters_td}]"] if filters_td else []
            sig = (
                ", ".join([*args, "*", *page_arg, *kwonly, *filt])
                if (page_arg or kwonly or filt)
                else ", ".join(args)
            )
            fexpr = "filters" if filters_td else "{}"
            default = f"{doc_type!r}" if doc_type else "None"
            q = f"{{**{query_expr}, **self._filters({fexpr}, {default})}}"
            page_q = '{**q, "page": page}' if paged else "q"
            lines += [
                "    @op",
                f"    def list({sig}) -> {ret}:",
                f'        """{self.list_doc(op, doc_type)}"""',
                f"        q = {q}",
                f"        return self._run(Call({snake_op!r}, ({', '.join(call_path)}{',' if call_path else ''}), {page_q}, None, {responses}))",
                "",
            ]
            if elem is not None:
                _wire, elem_py = elem
                iargs = [*args, "*", *kwonly, *filt] if (kwonly or filt) else args
                lines += [
                    "    @pages",
                    f"    def iter({', '.join(iargs)}) -> _abc.Iterator[{elem_py}]:",
                    f'        """Every element of every page ({self.list_doc(op, doc_type)})"""',
                    f"        q = {q}",
                    f"        return self._iter(Call({snake_op!r}, ({', '.join(call_path)}{',' if call_path else ''}), q, None, {responses}), paged={paged})",
                    "",
                ]
            return lines
        if paged:
            kwonly.insert(0, "page: int = 1")
            query_expr = "{" + ", ".join(['"page": page', *query_items]) + "}"
        sig = ", ".join([*args, "*", *kwonly]) if kwonly else ", ".join(args)
        call = (
            f"Call({snake_op!r}, ({', '.join(call_path)}{',' if call_path else ''}), "
            f"{query_expr}, {body_expr}, {responses})"
        )
        if name in WAITS:
            sig = ", ".join([*args, "*", *kwonly, "timeout: float = 60.0", "interval: float = 1.0"])
            lines += [
                "    @op",
                f"    def wait({sig}) -> {ret}:",
                f'        """{doc} Polls while the server answers 202; PollTimeoutError after `timeout` s."""',
                f"        return self._poll({call}, timeout, interval)",
                "",
            ]
            return lines
        lines += [
            "    @op",
            f"    def {name}({sig}) -> {ret}:",
            f'        """{doc} (`{op.op_id}`)"""',
            f"        return self._run({call})",
            "",
        ]
        return lines

    def list_doc(self, op: Operation, doc_type: str | None) -> str:
        if doc_type:
            return (
                f"`{op.op_id}` lists a family; `type` defaults to [{doc_type!r}] "
                "(pass the types you want to walk more)."
            )
        return f"One page of `{op.op_id}`."

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
                    f'"""Filters of `{op.op_id}`, in Python names (`date_from` is `date[from]`)."""',
                ]
            )
        )


def document_types(spec: dict[str, Any], ops: dict[str, Operation]) -> list[tuple[str, str]]:
    """(path segment, singular Pascal) for every document type, from `x-document-type`."""
    found: dict[str, str] = {}
    for op in ops.values():
        seg = op.op.get("x-document-type")
        if seg and op.op_id.startswith("get"):
            found[seg] = op.op_id[len("get") :]
    return sorted(found.items())


def build(spec: dict[str, Any]) -> dict[str, str]:
    """The typed package's files (name -> source) for `spec`."""
    ops = operations(spec)
    em = Emitter(spec)
    nw = NamespaceWriter(em, ops)
    classes: list[str] = []
    table: list[str] = []
    used: set[str] = set()
    missing: list[str] = []
    for ns, methods in NAMESPACES.items():
        cls = pascal(ns) + "Resource"
        body: list[str] = []
        for name, op_id in methods.items():
            if op_id not in ops:
                missing.append(op_id)
                continue
            used.add(op_id)
            body += nw.method(cls, name, ops[op_id], doc_type=None)
        ops_of = {name: snake(op_id) for name, op_id in methods.items() if op_id in ops}
        if "list" in ops_of and "def iter(" in "\n".join(body):
            ops_of["iter"] = ops_of["list"]
        classes.append(_resource_class(cls, ns, body, ops_of))
        table.append(f"    {ns}: {cls}[M]")
    family_default: dict[str, str] = {}
    for seg, single in document_types(spec, ops):
        cls = pascal(seg) + "Resource"
        body = []
        ops_of = {}
        for name, pattern in DOCUMENT_METHODS.items():
            op_id = pattern.format(S=single)
            if op_id in ops:
                used.add(op_id)
                ops_of[name] = snake(op_id)
                body += nw.method(cls, name, ops[op_id], doc_type=None)
        own_list = f"list{pascal(seg)}"
        if own_list in ops and ops[own_list].op.get("x-document-type") == seg:
            used.add(own_list)
            body += nw.method(cls, "list", ops[own_list], doc_type=None)
            ops_of["list"] = ops_of["iter"] = snake(own_list)
        else:
            family = _family_list(spec, ops, seg)
            if family is not None:
                family_default[seg] = family
                body += nw.method(cls, "list", ops[family], doc_type=_type_name(spec, ops, single))
                ops_of["list"] = ops_of["iter"] = snake(family)
        classes.append(_resource_class(cls, seg, body, ops_of))
        table.append(f"    {seg}: {cls}[M]")
    # A table entry the spec lacks simply has no method; tests/client/test_namespaces.py checks
    # that every operation of the real spec is reachable from a namespace.
    del missing
    alias_lines = [f"{k} = {v}" for k, v in sorted(em.aliases.items())]
    models_src = "\n".join(
        [
            '"""Response models: converted, checked values (see `__ix_fields__`)."""',
            "",
            "from __future__ import annotations",
            "",
            "import datetime as dt",
            "import collections.abc as _abc",
            "from dataclasses import dataclass",
            "from decimal import Decimal",
            "from typing import ClassVar, Literal",
            "",
            "from ._runtime import FieldSpecs, Model",
            "",
            *alias_lines,
            "",
            "",
            *[m + "\n\n" for m in em.models],
        ]
    )
    requests_src = "\n".join(
        [
            '"""Request bodies as TypedDicts: every key and value checked by mypy."""',
            "",
            "from __future__ import annotations",
            "",
            "import datetime as dt",
            "import collections.abc as _abc",
            "from decimal import Decimal",
            "from typing import Literal, NotRequired, Required, TypedDict",
            "",
            "from .models import *  # noqa: F403  (the Literal aliases)",
            "",
            "",
            *[r + "\n\n" for r in em.requests],
        ]
    )
    names = sorted(em.emitted_models)
    ns_src = "\n".join(
        [
            '"""Namespaces: one class per API area, one method per operation the spec has."""',
            "",
            '# mypy: disable-error-code="no-any-return"',
            "from __future__ import annotations",
            "",
            "import datetime as dt",
            "import collections.abc as _abc",
            "from decimal import Decimal",
            "from typing import ClassVar, Generic, Literal, Unpack",
            "",
            "from ._runtime import Call, M, Resource, _drop_none, _with_uid, op, pages",
            "from .models import *  # noqa: F403",
            "from .requests import *  # noqa: F403",
            "",
            "",
            *[c + "\n\n" for c in classes],
            "class Namespaces(Generic[M]):",
            '    """The resource attributes shared by the sync and async clients."""',
            "",
            *table,
            "",
            "",
            "RESOURCES: dict[str, type[Resource[Mode]]] = {",
            *[
                f"    {line.split(':')[0].strip()!r}: {line.split(':')[1].strip()[:-3]},"
                for line in table
            ],
            "}",
            "",
        ]
    ).replace("type[Resource[Mode]]", "type[Resource[Mode]]")
    ns_src = ns_src.replace(
        "from ._runtime import Call, M,", "from ._runtime import Call, M, Mode,"
    )
    init_src = (
        '"""The typed layer: request TypedDicts, converted response models, namespaces."""\n\n'
        "from . import models, namespaces, requests\n\n"
        '__all__ = ["models", "namespaces", "requests"]\n'
    )
    del names
    return {
        "__init__.py": init_src,
        "_runtime.py": RUNTIME.read_text(encoding="utf-8"),
        "models.py": models_src,
        "requests.py": requests_src,
        "namespaces.py": ns_src,
    }


def _family_list(spec: dict[str, Any], ops: dict[str, Operation], seg: str) -> str | None:
    family = next(
        (o.op.get("x-family") for o in ops.values() if o.op.get("x-document-type") == seg), None
    )
    name = {"invoices": "listInvoices", "estimates": "listEstimates", "guides": "listGuides"}.get(
        family or "", f"list{pascal(family or '')}"
    )
    return name if name in ops else None


def _type_name(spec: dict[str, Any], ops: dict[str, Operation], single: str) -> str:
    return single


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
