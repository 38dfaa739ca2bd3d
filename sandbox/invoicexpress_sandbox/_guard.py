"""What keeps a web page from driving the sandbox: Host check, no cross-site requests, admin
token, JSON admin writes.

A browser page can send "simple" cross-origin requests (GET, or POST with `text/plain`) and,
through DNS rebinding, read answers from a server it reaches under its own host name. With the
demo key public, even blind GETs act (start PDF, QR and SAF-T jobs, use up the rate limit). So
every request must name a loopback host; a request a browser marks as coming from another
site (`Sec-Fetch-Site: cross-site` or `same-site`) or from another origin (an `Origin` that is
not the sandbox's own) is refused, on every route - server-side clients send neither header;
every `/_sandbox/` route needs the `X-Sandbox-Token` header (a custom header a page cannot send
without a CORS preflight, which the sandbox never grants), and admin writes must be plain
`application/json`. No CORS header is ever sent.
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
MIN_TOKEN_LENGTH = 16

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_json_media(content_type: str) -> bool:
    """`application/json`, with at most a UTF-8 `charset` (the only parameter JSON knows);
    not `application/evil+json`, not `; charset=latin-1` (the body is read as UTF-8)."""
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "application/json":
        return False
    for param in filter(None, (p.strip() for p in params.split(";"))):
        name, _, value = param.partition("=")
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() != "utf-8":
            return False
    return True


def host_name(host_header: str) -> str:
    """`127.0.0.1:8765` -> `127.0.0.1`; `[::1]:8765` -> `::1`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """The checks in front of the whole app (API and admin routes)."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()
        self._hosts: dict[bytes, bool] = {}  # Host header -> names a loopback host

    def _loopback(self, host: bytes) -> bool:
        known = self._hosts.get(host)
        if known is None:
            known = host_name(host.decode("latin-1")) in LOOPBACK_HOSTS
            if len(self._hosts) < 256:
                self._hosts[host] = known
        return known

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, message) when the request must be refused, else None."""
        headers = dict(scope.get("headers") or ())
        host = headers.get(b"host")
        if host is not None and not self._loopback(host):
            return 421, "Host not allowed: the sandbox answers loopback names only"
        foreign = _foreign(headers, str(scope.get("scheme", "http")), host)
        if foreign:
            return 403, f"Cross-site request refused ({foreign})"
        if str(scope.get("path", "")).startswith(ADMIN_PREFIX):
            given = headers.get(TOKEN_HEADER.lower().encode(), b"")
            if not hmac.compare_digest(given, self._token):
                return (
                    401,
                    f"{TOKEN_HEADER} missing or wrong: use the admin token printed at start-up",
                )
            if scope.get("method") in ("POST", "PUT", "PATCH"):
                ctype = headers.get(b"content-type", b"").decode("latin-1")
                coding = headers.get(b"content-encoding", b"identity").strip().lower()
                if not is_json_media(ctype) or coding != b"identity":
                    return 415, "admin requests must be application/json, not encoded"
        return None


def _foreign(headers: dict[bytes, bytes], scheme: str, host: bytes | None) -> str:
    """Why a browser marked the request as sent by a page of another origin ("": it did not)."""
    site = headers.get(b"sec-fetch-site", b"").strip().lower()
    if site in (b"cross-site", b"same-site"):
        return f"Sec-Fetch-Site: {site.decode('latin-1')}"
    origin = headers.get(b"origin")
    if origin is not None:
        own = f"{scheme}://{(host or b'').decode('latin-1').strip().lower()}"
        if host is None or origin.decode("latin-1").strip().lower() != own:
            return f"Origin: {origin.decode('latin-1')[:100]}"
    return ""


async def refuse(send: Send, status: int, message: str) -> None:
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
