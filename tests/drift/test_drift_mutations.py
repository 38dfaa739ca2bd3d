"""The peer test: every single mutation of the real spec gets the verdict the corpus expects.

The spec is parsed once; each mutation works on its own copy (a pickle round trip, far cheaper
than re-parsing or `copy.deepcopy`).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoicexpress_drift import Level
from invoicexpress_drift.corpus import EQUIVALENTS, MUTATIONS, NEAR_MISSES, Mutation
from invoicexpress_drift.spec_diff import diff_documents

SPEC = Path(__file__).resolve().parents[2] / "spec" / "invoicexpress.yaml"
ALL = [*MUTATIONS, *NEAR_MISSES, *EQUIVALENTS]


@pytest.fixture(scope="module")
def frozen() -> bytes:
    with SPEC.open(encoding="utf-8") as fh:
        return pickle.dumps(yaml.load(fh, Loader=yaml.CSafeLoader))


def _diff(frozen: bytes, mutation: Mutation) -> list[Any]:
    base, revision = pickle.loads(frozen), pickle.loads(frozen)  # noqa: S301 (our own bytes)
    if mutation.base is not None:
        mutation.base(base)
        mutation.base(revision)
    mutation.apply(revision)
    findings, _ = diff_documents(base, revision)
    return findings


@pytest.mark.parametrize("mutation", ALL, ids=[m.id for m in ALL])
def test_mutation_gets_its_verdict(frozen: bytes, mutation: Mutation) -> None:
    findings = _diff(frozen, mutation)
    errors = [f"{f.rule}: {f.message}" for f in findings if f.level is Level.ERR]
    if mutation.breaking:
        assert errors, f"breaking mutation raised no ERR: {[f.rule for f in findings]}"
    elif mutation.equivalent:
        alarms = [f"{f.level.name} {f.rule}: {f.message}" for f in findings if f.level > Level.INFO]
        assert not alarms, f"equivalent rewrite raised alarms: {alarms[:5]}"
    else:
        assert not errors, f"safe mutation raised ERR: {errors[:5]}"
    if mutation.rule:
        assert mutation.rule in {f.rule for f in findings}


def test_corpus_is_large_and_balanced() -> None:
    breaking = sum(m.breaking for m in MUTATIONS)
    assert len(MUTATIONS) >= 60
    assert len({m.id for m in ALL}) == len(ALL)
    assert 0.4 <= breaking / len(MUTATIONS) <= 0.6
    assert len(EQUIVALENTS) >= 25
    assert all(m.equivalent and not m.breaking for m in EQUIVALENTS)
    assert all(m.breaking for m in NEAR_MISSES)


def test_unchanged_spec_raises_nothing(frozen: bytes) -> None:
    findings, _ = diff_documents(pickle.loads(frozen), pickle.loads(frozen))  # noqa: S301
    assert findings == []
