"""Every user mistake with `ixc drift` is one line on stderr naming the problem and the fix,
exit code 2, no traceback, and nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from invoicexpress_drift.progress import Progress
from ixc.cli import main

REPO = Path(__file__).resolve().parents[2]
SPEC = str(REPO / "spec" / "invoicexpress.yaml")
README = str(REPO / "README.md")
PYPROJECT = str(REPO / "pyproject.toml")

# (arguments, words the one line must contain)
CASES = {
    "missing-file": (["spec", "nosuch.yaml", SPEC], ["neither a file", "pass an existing"]),
    "not-yaml": (["spec", README, SPEC], ["not YAML", "pass an OpenAPI"]),
    "not-openapi": (["spec", PYPROJECT, SPEC], ["not YAML"]),
    "yaml-not-openapi": (
        ["spec", str(REPO / "drift-baseline.json"), SPEC],
        ["not an OpenAPI document", "pass an OpenAPI 3.x"],
    ),
    "directory": (["spec", str(REPO / "spec"), SPEC], ["directory", "spec file inside"]),
    "unknown-git-ref": (
        ["spec", "no-such-ref-xyz:spec/invoicexpress.yaml", SPEC],
        ["from git", "git log"],
    ),
    "bad-fail-on": (["spec", SPEC, SPEC, "--fail-on", "sometimes"], ["--fail-on", "never"]),
    "bad-min-level": (["spec", SPEC, SPEC, "--min-level", "loud"], ["--min-level", "ERR"]),
    "output-under-a-file": (
        ["spec", SPEC, SPEC, "--json", README + "/out.json"],
        ["--json", "writable path"],
    ),
    "output-is-a-directory": (["spec", SPEC, SPEC, "--markdown", str(REPO)], ["directory"]),
    "recording-not-jsonl": (["server", "--recording", README], ["not a recording", "HAR", "VCR"]),
    "recording-missing": (["server", "--recording", "nosuch.jsonl"], ["no recording", "pass"]),
    "spec-not-openapi": (
        ["server", "--probe", "--base-url", "http://127.0.0.1:1", "--api-key", "k3y-abcdefgh",
         "--spec", README],
        ["--spec", "not YAML"],
    ),
    "probe-unreachable": (
        ["server", "--probe", "--base-url", "http://127.0.0.1:1", "--api-key", "k3y-abcdefgh"],
        ["cannot reach http://127.0.0.1:1", "check --base-url"],
    ),
    "probe-no-scheme": (
        ["server", "--probe", "--base-url", "127.0.0.1:1", "--api-key", "k3y-abcdefgh"],
        ["no http:// or https://"],
    ),
    "probe-no-key": (
        ["server", "--probe", "--base-url", "http://127.0.0.1:1"],
        ["--api-key", "INVOICEXPRESS_API_KEY"],
    ),
    "probe-zero-budget": (
        ["server", "--probe", "--base-url", "http://127.0.0.1:1", "--api-key", "k3y-abcdefgh",
         "--max-requests", "0"],
        ["--max-requests"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_user_error_is_one_line_exit_2(
    case: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("INVOICEXPRESS_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    args, words = CASES[case]
    assert main(["drift", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ixc: error: ")
    assert "; " in lines[0]  # the problem, then the fix
    for word in words:
        assert word in lines[0]
    assert "k3y-abcdefgh" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_named_baseline_that_does_not_exist_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    recording = tmp_path / "empty.jsonl"
    recording.write_text("")
    argv = ["drift", "server", "--recording", str(recording), "--baseline", "nosuch.json"]
    assert main(argv) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "--baseline nosuch.json does not exist" in line
    assert "--update-baseline" in line


def test_fail_on_defaults_to_err_and_never_opts_out(capsys: pytest.CaptureFixture[str]) -> None:
    pair = [str(Path(__file__).parent / "specs" / f"response-property-removed_{s}.yaml")
            for s in ("base", "revision")]  # fmt: skip
    assert main(["drift", "spec", *pair, "--quiet"]) == 1
    assert "at or above ERR" in capsys.readouterr().err
    assert main(["drift", "spec", *pair, "--quiet", "--fail-on", "never"]) == 0


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_uses_control_codes_only_on_a_terminal() -> None:
    log, tty = io.StringIO(), _Tty()
    for stream in (log, tty):
        progress = Progress("work", stream)
        progress.step("1/2")
        progress.step("2/2")
        progress.done("finished")
    assert log.getvalue().startswith("work: 1/2\nwork: 2/2\nwork: finished (")
    assert "\r\x1b[K" in tty.getvalue()
    assert tty.getvalue().endswith(" s)\n")
