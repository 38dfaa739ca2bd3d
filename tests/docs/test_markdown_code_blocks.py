"""Every code block of README.md and docs/*.md is checked, as docs/CONVENTIONS.md says.

Blocks are extracted from the Markdown at test time, so a changed example cannot drift from
its test. By fence language:

- `python`: run in a fresh interpreter against a fresh sandbox, INVOICEXPRESS_* set; exit 0.
- `console` / `shell` / `bash` / `sh`: each command line (a leading `$ ` is dropped, `# ...`
  comments too) must name a known program. `nox -s NAME`: NAME is a session of noxfile.py.
  `ixc ...`: the parser accepts it (a synopsis's `[--opt X]` brackets are opened, `a|b` takes
  `a`, an UPPERCASE placeholder becomes a value); `ixc ... --help` and `ixc drift rules` are
  run. `python -m MOD`: MOD is importable. `pip` / `uv` / `git`: shown as is, not run.
- `yaml` / `json`: parse. `text`: output or diagrams, never run, but must not be Python.
- Anything else, or a block that should not run: `<!-- not-run: <reason> -->` on the line
  right above the fence; a marker without a reason fails.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoicexpress_sandbox import testing
from ixc.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
SHELLS = {"console", "shell", "bash", "sh"}
SHOWN_ONLY = {"pip", "uv", "git"}
CHEAP = (("drift", "rules"),)
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
NOT_RUN = re.compile(r"<!--\s*not-run:(?P<reason>.*?)-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    code: str
    not_run: str | None  # the reason, when the block opted out

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}:{self.lang or 'untagged'}"


def blocks() -> list[Block]:
    found: list[Block] = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            marker = NOT_RUN.search(before)
            indent = match.group("indent")
            code = "\n".join(
                ln[len(indent) :] if ln.startswith(indent) else ln
                for ln in match.group("body").splitlines()
            )
            found.append(
                Block(
                    path,
                    line,
                    match.group("lang").lower(),
                    code,
                    marker.group("reason").strip() if marker else None,
                )
            )
    return found


BLOCKS = blocks()


RUNNABLE = [pytest.param(b, id=b.id) for b in BLOCKS if b.not_run is None]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[testing.RunningSandbox]:
    with testing.running_sandbox() as sb:
        yield sb


@pytest.mark.parametrize("block", RUNNABLE)
def test_code_block_follows_its_languages_rule(
    block: Block, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if block.lang == "python":
        run_python(block, request.getfixturevalue("sandbox"), tmp_path)
    elif block.lang in SHELLS:
        check_shell(block)
    elif block.lang in ("yaml", "yml", "json"):
        check_data(block)
    elif block.lang == "text":
        check_text(block)
    else:
        pytest.fail(f"{block.id}: no rule for ```{block.lang}; mark it <!-- not-run: reason -->")


def run_python(block: Block, sandbox: testing.RunningSandbox, tmp_path: Path) -> None:
    sandbox.reset()
    env = {
        **os.environ,
        "INVOICEXPRESS_ACCOUNT": sandbox.account_name,
        "INVOICEXPRESS_API_KEY": sandbox.api_key,
        "INVOICEXPRESS_BASE_URL": sandbox.base_url,
    }
    script = tmp_path / "block.py"
    script.write_text(block.code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{block.id}\n{done.stderr}"


def _nox_sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if ast.unparse(target) == "nox.session":
                named = [
                    k.value.value
                    for k in (deco.keywords if isinstance(deco, ast.Call) else [])
                    if k.arg == "name" and isinstance(k.value, ast.Constant)
                ]
                names.add(str(named[0]) if named else node.name)
    return names


def _synopsis(words: list[str]) -> list[str]:
    """`[--port 8765]` -> `--port 8765`; `100|off` -> `100`; an UPPERCASE placeholder -> the
    option's first choice (or `x`)."""
    out: list[str] = []
    for word in words:
        word = word.strip("[]")
        if not word or word == "...":
            continue
        if "|" in word and not word.startswith("-"):
            word = word.split("|")[0]
        if re.fullmatch(r"[A-Z][A-Z_]*", word):
            word = _first_choice(out) or "x"
        out.append(word)
    return out


