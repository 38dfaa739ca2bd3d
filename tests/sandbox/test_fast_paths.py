"""The create path's shortcuts give what the long way gives: orjson's text is `json`'s, the
store's remembered rows and counters follow every write and rollback, remembered numbers
are the numbers the text says."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicexpress_sandbox._jsontext import compact, compact_ascii
from invoicexpress_sandbox._money import decimal_text, to_decimal
from invoicexpress_sandbox._store import Store

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=()))  # lone surrogates too
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_JSON)
def test_compact_text_is_the_standard_librarys(value: Any) -> None:
    assert compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert compact_ascii(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize(
    "value",
    [1e-05, -2.5e-07, 0.0001, 1e16, -0.0, {"a": "0.00001 e-5"}, {1: "int key"}, "\ud800", "\x7f"],
)
def test_compact_text_where_orjson_differs_or_refuses(value: Any) -> None:
    assert compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert compact_ascii(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize(
    "text", ["-0", "-0.00", "1.00", "1E+2", " 24.3902 ", "1,5", "1e10", "١", "", "0E-10"]
)
def test_remembered_numbers_are_what_the_text_says(text: str) -> None:
    first, again = to_decimal(text), to_decimal(text)
    assert first is again or first == again
    if first is not None:
        assert str(first) == str(Decimal(text.strip()))
        assert decimal_text(first) == decimal_text(Decimal(text.strip()))


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("24.3902"), 1, "24.3902"),
        (Decimal("1.00"), 1, "1.0"),
        (Decimal("1.00"), 0, "1"),
        (Decimal("-0"), 1, "-0.0"),
        (Decimal("1E+2"), 2, "100.00"),
        (Decimal("0E-10"), 1, "0.0"),
    ],
)
def test_decimal_text(value: Decimal, places: int, text: str) -> None:
    assert decimal_text(value, places) == text


def test_found_rows_and_counters_follow_writes_and_rollbacks() -> None:
    store = Store()
    with store.write() as tx:
        tx.put("client", tx.next_id("client"), "acct", {"id": 1, "name": "A"})
    with store.write() as tx:
        found = tx.find("client", "acct", lambda r: r["name"] == "A")
        assert found == {"id": 1, "name": "A"}
        found["name"] = "changed by the caller"  # a copy: the store's rows stay as they were
        assert tx.find("client", "acct", lambda r: r["name"] == "A") is not None
        tx.put("client", 1, "acct", {"id": 1, "name": "B"})
        assert tx.find("client", "acct", lambda r: r["name"] == "A") is None
        assert tx.peek("client", "acct", lambda r: r["name"] == "B") == {"id": 1, "name": "B"}
    with pytest.raises(RuntimeError, match="rolled back"):
        _write_then_fail(store)
    with store.write() as tx:
        assert tx.find("client", "acct", lambda r: r["name"] == "C") is None
        assert tx.next_id("client") == 2  # the rolled-back number is given again
        assert tx.snapshot()["counters"] == [("client", 2)]


def _write_then_fail(store: Store) -> None:
    with store.write() as tx:
        assert tx.next_id("client") == 2
        tx.put("client", 2, "acct", {"id": 2, "name": "C"})
        raise RuntimeError("rolled back")
