"""Accounts (the demo seed, creation, fields) and the SAF-T export's period check."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .._errors import invalid
from .._store import Tx
from ._base import EMAIL_RE, Ctx, Json, as_flag, as_text, documents, parse_date, stable_token
from .sequences import create_sequence_record

POSTAL_RE = re.compile(r"^\d{4}-\d{3}$")


DEMO_ACCOUNT = "demo"


DEMO_EMAIL = "demo@sandbox.invalid"


DEMO_PASSWORD = "sandbox"  # noqa: S105 - a documented fake for the demo user


def seed(tx: Tx, now: datetime, language: str = "en") -> Json:
    """The demo account with its taxes and a registered default sequence; `language` is the
    one its 422 messages are worded in (`--language`; `--live-like`: pt)."""
    return new_account(
        tx,
        now,
        name=DEMO_ACCOUNT,
        organization_name="Demo Sandbox, Lda",
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        fiscal_id="508000000",
        api_key="demo-" + stable_token("demo-api-key", 24).lower(),
        extra={"language": language},
    )


def new_account(
    tx: Tx,
    now: datetime,
    *,
    name: str,
    organization_name: str,
    email: str,
    password: str,
    fiscal_id: str = "",
    api_key: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    account_id = tx.next_id("account")
    account: Json = {
        "id": str(account_id),
        "name": name,
        "url": f"https://{name}.app.invoicexpress.com",
        "api_key": api_key or secrets.token_hex(20),
        "state": "active",
        "organization_name": organization_name,
        "email": email,
        "fiscal_id": fiscal_id,
        "at_configured": True,
        "trial": False,
        "first_name": "",
        "last_name": "",
        "phone": "",
        "address": "Avenida da Liberdade 1",
        "city": "Lisboa",
        "postal_code": "1250-096",
        "website": "",
        "fax": "",
        "language": "en",  # the wording of its messages (the API's `language`, pt or en)
        "_password": password,
        "_payment_provider": False,
    }
    if extra:
        account.update(extra)
    tx.put("account", account_id, name, account)
    for tax_name, value, default in (
        ("IVA23", "23.0", 1),
        ("IVA13", "13.0", 0),
        ("IVA6", "6.0", 0),
        ("IVA0", "0.0", 0),
    ):
        tax_id = tx.next_id("tax")
        code = "NOR" if value == "23.0" else ("ISE" if value == "0.0" else "RED")
        tx.put(
            "tax",
            tax_id,
            name,
            {
                "id": tax_id,
                "name": tax_name,
                "value": float(value),
                "region": "PT",
                "code": code,
                "default_tax": default,
            },
        )
    create_sequence_record(tx, name, str(now.year), default=True, registered=True)
    return account


def accounts(tx: Tx) -> list[Json]:
    rows = []
    for account_id in range(1, 10_000):
        rec = tx.get("account", account_id)
        if rec is None:
            break
        rows.append(rec)
    return rows


def validate_account_fields(ctx_tx: Tx, fields: Mapping[str, Any], *, current: Json | None) -> None:
    email = fields.get("email")
    if email is not None and not EMAIL_RE.match(as_text(email)):
        raise invalid("email_invalid", field="email")
    postal = fields.get("postal_code")
    if postal not in (None, "") and not POSTAL_RE.match(as_text(postal)):
        raise invalid("postal_code_format", field="postal_code")
    fiscal = fields.get("fiscal_id")
    if "terms" in fields and not as_flag(fields.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    if (
        current is not None
        and current["fiscal_id"]
        and fiscal not in (None, "")
        and as_text(fiscal) != current["fiscal_id"]
    ):
        raise invalid("vat_number_locked", field="fiscal_id")
    if fiscal not in (None, ""):
        for other in accounts(ctx_tx):
            if other["fiscal_id"] == as_text(fiscal) and (
                current is None or other["id"] != current["id"]
            ):
                raise invalid("vat_number_taken", field="fiscal_id")


ACCOUNT_FIELDS = (
    "organization_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "fiscal_id",
    "address",
    "city",
    "postal_code",
    "website",
    "fax",
    "language",
)


def render_account(account: Json) -> Json:
    """An account as account creation answers it: exactly the documented fields."""
    return {k: account[k] for k in ("id", "name", "url", "api_key", "state")}


def saft_period_has_documents(ctx: Ctx, month: int, year: int) -> bool:
    for doc in documents(ctx):
        when = parse_date(doc["date"])
        if doc["status"] != "draft" and when and when.month == month and when.year == year:
            return True
    return False
