"""Schemas compared in one direction (request or response), walking both at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from invoicexpress_drift import _regex
from invoicexpress_drift._model import join_pointer
from invoicexpress_drift._schema import admits, describe_types, resolve, type_set
from invoicexpress_drift.spec_diff._context import (
    _MAX_DEPTH,
    _MISSING,
    _NOISE,
    At,
    _Anchor,
    _Ctx,
    _Memo,
    _ref_of,
)
from invoicexpress_drift.spec_diff._values import (
    _LOWER,
    _MAX_COUNTS,
    _MIN_COUNTS,
    _TYPED_FORMATS,
    _UPPER,
    _WIDER_FORMAT,
    _bound,
    _branch_tag,
    _canon_text,
    _change,
    _divides,
    _enum_key,
    _integral,
    _names,
    _normal,
    _show_bound,
    _unwrap,
)


class _SchemaDiff:
    """Recursive schema comparison in one direction (request or response).

    `tightened`/`relaxed` are judged from the side that must accept the values: a server for
    requests, a client for responses.
    """

    def __init__(self, ctx: _Ctx, direction: str, label: str, *, parameter: bool = False) -> None:
        self.ctx = ctx
        self.direction = direction
        self.label = label
        self.parameter = parameter

    def run(self, old: Any, new: Any, pointer: str, anchor: _Anchor = None) -> None:
        self._walk(old, new, At(pointer, anchor=anchor))

    # -- emitting

    def _what(self, display: str) -> str:
        if self.parameter:
            return f"{self.label} `{display}`" if display else self.label
        if display:
            return f"{self.label} property `{display}`"
        return self.label if self.label.endswith("body") else f"{self.label} body"

    def _emit(
        self,
        rule: str,
        ptr: str,
        at: At,
        change: str,
        where: str = "",
        sep: str = ": ",
    ) -> None:
        cause = cause_message = ""
        if at.anchor is not None:
            name = at.anchor[0].rsplit("/", 1)[-1]
            cause = at.anchor[0]
            cause_message = f"`{name}{at.anchor[1]}` ({self.direction}s){sep}{change}"
        self.ctx.emit(
            rule,
            ptr,
            f"{self._what(at.display)}{sep}{change}",
            where or self._what(at.display),
            cause=cause,
            cause_message=cause_message,
        )

    def _constraint(self, ptr: str, at: At, tightened: bool, relaxed: bool, change: str) -> None:
        if tightened:
            self._emit(f"{self.direction}-constraint-tightened", ptr, at, change)
        if relaxed:
            self._emit(f"{self.direction}-constraint-relaxed", ptr, at, change)

    def _prefix(self, display: str) -> str:
        if self.parameter and not display and self.direction == "request":
            return "request-parameter"
        return f"{self.direction}-property"

    # -- walking

    def _walk(self, old: Any, new: Any, at: At) -> None:
        if old is None or new is None or at.depth > _MAX_DEPTH or self.ctx.same(old, new):
            return
        pair = (_ref_of(old), _ref_of(new))
        if pair != ("", "") and pair in at.refs:
            return  # a recursive schema: this pair is already being compared further up
        if pair == ("", "") and old is new:
            return
        ref = pair[1] or pair[0]
        anchor = (ref, "") if ref.startswith("#/components/") else at.anchor
        at = replace(at, refs=at.refs | {pair}, anchor=anchor)
        a, b = _normal(self.ctx.old_memo.merged(old)), _normal(self.ctx.new_memo.merged(new))
        alts_a, alts_b = a.get("oneOf") or a.get("anyOf"), b.get("oneOf") or b.get("anyOf")
        if bool(alts_a) != bool(alts_b):  # `X` against `oneOf: [X, null]`: compare X with X|null
            a = _unwrap(a, self.ctx.old_doc, self.ctx.old_memo)
            b = _unwrap(b, self.ctx.new_doc, self.ctx.new_memo)
            alts_a, alts_b = a.get("oneOf") or a.get("anyOf"), b.get("oneOf") or b.get("anyOf")
        if not alts_a and not alts_b:
            self._types(a, b, at)
        self._enum(a, b, at)
        self._format(a, b, at)
        self._bounds(a, b, at)
        self._default(a, b, at)
        self._discriminator(a, b, at)
        self._root_keys(a, b, at)
        self._alternatives(a, b, at)
        self._properties(a, b, at)
        self._additional(a, b, at)
        if isinstance(a.get("items"), dict) and isinstance(b.get("items"), dict):
            self._walk(a["items"], b["items"], at.child("/items", "[]"))

    def _types(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        ta, tb = type_set(self.ctx.old_doc, a), type_set(self.ctx.new_doc, b)
        if ta == tb:
            return
        change = f"type changed from {describe_types(ta)} to {describe_types(tb)}"
        prefix = self._prefix(at.display)
        if self.direction == "response":
            narrowed = bool(tb) and admits(ta, tb)
            rule = f"{prefix}-type-narrowed" if narrowed else f"{prefix}-type-changed"
        else:
            generalized = admits(tb, ta)
            rule = f"{prefix}-type-generalized" if generalized else f"{prefix}-type-changed"
        self._emit(rule, at.ptr + "/type", at, change)

    def _enum(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        def values(s: dict[str, Any]) -> dict[str, Any] | None:
            if "const" in s:
                return {_enum_key(s["const"]): s["const"]}
            if isinstance(s.get("enum"), list):
                return {_enum_key(v): v for v in s["enum"]}
            return None

        if a.get("enum") == b.get("enum") and a.get("const") == b.get("const"):
            return
        ea, eb = values(a), values(b)
        if ea is None and eb is None:
            return
        if ea is None or eb is None:
            change = "values limited to an enum" if ea is None else "enum limit removed"
            self._constraint(at.ptr + "/enum", at, ea is None, eb is None, change)
            return
        prefix = self._prefix(at.display)
        for key in sorted(ea.keys() - eb.keys()):
            self._emit(
                f"{prefix}-enum-value-removed",
                join_pointer(at.ptr, "enum", key),
                at,
                f"enum value {key} removed",
            )
        for key in sorted(eb.keys() - ea.keys()):
            self._emit(
                f"{prefix}-enum-value-added",
                join_pointer(at.ptr, "enum", key),
                at,
                f"enum value {key} added",
            )

    def _format(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        fa, fb = a.get("format"), b.get("format")
        if fa != fb:
            if fa is None or fb is None:
                tightened, relaxed = fa is None, fb is None
            elif (fa, fb) in _WIDER_FORMAT or (fb, fa) in _WIDER_FORMAT:
                tightened, relaxed = (fb, fa) in _WIDER_FORMAT, (fa, fb) in _WIDER_FORMAT
            else:  # another format altogether: values of either may fail the other
                tightened = relaxed = True
            if self.direction == "response" and not {fa, fb} & _TYPED_FORMATS:
                relaxed = False  # a descriptive format (uri, email): readers keep a string
            change = _change("format", fa, fb)
            self._constraint(join_pointer(at.ptr, "format"), at, tightened, relaxed, change)
        pa, pb = a.get("pattern"), b.get("pattern")
        if pa != pb:
            if pa is None or pb is None:
                tightened, relaxed = pa is None, pb is None
            else:
                tightened, relaxed = _regex.compare(str(pa), str(pb))
            change = _change("pattern", pa, pb)
            self._constraint(join_pointer(at.ptr, "pattern"), at, tightened, relaxed, change)

    def _bounds(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        int_a = _integral(type_set(self.ctx.old_doc, a))
        int_b = _integral(type_set(self.ctx.new_doc, b))
        for plain, excl in _LOWER + _UPPER:
            upper = (plain, excl) in _UPPER
            ba = _bound(a, plain, excl, integral=int_a, upper=upper)
            bb = _bound(b, plain, excl, integral=int_b, upper=upper)
            if ba == bb:
                continue
            if ba is None or bb is None:
                tightened, relaxed = ba is None, bb is None
            else:
                # compare (value, exclusive): for a lower bound higher or exclusive is stricter
                sa = (ba[0], ba[1]) if not upper else (-ba[0], ba[1])
                sb = (bb[0], bb[1]) if not upper else (-bb[0], bb[1])
                tightened, relaxed = sb > sa, sb < sa
            change = _change(plain, ba, bb, _show_bound)
            self._constraint(join_pointer(at.ptr, plain), at, tightened, relaxed, change)
        for key in _MIN_COUNTS + _MAX_COUNTS:
            va, vb = a.get(key), b.get(key)
            if va == vb:
                continue
            if va is None or vb is None:
                tightened, relaxed = va is None, vb is None
            else:
                sign = 1 if key in _MIN_COUNTS else -1
                tightened, relaxed = sign * vb > sign * va, sign * vb < sign * va
            change = _change(key, va, vb, str)
            self._constraint(join_pointer(at.ptr, key), at, tightened, relaxed, change)
        ma, mb = a.get("multipleOf"), b.get("multipleOf")
        if ma != mb:
            if ma is None or mb is None:
                tightened, relaxed = ma is None, mb is None
            else:
                tightened = not _divides(ma, mb)
                relaxed = not _divides(mb, ma)
            change = _change("multipleOf", ma, mb, str)
            self._constraint(join_pointer(at.ptr, "multipleOf"), at, tightened, relaxed, change)
        if bool(a.get("uniqueItems")) != bool(b.get("uniqueItems")):
            now = bool(b.get("uniqueItems"))
            change = "items must be unique" if now else "items may repeat"
            self._constraint(join_pointer(at.ptr, "uniqueItems"), at, now, not now, change)

    def _default(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        da, db = a.get("default", _MISSING), b.get("default", _MISSING)
        if da != db:
            if self.direction == "response":  # a response's default only documents
                kind = "changed" if da is not _MISSING else ""
            else:
                kind = "removed" if db is _MISSING else "added" if da is _MISSING else "changed"
            if kind:
                was, now = (None if v is _MISSING else v for v in (da, db))
                self._emit(
                    f"{self.direction}-default-{kind}",
                    join_pointer(at.ptr, "default"),
                    at,
                    _change("default", was, now),
                )
        if bool(a.get("deprecated")) != bool(b.get("deprecated")) and at.display:
            state = "deprecated" if b.get("deprecated") else "no longer deprecated"
            self._emit("deprecation-changed", join_pointer(at.ptr, "deprecated"), at, state)

    def _root_keys(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        """`x-accepted-root-keys`: the root keys a server takes (docs/CONVENTIONS.md)."""
        ka, kb = a.get("x-accepted-root-keys"), b.get("x-accepted-root-keys")
        if not isinstance(ka, list) or not isinstance(kb, list) or self.direction != "request":
            return
        p = join_pointer(at.ptr, "x-accepted-root-keys")
        lost, gained = sorted(set(ka) - set(kb)), sorted(set(kb) - set(ka))
        if lost:
            self._constraint(p, at, True, False, f"root keys {_names(lost)} no longer accepted")
        if gained:
            self._constraint(p, at, False, True, f"root keys {_names(gained)} now accepted")

    def _discriminator(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        da, db = a.get("discriminator"), b.get("discriminator")
        if not isinstance(da, dict) or not isinstance(db, dict) or da == db:
            if isinstance(da, dict) != isinstance(db, dict):
                change = "discriminator added" if isinstance(db, dict) else "discriminator removed"
                self._emit(
                    "discriminator-annotation-changed",
                    join_pointer(at.ptr, "discriminator"),
                    at,
                    change,
                )
            return
        p = join_pointer(at.ptr, "discriminator")
        if da.get("propertyName") != db.get("propertyName"):
            change = (
                f"discriminator property changed from `{da.get('propertyName')}` "
                f"to `{db.get('propertyName')}`"
            )
            self._emit("discriminator-changed", p, at, change)
            return
        ma, mb = da.get("mapping") or {}, db.get("mapping") or {}
        changed = sorted(k for k in set(ma) & set(mb) if ma[k] != mb[k])
        if changed:
            self._emit(
                "discriminator-changed",
                p,
                at,
                f"discriminator values {_names(changed)} map to other schemas",
            )
        lost, gained = sorted(set(ma) - set(mb)), sorted(set(mb) - set(ma))
        if lost:
            self._constraint(p, at, True, False, f"discriminator values {_names(lost)} removed")
        if gained:
            self._constraint(p, at, False, True, f"discriminator values {_names(gained)} added")

    def _alternatives(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        kind = "oneOf" if "oneOf" in a or "oneOf" in b else "anyOf"
        # oneOf and anyOf read alike to a generated client (try each branch): compare branches
        la = [x for x in a.get("oneOf") or a.get("anyOf") or [] if isinstance(x, dict)]
        lb = [x for x in b.get("oneOf") or b.get("anyOf") or [] if isinstance(x, dict)]
        if not la and not lb:
            return
        old_memo, new_memo = self.ctx.old_memo, self.ctx.new_memo
        if not la or not lb:  # one plain schema against a choice
            plain, memo_plain = (a, old_memo) if not la else (b, new_memo)
            branches, memo_br = (lb, new_memo) if not la else (la, old_memo)
            text = _canon_text(memo_plain, {k: v for k, v in plain.items() if k not in _NOISE})
            if any(_canon_text(memo_br, x) == text for x in branches):
                change = f"now a {kind} of {len(lb)}" if not la else f"no longer a {kind}"
                self._constraint(join_pointer(at.ptr, kind), at, not lb, not la, change)
            else:
                self._constraint(
                    join_pointer(at.ptr, kind),
                    at,
                    True,
                    True,
                    f"{kind} replaced by a different schema",
                )
            return
        pairs: list[tuple[int, int]] = []
        free_a, free_b = list(range(len(la))), list(range(len(lb)))

        def pair_by(key: Callable[[dict[str, Any], _Memo], str]) -> None:
            for i in list(free_a):
                ka = key(la[i], old_memo)
                if not ka:
                    continue
                for j in free_b:
                    if key(lb[j], new_memo) == ka:
                        pairs.append((i, j))
                        free_a.remove(i)
                        free_b.remove(j)
                        break

        pair_by(lambda s, _m: _ref_of(s).rsplit("/", 1)[-1])
        pair_by(lambda s, m: _canon_text(m, s))
        pair_by(lambda s, m: _branch_tag(m.merged(s)))
        for i, j in zip(list(free_a), list(free_b), strict=False):
            if len(free_a) == len(free_b):  # same count: same place is the same branch
                pairs.append((i, j))
        if len(free_a) == len(free_b):
            free_a, free_b = [], []
        for i, j in pairs:
            self._walk(la[i], lb[j], at.child(f"/{kind}/{j}", "", f"<{kind}[{j}]>"))
        for i in free_a:
            name = _ref_of(la[i]).rsplit("/", 1)[-1] or f"#{i}"
            self._constraint(
                join_pointer(at.ptr, kind, name),
                at,
                True,
                False,
                f"{kind} branch `{name}` removed",
            )
        for j in free_b:
            name = _ref_of(lb[j]).rsplit("/", 1)[-1] or f"#{j}"
            self._constraint(
                join_pointer(at.ptr, kind, name),
                at,
                False,
                True,
                f"{kind} branch `{name}` added",
            )

    def _additional(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        xa, xb = a.get("additionalProperties", True), b.get("additionalProperties", True)
        if xa == xb:
            return
        if isinstance(xa, dict) and isinstance(xb, dict):
            self._walk(xa, xb, at.child("/additionalProperties", ".*"))
            return
        closed_a, closed_b = xa is False, xb is False
        if closed_a == closed_b:
            return
        p = join_pointer(at.ptr, "additionalProperties")
        change = "undeclared keys now refused" if closed_b else "undeclared keys now allowed"
        if self.direction == "request":
            self._constraint(p, at, closed_b, closed_a, change)
        else:
            self._emit("response-additional-properties-changed", p, at, change)

    def _visible(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        out = {}
        for name, schema in props.items():
            resolved = resolve(doc, schema)
            if isinstance(resolved, dict) and resolved.get(hidden) is True:
                continue
            out[name] = schema
        return out

    def _properties(self, a: dict[str, Any], b: dict[str, Any], at: At) -> None:
        pa = self._visible(self.ctx.old_doc, a.get("properties") or {})
        pb = self._visible(self.ctx.new_doc, b.get("properties") or {})
        if not pa and not pb:
            return
        ra, rb = set(a.get("required") or []), set(b.get("required") or [])
        removed = sorted(pa.keys() - pb.keys())
        added = sorted(pb.keys() - pa.keys())
        resp = self.direction == "response"

        def child(name: str) -> At:
            step = f".{name}" if at.display else name
            return at.child(join_pointer("", "properties", name), step, f".{name}")

        def emit(rule: str, name: str, change: str) -> None:
            inner = child(name)
            where = f"{self.label}: {inner.display}"
            self._emit(rule, inner.ptr, inner, change, where, sep=" ")

        if resp:
            renamed = self._renames(pa, pb, removed, added)
            for old_name, new_name in renamed.items():
                emit("response-property-renamed", old_name, f"renamed to `{new_name}`")
            removed = [r for r in removed if r not in renamed]
            added = [x for x in added if x not in renamed.values()]
        closed = b.get("additionalProperties", True) is False
        for name in removed:
            # A closed request object refuses a property it no longer lists: clients still
            # sending it now fail. One merely hidden (readOnly) is still accepted.
            gone = name not in (b.get("properties") or {})
            if not resp and closed and gone:
                emit("request-property-removed-closed", name, "removed from a closed object")
            else:
                emit(f"{self.direction}-property-removed", name, "removed")
        for name in added:
            if resp:
                emit("response-property-added", name, "added")
            elif name in rb:
                emit("new-required-request-property", name, "added, required")
            else:
                emit("new-optional-request-property", name, "added, optional")
        for name in sorted(pa.keys() & pb.keys()):
            if name in ra and name not in rb:
                emit(f"{self.direction}-property-became-optional", name, "became optional")
            elif name in rb and name not in ra:
                emit(f"{self.direction}-property-became-required", name, "became required")
            self._walk(pa[name], pb[name], child(name))
        if not resp:  # a required name without a schema is still required of the client
            for name in sorted((rb - ra) - pb.keys() - pa.keys()):
                emit("request-property-became-required", name, "became required")

    def _renames(
        self, pa: dict[str, Any], pb: dict[str, Any], removed: list[str], added: list[str]
    ) -> dict[str, str]:
        """Removed→added pairs whose schemas are identical and unambiguous: a rename."""
        if not removed or not added:
            return {}
        canon_a = {r: _canon_text(self.ctx.old_memo, pa[r]) for r in removed}
        canon_b = {x: _canon_text(self.ctx.new_memo, pb[x]) for x in added}
        out: dict[str, str] = {}
        for r in removed:
            same = [x for x in added if canon_b[x] == canon_a[r] and x not in out.values()]
            if len(same) == 1 and list(canon_a.values()).count(canon_a[r]) == 1:
                out[r] = same[0]
        return out
