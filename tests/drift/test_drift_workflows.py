"""The CI workflows keep their fences: live credentials never reach pull-request code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_live_drift_runs_only_scheduled_on_main_inside_the_live_environment() -> None:
    wf = _load("live-drift.yml")
    assert set(wf["on"]) <= {"schedule", "workflow_dispatch"}
    job = wf["jobs"]["live"]
    assert job["environment"] == "live"
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert wf["permissions"] == {"contents": "read"}


def test_live_secrets_are_only_the_two_documented_ones() -> None:
    text = (WORKFLOWS / "live-drift.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"secrets\.(\w+)", text)) == {
        "INVOICEXPRESS_ACCOUNT",
        "INVOICEXPRESS_API_KEY",
    }


def test_live_drift_gates_on_new_findings_with_the_committed_baseline() -> None:
    steps = _load("live-drift.yml")["jobs"]["live"]["steps"]
    drift = next(s for s in steps if "nox -s drift" in str(s.get("run", "")))
    assert "--baseline drift-baseline.json" in drift["run"]
    assert "--fail-on" in drift["run"]
    assert (WORKFLOWS.parents[1] / "drift-baseline.json").exists()


def test_spec_change_runs_on_spec_changes_and_uses_no_secrets() -> None:
    wf = _load("spec-change.yml")
    assert "spec/**" in wf["on"]["pull_request"]["paths"]
    text = (WORKFLOWS / "spec-change.yml").read_text(encoding="utf-8")
    assert "secrets." not in text
    assert "nox -s regenerate" in text
