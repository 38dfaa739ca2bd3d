"""The core's calendar: a server's `Date` header as Lisbon wall time and back, and example
dates moved to any day with their relations kept (leap days, year ends, impossible dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from invoicexpress_contract_tests._client import ServerClock
from invoicexpress_core.calendar import http_date, rebase, shift_date_text, wall_clock
from invoicexpress_core.spec import load_spec


def test_date_header_is_read_as_lisbon_wall_time_and_written_back() -> None:
    summer = wall_clock("Tue, 14 Jul 2026 22:30:00 GMT")  # Lisbon is UTC+1 in summer
    winter = wall_clock("Thu, 31 Dec 2026 23:59:30 GMT")  # and UTC+0 in winter
    assert summer == dt.datetime(2026, 7, 14, 23, 30)
    assert winter == dt.datetime(2026, 12, 31, 23, 59, 30)
    assert http_date(summer) == "Tue, 14 Jul 2026 22:30:00 GMT"
    assert wall_clock(http_date(dt.datetime(2028, 2, 29, 0, 15))) == dt.datetime(2028, 2, 29, 0, 15)
    assert wall_clock("not a date") is None
    assert wall_clock("") is None


def test_rebase_keeps_each_relation_across_a_leap_day_and_a_year_end() -> None:
    written_for = dt.date(2026, 12, 3)
    body: dict[str, Any] = {
        "invoice": {
            "date": "03/12/2026",
            "due_date": "18/12/2026",
            "loaded_at": "04/12/2026 09:00:00",
            "items": [{"name": "Consultoria 03/12/2026 x", "quantity": "1"}],
        },
        "movement": {"date": "2026-12-05"},
    }
    for today, due, loaded, moved in (
        (dt.date(2028, 2, 28), "14/03/2028", "29/02/2028 09:00:00", "2028-03-01"),
        (dt.date(2027, 12, 31), "15/01/2028", "01/01/2028 09:00:00", "2028-01-02"),
    ):
        out = rebase(body, written_for, today)
        assert out["invoice"]["date"] == today.strftime("%d/%m/%Y")
        assert out["invoice"]["due_date"] == due
        assert out["invoice"]["loaded_at"] == loaded
        assert out["movement"]["date"] == moved
        assert out["invoice"]["items"][0]["name"] == "Consultoria 03/12/2026 x"  # not a date
    assert body["invoice"]["date"] == "03/12/2026"  # the input is left as it was


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-45", "3/12/2026", "hello", ""])
def test_what_is_no_valid_date_is_left_alone(text: str) -> None:
    assert shift_date_text(text, 400) == text


def test_spec_examples_sent_today_carry_no_day_of_their_writing() -> None:
    spec = load_spec()
    today = spec.examples_date + dt.timedelta(days=1000)
    body = spec.request_example(spec.operations["createShipping"], today)["shipping"]
    assert body["date"] == today.strftime("%d/%m/%Y")
    assert body["loaded_at"].startswith((today + dt.timedelta(days=1)).strftime("%d/%m/%Y"))


def test_server_clock_follows_the_date_header_in_either_client_shape() -> None:
    clock = ServerClock()
    clock.observe({"Date": ["Sun, 31 Dec 2062 23:58:00 GMT"]})  # schemathesis: lists
    assert clock.today() == dt.date(2062, 12, 31)
    clock.observe({"date": "Mon, 01 Jan 2063 00:01:00 GMT"})  # httpx
    assert clock.today() == dt.date(2063, 1, 1)
