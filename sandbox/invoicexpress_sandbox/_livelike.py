"""`ixc sandbox --live-like`: a rehearsal target that behaves like a real account.

100 requests a minute, the known live quirks on and the forms recorded live (`_liveforms`), a
Portuguese account, no admin routes, and an account that already holds clients and documents
nobody running the suites made (drafts, finals, a settled invoice, a quote). The suites are told
only the URL and the key, as with a real account.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from typing import Any

from invoicexpress_core.calendar import dmy

from ._app import Sandbox
from ._faults import QUIRKS
from ._liveforms import SWITCH

RATE_LIMIT = 100
# The quirks live shows (or may show: `uid_replay`), not the switches back to documented
# behaviour where live evidence disagrees (`exemption_required`, `bad_date_today`,
# `quote_dates_required`: the default already follows the evidence there).
LIVE_QUIRKS = (
    "guide_update_500",
    SWITCH,
    "tax_numeric_value_500",
    "treasury_delete_500",
    "uid_replay",
)
assert set(LIVE_QUIRKS) <= set(QUIRKS)
FOREIGN_MARK = "pre-existing"
SEED_AGE_DAYS = 30


def seed_foreign(sandbox: Sandbox) -> dict[str, int]:
    """Clients and documents the run did not create, made through the public API (so they obey
    the same rules); the rate limit and any fault are off while seeding (the data was there
    before the server went wrong). Returns what was made, by kind."""
    key = str(sandbox.demo()["api_key"])
    limit, sandbox.rate_limit = sandbox.rate_limit, None
    switches = (*sandbox.switches.faults, *sandbox.switches.quirks)
    sandbox.switches.set(sandbox.switches.quirks)
    made = {"clients": 0, "documents": 0}
    with warnings.catch_warnings():  # starlette prefers httpx2 for its in-process client
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    try:
        with TestClient(sandbox.app, base_url="http://127.0.0.1") as http:

            def post(path: str, body: Any, method: str = "POST") -> Any:
                response = http.request(method, path, params={"api_key": key}, json=body)
                assert response.status_code in (200, 201), response.text
                return next(iter(response.json().values()))

            for n in range(3):
                post(
                    "/clients.json",
                    {"client": {"name": f"Cliente {FOREIGN_MARK} {n}", "code": f"PRE{n}"}},
                )
                made["clients"] += 1
            today = sandbox.clock.now().date()  # one day for the whole seed, even at midnight
            for n, (path, final) in enumerate(
                [("/invoices.json", False), ("/invoices.json", True), ("/invoices.json", True),
                 ("/quotes.json", False), ("/simplified_invoices.json", True)]
            ):  # fmt: skip
                root = "invoice" if "invoices" in path and "simplified" not in path else (
                    "quote" if "quotes" in path else "simplified_invoice"
                )  # fmt: skip
                doc = post(path, {root: _document(n, today)})
                made["documents"] += 1
                if final:
                    post(
                        f"{path.removesuffix('.json')}/{doc['id']}/change-state.json",
                        {root: {"state": "finalized"}},
                        method="PUT",
                    )
            # the first final invoice is paid in full (a settled invoice and its receipt)
            invoices = http.get("/invoices.json", params={"api_key": key, "status[]": "sent"})
            first = invoices.json()["invoices"][0]
            post(
                f"/documents/{first['id']}/partial_payments.json",
                {"partial_payment": {"amount": first["total"], "payment_date": first["date"],
                                     "payment_mechanism": "TB"}},
            )  # fmt: skip
    finally:
        sandbox.rate_limit = limit
        sandbox.switches.set(switches)
    return made


def _document(n: int, today: date) -> dict[str, Any]:
    """A document of the account from a month before the server's today (its clock's, so the
    seed is as old on any day and under any moved clock)."""
    made = today - timedelta(days=SEED_AGE_DAYS)
    return {
        "date": dmy(made),
        "due_date": dmy(made + timedelta(days=SEED_AGE_DAYS - 1)),
        "reference": f"{FOREIGN_MARK}-{n}",
        "observations": f"{FOREIGN_MARK} document {n}",
        "client": {"name": f"Cliente {FOREIGN_MARK} {n % 3}", "code": f"PRE{n % 3}"},
        "items": [
            {
                "name": f"Servico {FOREIGN_MARK} {n}",
                "description": "made before the rehearsal",
                "unit_price": str(10 + n),
                "quantity": "2",
                "tax": {"name": "IVA23"},
            }
        ],
    }
