"""State machines read from the spec's `x-state-machine` (never hard-coded here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Transition:
    source: str
    event: str
    target: str
    requires: tuple[str, ...] = ()
    only: tuple[str, ...] = ()  # document types it applies to, when the spec narrows it


@dataclass(frozen=True)
class StateMachine:
    document_type: str
    initial: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, raw: dict[str, Any]) -> StateMachine:
        transitions = tuple(
            Transition(
                str(t["from"]),
                str(t["event"]),
                str(t["to"]),
                tuple(str(r) for r in t.get("requires", ()) or ()),
                tuple(str(o) for o in t.get("only", t.get("document_types", ())) or ()),
            )
            for t in raw.get("transitions", [])
        )
        return cls(
            document_type=str(raw.get("document_type", "")),
            initial=str(raw.get("initial", "draft")),
            states=tuple(str(s) for s in raw.get("states", [])),
            transitions=transitions,
            aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
            errors={str(k): dict(v) for k, v in (raw.get("errors") or {}).items()},
        )

    @property
    def events(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen.setdefault(t.event, None)
        return tuple(seen)

    def canonical(self, event: str) -> str:
        return self.aliases.get(event, event)

    def find(self, source: str, event: str, doc_type: str = "") -> Transition | None:
        event = self.canonical(event)
        for t in self.transitions:
            if t.source == source and t.event == event and (not t.only or doc_type in t.only):
                return t
        return None

    def error_message(self, name: str, default: str) -> str:
        entry = self.errors.get(name) or {}
        return str(entry.get("message", default))
