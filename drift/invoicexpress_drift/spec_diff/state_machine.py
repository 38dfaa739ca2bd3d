"""`x-state-machine`: the document transitions an operation drives."""

from __future__ import annotations

from typing import Any

from invoicexpress_drift._model import join_pointer
from invoicexpress_drift.spec_diff._context import _Ctx
from invoicexpress_drift.spec_diff._values import _names
from invoicexpress_drift.spec_diff.operations import _Op


def _transitions(sm: Any) -> dict[tuple[str, str, str], list[str]]:
    out: dict[tuple[str, str, str], list[str]] = {}
    if not isinstance(sm, dict):
        return out
    for t in sm.get("transitions") or []:
        if isinstance(t, dict):
            key = (str(t.get("from")), str(t.get("event")), str(t.get("to")))
            out[key] = sorted(str(r) for r in t.get("requires") or [])
    return out


def _aliases(sm: Any) -> dict[str, str]:
    raw = sm.get("aliases") if isinstance(sm, dict) else None
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _diff_state_machine(ctx: _Ctx, o: _Op, n: _Op) -> None:
    ta, tb = _transitions(o.raw.get("x-state-machine")), _transitions(n.raw.get("x-state-machine"))

    def where(key: tuple[str, str, str]) -> str:
        return f"{key[0]} --{key[1]}--> {key[2]}"

    def ptr(key: tuple[str, str, str]) -> str:
        # Keyed by the transition, not its index: reordering the list changes no fingerprint.
        return join_pointer("/x-state-machine/transitions", f"{key[0]} -{key[1]}-> {key[2]}")

    for key in sorted(ta.keys() - tb.keys()):
        ctx.emit(
            "state-transition-removed",
            ptr(key),
            f"transition {where(key)} removed",
            where(key),
        )
    for key in sorted(tb.keys() - ta.keys()):
        ctx.emit("state-transition-added", ptr(key), f"transition {where(key)} added", where(key))
    sma, smb = o.raw.get("x-state-machine"), n.raw.get("x-state-machine")
    if isinstance(sma, dict) and isinstance(smb, dict) and sma.get("initial") != smb.get("initial"):
        ctx.emit(
            "state-machine-initial-changed",
            "/x-state-machine/initial",
            f"documents now start in `{smb.get('initial')}`, not `{sma.get('initial')}`",
        )
    aliases_a = _aliases(o.raw.get("x-state-machine"))
    aliases_b = _aliases(n.raw.get("x-state-machine"))
    for alias in sorted(aliases_a.keys() - aliases_b.keys()):
        ctx.emit(
            "state-transition-removed",
            join_pointer("/x-state-machine/aliases", alias),
            f"event alias `{alias}` (for `{aliases_a[alias]}`) removed: requests using it fail",
            f"alias {alias}",
        )
    for key in sorted(ta.keys() & tb.keys()):
        more = sorted(set(tb[key]) - set(ta[key]))
        fewer = sorted(set(ta[key]) - set(tb[key]))
        if more:
            ctx.emit(
                "state-transition-requires-added",
                ptr(key),
                f"transition {where(key)} now requires {_names(more)} in the request",
                where(key),
            )
        if fewer:
            ctx.emit(
                "state-transition-requires-removed",
                ptr(key),
                f"transition {where(key)} no longer requires {_names(fewer)}",
                where(key),
            )
