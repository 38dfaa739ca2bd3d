"""Accounts and SAF-T: creating and changing accounts (partners), the Tax Authority link, and
the monthly SAF-T (PT) export."""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.errors import error, errors_object, not_found
from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import (
    Node,
    empty,
    enum,
    links,
    nullable_string,
    obj,
    ok,
    param,
    query,
    ref,
    string,
    wrap,
)
from invoicexpress_specbuild.operation import operation

AT_COMMUNICATION_TYPES = ("auto", "manual", "guides", "portal_at")
MESSAGE_TERMS = say("terms_not_accepted")
MESSAGES_ACCOUNTS = (  # api-docs 002
    say("postal_code_format"),
    say("email_invalid"),
    say("vat_number_locked"),
    say("vat_number_taken"),
    MESSAGE_TERMS,
)
ACCOUNT_CREATE_MESSAGES = tuple(
    m
    for m in MESSAGES_ACCOUNTS
    if not m.startswith(("Postal Code", "Vat Number can't"))  # no such field, nothing to change
)
MESSAGE_NO_ACCOUNT = "The account doesn't exist."
MESSAGE_AT_SUBUSER = say("at_subuser_size")
MESSAGE_NOTHING_TO_EXPORT = say("saft_no_documents")
MESSAGES_SAFT = (  # api-docs 002
    say("saft_trial"),
    MESSAGE_NOTHING_TO_EXPORT,
    say("saft_company_incomplete"),
    say("saft_month_missing"),
)


def _account_fields() -> dict[str, Node]:
    return {
        "organization_name": string(minLength=1),
        "email": string(format="email"),
        "password": string(minLength=1),
        "terms": ref("FlagString"),
        "first_name": string(),
        "last_name": string(),
        "phone": string(),
        "fiscal_id": string(),
        "tax_country": enum(("1", "2", "3")),
        "language": ref("Language"),
        "marketing": ref("FlagString"),
    }


def _account_update() -> Node:
    fields = _account_fields()
    for create_only in ("tax_country", "language", "marketing"):
        del fields[create_only]
    credentials = obj(
        {
            "username": string("`NIF/sub-user`, e.g. `999999990/1`."),
            "password": string("Base64-encoded.", contentEncoding="base64"),
            "type": enum(("AT",)),
            "context": enum(("Sequences",)),
        },
        closed=True,
    )
    return obj(
        fields
        | {
            "address": string(),
            "city": string(),
            "postal_code": string(pattern=r"^[0-9]{4}-[0-9]{3}$"),
            "website": string(),
            "fax": string(),
            "credentials": credentials,
        },
        closed=True,
    )


def schemas() -> dict[str, Node]:
    return {
        "AccountCreateRequest": wrap(
            "account",
            obj(
                _account_fields(),
                ["organization_name", "email", "password", "terms"],
                closed=True,
            ),
        ),
        "AccountUpdateRequest": wrap("account", _account_update()),
        "AccountCreated": obj(
            {
                "account": obj(
                    {
                        "id": string(),
                        "name": string(),
                        "url": string(),
                        "api_key": string(),
                        "state": string(),
                    },
                    ["id", "name", "api_key", "state"],
                )
            },
            ["account"],
        ),
        "Account": obj(
            {
                "organization_name": string(),
                "fiscal_id": nullable_string(),
                "email": string(),
                "state": string(),
                "at_configured": {"type": "boolean"},
                "trial": {"type": "boolean"},
            },
            ["organization_name", "email", "state"],
        ),
        "AtCommunicationRequest": wrap(
            "at_communication",
            obj(
                {
                    "at_subuser": string(pattern=r"^[0-9]{9}/[0-9]+$"),
                    "at_password": string("Base64-encoded.", contentEncoding="base64", minLength=1),
                    "communication_type": enum(AT_COMMUNICATION_TYPES),
                },
                ["at_subuser", "at_password", "communication_type"],
                closed=True,
            ),
        ),
        "SaftReady": {
            "type": "object",
            "description": "The file's link; the key is `url` (live) or `Url` (bundle).",
            "properties": {"url": string(format="uri"), "Url": string(format="uri")},
            "minProperties": 1,
        },
    }


# --- accounts -----------------------------------------------------------------------------------

_CREATED = {
    "account": {
        "id": "2",
        "name": "Nova Empresa",
        "url": "https://nova-empresa.app.invoicexpress.com",
        "api_key": "REDACTED-EXAMPLE-KEY",
        "state": "active",
    }
}
_CREATE_REQUEST = {
    "account": {
        "organization_name": "Nova Empresa",
        "email": "dono@example.com",
        "password": "s3gredo-exemplo",
        "terms": "1",
        "language": "pt",
    }
}


def create_account(op_id: str, summary: str, description: str, status: str, vendor: str) -> Node:
    """createAccount and its twin for an existing user differ only in words and status."""
    return operation(
        op_id,
        summary,
        "Accounts",
        description,
        {
            status: {
                **ok("The new account.", ref("AccountCreated"), _CREATED),
                "links": links(
                    {"account-id": "$response.body#/account/id"}, "getAccount", "updateAccount"
                ),
            },
            "422": error(
                "The account is invalid.",
                "ErrorsObject",
                errors_object(MESSAGE_TERMS),
                ACCOUNT_CREATE_MESSAGES,
            ),
        },
        body=ref("AccountCreateRequest"),
        body_example=_CREATE_REQUEST,
        extensions={"x-vendor-operation": vendor},
    )


