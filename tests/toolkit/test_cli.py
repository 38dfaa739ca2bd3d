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


def test_spec_path_prints_the_spec_in_use(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from invoicexpress_core.spec import load_spec

    monkeypatch.delenv("IXC_SPEC", raising=False)
    assert main(["spec", "path"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.is_absolute()
    assert printed.read_bytes() == Path(load_spec().path).read_bytes()
    mine = tmp_path / "mine.yaml"
    mine.write_text("openapi: 3.1.0\n")
    monkeypatch.setenv("IXC_SPEC", str(mine))
    assert main(["spec", "path"]) == 0
    assert capsys.readouterr().out == f"{mine.resolve()}\n"
    monkeypatch.setenv("IXC_SPEC", str(tmp_path / "missing.yaml"))
    assert main(["spec", "path"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ixc: error: the spec ")
    assert err.endswith("(check IXC_SPEC)\n")


@pytest.mark.parametrize("command", ["sandbox", "spec", "contract", "drift", "generate"])
def test_help_points_at_nothing_only_a_checkout_has(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The help an installed wheel prints names no file of this repository."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    for checkout_only in ("README.md", "the repository", " sandbox/", "toolkit/"):
        assert checkout_only not in out, f"ixc {command} --help mentions {checkout_only!r}"
