"""The one redaction point: a planted key must not survive any rendering of an exchange."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import hypothesis
import pytest
from hypothesis import strategies as st

from invoicexpress_core.exchange import (
    REDACTED,
    Exchange,
    Recorder,
    _may_hold_secrets,
    _redact_strings,
    merge_recordings,
    read_recording,
    redact_text,
    redact_url,
)

PLANTED = "ixc-planted-key-7f3a9c1e5b2d"


def _exchange(body: object | None = None, *, echo_key_in_response: bool = False) -> httpx.Response:
    request = httpx.Request(
        "POST",
        f"https://user:pw@demo.app.invoicexpress.com/invoices.json?api_key={PLANTED}&page=2",
        json=body,
        headers={"Authorization": f"Bearer {PLANTED}"},
    )
    content = {"invoice": {"id": 1}, "note": f"key was {PLANTED}"} if echo_key_in_response else {}
    return httpx.Response(201, json=content, request=request)


def test_redact_url_masks_the_key_keeps_the_rest_and_drops_userinfo() -> None:
    url = redact_url(f"https://u:p@a.example/x.json?type[]=Invoice&api_key={PLANTED}&page=2")
    assert PLANTED not in url
    assert "u:p@" not in url
    assert f"api_key={REDACTED}" in url.replace("%5B", "[").replace("%5D", "]")
    assert "page=2" in url
    assert "type[]=Invoice" in url


@pytest.mark.parametrize(
    "text",
    [
        f"GET /x.json?api_key={PLANTED} failed",
        f"'https://a/x.json?page=1&API_KEY={PLANTED}'",
        f"token={PLANTED}&other=1",
    ],
)
def test_redact_text_masks_query_pairs_in_free_text(text: str) -> None:
    assert PLANTED not in redact_text(text)


def test_redact_text_masks_known_secrets_anywhere() -> None:
    assert redact_text(f"the key {PLANTED} leaked", [PLANTED]) == f"the key {REDACTED} leaked"


def test_exchange_record_carries_no_secret_in_url_headers_or_bodies() -> None:
    response = _exchange(
        {"account": {"api_key": PLANTED, "password": "hunter2", "name": "Demo"}},
        echo_key_in_response=True,
    )
    record = Exchange.from_httpx(response, operation_id="createInvoice", secrets=[PLANTED])
    line = record.to_json()
    assert PLANTED not in line
    assert "hunter2" not in line
    assert record.request_body["account"]["name"] == "Demo"
    assert record.response_body["invoice"] == {"id": 1}
    assert record.status == 201
    assert record.path == "/invoices.json"
    assert record.content_type == "application/json"


def test_recording_round_trips_without_the_key(tmp_path: Path) -> None:
    path = tmp_path / "rec" / "exchanges.jsonl"
    recorder = Recorder(path)
    for _ in range(3):
        recorder.write(Exchange.from_httpx(_exchange({"x": 1}), secrets=[PLANTED]))
    assert PLANTED not in path.read_text()
    records = list(read_recording(path))
    assert len(records) == 3
    assert records[0].request_body == {"x": 1}
    stamps = [r.meta["at"] for r in records]  # the order the server saw them, across workers
    assert stamps == sorted(stamps)


def test_merged_recordings_keep_bodies_with_line_separators_whole(tmp_path: Path) -> None:
    """A fuzzer's body may hold U+0085 or U+2028: data, not the end of a recorded line."""
    parts = [tmp_path / "recording-gw0.jsonl", tmp_path / "recording-gw1.jsonl"]
    for n, part in enumerate(parts):
        body = {"x": f"a\x85b\u2028c{n}"}
        Recorder(part).write(Exchange.from_httpx(_exchange(body), secrets=[PLANTED]))
    merge_recordings(parts, tmp_path / "exchanges.jsonl")
    merged = list(read_recording(tmp_path / "exchanges.jsonl"))
    assert [r.request_body for r in merged] == [{"x": "a\x85b\u2028c0"}, {"x": "a\x85b\u2028c1"}]


