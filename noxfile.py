"""Sessions that CI and people run. `nox -s tests` is everything CI must pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True
# Sessions start hundreds of interpreters (xdist workers, the suites and sandboxes that tests
# run as subprocesses). uv installs no bytecode, so with PYTHONDONTWRITEBYTECODE set (as on
# our CI machines) every one of them compiled every module it imported from source: the
# suites' start-up cost 2.2x the CPU it costs with caches (`farm-bench`, pytest --co of the
# suites, fresh venvs). The caches land in .nox/ and in ignored __pycache__/ folders.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def _python() -> str:
    """The interpreter running nox when pyproject's requires-python accepts it, else the oldest
    it accepts: any installed 3.11+ will do (`nox --force-python 3.13` picks another)."""
    with (Path(__file__).parent / "pyproject.toml").open("rb") as f:
        requires = tomllib.load(f)["project"]["requires-python"]
    found = re.fullmatch(r">=\s*3\.(\d+)", requires.strip())
    assert found, f"requires-python {requires!r} is not of the form >=3.N"
    minimum = int(found[1])
    running = sys.version_info[:2]
    return f"3.{running[1]}" if running[0] == 3 and running[1] >= minimum else f"3.{minimum}"


PYTHON = _python()
# Hand-written code: linted, formatted and type-checked strictly. generated/ is only
# type-checked (it is the generator's output, like a vendored package).
TYPED = [
    "core",
    "toolkit",
    "specbuild",
    "drift",
    "codegen",
    "overrides/invoicexpress",
    "sandbox",
    "contract_tests",
    "tests",
    "benchmarks",
    "examples",
]
HAND_WRITTEN = [*TYPED, "noxfile.py"]


def _install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


RUFF = (("ruff", "check", *HAND_WRITTEN), ("ruff", "format", "--check", *HAND_WRITTEN))
MYPY = (("mypy", *TYPED), ("mypy", "generated/invoicexpress_client"))


def _lint(session: nox.Session) -> None:
    """Ruff on hand-written code; mypy --strict on it and on generated/ (not linted)."""
    for command in (*RUFF, *MYPY):
        session.run(*command)


@contextmanager
def _beside(session: nox.Session, commands: tuple[tuple[str, ...], ...]) -> Iterator[None]:
    """Run `commands` one after another while the block runs, then print their output and fail
    the session if one failed. mypy is one process on one core (~25 CPU-s), and the example's
    build and installs are mostly one core too: beside the test workers they fill the idle
    moments instead of leaving a core idle while they run."""

    def run_all() -> list[tuple[str, int, str]]:
        done = []
        for command in commands:
            proc = subprocess.run(command, capture_output=True, text=True, check=False)
            done.append((" ".join(command), proc.returncode, proc.stdout + proc.stderr))
        return done

    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(run_all)
        try:
            yield
        finally:
            failed = []
            for command, code, output in results.result():
                session.log(f"{command} (beside the tests): exit {code}\n{output.rstrip()}")
                if code:
                    failed.append(command)
    if failed:
        session.error(f"failed beside the tests: {'; '.join(failed)}")


@nox.session(python=PYTHON, reuse_venv=True)
def lint(session: nox.Session) -> None:
    """Ruff, mypy --strict on hand-written code and on generated/ (type-checked, not linted)."""
    _install(session)
    _lint(session)


@nox.session(python=PYTHON, reuse_venv=True)
def spec(session: nox.Session) -> None:
    """Validate spec/: rebuild check, OpenAPI validation and our own rules."""
    _install(session)
    session.run("ixc", "spec", "build", "--check")
    session.run("pytest", "tests/spec", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from spec/ (`-- --check` fails on stale files instead)."""
    _install(session)
    session.run("ixc", "generate", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def tests(session: nox.Session) -> None:
    """Everything CI must pass: lint, spec, generated client freshness, all test suites."""
    _install(session)
    for command in RUFF:
        session.run(*command)
    # spec/ and generated/ freshness are tests (tests/spec, tests/client/test_codegen.py), not
    # steps of their own here: each is checked once. `worksteal`: xdist's default `load` hands
    # out the queue up front, and one worker ran the last 120 s alone (367 s -> 302 s).
    # The example also runs `ixc contract --quick`, from the installed wheel.
    typecheck = tuple((str(Path(session.bin) / name), *args) for name, *args in MYPY)
    example = (sys.executable, "-m", "nox", "-f", __file__, "--no-color", "-s", "example")
    with _beside(session, (*typecheck, example)):
        session.run("pytest", "-n", "auto", "--dist", "worksteal", *(session.posargs or ("tests",)))


def _example(session: nox.Session) -> None:
    """Build the wheel, install it in a fresh virtualenv outside the checkout, run examples/shop.

    Nothing of the checkout is importable there: the shop's tests, `ixc contract --quick` and
    `ixc drift spec` see only what a user who installs the wheel gets.
    """
    repo = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="ixc-example-") as tmp:
        root = Path(tmp)
        session.run("uv", "build", "--wheel", "-q", "-o", str(root / "dist"), str(repo),
                    external=True)  # fmt: skip
        (wheel,) = (root / "dist").glob("invoicexpress_contract-*.whl")
        venv = root / "venv"
        python = str(venv / "bin" / "python")
        session.run("uv", "venv", "-q", "-p", PYTHON, str(venv), external=True)
        requirement = f"invoicexpress-contract[sandbox,contract,drift] @ {wheel.as_uri()}"
        session.run("uv", "pip", "install", "-q", "-p", python, requirement, external=True)
        shop = root / "shop"
        session.run("cp", "-r", str(repo / "examples" / "shop"), str(shop), external=True)
        session.chdir(shop)
        env = {
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PYTHONPATH": "",
            "IXC_SPEC": "",
        }
        # the shop's tests and its own contract_tests/ (a folder named like our suites once were)
        session.run(python, "-m", "pytest", "-p", "no:cacheprovider", env=env, external=True)
        session.run(python, "check_api.py", env=env, external=True)
        session.chdir(repo)


