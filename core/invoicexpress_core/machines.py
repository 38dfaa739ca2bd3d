"""State machines read from the spec's `x-state-machine`, typed, with the one path search."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Transition:
    source: str
    event: str
    target: str
    requires: tuple[str, ...] = ()  # body fields the event needs (e.g. "message")


@dataclass(frozen=True)
class MachineError:
    """A refusal the machine documents (`errors:` of `x-state-machine`): status and body text."""

    status: int
    message: str


@dataclass(frozen=True)
class StateMachine:
    document_type: str
    initial: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    errors: dict[str, MachineError] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, raw: dict[str, Any]) -> StateMachine:
        return cls(
            document_type=str(raw.get("document_type", "")),
            initial=str(raw.get("initial", "draft")),
            states=tuple(str(s) for s in raw.get("states", [])),
            transitions=tuple(
                Transition(
                    str(t["from"]),
                    str(t["event"]),
                    str(t["to"]),
                    tuple(str(r) for r in t.get("requires", ()) or ()),
                )
                for t in raw.get("transitions", [])
            ),
            aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
            errors={
                str(k): MachineError(int(v.get("status", 422)), str(v.get("message", "")))
                for k, v in (raw.get("errors") or {}).items()
            },
        )

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.event for t in self.transitions))

    def canonical(self, event: str) -> str:
        return self.aliases.get(event, event)

    def find(self, source: str, event: str, _doc_type: str = "") -> Transition | None:
        """The transition `event` takes from `source` (aliases resolved), if allowed.

        `_doc_type` is ignored: no spec transition is narrowed by type (phase B drops it).
        """
        event = self.canonical(event)
        for t in self.transitions:
            if t.source == source and t.event == event:
                return t
        return None

    def error_message(self, name: str, default: str) -> str:
        entry = self.errors.get(name)
        return entry.message if entry else default

    def path(self, target: str, start: str | None = None) -> list[Transition] | None:
        """The shortest list of transitions from `start` (default: initial) to `target`."""
        begin = start or self.initial
        queue: deque[tuple[str, list[Transition]]] = deque([(begin, [])])
        seen = {begin}
        while queue:
            state, steps = queue.popleft()
            if state == target:
                return steps
            for t in self.transitions:
                if t.source == state and t.target not in seen:
                    seen.add(t.target)
                    queue.append((t.target, [*steps, t]))
        return None

    def reachable(self) -> set[str]:
        """Every state reachable from the initial one."""
        return {s for s in self.states if self.path(s) is not None}
