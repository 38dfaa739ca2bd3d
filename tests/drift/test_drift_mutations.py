"""The peer test: every single mutation of the real spec gets the verdict the corpus expects.

The spec is parsed once (the `frozen` fixture); each mutation works on its own copy. Each
finding's words are also checked here: a reader sees no Python repr.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest

from invoicexpress_drift import Level
from invoicexpress_drift.corpus import EQUIVALENTS, MUTATIONS, NEAR_MISSES, Mutation
from invoicexpress_drift.spec_diff import diff_documents

ALL = [*MUTATIONS, *NEAR_MISSES, *EQUIVALENTS]
PYTHON_REPR = re.compile(r"\bNone\b|'[^']*'|\bTrue\b|\bFalse\b")


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
    for f in findings:
        for text in (f.message, f.cause_message, f.location):
            assert not PYTHON_REPR.search(text), text
            assert "(body)" not in text, text


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
