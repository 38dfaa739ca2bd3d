"""The emitter of `typed/namespaces.py`: one resource class per namespace."""

from __future__ import annotations

from typing import Any

from invoicexpress_codegen.typedgen.models import Emitter
from invoicexpress_codegen.typedgen.names import (
    DOCUMENT_METHODS,
    NAMESPACES,
    WAITS,
    pascal,
    query_name,
    snake,
)
from invoicexpress_codegen.typedgen.operations import (
    Operation,
    Signature,
    _digits_only,
    _media_schema,
    _params,
)


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
        doc = f"Filters of `{op.op_id}` in Python names (`date_from`: `date[from]`)."
        self.em.typeddict(cls, lines, doc)


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