@nox.session(python=PYTHON, reuse_venv=True)
def example(session: nox.Session) -> None:
    """The user's view: examples/shop against the wheel, installed in a fresh virtualenv."""
    _example(session)


@nox.session(python=PYTHON, reuse_venv=True)
def sandbox(session: nox.Session) -> None:
    """Run the local InvoiceXpress sandbox (posargs go to `ixc sandbox`)."""
    _install(session)
    session.run("ixc", "sandbox", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def contract(session: nox.Session) -> None:
    """Run the contract suites (default: against a fresh sandbox). The main job."""
    _install(session)
    session.run("ixc", "contract", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def drift(session: nox.Session) -> None:
    """Server drift of the last `nox -s contract` recording (posargs go to `ixc drift server`)."""
    _install(session)
    default = ("--recording", "reports/contract/exchanges.jsonl", "--fail-on", "WARN")
    session.run("ixc", "drift", "server", *(session.posargs or default))


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: start-up (also a user's pytest session) and sandbox throughput against
    same-run baselines (and Prism)."""
    _install(session)
    session.run("python", "-m", "benchmarks.startup")
    session.run("python", "-m", "benchmarks.plugin_startup")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def robustness(session: nox.Session) -> None:
    """At least 10,000 malformed requests at the sandbox: 0 5xx, state unchanged (~10 min cap)."""
    _install(session)
    session.run("python", "-m", "tests.sandbox.robustness", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def regenerate(session: nox.Session) -> None:
    """After a spec change: regenerate the client, run the tests, write the spec changelog."""
    import argparse

    parser = argparse.ArgumentParser(prog="nox -s regenerate --")
    parser.add_argument("--base", default="origin/main", help="branch to diff against (merge base)")
    parser.add_argument("--spec", default="spec/invoicexpress.yaml")
    parser.add_argument("--out", default="reports/spec-changelog")
    parser.add_argument("--fail-on", choices=("ERR", "WARN"), default=None)
    try:
        args = parser.parse_args(session.posargs)
    except SystemExit:
        session.error("Usage: nox -s regenerate -- [--base origin/main] [--fail-on ERR|WARN]")
    known = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if known.returncode:
        session.error(f"unknown git ref {args.base!r}; give a branch, tag or commit (--base)")
    _install(session)
    session.run("ixc", "generate")
    session.run("pytest", "-n", "auto", "tests")
    base = session.run("git", "merge-base", "HEAD", args.base, silent=True, external=True)
    old = f"{str(base).strip()}:{args.spec}"
    fail_on = ("--fail-on", args.fail_on) if args.fail_on else ()
    outputs = [f"--{fmt}={args.out}.{ext}" for fmt, ext in
               (("markdown", "md"), ("json", "json"), ("junit", "xml"))]  # fmt: skip
    session.run("ixc", "drift", "spec", old, args.spec, "--client-impact", *outputs, *fail_on)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def detection(session: nox.Session) -> None:
    """The mutation catalogue's score beside plain `schemathesis run`, same faults, same run
    (one full `--quick` run per fault: long). Posargs: fault names, --max-time N; --live: the
    live profile under budgets against the live-like sandbox (--budgets, --rate-limit)."""
    _install(session)
    session.run("python", "-m", "tests.contract.detection", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def rehearsal(session: nox.Session) -> None:
    """The live profile against `ixc sandbox --live-like`: <= 600 requests, no unhandled 429,
    nothing touched that the run did not create, nothing left but marked clients."""
    _install(session)
    session.run("python", "-m", "tests.contract.rehearsal", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def repeat(session: nox.Session) -> None:
    """Same verdict every run: the full profile ten times through `--base-url` against one
    faithful sandbox, two workers, a new seed each run; prints the tally (posargs: --runs N,
    --workers N, --quick)."""
    _install(session)
    session.run("python", "-m", "tests.contract.repeat", *session.posargs)
