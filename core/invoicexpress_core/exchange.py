"""The one place that turns an HTTP exchange into a redacted, recordable record.

InvoiceXpress authenticates with `api_key` in the query string, so URLs are secrets. Logs,
exceptions, recordings and reports all go through `redact_url` / `redact_text` /
`Exchange.from_httpx`, and nothing else formats a URL for humans.

Redaction rewrites values, never other text: secret query values, and occurrences of a known
key. A key shorter than MIN_SUBSTRING_SECRET characters is only masked where it stands as a
whole token (a key `x` must not turn `httpx.ConnectError` into `http[REDACTED].ConnectError`).
httpx is not imported here: records are built from any httpx-shaped response.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

REDACTED = "[REDACTED]"
SECRET_QUERY_KEYS = frozenset({"api_key", "apikey", "token", "password", "at_password"})
SECRET_BODY_KEYS = frozenset({"api_key", "password", "at_password", "token"})
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-api-key"})
_QUERY_SECRET_RE = re.compile(r"(?i)\b(api_key|apikey|token)=([^&\s\"'#]+)")
MIN_SUBSTRING_SECRET = 8
_TOKEN_CHARS = r"A-Za-z0-9_\-.~%+/="  # noqa: S105 (a character class, not a secret)


#: Host names that mean this machine (as `urlsplit(...).hostname` gives them): the sandbox
#: answers only these, and the suites run off them only with `--live`.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def redact_url(url: str | httpx.URL) -> str:
    """`url` with every secret query value replaced, and userinfo dropped."""
    parts = urlsplit(str(url))
    query = urlencode(
        [
            (k, REDACTED if k.lower() in SECRET_QUERY_KEYS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="[]",
    )
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with `api_key=...` pairs and any of the known `secrets` masked."""
    text = _QUERY_SECRET_RE.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    for secret in secrets:
        if len(secret) >= MIN_SUBSTRING_SECRET:
            text = text.replace(secret, REDACTED)
        elif secret:
            whole = rf"(?<![{_TOKEN_CHARS}]){re.escape(secret)}(?![{_TOKEN_CHARS}])"
            text = re.sub(whole, REDACTED, text)
    return text


def _redact_strings(value: Any, secrets: tuple[str, ...]) -> Any:
    """A copy of a JSON-like value with `redact_text` applied to every string in it."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {redact_text(str(k), secrets): _redact_strings(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_strings(v, secrets) for v in value]
    return value


# What `redact_text` rewrites, as it reads in JSON text: no `\b` (an escape such as `\n` can
# stand before the name there) and a value that may be empty. Found from each `=`: a scan of
# the whole pattern cost 40 ms a megabyte (the oversized-body tests), `str.find` next to none.
_SECRET_NAME_BEFORE = re.compile(r"(?i)(?:api_key|apikey|token)\Z")
_SECRET_VALUE = re.compile(r"[^&\s\"'#]*")


def _secret_pair_values(text: str) -> Iterator[str]:
    """The value after every `api_key=` (and friends) in `text`, an empty one included."""
    at = text.find("=")
    while at != -1:
        if _SECRET_NAME_BEFORE.search(text, max(0, at - len("api_key")), at):
            value = _SECRET_VALUE.match(text, at + 1)
            yield value.group() if value else ""
        at = text.find("=", at + 1)


_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def _may_hold_secrets(value: Any, secrets: tuple[str, ...]) -> bool:
    """False only when `_redact_strings(value, secrets)` would change nothing, decided on the
    JSON text in one pass (most exchanges hold no secret: walking every string of a large body
    cost more than the request). Each string of `value` stands in that text as it is, but for
    quotes, backslashes and control characters escaped, so a secret with none of those is in
    the text if it is in a string, and a secret query pair shows with its value."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    if any(value not in ("", REDACTED) for value in _secret_pair_values(text)):
        return True
    return any(secret in text or _JSON_ESCAPED.search(secret) for secret in secrets if secret)


def redact_json(value: Any) -> Any:
    """A copy of a JSON value with secret-named keys masked (recursively)."""
    if isinstance(value, Mapping):
        return {
            k: (REDACTED if str(k).lower() in SECRET_BODY_KEYS and v else redact_json(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def _body(content: bytes, content_type: str) -> Any:
    if not content:
        return None
    if "json" in content_type:
        try:
            return redact_json(json.loads(content))
        except ValueError:
            pass
    try:
        return redact_text(content.decode("utf-8"))
    except UnicodeDecodeError:
        return f"<{len(content)} bytes of binary content>"


@dataclass
class Exchange:
    """One request and its response, already redacted. Serialises to one JSON line."""

    method: str
    url: str
    status: int
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None
    operation_id: str | None = None
    elapsed_ms: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def content_type(self) -> str:
        for k, v in self.response_headers.items():
            if k.lower() == "content-type":
                return v.split(";")[0].strip()
        return ""

    @classmethod
    def from_httpx(
        cls,
        response: httpx.Response,
        *,
        operation_id: str | None = None,
        secrets: Iterable[str] = (),
        meta: Mapping[str, Any] | None = None,
    ) -> Exchange:
        request = response.request
        secrets = tuple(secrets)
        req_ct = request.headers.get("content-type", "")
        resp_ct = response.headers.get("content-type", "")
        try:
            elapsed = response.elapsed.total_seconds() * 1000
        except RuntimeError:
            elapsed = None
        record = cls(
            method=request.method,
            url=redact_url(request.url),
            status=response.status_code,
            request_headers=redact_headers(dict(request.headers)),
            request_body=_body(request.content, req_ct),
            response_headers=redact_headers(dict(response.headers)),
            response_body=_body(response.content, resp_ct),
            operation_id=operation_id,
            elapsed_ms=elapsed,
            meta=dict(meta or {}),
        )
        if secrets:
            # A secret echoed anywhere (a body, a header) is masked as well.
            values = record.values()
            if _may_hold_secrets(values, secrets):
                record = cls(**_redact_strings(values, secrets))
        return record

    def to_json(self) -> str:
        return json.dumps(self.values(), ensure_ascii=False, sort_keys=True)

    def values(self) -> dict[str, Any]:
        """The fields by name, their values shared, not copied (`asdict` deep-copies every
        body: 3% of a quick run's CPU, for values that are only read)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, line: str) -> Exchange:
        return cls(**json.loads(line))


class Recorder:
    """Appends exchanges to a JSON Lines file (the recording the drift report reads). Each is
    stamped with the time it was written (`meta["at"]`, epoch seconds), so that recordings of
    concurrent clients can be merged in the order the server saw them (`merge_recordings`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, exchange: Exchange) -> None:
        exchange.meta.setdefault("at", time.time())
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(exchange.to_json() + "\n")


def merge_recordings(parts: Iterable[Path], out: Path) -> None:
    """One recording of several (one per worker), in time order: a document's states must be
    read in the order they happened, whichever worker's request moved it (a fuzzer's random id
    may land on another worker's document). Lines without a stamp keep their file's order."""
    stamped: list[tuple[float, int, str]] = []
    for path in parts:
        for line in path.read_text(encoding="utf-8").split("\n"):  # U+0085 is data
            if line.strip():
                at = json.loads(line).get("meta", {}).get("at")
                key = float(at) if isinstance(at, (int, float)) else 0.0
                stamped.append((key, len(stamped), line))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(line + "\n" for _, _, line in sorted(stamped)), encoding="utf-8")


def read_recording(path: Path) -> Iterator[Exchange]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Exchange.from_json(line)
