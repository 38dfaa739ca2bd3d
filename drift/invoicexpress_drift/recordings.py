"""Users' own recordings as server-drift input: HAR 1.2, VCR cassettes, our JSON Lines.

The kind is told by content, never by file name: a HAR is JSON with `log.entries`; a Ruby VCR
cassette has `http_interactions` and a vcrpy one `interactions` (YAML, or JSON when so
serialised); our JSON Lines has one exchange object a line. Every interaction becomes an
`Exchange` through `Exchange.from_httpx`, the one redacting path, so `api_key` is masked in
URLs, headers and bodies on the way in; a key seen in a query string is masked wherever else
the recording repeats it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from invoicexpress_core.exchange import SECRET_QUERY_KEYS, Exchange
from invoicexpress_core.spec import parse_yaml

KINDS = "JSON Lines of exchanges, a HAR 1.2 file, or a VCR cassette (Ruby VCR or vcrpy)"
# Recorded bodies are already decoded: these headers would make httpx decode them again.
_TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class RecordingError(Exception):
    """A file that is none of the recording kinds; the message names it and the fix."""


def read_exchanges(path: Path, secrets: Iterable[str] = ()) -> list[Exchange]:
    """Every exchange of the recording at `path`, redacted."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecordingError(f"not UTF-8 text; pass {KINDS}") from None
    except OSError as exc:
        raise RecordingError(f"cannot read it ({exc.strerror}); pass a readable file") from None
    if not text.strip():
        return []  # an empty JSON Lines recording: nothing was exchanged
    kind, data = _detect(text)
    if kind == "jsonl":
        return _json_lines(path, text)
    interactions = _interactions(kind, data)
    keys = {*secrets, *(k for item in interactions for k in _query_keys(item[1]))}
    return [_exchange(*item, secrets=tuple(sorted(keys))) for item in interactions]


def _detect(text: str) -> tuple[str, Any]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    if data is None:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        try:
            line = json.loads(first)
        except ValueError:
            line = None
        if isinstance(line, dict) and {"method", "url", "status"} <= line.keys():
            return "jsonl", None
        data = _yaml(text)
    if isinstance(data, dict) and {"method", "url", "status"} <= data.keys():
        return "jsonl", None  # a recording of one exchange
    if isinstance(data, dict):
        log = data.get("log")
        if isinstance(log, dict) and isinstance(log.get("entries"), list):
            return "har", log["entries"]
        if isinstance(data.get("http_interactions"), list):
            return "vcr", data["http_interactions"]
        if isinstance(data.get("interactions"), list):
            return "vcrpy", data["interactions"]
    return "", None


def _yaml(text: str) -> Any:
    import yaml

    try:
        return parse_yaml(text)
    except yaml.YAMLError:
        return None


_Interaction = tuple[str, str, int, dict[str, str], bytes, dict[str, str], bytes]


def _interactions(kind: str, items: Any) -> list[_Interaction]:
    if not kind:
        raise RecordingError(f"not a recording; pass {KINDS}")
    read = {"har": _har, "vcr": _vcr, "vcrpy": _vcr}[kind]
    out = []
    for i, item in enumerate(items):
        try:
            out.append(read(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            noun = "entry" if kind == "har" else "interaction"
            raise RecordingError(
                f"its {kind.upper()} {noun} #{i + 1} lacks a method, URL or status; "
                f"fix it, or pass {KINDS}"
            ) from None
    return out


def _pairs(headers: Any) -> dict[str, str]:
    """HAR `[{name, value}]` or VCR `{Name: [values]}` headers as one value per name."""
    out: dict[str, str] = {}
    if isinstance(headers, list):
        for h in headers:
            out[str(h["name"])] = str(h["value"])
    elif isinstance(headers, Mapping):
        for name, value in headers.items():
            values = value if isinstance(value, list) else [value]
            out[str(name)] = ", ".join(str(v) for v in values)
    return {k: v for k, v in out.items() if k.lower() not in _TRANSPORT_HEADERS}


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _har(entry: Mapping[str, Any]) -> _Interaction:
    request, response = entry["request"], entry["response"]
    post = request.get("postData") or {}
    content = response.get("content") or {}
    body = content.get("text")
    raw = base64.b64decode(body) if content.get("encoding") == "base64" and body else _bytes(body)
    req_headers = _pairs(request.get("headers"))
    if post.get("mimeType") and not any(k.lower() == "content-type" for k in req_headers):
        req_headers["Content-Type"] = str(post["mimeType"])
    resp_headers = _pairs(response.get("headers"))
    if content.get("mimeType") and not any(k.lower() == "content-type" for k in resp_headers):
        resp_headers["Content-Type"] = str(content["mimeType"])
    return (
        str(request["method"]),
        str(request["url"]),
        int(response["status"]),
        req_headers,
        _bytes(post.get("text")),
        resp_headers,
        raw,
    )


def _vcr_body(body: Any) -> bytes:
    """Ruby VCR `{encoding, string}` or `{base64_string}`; vcrpy `{string}` or a bare value."""
    if isinstance(body, Mapping):
        if body.get("base64_string"):
            return base64.b64decode(str(body["base64_string"]))
        return _bytes(body.get("string"))
    return _bytes(body)


def _vcr(item: Mapping[str, Any]) -> _Interaction:
    request, response = item["request"], item["response"]
    status = response["status"]
    code = status["code"] if isinstance(status, Mapping) else status
    return (
        str(request["method"]).upper(),
        str(request["uri"]),
        int(code),
        _pairs(request.get("headers")),
        _vcr_body(request.get("body")),
        _pairs(response.get("headers")),
        _vcr_body(response.get("body")),
    )


def _query_keys(url: str) -> list[str]:
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return [v for k, v in pairs if k.lower() in SECRET_QUERY_KEYS and v]


def _exchange(
    method: str,
    url: str,
    status: int,
    req_headers: dict[str, str],
    req_body: bytes,
    resp_headers: dict[str, str],
    resp_body: bytes,
    *,
    secrets: tuple[str, ...],
) -> Exchange:
    request = httpx.Request(method, url, headers=req_headers, content=req_body)
    response = httpx.Response(status, headers=resp_headers, content=resp_body, request=request)
    return Exchange.from_httpx(response, secrets=secrets)


def _json_lines(path: Path, text: str) -> list[Exchange]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Exchange.from_json(line))
        except (ValueError, TypeError) as exc:
            kind = "not JSON" if isinstance(exc, json.JSONDecodeError) else "not an exchange"
            raise RecordingError(
                f"line {number} is {kind}; pass {KINDS} (ours: written by --record or by "
                "the contract suites)"
            ) from None
    return out
