"""Findings and reports shared by spec drift and server drift.

A finding's fingerprint hashes only rule, operation and pointer, never the message or the
example, so rewording a message or observing a new example keeps a baselined finding accepted.
"""

from __future__ import annotations

import enum
import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Level(enum.IntEnum):
    """Severity, ordered so `level >= Level.WARN` reads naturally (oasdiff's ERR/WARN/INFO).

    ERR breaks a call an existing client makes, on the wire; WARN leaves every call working
    but changes what code written against the old spec relies on (generated names, documented
    errors); INFO changes nothing a client relies on. `breaking` is ERR, and nothing else.
    """

    INFO = 1
    WARN = 2
    ERR = 3

    @property
    def breaking(self) -> bool:
        """The JSON `breaking` flag and the default `--fail-on`: both read this, nothing else."""
        return self is Level.ERR

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {text!r}; use ERR, WARN or INFO") from None


def fingerprint(rule: str, operation: str, pointer: str) -> str:
    """12 hex digits of SHA-256 over `rule:operation:pointer`; stable across rewording."""
    digest = hashlib.sha256(f"{rule}:{operation}:{pointer}".encode()).hexdigest()
    return digest[:12]


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@functools.lru_cache(maxsize=16384)
def join_pointer(base: str, *tokens: str | int) -> str:
    """`base` with `tokens` appended, escaped; cached: server drift joins the same few hundred
    schema paths for every value of every recorded body."""
    return base + "".join("/" + escape_pointer_token(str(t)) for t in tokens)


@dataclass
class Finding:
    """One change (spec drift) or one observed discrepancy (server drift)."""

    rule: str
    level: Level
    operation: str
    pointer: str
    message: str
    location: str = ""
    example: Any = None
    count: int = 1
    baselined: bool = False
    fingerprint: str = field(default="")
    cause: str = ""  # the shared component the change lives in (a report folds on it)
    cause_message: str = ""  # the change said once for every operation the cause reaches

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.rule, self.operation, self.pointer)

    @property
    def breaking(self) -> bool:
        return self.level.breaking

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.rule,
            "level": self.level.name,
            "operation": self.operation,
            "pointer": self.pointer,
            "location": self.location,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }
        if self.cause:
            data["cause"] = self.cause
        return data


@dataclass
class Report:
    """What a drift run produced: findings plus the labels needed to render them."""

    kind: str  # "spec" or "server"
    base: str
    revision: str
    findings: list[Finding]
    generated_at: str
    operations: dict[str, str] = field(default_factory=dict)  # operation key -> display title
    client_impact: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self, *, include_baselined: bool = False) -> dict[str, int]:
        out = {lvl.name: 0 for lvl in sorted(Level, reverse=True)}
        for f in self.findings:
            if include_baselined or not f.baselined:
                out[f.level.name] += 1
        return out

    def failing(self, fail_on: Level | None) -> list[Finding]:
        """The findings that make the run fail under `--fail-on` (baselined ones never do)."""
        if fail_on is None:
            return []
        return [f for f in self.findings if f.level >= fail_on and not f.baselined]
