"""Handlers of the account operations, AT communication and the SAF-T export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import ApiError, invalid, say
from .._money import to_decimal
from ..areas._base import Ctx, Json, as_flag, as_text
from ..areas.accounts_saft import (
    ACCOUNT_FIELDS,
    accounts,
    new_account,
    render_account,
    saft_period_has_documents,
    validate_account_fields,
)
from ._base import Reply, Req, handles


@handles("exportSaft", writes=True)
def _saft(ctx: Ctx, req: Req) -> Reply:
    if ctx.account.get("trial"):
        raise invalid("saft_trial")
    month_raw = req.q("month")
    if month_raw in (None, ""):
        raise invalid("saft_month_missing")
    year_raw = req.q("year") or req.q("years") or str(ctx.today.year)
    month = to_decimal(month_raw)
    year = to_decimal(year_raw)
    if month is None or year is None or not 1 <= month <= 12 or month % 1 or year % 1:
        raise invalid("saft_month_missing")
    if not all(ctx.account.get(k) for k in ("address", "postal_code", "city", "fiscal_id")):
        raise invalid("saft_company_incomplete")
    if not saft_period_has_documents(ctx, int(month), int(year)):
        raise invalid("saft_no_documents")
    key = f"saft:{ctx.name}:{int(year)}-{int(month):02d}"
    if ctx.tx.meta(key) is None:
        ctx.tx.set_meta(key, "started")
        return 202, {
            "message": "The SAF-T file generation was started. Please keep requesting "
            "until you get back the url."
        }
    return 200, {"url": f"{ctx.base_url}/_files/saft-{int(year)}-{int(month):02d}.xml"}


def _account_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("account")
    if not isinstance(root, Mapping):
        raise invalid("email_invalid", field="email")
    return root


@handles("createAccount", writes=True)
def _create_account(ctx: Ctx, req: Req) -> Reply:
    root = _account_root(req)
    if not as_flag(root.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    validate_account_fields(ctx.tx, root, current=None)
    account = _new_account(ctx, root)
    return 201, {"account": render_account(account)}


def _new_account(ctx: Ctx, root: Mapping[str, Any]) -> Json:
    org = as_text(root.get("organization_name")).strip() or "Sandbox account"
    base = "".join(ch for ch in org.lower() if ch.isalnum())[:20] or "account"
    name = base
    existing = {a["name"] for a in accounts(ctx.tx)}
    suffix = 1
    while name in existing:
        suffix += 1
        name = f"{base}{suffix}"
    extra = {
        k: as_text(root.get(k))
        for k in ACCOUNT_FIELDS
        if root.get(k) is not None and k not in ("organization_name", "email", "fiscal_id")
    }
    return new_account(
        ctx.tx,
        ctx.now,
        name=name,
        organization_name=org,
        email=as_text(root.get("email")),
        password=as_text(root.get("password")),
        fiscal_id=as_text(root.get("fiscal_id")),
        extra=extra,
    )


@handles("createAccountForExistingUser", writes=True)
def _create_account_existing(ctx: Ctx, req: Req) -> Reply:
    root = _account_root(req)
    email = as_text(root.get("email"))
    password = as_text(root.get("password"))
    if not as_flag(root.get("terms")):
        raise invalid("terms_not_accepted", field="terms")
    validate_account_fields(ctx.tx, root, current=None)
    if not any(a["email"] == email and a["_password"] == password for a in accounts(ctx.tx)):
        raise ApiError(401, say("invalid_api_key"))
    account = _new_account(ctx, root)
    return 200, {"account": render_account(account)}


def _own_account(ctx: Ctx, req: Req) -> Json:
    raw = req.params.get("account_id") or next(iter(req.params.values()), "")
    if raw != str(ctx.account["id"]):
        raise ApiError(404, "The account doesn't exist.")
    return ctx.account


@handles("getAccount", writes=False)
def _get_account(ctx: Ctx, req: Req) -> Reply:
    account = _own_account(ctx, req)
    return 200, {
        "account": {
            k: account[k]
            for k in ("organization_name", "fiscal_id", "email", "state", "at_configured", "trial")
        }
    }


@handles("updateAccount", writes=True)
def _update_account(ctx: Ctx, req: Req) -> Reply:
    account = _own_account(ctx, req)
    root = _account_root(req)
    validate_account_fields(ctx.tx, root, current=account)
    for key in ACCOUNT_FIELDS:
        if root.get(key) is not None:
            account[key] = as_text(root[key])
    if isinstance(root.get("credentials"), Mapping):
        account["at_configured"] = True
    ctx.tx.put("account", int(account["id"]), ctx.name, account)
    return 200, None


@handles("configureAtCommunication", writes=True)
def _configure_at(ctx: Ctx, req: Req) -> Reply:
    root = req.json.get("at_communication")
    if not isinstance(root, Mapping):
        raise invalid("at_subuser_size", field="at_subuser")
    subuser = as_text(root.get("at_subuser"))
    if not (3 <= len(subuser) <= 20) or "/" not in subuser:
        raise invalid("at_subuser_size", field="at_subuser")
    if not as_text(root.get("at_password")):
        raise invalid("at_field_blank", what="at_password", field="at_password")
    ctx.account["at_configured"] = True
    ctx.tx.put("account", int(ctx.account["id"]), ctx.name, ctx.account)
    return 200, {"success": "true"}
