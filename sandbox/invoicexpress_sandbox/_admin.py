"""The admin routes (`/_sandbox/...`, guarded by the admin token) and the placeholder files."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ._catalog import LANGUAGES
from ._errors import ApiError
from ._faults import FAULTS, QUIRKS, unknown
from ._liveforms import SWITCH, describe
from ._shared import FILES_PREFIX, JSON_TYPE, REASON_HEADER, dumps, header_safe
from ._state import Parts, Serving
from .areas._base import Json
from .areas.accounts_saft import accounts, new_account, seed


def _admin_extra(data: dict[str, Any]) -> dict[str, Any]:
    """Account switches settable from the admin route (trial, AT, payment provider, the
    language its messages are worded in)."""
    extra: dict[str, Any] = {k: bool(data[k]) for k in ("trial", "at_configured") if k in data}
    if "payment_provider" in data:
        extra["_payment_provider"] = bool(data["payment_provider"])
    if data.get("language") in LANGUAGES:
        extra["language"] = data["language"]
    return extra


def _admin_account(account: Json) -> Json:
    return {
        "id": account["id"],
        "name": account["name"],
        "api_key": account["api_key"],
        "organization_name": account["organization_name"],
        "email": account["email"],
        "trial": account.get("trial", False),
        "at_configured": account.get("at_configured"),
    }


class Admin(Serving):
    """Reset, accounts, outbox, clock, switches, rate limit, calls and state of the sandbox."""

    def __init__(self, parts: Parts, operations: int) -> None:
        super().__init__(parts)
        self.operations = operations

    @staticmethod
    def _json(status: int, body: Any) -> Response:
        """An admin answer; a refusal names its cause in the reason header too."""
        headers = {}
        if status >= 400 and isinstance(body, dict):
            error = (body.get("errors") or {}).get("error")
            headers[REASON_HEADER] = header_safe(f": {error}")
        return Response(dumps(body), status_code=status, media_type=JSON_TYPE, headers=headers)

    def routes(self) -> list[tuple[str, Any, list[str]]]:
        return [
            ("/_sandbox/health", self._health, ["GET"]),
            ("/_sandbox/reset", self._reset, ["POST"]),
            ("/_sandbox/accounts", self._accounts, ["GET", "POST"]),
            ("/_sandbox/outbox", self._outbox, ["GET", "DELETE"]),
            ("/_sandbox/clock", self._clock, ["GET", "POST", "DELETE"]),
            ("/_sandbox/faults", self._faults, ["GET", "PUT", "DELETE"]),
            ("/_sandbox/forms", self._forms, ["GET"]),
            ("/_sandbox/rate-limit", self._rate, ["GET", "PUT"]),
            ("/_sandbox/calls", self._calls, ["GET", "DELETE"]),
            ("/_sandbox/state", self._state, ["GET"]),
            (f"{FILES_PREFIX}/{{name}}", self._file, ["GET"]),
        ]

    async def _admin_json(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > self.options.max_body:
            raise ApiError(413, f"Request body larger than {self.options.max_body} bytes")
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise ApiError(400, "admin body must be JSON") from None
        if not isinstance(data, dict):
            raise ApiError(400, "admin body must be a JSON object")
        return data

    async def _forms(self, request: Request) -> Response:
        return self._json(200, describe(SWITCH in self.switches.quirks))

    async def _health(self, request: Request) -> Response:
        return self._json(
            200,
            {
                "status": "ok",
                "spec_sha256": self.spec.sha256,
                "operations": self.operations,
                "db": self.store.path,
                "db_sync": self.store.synchronous,
            },
        )

    async def _reset(self, request: Request) -> Response:
        """Back to the start configuration: state, faults, quirks, rate limit, clock, calls."""
        self.clock.reset()
        with self.store.write() as tx:
            tx.wipe()
            seed(tx, self.clock.now(), self.options.language)
        self.switches.reset()
        self.rate.set(self.options.rate_limit)
        self.calls.clear()
        self.accounts.refresh()
        demo = self.accounts.demo()
        return self._json(200, {"account_name": demo["name"], "api_key": demo["api_key"]})

    async def _accounts(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                data = await self._admin_json(request)
            except ApiError as err:
                return self._json(err.status, {"errors": {"error": err.message}})
            name = str(data.get("name") or "").strip().lower()
            if not (name.isascii() and name.isalnum() and len(name) <= 60):
                return self._json(
                    422, {"errors": {"error": "name must be 1-60 ASCII letters and digits"}}
                )
            key = data.get("api_key")
            if key is not None and not (
                isinstance(key, str)
                and key.isascii()
                and key.isprintable()
                and 8 <= len(key) <= 128
            ):
                return self._json(
                    422, {"errors": {"error": "api_key must be 8-128 printable ASCII characters"}}
                )
            with self.store.write() as tx:
                if any(a["name"] == name for a in accounts(tx)):
                    return self._json(409, {"errors": {"error": f"account {name} exists"}})
                account = new_account(
                    tx,
                    self.clock.now(),
                    name=name,
                    organization_name=str(data.get("organization_name") or name),
                    email=str(data.get("email") or f"{name}@sandbox.invalid"),
                    password=str(data.get("password") or "sandbox"),
                    api_key=str(data["api_key"]) if data.get("api_key") else None,
                    extra=_admin_extra(data),
                )
            self.accounts.refresh()
            return self._json(201, _admin_account(account))
        with self.store.read() as tx:
            rows = [_admin_account(a) for a in accounts(tx)]
        return self._json(200, {"accounts": rows})

    async def _outbox(self, request: Request) -> Response:
        with self.store.write() as tx:
            mails: list[Json] = []
            for account in accounts(tx):
                for mail in tx.all("mail", str(account["name"])):
                    mail["account"] = account["name"]
                    mails.append(mail)
                    if request.method == "DELETE":
                        tx.delete("mail", int(mail["id"]))
        return self._json(200, {"messages": mails})

    async def _clock(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.clock.reset()
        elif request.method == "POST":
            try:
                data = await self._admin_json(request)
                if "now" in data:
                    self.clock.set(
                        datetime.fromisoformat(str(data["now"])),
                        frozen=bool(data.get("frozen", False)),
                    )
                if "advance_seconds" in data or "advance_days" in data:
                    self.clock.advance(
                        timedelta(
                            seconds=float(data.get("advance_seconds", 0)),
                            days=float(data.get("advance_days", 0)),
                        )
                    )
            except (ApiError, ValueError, TypeError, OverflowError) as exc:
                return self._json(400, {"errors": {"error": f"bad clock request: {exc}"}})
        return self._json(200, self.clock.describe())

    async def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.switches.set(())
        elif request.method == "PUT":
            try:
                data = await self._admin_json(request)
            except ApiError as err:
                return self._json(err.status, {"errors": {"error": err.message}})
            names = [str(n) for n in (data.get("faults") or [])]
            names += [str(n) for n in (data.get("quirks") or [])]
            bad = unknown(names)
            if bad:
                return self._json(422, {"errors": {"error": f"unknown: {', '.join(bad)}"}})
            self.switches.set(names)
        return self._json(
            200,
            {
                "faults": sorted(self.switches.faults),
                "quirks": sorted(self.switches.quirks),
                "available_faults": FAULTS,
                "available_quirks": QUIRKS,
            },
        )

    async def _rate(self, request: Request) -> Response:
        if request.method == "PUT":
            try:
                data = await self._admin_json(request)
                value = data.get("per_minute")
                limit = None if value in (None, 0, "off") else int(value)
            except (ApiError, ValueError, TypeError, OverflowError) as exc:
                return self._json(400, {"errors": {"error": f"bad rate limit: {exc}"}})
            self.rate.set(limit)
        return self._json(200, {"per_minute": self.rate.limit})

    async def _calls(self, request: Request) -> Response:
        rows = self.calls.rows()
        if request.method == "DELETE":
            self.calls.clear()
        return self._json(200, {"calls": rows})

    async def _state(self, request: Request) -> Response:
        with self.store.read() as tx:
            snap = tx.snapshot()
        return self._json(
            200,
            {
                "records": [list(r) for r in snap["records"]],
                "counters": [list(r) for r in snap["counters"]],
                "meta": [list(r) for r in snap["meta"]],
                "switches": {
                    "faults": sorted(self.switches.faults),
                    "quirks": sorted(self.switches.quirks),
                    "rate_limit": self.rate.limit,
                    "clock": self.clock.setting(),
                },
            },
        )

    async def _file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name.endswith(".pdf"):
            return Response(
                b"%PDF-1.4\n% sandbox placeholder for " + name.encode() + b"\n%%EOF\n",
                media_type="application/pdf",
            )
        if name.endswith(".png"):
            return Response(b"\x89PNG\r\n\x1a\n", media_type="image/png")
        return Response(b"<?xml version='1.0'?><AuditFile/>", media_type="application/xml")