def _first_choice(before: list[str]) -> str | None:
    """The first allowed value of the option just before a placeholder, if it has choices."""
    parser: Any = build_parser()
    for word in before:
        sub = next((a.choices for a in parser._actions if isinstance(a.choices, dict)), None)
        if sub and word in sub:
            parser = sub[word]
    action = parser._option_string_actions.get(before[-1]) if before else None
    choices = getattr(action, "choices", None)
    return str(next(iter(choices))) if choices else None


def _commands(code: str) -> Iterator[str]:
    for raw in code.splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        elif raw.startswith((" ", "\t")) or not line:
            continue  # output, or a continuation shown for reading
        line = re.split(r"\s+#\s", line, maxsplit=1)[0].strip()
        if line and not line.startswith("#"):
            yield line


def _check_ixc(words: list[str]) -> None:
    args = _synopsis(words[1:])
    parser = build_parser()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            parser.parse_args([a for a in args if a not in ("--help", "-h")])
        except SystemExit as exc:
            raise AssertionError(f"ixc rejects {' '.join(args)!r}: {err.getvalue()}") from exc
    if "--help" in args or tuple(args) in CHEAP:
        done = subprocess.run(
            [sys.executable, "-m", "ixc.cli", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def check_shell(block: Block) -> None:
    sessions = _nox_sessions()
    commands = list(_commands(block.code))
    assert commands, f"{block.id}: no command in a shell block"
    for command in commands:
        words = shlex.split(command)
        program = words[0]
        if program == "nox":
            named = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-s", "--session")]
            assert named, f"{block.id}: `{command}` names no session (-s NAME)"
            assert set(named) <= sessions, f"{block.id}: no nox session {set(named) - sessions}"
        elif program == "ixc":
            _check_ixc(words)
        elif program in ("python", "python3") and words[1:2] == ["-m"]:
            assert importlib.util.find_spec(words[2]) is not None, (
                f"{block.id}: no module {words[2]}"
            )
        else:
            assert program in SHOWN_ONLY, (
                f"{block.id}: `{program}` is not a command the docs test knows; "
                "use nox/ixc/python -m/pip/uv/git, or mark the block <!-- not-run: reason -->"
            )


def check_data(block: Block) -> None:
    if block.lang == "json":
        json.loads(block.code)
    else:
        yaml.safe_load(block.code)


def check_text(block: Block) -> None:
    try:
        tree = ast.parse(block.code)
    except SyntaxError:
        return
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert not imports, f"{block.id}: this is Python; fence it as ```python so it runs"


def test_every_opt_out_gives_a_reason() -> None:
    assert [b.id for b in BLOCKS if b.not_run == ""] == []
    assert any(b.lang == "python" for b in BLOCKS)


def test_the_extractor_sees_indented_fences_and_opt_outs(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text(
        "a\n<!-- not-run: needs a live account -->\n```python\nraise SystemExit(1)\n```\n"
        "- item\n  ```console\n  $ nox -s tests\n  ```\n",
        encoding="utf-8",
    )
    global DOCUMENTS  # pointed at a scratch file for this test only
    saved, DOCUMENTS = DOCUMENTS, [doc]
    try:
        found = blocks()
    finally:
        DOCUMENTS = saved
    assert [(b.lang, b.not_run, b.code) for b in found] == [
        ("python", "needs a live account", "raise SystemExit(1)"),
        ("console", None, "$ nox -s tests"),
    ]


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("nox -s no_such_session", "no nox session"),
        ("ixc sandbox --no-such-option 1", "ixc rejects"),
        ("ixc drift server --fail-on NOPE", "ixc rejects"),
        ("curl http://127.0.0.1", "not a command the docs test knows"),
        ("python -m no_such_module_here", "no module"),
    ],
)
def test_a_shell_block_that_drifted_fails(command: str, problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        check_shell(Block(ROOT / "README.md", 1, "console", f"$ {command}", None))


def test_a_text_block_hiding_python_fails() -> None:
    with pytest.raises(AssertionError, match="fence it as"):
        check_text(Block(ROOT / "README.md", 1, "text", "import os\nprint(os.sep)", None))
