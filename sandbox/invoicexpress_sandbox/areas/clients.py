"""Clients: fields, validation, and the upsert a document's client goes through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._catalog import (
    COUNTRIES,
)
from .._errors import invalid, not_found
from .._money import to_decimal
from ._base import EMAIL_RE, Ctx, Json, as_text, is_object, stable_token

CLIENT_FIELDS = (
    "name",
    "code",
    "email",
    "language",
    "address",
    "city",
    "postal_code",
    "country",
    "fiscal_id",
    "website",
    "phone",
    "fax",
    "observations",
    "send_options",
    "preferred_contact",
)
PREFERRED_CONTACT = ("name", "email", "phone", "mobile")  # mobile: recorded live, undocumented


def clients(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("client", ctx.name)


def get_client(ctx: Ctx, client_id: int) -> Json:
    client = ctx.tx.get("client", client_id, ctx.name)
    if client is None:
        raise not_found("Client")
    return client


def client_by(ctx: Ctx, key: str, value: str) -> Json | None:
    return ctx.tx.find("client", ctx.name, lambda client: client.get(key) == value)


def _client_seen(ctx: Ctx, key: str, value: str) -> Mapping[str, Any] | None:
    """`client_by`'s client, shared with the store: to read, never to change."""
    return ctx.tx.peek("client", ctx.name, lambda client: client.get(key) == value)


def validate_client(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> None:
    if not is_object(fields):
        raise invalid("client_invalid", field="client")
    name = as_text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = client_by(ctx, "name", name)
    if other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    code = as_text(fields.get("code")).strip()
    holder = client_by(ctx, "code", code) if code else None
    if holder is not None and (current is None or holder["id"] != current["id"]):
        raise invalid("taken", what="Code", field="code")  # "the client's unique code"
    email = fields.get("email")
    if email not in (None, "") and not EMAIL_RE.match(as_text(email)):
        raise invalid("email_not_an_email_address", field="email")
    country = fields.get("country")
    if country not in (None, "") and as_text(country) not in COUNTRIES:
        raise invalid("country_not_found", value=as_text(country), field="country")
    send = fields.get("send_options")
    if send not in (None, ""):
        number = to_decimal(send)
        if number is None:
            raise invalid("not_a_number", what="Send options", field="send_options")
        if number not in (1, 2, 3):
            raise invalid("send_options_out_of_range", field="send_options")
    contact = fields.get("preferred_contact")
    if contact not in (None, ""):
        if not is_object(contact):
            raise invalid("client_contact_invalid", field="preferred_contact")
        contact_email = contact.get("email")
        if contact_email not in (None, "") and not EMAIL_RE.match(as_text(contact_email)):
            raise invalid("contact_email_invalid", field="preferred_contact")


def save_client(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> Json:
    validate_client(ctx, fields, current)
    client_id = int(current["id"]) if current else ctx.tx.next_id("client")
    record: Json = (
        dict(current)
        if current
        else {
            "id": str(client_id),
            "name": "",
            "code": "",
            "email": "",
            "language": "pt",
            "address": "",
            "city": "",
            "postal_code": "",
            "country": "Portugal",
            "fiscal_id": "",
            "website": "",
            "phone": "",
            "fax": "",
            "preferred_contact": dict.fromkeys(PREFERRED_CONTACT, ""),
            "observations": "",
            "send_options": "1",
            "payment_days": "0",
            "tax_exemption_code": "",
            "open_account_link": "",
        }
    )
    for key in CLIENT_FIELDS:
        if key in fields and fields[key] is not None:
            value = fields[key]
            if key == "preferred_contact" and is_object(value):
                record[key] = {k: as_text(value.get(k)) for k in PREFERRED_CONTACT}
            elif key != "preferred_contact":
                record[key] = as_text(value).strip() if key == "name" else as_text(value)
    if not record["code"]:
        record["code"] = str(client_id)
    record["open_account_link"] = (
        f"{ctx.base_url}/clients/{client_id}/{stable_token(ctx.name + str(client_id), 16).lower()}"
    )
    ctx.tx.put("client", client_id, ctx.name, record)
    return record


def upsert_client(ctx: Ctx, fields: object) -> Mapping[str, Any]:
    """Document client, found by its unique `code` as api-docs 001 says ("If the client doesn't
    exist, a new one is created. If it exists, the remaining client fields will be ignored.").
    A code no client has but a name one has picks that client too (a name is unique as well,
    and creating would only answer `Name has already been taken`). A client found is the
    store's own row: to read, never to change."""
    if not is_object(fields) or not as_text(fields.get("name")).strip():
        raise invalid("client_invalid", field="client")
    code = as_text(fields.get("code")).strip()
    existing = _client_seen(ctx, "code", code) if code else None
    if existing is None:
        existing = _client_seen(ctx, "name", as_text(fields["name"]).strip())
    if existing is not None:
        return existing
    return save_client(ctx, fields)
