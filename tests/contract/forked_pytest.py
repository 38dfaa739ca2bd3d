"""Many short pytest runs, each a fresh process, paying the imports once.

The proof of power runs the suites some sixty times; in a new interpreter each run spent
about half of its second importing pytest, schemathesis, hypothesis and the sandbox's stack.
multiprocessing's forkserver imports them once, in a process that has run nothing else, and
forks every run from it: each child is as fresh as a new interpreter (its own environment,
working directory, output and exit code), only already warm.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

# Libraries only: pytest asserts-rewrites the suites, their conftest and the `-p` plugins
# (xdist, hypothesis' pytest plugin) at import, so those must be imported by the run itself.
PRELOAD = [
    "_pytest.config",
    "_pytest.python",
    "_pytest.junitxml",
    "hypothesis",
    "schemathesis",
    "httpx",
    "jsonschema",
    "starlette.applications",
    "uvicorn",
    "invoicexpress_core.spec",
    "invoicexpress_core.exchange",
    "invoicexpress_sandbox.testing",
]
_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(PRELOAD)


def _run(args: list[str], env: dict[str, str], cwd: str, output: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    log = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    import pytest

    code = int(pytest.main(args))
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)  # multiprocessing turns SystemExit(code) into the child's exit code


def run_pytest(
    args: list[str], *, env: dict[str, str], cwd: Path, output: Path, timeout: float
) -> int:
    """`python -m pytest ARGS` in `cwd` with exactly `env`; stdout and stderr go to `output`."""
    child = _FORKSERVER.Process(target=_run, args=(args, env, str(cwd), str(output)))
    child.start()
    child.join(timeout)
    if child.exitcode is None:
        child.kill()
        child.join()
        raise TimeoutError(f"pytest {' '.join(args)} ran over {timeout} s")
    return child.exitcode
