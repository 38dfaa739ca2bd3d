"""`ixc drift` end to end: exit codes, baseline, outputs validated by their schemas, snapshots."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml

from invoicexpress_core.exchange import Exchange, Recorder
from invoicexpress_drift import SCHEMAS
from ixc.cli import main

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
SERVER_SPEC = HERE / "server_spec.yaml"
Make = Callable[..., Exchange]
Doc = Callable[..., dict[str, Any]]
Snapshot = Callable[..., None]


def _pair(rule: str) -> list[str]:
    return [str(SPECS / f"{rule}_base.yaml"), str(SPECS / f"{rule}_revision.yaml")]


def _record(path: Path, exchanges: list[Exchange]) -> Path:
    recorder = Recorder(path)
    for ex in exchanges:
        recorder.write(ex)
    return path


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def drifting(tmp_path: Path, make: Make, doc: Doc, planted_key: str) -> Path:
    """Three kinds of drift, with the planted key echoed where only the secret list catches it."""
    key = planted_key
    return _record(
        tmp_path / "run.jsonl",
        [
            make("GET", "/invoices/7.json", 200, {"invoice": doc(total="30.0")}),
            make("GET", "/invoices/7.json", 200, {"invoice": doc(note=f"created with key {key}")}),
            make("GET", "/invoices/7.json", 500, {"debug": f"api_key={key}"}),
            make("GET", f"/leak/{key}.json", 200, {}),
        ],
    )


# --- spec ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "fail_on", "code"),
    [
        ("response-property-removed", "ERR", 1),
        ("response-property-removed", None, 1),  # --fail-on ERR is the default
        ("response-property-removed", "never", 0),
        ("request-property-removed", "ERR", 0),
        ("request-property-removed", "WARN", 1),
        ("response-property-added", "WARN", 0),
        ("response-property-added", "INFO", 1),
    ],
)
def test_spec_exit_code_follows_fail_on(
    rule: str, fail_on: str | None, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["drift", "spec", *_pair(rule), "--quiet"]
    if fail_on:
        args += ["--fail-on", fail_on]
    assert main(args) == code


def test_spec_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "spec", str(tmp_path / "missing.yaml"), _pair("api-path-added")[1]]) == 2
    assert "neither a file nor a git" in capsys.readouterr().err


def test_spec_reads_git_refs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base, revision = _pair("api-operation-removed")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    shutil.copy(base, tmp_path / "api.yaml")
    git("add", "api.yaml")
    git("commit", "-qm", "base")
    shutil.copy(revision, tmp_path / "api.yaml")
    git("commit", "-qam", "revision")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "report.json"
    assert (
        main(["drift", "spec", "HEAD~1:api.yaml", "HEAD:api.yaml", "--json", str(out), "--quiet"])
        == 1
    )
    data = json.loads(out.read_text())
    assert [c["id"] for c in data["changes"]] == ["api-operation-removed"]
    assert data["base"] == "HEAD~1:api.yaml"


def test_spec_json_validates_against_its_schema(tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    for rule in ("response-property-renamed", "state-transition-added", "api-security-added"):
        args = ["drift", "spec", *_pair(rule), "--json", str(out), "--quiet", "--fail-on", "never"]
        assert main(args) == 0
        data = json.loads(out.read_text())
        _validator("spec-report.schema.json").validate(data)
        assert data["changes"]


def test_spec_schema_rejects_a_change_without_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    main(["drift", "spec", *_pair("api-path-removed"), "--json", str(out), "--quiet"])
    data = json.loads(out.read_text())
    del data["changes"][0]["fingerprint"]
    with pytest.raises(jsonschema.ValidationError):
        _validator("spec-report.schema.json").validate(data)


def test_spec_markdown_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot: Snapshot
) -> None:
    """A report mixing levels, operations and directions, as a PR comment shows it."""
    base = tmp_path / "base.yaml"
    shutil.copy(SPECS / "api-path-added_revision.yaml", base)  # the untouched fixture spec
    monkeypatch.chdir(tmp_path)

    doc = yaml.safe_load(base.read_text())
    schemas = doc["components"]["schemas"]
    schemas["Invoice"]["properties"]["status"]["enum"].append("settled")
    schemas["Invoice"]["properties"]["atcud"] = {"type": "string"}
    schemas["Invoice"]["required"].remove("date")
    schemas["InvoiceRequest"]["properties"]["invoice"]["properties"]["tax_exemption"][
        "enum"
    ].append("M07")
    sm = doc["paths"]["/invoices/{document-id}/change-state.json"]["put"]["x-state-machine"]
    sm["transitions"].append({"from": "draft", "event": "deleted", "to": "deleted"})
    del doc["paths"]["/invoices/{document-id}.json"]["get"]["responses"]["404"]
    revised = tmp_path / "revised.yaml"
    revised.write_text(yaml.safe_dump(doc, sort_keys=False))
    out = tmp_path / "report.md"
    main(
        [
            "drift",
            "spec",
            str(base),
            str(revised),
            "--markdown",
            str(out),
            "--fail-on",
            "ERR",
            "--quiet",
        ]
    )
    snapshot("spec_report.md", out.read_text(), tmp_path)


def test_spec_junit_lists_a_failure_per_breaking_change(tmp_path: Path) -> None:
    out = tmp_path / "spec.xml"
    main(["drift", "spec", *_pair("response-property-removed"), "--junit", str(out), "--quiet"])
    root = ET.parse(out).getroot()  # noqa: S314 (our own output)
    failures = root.findall(".//failure")
    assert failures
    assert all(f.get("type") == "response-property-removed" for f in failures)


def test_spec_report_redacts_a_key_that_reached_the_spec(tmp_path: Path, planted_key: str) -> None:
    base = SPECS / "request-property-enum-value-added_base.yaml"
    doc = yaml.safe_load(base.read_text())
    enum = doc["components"]["schemas"]["InvoiceRequest"]["properties"]["invoice"]["properties"]
    enum["tax_exemption"]["enum"].append(f"api_key={planted_key}")
    revised = tmp_path / "r.yaml"
    revised.write_text(yaml.safe_dump(doc))
    outs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("markdown", "json", "junit")}
    flags = [x for fmt, p in outs.items() for x in (f"--{fmt}", str(p))]
    main(["drift", "spec", str(base), str(revised), *flags, "--quiet"])
    for path in outs.values():
        text = path.read_text()
        assert "api_key=" in text  # the change is reported...
        assert planted_key not in text  # ...without the key


# --- server -------------------------------------------------------------------------------


def _server(tmp_path: Path, recording: Path, *extra: str) -> int:
    baseline = tmp_path / "baseline.json"
    if not baseline.exists():
        baseline.write_text('{"accepted": []}\n')  # a named baseline must exist: start empty
    return main(
        ["drift", "server", "--recording", str(recording), "--spec", str(SERVER_SPEC),
         "--baseline", str(tmp_path / "baseline.json"), "--quiet", *extra]
    )  # fmt: skip


def test_server_planted_key_appears_in_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drifting: Path, planted_key: str
) -> None:
    monkeypatch.setenv("INVOICEXPRESS_API_KEY", planted_key)
    recording = drifting
    outs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("markdown", "json", "junit")}
    flags = [x for fmt, p in outs.items() for x in (f"--{fmt}", str(p))]
    _server(tmp_path, recording, *flags)
    for path in outs.values():
        text = path.read_text()
        assert "undocumented-response-field" in text  # the finding carrying the key is there
        assert planted_key not in text
        assert "[REDACTED]" in text
    _server(tmp_path, recording, "--update-baseline")
    assert planted_key not in (tmp_path / "baseline.json").read_text()


def test_server_key_in_url_is_redacted_even_without_the_secret_list(
    tmp_path: Path, planted_key: str
) -> None:
    recording = _record(
        tmp_path / "r.jsonl",
        [Exchange("GET", f"https://x.test/nope.json?api_key={planted_key}", 200)],
    )
    out = tmp_path / "r.md"
    _server(tmp_path, recording, "--markdown", str(out))
    assert "undocumented-operation" in out.read_text()
    assert planted_key not in out.read_text()


def test_server_json_validates_against_its_schema(tmp_path: Path, drifting: Path) -> None:
    out = tmp_path / "server.json"
    _server(tmp_path, drifting, "--json", str(out))
    data = json.loads(out.read_text())
    _validator("server-report.schema.json").validate(data)
    assert {f["id"] for f in data["findings"]} >= {
        "numeric-string-for-number",
        "undocumented-operation",
    }


def test_server_baseline_makes_only_new_findings_fail(
    tmp_path: Path, drifting: Path, make: Make, doc: Doc
) -> None:
    recording = drifting
    assert _server(tmp_path, recording, "--fail-on", "WARN") == 1
    assert _server(tmp_path, recording, "--update-baseline") == 0
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    assert baseline["accepted"]
    assert all(len(e["fingerprint"]) == 12 for e in baseline["accepted"])
    assert _server(tmp_path, recording, "--fail-on", "WARN") == 0
    newer = _record(
        tmp_path / "newer.jsonl",
        [make("GET", "/invoices/7.json", 200, {"invoice": doc(status="sent")})],
    )
    assert _server(tmp_path, newer, "--fail-on", "WARN") == 1
    assert _server(tmp_path, newer, "--fail-on", "WARN", "--no-baseline") == 1


def test_server_baseline_keeps_hand_written_reasons(tmp_path: Path, drifting: Path) -> None:
    recording = drifting
    _server(tmp_path, recording, "--update-baseline")
    path = tmp_path / "baseline.json"
    data = json.loads(path.read_text())
    data["accepted"][0]["reason"] = "vendor sends strings; see api-surface §6"
    path.write_text(json.dumps(data))
    _server(tmp_path, recording, "--update-baseline")
    again = json.loads(path.read_text())
    assert again["accepted"][0]["reason"] == "vendor sends strings; see api-surface §6"


def test_server_missing_recording_exits_2(tmp_path: Path) -> None:
    assert _server(tmp_path, tmp_path / "absent.jsonl") == 2


def test_server_markdown_snapshot(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    drifting: Path,
    planted_key: str,
    snapshot: Snapshot,
) -> None:
    monkeypatch.setenv("INVOICEXPRESS_API_KEY", planted_key)
    monkeypatch.chdir(tmp_path)
    recording = drifting
    _server(tmp_path, recording, "--update-baseline")
    data = json.loads((tmp_path / "baseline.json").read_text())
    data["accepted"] = [e for e in data["accepted"] if e["rule"] == "undocumented-operation"]
    (tmp_path / "baseline.json").write_text(json.dumps(data))
    out = tmp_path / "server.md"
    _server(tmp_path, recording, "--markdown", str(out), "--fail-on", "WARN")
    snapshot("server_report.md", out.read_text(), tmp_path)


def test_min_level_hides_lower_levels_but_not_from_the_exit_code(tmp_path: Path) -> None:
    base = SPECS / "api-path-added_revision.yaml"
    doc = yaml.safe_load(base.read_text())
    doc["components"]["schemas"]["Invoice"]["properties"]["atcud"] = {"type": "string"}  # INFO
    revised = tmp_path / "r.json"
    revised.write_text(json.dumps(doc))
    out = tmp_path / "r.json.out"
    args = ["drift", "spec", str(base), str(revised), "--json", str(out), "--quiet"]
    assert main([*args, "--min-level", "WARN", "--fail-on", "INFO"]) == 1
    assert json.loads(out.read_text())["changes"] == []
    assert main(args) == 0
    assert {c["id"] for c in json.loads(out.read_text())["changes"]} == {"response-property-added"}


@pytest.mark.slow
def test_client_impact_lists_the_renamed_model_field(tmp_path: Path) -> None:
    """Both clients are generated with the project's generator; the rename shows as -/+ field."""
    pytest.importorskip("openapi_python_client")
    out = tmp_path / "impact.json"
    args = ["drift", "spec", *_pair("response-property-renamed"), "--client-impact"]
    args += ["--fail-on", "never"]
    assert main([*args, "--json", str(out), "--quiet"]) == 0
    impact = json.loads(out.read_text())["client_impact"]
    assert impact["error"] is None
    assert [s["name"] for s in impact["removed"]] == ["models.invoice.Invoice.currency"]
    assert [s["name"] for s in impact["added"]] == ["models.invoice.Invoice.currency_name"]
    _validator("spec-report.schema.json").validate(json.loads(out.read_text()))


def test_rules_command_lists_every_rule_once(capsys: pytest.CaptureFixture[str]) -> None:
    from invoicexpress_drift import SERVER_RULES, SPEC_RULES

    assert main(["drift", "rules"]) == 0
    out = capsys.readouterr().out
    listed = re.findall(r"^\| `([a-z-]+)` \|", out, re.M)
    assert sorted(listed) == sorted([*SPEC_RULES, *SERVER_RULES])
