"""The emitter of `typed/requests.py` (TypedDicts) and `typed/models.py` (frozen models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from invoicexpress_codegen.typedgen.names import pascal, py_name, snake


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
        self.typeddict(cls, lines, doc.replace('"""', "'''").replace("\\", "\\\\"))

    def typeddict(self, cls: str, lines: list[str], doc: str) -> None:
        """A request TypedDict in its functional form (wire names need not be identifiers)."""
        body = [f"{cls} = TypedDict(", f"    {cls!r},", "    {", *lines, "    },"]
        self.requests.append("\n".join([*body, "    total=False,", ")", f'"""{doc}"""']))