def get_account() -> Node:
    account = {
        "organization_name": "Demo, Lda",
        "fiscal_id": "999999990",
        "email": "demo@example.com",
        "state": "active",
        "at_configured": False,
        "trial": True,
    }
    return operation(
        "getAccount",
        "Get an account",
        "Accounts",
        "Reads an account.",
        {
            "200": ok(
                "The account.",
                obj({"account": ref("Account")}, ["account"]),
                {"account": account},
            ),
            "404": not_found("account", message=MESSAGE_NO_ACCOUNT),
        },
        parameters=[param("AccountId")],
        extensions={"x-vendor-operation": "getAccount"},
    )


def update_account() -> Node:
    return operation(
        "updateAccount",
        "Update an account",
        "Accounts",
        "Changes an account. The fiscal id cannot change; AT passwords are base64.",
        {
            "200": empty("The account was updated."),
            "404": not_found("account", message=MESSAGE_NO_ACCOUNT),
            "422": error(
                "The account is invalid.",
                "BareArray",
                ["fiscal_id", "is invalid"],
                MESSAGES_ACCOUNTS,
            ),
        },
        parameters=[param("AccountId")],
        body=ref("AccountUpdateRequest"),
        body_example={
            "account": {
                "organization_name": "Demo, Lda",
                "city": "Lisboa",
                "postal_code": "1100-048",
            }
        },
        extensions={"x-vendor-operation": "updateAccount"},
    )


def configure_at_communication() -> Node:
    return operation(
        "configureAtCommunication",
        "Configure communication with the Tax Authority",
        "Accounts",
        "Stores the AT sub-user and how documents are communicated.",
        {
            "200": ok(
                "Stored.",
                obj({"success": enum(("true",))}, ["success"]),
                {"success": "true"},
            ),
            "422": error(
                "The credentials are invalid.",
                "ErrorsObject",
                errors_object(MESSAGE_AT_SUBUSER),
                (MESSAGE_AT_SUBUSER,),
            ),
        },
        body=ref("AtCommunicationRequest"),
        body_example={
            "at_communication": {
                "at_subuser": "999999990/1",
                "at_password": "c2VncmVkbw==",
                "communication_type": "auto",
            }
        },
        extensions={"x-vendor-operation": "atCommunication"},
    )


# --- SAF-T --------------------------------------------------------------------------------------


def export_saft() -> Node:
    year = {"type": "string", "pattern": "^[0-9]{4}$"}
    return operation(
        "exportSaft",
        "Export the SAF-T (PT) file",
        "SAF-T",
        "Starts the SAF-T export of a month; answers 202 until the file is ready, then "
        "its link. Older pages call the year parameter `years`: both are accepted.",
        {
            "200": ok(
                "The file is ready.",
                ref("SaftReady"),
                {"url": "http://127.0.0.1:8765/saft/2026-11.xml"},
            ),
            "202": ok(
                "Generation started or under way; ask again.",
                ref("MessageBody"),
                {
                    "message": "The SAF-T file generation was started. Please keep "
                    "requesting until you get back the url."
                },
            ),
            "422": error(
                "Nothing to export, or the account cannot export.",
                "MessageBody",
                {"message": MESSAGE_NOTHING_TO_EXPORT},
                MESSAGES_SAFT,
            ),
            "500": {
                **error(
                    "Generation failed on the server.",
                    "MessageBody",
                    {"message": "Error generating SAF-T. Please try again."},
                ),
                "x-server-fault": True,
            },
        },
        parameters=[
            query(
                "month",
                {"type": "string", "pattern": "^(0?[1-9]|1[0-2])$"},
                "Month to export, 1-12.",
                required=True,
            ),
            query("year", year, "Year to export (current bundle)."),
            query("years", year, "Year to export (legacy name, still accepted)."),
        ],
        extensions={"x-vendor-operation": "export_saft"},
    )


def paths() -> dict[str, Node]:
    return {
        "/api/accounts/create.json": {
            "post": create_account(
                "createAccount",
                "Create an account (partners)",
                "Creates an account and its user; answers the new account's API key.",
                "201",
                "createAccount",
            )
        },
        "/api/accounts/create_already_user.json": {
            "post": create_account(
                "createAccountForExistingUser",
                "Create an account for an existing user",
                "Like createAccount, for a user who exists already (credentials of that user). "
                "Answers 200, not 201.",
                "200",
                "createAccountExisting",
            )
        },
        "/api/accounts/{account-id}/get.json": {"get": get_account()},
        "/api/accounts/{account-id}/update.json": {"put": update_account()},
        "/api/v3/accounts/at_communication.json": {"post": configure_at_communication()},
        "/api/export_saft.json": {"get": export_saft()},
    }


AREA = Area("accounts_saft", schemas, paths)
