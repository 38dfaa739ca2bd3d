"""What the `ix_sandbox` fixture hands a test: `SandboxHandle`, the sandbox's address and its
admin helpers (`reset`, faults, clock, rate limit, outbox, calls). Import it to annotate your
tests (`def test_x(ix_sandbox: SandboxHandle)`); `mypy --strict` then checks them.

Every admin request goes through `SandboxAdmin`, which sends the `X-Sandbox-Token` header.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import httpx
import pytest

from invoicexpress_sandbox import TOKEN_HEADER

if TYPE_CHECKING:
    from .testing import RunningSandbox

MARKER = "ix_sandbox"
_MARKER_KEYS = frozenset({"faults", "quirks", "now", "rate_limit"})


class SandboxAdmin:
    """The one way this plugin talks to `/_sandbox/...`: every request carries the admin token
    (the running sandbox's, which `$IXC_SANDBOX_TOKEN` fixes)."""

    def __init__(self, base_url: str, token: str) -> None:
        self._http = httpx.Client(base_url=base_url, headers={TOKEN_HEADER: token}, timeout=30)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is None and method in ("POST", "PUT"):
            body = {}  # admin writes are JSON, also when there is nothing to say
        response = self._http.request(method, f"/_sandbox/{path}", json=body)
        if response.is_error:
            raise RuntimeError(
                f"sandbox admin {method} /_sandbox/{path} answered {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response.json() if response.content else None

    def close(self) -> None:
        self._http.close()


class SandboxHandle:
    """What a test gets from `ix_sandbox`: where the sandbox is, and its admin helpers."""

    def __init__(self, server: RunningSandbox, admin: SandboxAdmin) -> None:
        self.base_url = server.base_url
        self.account_name = server.account_name
        self.api_key = server.api_key
        self.admin = admin

    def __repr__(self) -> str:
        return f"SandboxHandle(base_url={self.base_url!r}, api_key=[REDACTED])"

    def reset(self) -> None:
        """Back to the start: seeded demo account, no mail, faults, quirks, clock shift, limit.

        Each switch is also cleared by its own route, so this holds whatever `/reset` keeps.
        """
        self.admin.request("POST", "reset")
        self.admin.request("DELETE", "faults")
        self.admin.request("PUT", "rate-limit", {"per_minute": None})
        self.admin.request("DELETE", "clock")
        self.admin.request("DELETE", "outbox")
        self.admin.request("DELETE", "calls")

    def set_faults(
        self, faults: list[str] | tuple[str, ...] = (), quirks: list[str] | tuple[str, ...] = ()
    ) -> None:
        """Replace the active faults and quirks (no arguments: all off)."""
        self.admin.request("PUT", "faults", {"faults": list(faults), "quirks": list(quirks)})

    def set_rate_limit(self, per_minute: int | None) -> None:
        """Requests per minute per account (None: off, the plugin's default)."""
        self.admin.request("PUT", "rate-limit", {"per_minute": per_minute})

    def outbox(self) -> list[dict[str, Any]]:
        """E-mails "sent" through `email-document` since the test started."""
        messages: list[dict[str, Any]] = self.admin.request("GET", "outbox")["messages"]
        return messages

    def now(self) -> datetime:
        """The sandbox clock (dates the API fills in, `loaded_at` checks, SAF-T periods)."""
        return datetime.fromisoformat(self.admin.request("GET", "clock")["now"])

    def set_now(self, when: str | date | datetime, *, frozen: bool = True) -> None:
        """Move the clock to `when` (an ISO date or datetime); frozen there unless told not to."""
        self.admin.request("POST", "clock", {"now": _iso(when), "frozen": frozen})

    def advance(self, *, days: float = 0, seconds: float = 0) -> None:
        self.admin.request("POST", "clock", {"advance_days": days, "advance_seconds": seconds})

    def calls(self) -> list[dict[str, Any]]:
        """API calls the sandbox answered in this test (method, redacted URL, status)."""
        calls: list[dict[str, Any]] = self.admin.request("GET", "calls")["calls"]
        return calls

    def apply_marker(self, marker: pytest.Mark) -> None:
        """Apply `@pytest.mark.ix_sandbox(...)`; a wrong argument fails the test, named."""
        if marker.args:
            _bad_marker(f"takes keyword arguments only ({', '.join(sorted(_MARKER_KEYS))})")
        extra = sorted(set(marker.kwargs) - _MARKER_KEYS)
        if extra:
            _bad_marker(
                f"unknown argument {', '.join(extra)}; use {', '.join(sorted(_MARKER_KEYS))}"
            )
        faults = _names(marker.kwargs.get("faults", ()), "faults")
        quirks = _names(marker.kwargs.get("quirks", ()), "quirks")
        _check_names(faults, quirks)
        if faults or quirks:
            self.set_faults(faults, quirks)
        if "rate_limit" in marker.kwargs:
            limit = marker.kwargs["rate_limit"]
            if limit is not None and (not isinstance(limit, int) or limit < 1):
                _bad_marker(f"rate_limit={limit!r} must be a positive int or None")
            self.set_rate_limit(limit)
        if marker.kwargs.get("now") is not None:
            try:
                self.set_now(marker.kwargs["now"])
            except (ValueError, TypeError) as exc:
                _bad_marker(f"now={marker.kwargs['now']!r} is not an ISO date or datetime ({exc})")


def _iso(when: str | date | datetime) -> str:
    if isinstance(when, datetime):
        return when.isoformat()
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day).isoformat()
    if isinstance(when, str):
        return datetime.fromisoformat(when).isoformat()
    raise TypeError(f"expected an ISO string, date or datetime, got {type(when).__name__}")


def _bad_marker(problem: str) -> NoReturn:
    pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)


def _names(value: Any, what: str) -> list[str]:
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        _bad_marker(f"{what} must be a list of names, e.g. {what}=[{value!r}]")
    return list(value)


def _check_names(faults: list[str], quirks: list[str]) -> None:
    from invoicexpress_sandbox import FAULTS, QUIRKS

    for names, known, what in ((faults, FAULTS, "fault"), (quirks, QUIRKS, "quirk")):
        unknown = [n for n in names if n not in known]
        if unknown:
            _bad_marker(
                f"unknown {what} {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}"
            )
