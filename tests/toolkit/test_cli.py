"""The `ixc` entry point and `ixc spec`."""

from __future__ import annotations

from pathlib import Path

import pytest

from ixc.cli import main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("spec", "generate", "sandbox", "contract", "drift"):
        assert command in out


def test_spec_build_check_passes_on_the_committed_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "build", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_spec_validate_rejects_a_broken_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")
    assert main(["spec", "validate", str(bad)]) == 1
    assert "invalid OpenAPI" in capsys.readouterr().err


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"ixc {version('invoicexpress-contract')}\n"
