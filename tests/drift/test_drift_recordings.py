"""Users' own recordings (HAR 1.2, Ruby VCR and vcrpy cassettes) as server-drift input: told
by content, redacted on the way in, and reported like our own JSON Lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from invoicexpress_drift.recordings import read_exchanges
from ixc.cli import main

HERE = Path(__file__).resolve().parent
RECORDINGS = HERE / "recordings"
SERVER_SPEC = HERE / "server_spec.yaml"
FILES = ["browser.har", "ruby_vcr.yml", "vcrpy.yaml"]


def _report(recording: Path, tmp_path: Path) -> tuple[int, dict[str, object], str]:
    out = tmp_path / "report.json"
    md = tmp_path / "report.md"
    code = main(
        ["drift", "server", "--recording", str(recording), "--spec", str(SERVER_SPEC),
         "--no-baseline", "--json", str(out), "--markdown", str(md), "--quiet"]
    )  # fmt: skip
    return code, json.loads(out.read_text()), md.read_text() + out.read_text()


@pytest.mark.parametrize("name", FILES)
def test_each_format_gives_the_report_our_own_recording_gives(
    name: str, tmp_path: Path, planted_key: str
) -> None:
    # the suffix says nothing: the kind is read from the content
    copy = tmp_path / "traffic.txt"
    shutil.copy(RECORDINGS / name, copy)
    code, data, text = _report(copy, tmp_path)
    assert code == 0  # an undocumented field is a WARN
    findings = data["findings"]
    assert isinstance(findings, list)
    assert sorted((f["id"], f["operation"], f["location"], f["count"]) for f in findings) == [
        ("undocumented-response-field", "changeInvoiceState", "invoice.atcud", 1),
        ("undocumented-response-field", "getInvoice", "invoice.atcud", 1),
    ]
    assert "2 exchanges checked" in text
    assert planted_key not in text


@pytest.mark.parametrize("name", FILES)
def test_the_key_is_redacted_on_the_way_in(name: str, planted_key: str) -> None:
    exchanges = read_exchanges(RECORDINGS / name)
    assert [(x.method, x.path, x.status) for x in exchanges] == [
        ("GET", "/invoices/7.json", 200),
        ("PUT", "/invoices/7/change-state.json", 200),
    ]
    for x in exchanges:
        assert planted_key not in x.to_json()
        assert x.url.endswith("api_key=%5BREDACTED%5D") or x.url.endswith("api_key=[REDACTED]")
    assert exchanges[1].request_body == {"invoice": {"state": "finalized"}, "api_key": "[REDACTED]"}
    assert exchanges[1].response_body["invoice"]["status"] == "final"


def test_a_key_from_the_query_is_masked_wherever_the_recording_repeats_it(
    tmp_path: Path, planted_key: str
) -> None:
    har = json.loads((RECORDINGS / "browser.har").read_text())
    entry = har["log"]["entries"][1]
    entry["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "text": f"state=finalized&api_key={planted_key}",
    }
    entry["response"]["headers"] = [{"name": "X-Echo", "value": f"key {planted_key}"}]
    path = tmp_path / "form.har"
    path.write_text(json.dumps(har))
    for x in read_exchanges(path):
        assert planted_key not in x.to_json()


def test_our_json_lines_are_still_read(tmp_path: Path) -> None:
    exchanges = read_exchanges(RECORDINGS / "browser.har")
    path = tmp_path / "ours.jsonl"
    path.write_text("".join(x.to_json() + "\n" for x in exchanges))
    assert read_exchanges(path) == exchanges


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("# Notes\n\nnot traffic\n", ["not a recording", "HAR 1.2", "VCR"]),
        ('{"openapi": "3.1.0"}', ["not a recording", "JSON Lines"]),
        ("interactions: [{request: {uri: x}}]\n", ["interaction #1", "method, URL or status"]),
        ('{"method": "GET", "url": "x", "status": 200}\n[1]\n', ["line 2", "not an exchange"]),
        (b"\xff\xfe\x00", ["not UTF-8"]),
    ],
)
def test_a_file_that_is_no_recording_is_one_clear_line_and_exit_2(
    content: str | bytes,
    words: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "input"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    out = tmp_path / "report.json"
    argv = ["drift", "server", "--recording", str(path), "--no-baseline", "--json", str(out)]
    assert main(argv) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"ixc: error: --recording {path}: ")
    for word in words:
        assert word in line
    assert not out.exists()
