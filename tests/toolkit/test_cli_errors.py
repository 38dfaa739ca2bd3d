"""Every user mistake the CLI can meet ends the same way: one line on stderr naming the problem
and the fix, exit code 2, no traceback, nothing started. (`ixc drift` cases: tests/drift.)"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ixc.cli import main
from ixc.cmd_contract import pytest_args

REPO = Path(__file__).resolve().parents[2]
README = str(REPO / "README.md")


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _fails_in_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own checks exit through Parser.error
        code = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    assert out == "", out
    assert err.startswith("ixc: error: "), err
    assert err.count("\n") == 1, err
    assert err.endswith("\n"), err
    assert "Traceback" not in err
    return err


CASES: list[tuple[str, list[str], str]] = [
    ("sandbox-port-range", ["sandbox", "--port", "99999"], "65535"),
    ("sandbox-port-text", ["sandbox", "--port", "abc"], "'abc'; see `ixc sandbox --help`"),
    ("sandbox-fault", ["sandbox", "--fault", "nosuch"], "invalid choice: 'nosuch' (choose from"),
    ("sandbox-spec", ["sandbox", "--port", "0", "--spec", "nosuch.yaml"], "does not exist"),
    ("sandbox-db-file", ["sandbox", "--port", "0", "--db", README], "is not an SQLite database"),
    ("sandbox-rate", ["sandbox", "--port", "0", "--rate-limit", "abc"], "give N >= 1 or off"),
    ("contract-fault", ["contract", "--fault", "nosuch"], "unknown --fault nosuch; choose from"),
    ("contract-workers", ["contract", "-n", "many"], "-n many is not a worker count"),
    (
        "contract-fault-with-url",
        ["contract", "--fault", "wrong_type", "--base-url", "http://127.0.0.1:1"],
        "drop --base-url",
    ),
    ("contract-url-scheme", ["contract", "--base-url", "ftp://x"], "is not an http(s) URL"),
    (
        "contract-url-not-local",
        ["contract", "--base-url", "https://acme.app.invoicexpress.com", "--api-key", "k"],
        "is not a local server; add --live",
    ),
    ("contract-url-no-key", ["contract", "--base-url", "http://127.0.0.1:1"], "needs --api-key"),
    ("contract-url-no-scheme", ["contract", "--base-url", "localhost:8777"], "not an http(s) URL"),
    ("contract-budget-0", ["contract", "--max-requests", "0"], "0 is not a positive integer"),
    ("contract-budget-neg", ["contract", "--max-requests", "-5"], "-5 is not a positive integer"),
    ("contract-report-file", ["contract", "--report-dir", README], "is a file; give a folder"),
    (
        "contract-report-under-file",
        ["contract", "--report-dir", README + "/reports"],
        "is not a writable folder",
    ),
    ("contract-junit-dir", ["contract", "--junit", str(REPO)], "is a directory; give a file"),
    ("spec-validate-missing", ["spec", "validate", "nosuch.yaml"], "nosuch.yaml does not exist"),
    ("spec-validate-not-yaml", ["spec", "validate", README], "is not YAML (line"),
    ("spec-validate-dir", ["spec", "validate", str(REPO)], "is a directory, not a file"),
    ("spec-no-verb", ["spec"], "arguments are required"),
    ("spec-bad-flag", ["spec", "build", "--chek"], "unrecognized arguments: --chek"),
    ("generate-missing", ["generate", "--spec", "nosuch.yaml"], "does not exist"),
    ("generate-not-yaml", ["generate", "--spec", README], "is not YAML"),
    ("generate-output-file", ["generate", "--output", README], "is a file; give a folder"),
    ("unknown-command", ["nosuch"], "invalid choice: 'nosuch'"),
]


@pytest.mark.parametrize(("argv", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_user_errors_are_one_line_with_exit_2(
    argv: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("INVOICEXPRESS_API_KEY", raising=False)
    monkeypatch.delenv("INVOICEXPRESS_BASE_URL", raising=False)
    assert expected in _fails_in_one_line(argv, capsys)


def test_a_target_from_the_environment_is_checked_like_flags(
    closed_port: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOICEXPRESS_API_KEY", "x")
    monkeypatch.setenv("INVOICEXPRESS_BASE_URL", "localhost:8777")
    err = _fails_in_one_line(["contract"], capsys)
    assert "INVOICEXPRESS_BASE_URL localhost:8777 is not an http(s) URL" in err
    monkeypatch.setenv("INVOICEXPRESS_BASE_URL", f"http://127.0.0.1:{closed_port}")
    err = _fails_in_one_line(["contract"], capsys)
    assert f"INVOICEXPRESS_BASE_URL http://127.0.0.1:{closed_port} is not reachable" in err
    from invoicexpress_sandbox.testing import running_sandbox

    with running_sandbox() as sb:
        monkeypatch.setenv("INVOICEXPRESS_BASE_URL", sb.base_url)
        monkeypatch.setenv("INVOICEXPRESS_API_KEY", "not-the-key-123")
        err = _fails_in_one_line(["contract"], capsys)
    assert "refused the API key (401 on GET /taxes.json)" in err
    assert "not-the-key-123" not in err


def test_port_in_use_names_the_way_out(busy_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    err = _fails_in_one_line(["sandbox", "--port", str(busy_port)], capsys)
    assert f"cannot listen on 127.0.0.1:{busy_port}" in err
    assert "--port 0" in err


def test_db_in_a_missing_folder_or_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope" / "x.db"
    err = _fails_in_one_line(["sandbox", "--port", "0", "--db", str(missing)], capsys)
    assert f"folder {missing.parent} does not exist" in err
    err = _fails_in_one_line(["sandbox", "--port", "0", "--db", str(tmp_path)], capsys)
    assert "is a directory; give a file path" in err
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_unreachable_base_url_is_refused_before_any_test(
    closed_port: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    argv = ["contract", "--base-url", url, "--api-key", "x", "--report-dir", str(tmp_path)]
    err = _fails_in_one_line(argv, capsys)
    assert f"--base-url {url} is not reachable (ConnectError)" in err
    assert "[REDACTED]" not in err  # the one-letter key rewrote nothing
    assert list(tmp_path.iterdir()) == []  # pytest never started


def test_a_refused_api_key_is_one_line_before_any_test(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from invoicexpress_sandbox.testing import running_sandbox

    with running_sandbox() as sb:
        argv = ["contract", "--base-url", sb.base_url, "--api-key", "not-the-key-123"]
        err = _fails_in_one_line([*argv, "--report-dir", str(tmp_path)], capsys)
    assert "refused the API key (401 on GET /taxes.json)" in err
    assert "not-the-key-123" not in err
    assert list(tmp_path.iterdir()) == []  # pytest never started


def test_generate_refuses_a_yaml_that_is_not_openapi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    (tmp_path / "config.yaml").write_text("name: x\n")
    err = _fails_in_one_line(["generate", "--spec", str(tmp_path / "list.yaml")], capsys)
    assert "does not hold a YAML mapping" in err
    err = _fails_in_one_line(["generate", "--spec", str(tmp_path / "config.yaml")], capsys)
    assert "has no `openapi` version key" in err


def test_the_api_key_never_reaches_the_pytest_command_line() -> None:
    from ixc.cli import build_parser

    args = build_parser().parse_args(
        ["contract", "--base-url", "http://127.0.0.1:8765", "--api-key", "s3cr3t-key-value"]
    )
    assert not any("s3cr3t" in part for part in pytest_args(args))


def test_a_real_process_prints_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ixc", "sandbox", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("ixc: error: ")
    assert proc.stderr.count("\n") == 1
    assert "99999" in proc.stderr
