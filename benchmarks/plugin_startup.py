"""`python -m benchmarks.plugin_startup`: what installing this distribution adds to every pytest
session of a user's project (the pytest11 entry point loads in each one).

A small user project (five tests, its own pytest.ini) is collected with `pytest --co` in fresh
virtualenvs: `baseline` holds pytest alone; `httpx` adds the client's network library alone (a
third party's share); the others add this distribution, from the wheel, with extras. Runs
alternate baseline and candidate, and each pair gives a ratio and a difference, so a machine
whose speed drifts moves both sides; the median pair is reported. Goal (issue 20): the
`[sandbox]` install within 0.3 s of the baseline. `[contract]` in the same virtualenv is
measured too: its schemathesis registers a pytest plugin of its own that loads in every
session, which is why the README installs the suites as a tool.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = "pytest>=8.3"
# What each candidate virtualenv holds besides pytest. `httpx` is no install of ours: it is the
# client's one network dependency, and its anyio registers a pytest plugin of its own, so a
# project that uses httpx pays that part with or without this distribution.
CANDIDATES = {
    "httpx": ["httpx>=0.27,<0.29"],
    "sandbox": ["invoicexpress-contract[sandbox] @ {wheel}"],
    "contract": ["invoicexpress-contract[sandbox,contract] @ {wheel}"],
}


def _run(*argv: str, cwd: Path | None = None) -> None:
    subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def user_project(root: Path) -> Path:
    """Five trivial tests and a pytest.ini: what a small project's collection costs."""
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n", encoding="utf-8")
    for n in range(1, 6):
        test = f"def test_{n}() -> None:\n    assert {n} + 1 == {n + 1}\n"
        (root / "tests" / f"test_m{n}.py").write_text(test, encoding="utf-8")
    return root


def virtualenv(root: Path, name: str, *requirements: str) -> Path:
    venv = root / name
    _run("uv", "venv", "-q", "-p", sys.executable, str(venv))
    python = venv / "bin" / "python"
    _run("uv", "pip", "install", "-q", "-p", str(python), *requirements)
    return python


def collect_seconds(python: Path, project: Path) -> float:
    """Wall seconds of `pytest --co -q` in `project` with `python`'s environment."""
    start = time.perf_counter()
    _run(str(python), "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", cwd=project)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.plugin_startup", description=__doc__
    )
    parser.add_argument("--wheel", type=Path, help="a built wheel (default: build one now)")
    parser.add_argument("--pairs", type=int, default=7, help="baseline/candidate pairs per install")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ixc-plugin-startup-") as tmp:
        root = Path(tmp)
        wheel = args.wheel
        if wheel is None:
            _run("uv", "build", "--wheel", "-q", "-o", str(root / "dist"), str(ROOT))
            (wheel,) = (root / "dist").glob("invoicexpress_contract-*.whl")
        project = user_project(root / "project")
        baseline = virtualenv(root, "baseline", PYTEST)
        results: dict[str, dict[str, float]] = {}
        for name, requirements in CANDIDATES.items():
            uri = wheel.resolve().as_uri()
            candidate = virtualenv(root, name, PYTEST, *(r.format(wheel=uri) for r in requirements))
            for python in (baseline, candidate):  # warm the file cache and the .pyc files
                collect_seconds(python, project)
            pairs = [
                (collect_seconds(baseline, project), collect_seconds(candidate, project))
                for _ in range(args.pairs)
            ]
            base = statistics.median(b for b, _ in pairs)
            results[name] = {
                "baseline_s": round(base, 3),
                "with_s": round(statistics.median(c for _, c in pairs), 3),
                "added_s": round(statistics.median(c - b for b, c in pairs), 3),
                "ratio": round(statistics.median(c / b for b, c in pairs), 2),
            }
            print(f"pytest --co, +{name:9} {json.dumps(results[name])}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "plugin_startup.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
