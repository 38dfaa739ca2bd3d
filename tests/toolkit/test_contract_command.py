"""`ixc contract` names only the reports that exist, and runs from the user's directory."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ixc import cmd_contract
from ixc.cli import build_parser


def _run_with(monkeypatch: pytest.MonkeyPatch, write: list[str]) -> tuple[int, list[Any]]:
    calls: list[Any] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((argv, kwargs))
        for name in write:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            Path(name).write_text("x")
        return subprocess.CompletedProcess(argv, 4 if not write else 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    args = build_parser().parse_args(["contract", "--api-key", "secret-key-123456", "-n", "0"])
    return cmd_contract.run(args), calls


def test_no_report_is_named_when_none_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, calls = _run_with(monkeypatch, [])
    assert code == 4
    assert capsys.readouterr().err.strip() == "ixc contract: no report was written"
    argv, kwargs = calls[0]
    assert "secret-key-123456" not in " ".join(argv)  # the key travels in the environment
    assert kwargs["env"]["INVOICEXPRESS_API_KEY"] == "secret-key-123456"
    assert "cwd" not in kwargs  # the user's directory
    assert argv[argv.index("--junitxml") + 1] == str(tmp_path / "reports/contract/junit.xml")


def test_written_reports_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _ = _run_with(monkeypatch, ["reports/contract/junit.xml"])
    assert code == 0
    assert capsys.readouterr().err.strip() == "ixc contract: JUnit reports/contract/junit.xml"
