"""The evidence corpus (`spec/evidence/`): facts about the live API with their sources, and the
minimal exchanges written from them, as typed objects.

It lives in the core, not under tests/, because the evidence ships with the spec (the wheel
packs `spec/` as `invoicexpress_core/_spec`) and more than the replay test reads it: specbuild
cites it, and the sandbox's `--live-like` mode can point at the facts it imitates. Like the spec
loader it imports YAML only when asked, and checks what tests would otherwise trust: every
exchange cites known facts, and nothing a request sends carries a calendar literal.

Placeholders in requests (and in the recorded responses, so that both read alike): `{today}`,
`{today+N}`/`{today-N}` (dd/mm/yyyy), `{now+Nm}` (dd/mm/yyyy HH:MM:SS, N minutes ahead), and
`{name}` for a value captured from an earlier response of the same exchange. `fill` replaces
them from the clock the caller passes in (the server's, at replay time).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from .spec import parse_yaml, spec_path

Kind = Literal["recorded-live", "production-code", "doc-derived", "hand-written-mock"]
KINDS: tuple[Kind, ...] = ("recorded-live", "production-code", "doc-derived", "hand-written-mock")
Derivation = Literal["recorded-live", "production-client"]
DERIVATIONS: tuple[Derivation, ...] = ("recorded-live", "production-client")

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:([+-])(\d+)(m)?)?\}")
_DATE_LITERAL = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


class EvidenceError(ValueError):
    """The corpus breaks one of its own rules (unknown fact, literal date, bad field)."""


@dataclass(frozen=True)
class Source:
    """Where a fact was seen: one file of one repository at one commit."""

    key: str
    repo: str | None
    file: str
    commit: str | None
    date: str | None
    note: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    operations: tuple[str, ...]
    field: str
    observed: str
    kind: Kind
    sources: tuple[Source, ...]
    note: str = ""
    live_refused: bool = False


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    auth: Literal["valid", "invalid"] = "valid"
    valid: bool = True  # False: live refused this body for its shape


@dataclass(frozen=True)
class Response:
    status: int
    body: Any = None
    text: str | None = None  # a body that is not JSON (blank, HTML)
    content_type: str = "application/json"
    has_body: bool = False  # False: only the status is evidenced

    @property
    def body_kind(self) -> Literal["json", "blank", "html", "none"]:
        if self.text is not None:
            if not self.text.strip():
                return "blank"
            return "html" if "html" in self.content_type else "blank"
        return "json" if self.has_body else "none"


@dataclass(frozen=True)
class Interaction:
    request: Request
    response: Response | None  # None for setup steps
    role: Literal["evidence", "setup"] = "evidence"
    expect_status: int | None = None  # setup steps: the status that proves the state was reached
    capture: Mapping[str, str] = field(default_factory=dict)  # name -> JSON pointer


@dataclass(frozen=True)
class Exchange:
    name: str
    derived_from: Derivation
    facts: tuple[str, ...]
    interactions: tuple[Interaction, ...]
    note: str = ""


def evidence_dir() -> Path:
    """The corpus next to the spec in use (repository or wheel)."""
    return spec_path().parent / "evidence"


def _yaml(path: Path) -> Any:
    return parse_yaml(path.read_bytes())


def load_facts(directory: Path | None = None) -> dict[str, Fact]:
    data = _yaml((directory or evidence_dir()) / "facts.yaml")
    table: dict[str, dict[str, Any]] = data["sources"]
    facts: dict[str, Fact] = {}
    for row in data["facts"]:
        fid = str(row["id"])
        if fid in facts:
            raise EvidenceError(f"fact {fid} is stated twice")
        if row["kind"] not in KINDS:
            raise EvidenceError(f"fact {fid}: kind {row['kind']!r} is not one of {KINDS}")
        sources = []
        for ref in row["sources"]:
            if ref["source"] not in table:
                raise EvidenceError(f"fact {fid} cites unknown source {ref['source']!r}")
            src = table[ref["source"]]
            sources.append(
                Source(
                    ref["source"],
                    src.get("repo"),
                    str(ref["file"]),
                    src.get("commit"),
                    src.get("date"),
                    str(src.get("note", "")),
                )
            )
        facts[fid] = Fact(
            id=fid,
            operations=tuple(str(op) for op in row["operations"]),
            field=str(row["field"]),
            observed=str(row["observed"]),
            kind=row["kind"],
            sources=tuple(sources),
            note=str(row.get("note", "")),
            live_refused=bool(row.get("live_refused", False)),
        )
    return facts


def _request(raw: Mapping[str, Any], where: str) -> Request:
    body = raw.get("body")
    for text in _strings(body):
        if _DATE_LITERAL.search(text):
            raise EvidenceError(f"{where}: literal date {text!r} in a request body; use {{today}}")
    return Request(
        method=str(raw["method"]).upper(),
        path=str(raw["path"]),
        query={str(k): str(v) for k, v in (raw.get("query") or {}).items()},
        body=body,
        has_body="body" in raw,
        auth=raw.get("auth", "valid"),
        valid=bool(raw.get("valid", True)),
    )


def _response(raw: Mapping[str, Any] | None) -> Response | None:
    if raw is None:
        return None
    return Response(
        status=int(raw["status"]),
        body=raw.get("body"),
        text=raw.get("text"),
        content_type=str(raw.get("content_type", "application/json")),
        has_body="body" in raw,
    )


def load_exchanges(
    directory: Path | None = None, facts: Mapping[str, Fact] | None = None
) -> list[Exchange]:
    base = directory or evidence_dir()
    known = facts if facts is not None else load_facts(base)
    exchanges = []
    for path in sorted((base / "exchanges").glob("*.yaml")):
        raw = _yaml(path)
        name = path.stem
        if raw["derived_from"] not in DERIVATIONS:
            raise EvidenceError(f"{name}: derived_from must be one of {DERIVATIONS}")
        unknown = [f for f in raw["facts"] if f not in known]
        if unknown:
            raise EvidenceError(f"{name} cites unknown facts {unknown}")
        steps = []
        for i, step in enumerate(raw["interactions"]):
            role = step.get("role", "evidence")
            response = _response(step.get("response"))
            if role == "evidence" and response is None:
                raise EvidenceError(f"{name}[{i}]: an evidence step needs a response")
            steps.append(
                Interaction(
                    request=_request(step["request"], f"{name}[{i}]"),
                    response=response,
                    role=role,
                    expect_status=step.get("expect_status"),
                    capture=dict(step.get("capture") or {}),
                )
            )
        exchanges.append(
            Exchange(
                name=name,
                derived_from=raw["derived_from"],
                facts=tuple(raw["facts"]),
                interactions=tuple(steps),
                note=str(raw.get("note", "")),
            )
        )
    return exchanges


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def fill(value: Any, now: datetime, captures: Mapping[str, Any] | None = None) -> Any:
    """`value` with every placeholder replaced, dates from `now` (the server's clock)."""
    names = captures or {}

    def one(match: re.Match[str]) -> str:
        name, sign, amount, minutes = match.groups()
        delta = int(amount or 0) * (-1 if sign == "-" else 1)
        if name == "today":
            return (now + timedelta(days=delta)).strftime("%d/%m/%Y")
        if name == "now" and minutes:
            return (now + timedelta(minutes=delta)).strftime("%d/%m/%Y %H:%M:%S")
        if name in names and not sign:
            return str(names[name])
        raise EvidenceError(f"unknown placeholder {match.group(0)!r}")

    if isinstance(value, str):
        return _PLACEHOLDER.sub(one, value)
    if isinstance(value, Mapping):
        return {k: fill(v, now, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, now, names) for v in value]
    return value
