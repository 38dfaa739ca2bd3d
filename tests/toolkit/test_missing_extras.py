"""A command whose extra is not installed answers in one line naming the extra (exit 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Run `ixc` in an interpreter where the extra's modules cannot be imported, as in an install
# without that extra.
PROGRAM = """
import sys
from importlib.abc import MetaPathFinder

BLOCKED = set(sys.argv[1].split(","))

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
import importlib.util
_find = importlib.util.find_spec
importlib.util.find_spec = lambda n, p=None: None if n.split(".")[0] in BLOCKED else _find(n, p)
from ixc.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize(
    ("blocked", "argv", "extra"),
    [
        ("starlette,uvicorn", ["sandbox", "--port", "0"], "sandbox"),
        ("openapi_spec_validator", ["spec", "validate"], "spec"),
        ("openapi_python_client", ["generate", "--check"], "codegen"),
        ("xdist,schemathesis", ["contract", "--quick"], "contract"),
    ],
)
def test_a_missing_extra_is_named(blocked: str, argv: list[str], extra: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM, blocked, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("ixc: error: ")
    assert f"pip install 'invoicexpress-contract[{extra}]'" in lines[0]
    assert not proc.stdout


def test_help_marks_a_command_unavailable_when_its_extra_is_missing() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM, "xdist,schemathesis", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [line] = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("contract")]
    assert "unavailable: xdist is not installed" in line
