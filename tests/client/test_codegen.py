"""`ixc generate`: golden output of our templates, freshness of generated/, stale detection.

The golden test regenerates tests/client/golden/spec.yaml and compares it byte for byte with
the committed tests/client/golden/expected/ (openapi-python-client's own e2e pattern: custom
templates are an unstable feature, so their output is pinned). To accept a change on purpose:

    IXC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/client/test_codegen.py -k golden
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import pytest

from invoicexpress_codegen import generate_into
from invoicexpress_core.spec import sha256_of, spec_path
from ixc import cmd_generate

ROOT = Path(__file__).resolve().parents[2]

GOLDEN = ROOT / "tests" / "client" / "golden"
GENERATED = ROOT / "generated"


def _run(**kwargs: object) -> int:
    args = argparse.Namespace(check=False, spec=None, output=GENERATED)
    for key, value in kwargs.items():
        setattr(args, key, value)
    return cmd_generate.run(args)


@pytest.mark.slow
def test_golden_output_of_the_custom_templates(tmp_path: Path) -> None:
    out = tmp_path / "golden"
    assert _run(spec=GOLDEN / "spec.yaml", output=out) == 0
    if os.environ.get("IXC_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN / "expected", ignore_errors=True)
        shutil.copytree(out, GOLDEN / "expected")
    assert cmd_generate.compare(out, GOLDEN / "expected") == []


def test_golden_output_shows_each_template_change() -> None:
    package = GOLDEN / "expected" / "invoicexpress_client"
    client = (package / "client.py").read_text()
    assert "token: str = field(repr=False)" in client
    assert "params={self.auth_param_name: self.token}" in client
    assert "def _missing_" in (package / "models" / "invoice_type.py").read_text()
    assert '("date[from]", "datefrom")' in (package / "api" / "__init__.py").read_text()
    assert "def __getattr__(name: str)" in (package / "__init__.py").read_text()  # attrs on use


def test_every_generated_file_carries_the_do_not_edit_header() -> None:
    header = cmd_generate.HEADER.format(version=cmd_generate.GENERATOR_VERSION)
    files = sorted((GENERATED / "invoicexpress_client").rglob("*.py"))
    assert len(files) > 100
    assert [f for f in files if not f.read_text().startswith(header)] == []


def test_provenance_matches_the_spec_and_config() -> None:
    record = json.loads((GENERATED / "GENERATION.json").read_text())
    assert record["generator_version"] == cmd_generate.GENERATOR_VERSION
    assert record["spec_sha256"] == sha256_of(spec_path())
    assert record["config_sha256"] == sha256_of(cmd_generate.CONFIG)
    templates = {p.name for p in cmd_generate.TEMPLATES.iterdir()}
    assert set(record["templates_sha256"]) == templates


@pytest.fixture(scope="module")
def committed_generation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's output for the committed spec, made once: a generation takes ~10 s."""
    out = tmp_path_factory.mktemp("generation") / "out"
    assert generate_into(spec_path(), out) == 0
    return out


@pytest.fixture
def generated_once(committed_generation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--check` compares a copy of that output instead of generating it again."""

    def copy(spec: Path, fresh: Path) -> int:
        assert spec == spec_path()
        shutil.copytree(committed_generation, fresh)
        return 0

    monkeypatch.setattr("ixc.cmd_generate.generate_into", copy)


@pytest.mark.slow
@pytest.mark.usefixtures("generated_once")
def test_check_passes_on_the_committed_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(check=True) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.slow
def test_check_fails_listing_stale_files_when_the_spec_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "invoicexpress.yaml"
    text = spec_path().read_text()
    operation = "\n      operationId: getInvoice\n"  # the operation itself, not a link to it
    assert text.count(operation) == 1
    spec.write_text(text.replace(operation, "\n      operationId: fetchInvoice\n"))
    monkeypatch.setenv("IXC_SPEC", str(spec))
    assert _run(check=True) == 1
    err = capsys.readouterr().err
    assert "generated/ is stale" in err
    assert "differs: GENERATION.json" in err
    assert "missing: invoicexpress_client/api/invoices/fetch_invoice.py" in err
    assert "extra: invoicexpress_client/api/invoices/get_invoice.py" in err


@pytest.mark.slow
@pytest.mark.usefixtures("generated_once")
def test_check_fails_when_a_generated_file_is_edited_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "invoicexpress_client" / "client.py"
    target.write_text(target.read_text() + "# a hand edit\n")
    assert _run(check=True, output=copy) == 1
    assert "differs: invoicexpress_client/client.py" in capsys.readouterr().err
