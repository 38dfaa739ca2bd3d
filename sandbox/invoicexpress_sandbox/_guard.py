"""What keeps a web page from driving the sandbox: Host check, admin token, JSON admin writes.

A browser page can send "simple" cross-origin requests (GET, or POST with `text/plain`) and,
through DNS rebinding, read answers from a server it reaches under its own host name. So every
request must name a loopback host, every `/_sandbox/` route needs the `X-Sandbox-Token` header
(a custom header a page cannot send without a CORS preflight, which the sandbox never grants),
and admin writes must be `application/json`. No CORS header is ever sent.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from invoicexpress_core.exchange import LOOPBACK_HOSTS

ADMIN_PREFIX = "/_sandbox/"
TOKEN_HEADER = "X-Sandbox-Token"  # noqa: S105 - a header name
TOKEN_ENV = "IXC_SANDBOX_TOKEN"  # noqa: S105 - an env variable name

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def host_name(host_header: str) -> str:
    """`127.0.0.1:8765` -> `127.0.0.1`; `[::1]:8765` -> `::1`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware in front of the whole app (API and admin routes)."""

    def __init__(self, app: App, token: str) -> None:
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        host = headers.get(b"host")
        if host is not None and host_name(host.decode("latin-1")) not in LOOPBACK_HOSTS:
            await _refuse(send, 421, "Host not allowed: the sandbox answers loopback names only")
            return
        if str(scope.get("path", "")).startswith(ADMIN_PREFIX):
            given = headers.get(TOKEN_HEADER.lower().encode(), b"")
            if not hmac.compare_digest(given, self._token):
                await _refuse(
                    send,
                    401,
                    f"{TOKEN_HEADER} missing or wrong: use the admin token printed at start-up",
                )
                return
            if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
                ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
                if scope["method"] != "DELETE" and ctype != b"application/json":
                    await _refuse(send, 415, "admin requests must be application/json")
                    return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"errors": {"error": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-sandbox-reason", f": {message}".encode("ascii", "replace")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