def test_binary_and_invalid_json_bodies_are_summarised_not_crashed() -> None:
    request = httpx.Request("GET", f"https://a/x.json?api_key={PLANTED}")
    binary = httpx.Response(
        200, content=b"\xff\xfe\x00", request=request, headers={"content-type": "application/pdf"}
    )
    broken = httpx.Response(
        200, content=b"{not json", request=request, headers={"content-type": "application/json"}
    )
    assert Exchange.from_httpx(binary).response_body == "<3 bytes of binary content>"
    assert Exchange.from_httpx(broken).response_body == "{not json"


def test_logging_a_record_does_not_leak(caplog: pytest.LogCaptureFixture) -> None:
    record = Exchange.from_httpx(_exchange(), secrets=[PLANTED])
    with caplog.at_level(logging.INFO):
        logging.getLogger("ixc.test").info("exchange %s %s", record.url, json.dumps(record.meta))
    assert PLANTED not in caplog.text


def test_a_short_key_is_masked_only_where_it_stands_alone() -> None:
    """A key under 8 characters is not a substring pattern: other text keeps its letters."""
    text = "httpx.ConnectError: x refused (GET /a.json?api_key=x&page=2)"
    assert redact_text(text, ["x"]) == (
        f"httpx.ConnectError: {REDACTED} refused (GET /a.json?api_key={REDACTED}&page=2)"
    )


def test_a_short_key_echoed_in_a_body_keeps_the_record_valid() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/clients.json?api_key=n")
    response = httpx.Response(
        200, json={"name": "n", "note": "line\nbreak", "n": 1}, request=request
    )
    record = Exchange.from_httpx(response, secrets=["n"])
    assert record.response_body == {"name": REDACTED, "note": "line\nbreak", REDACTED: 1}
    assert "api_key=%5BREDACTED%5D" in record.url or f"api_key={REDACTED}" in record.url


@pytest.mark.parametrize(
    "value",
    [
        {"url": f"http://h/a.json?api_key={REDACTED}", "note": "nothing secret"},
        {"note": "x\napi_key=abc"},  # an escape before the name in JSON text
        {"note": "token=v"},
        {"note": f"api_key={REDACTED}x"},
        {f"key {PLANTED}": 1},
        {"deep": [{"note": f"echo {PLANTED}"}]},
        {"note": 'a quote" and a key-less text'},
        {"n": "short key n as a token"},
    ],
)
@pytest.mark.parametrize("secrets", [(PLANTED,), ("n",), ('with"quote',)])
def test_the_shortcut_skips_only_what_redaction_would_leave_unchanged(
    value: dict[str, object], secrets: tuple[str, ...]
) -> None:
    assert _may_hold_secrets(value, secrets) or _redact_strings(value, secrets) == value


def test_a_record_without_secrets_takes_the_shortcut() -> None:
    clean = {"url": f"http://h/a.json?api_key={REDACTED}&page=2", "body": {"name": "Ana"}}
    assert not _may_hold_secrets(clean, (PLANTED,))


_PIECES = ["api_key", "APIKEY", "Token", "apiKEY", "=", "==", "&", "#", " ", "\n", '"', "x",
           "\u212a", "\u0130", REDACTED, PLANTED[:5]]  # fmt: skip


@hypothesis.given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_the_shortcut_holds_for_any_text_of_names_values_and_separators(text: str) -> None:
    """Names in any case (the Kelvin sign and dotted I match under re.IGNORECASE), empty and
    redacted values, `=` runs: the shortcut says "nothing to redact" only when that is true."""
    for value in ({"note": text}, {text: 1}, {"url": f"http://h/a.json?{text}"}):
        assert _may_hold_secrets(value, ()) or _redact_strings(value, ()) == value
