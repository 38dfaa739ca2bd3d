"""Clients: create, read, update, find by name or code, and list a client's documents."""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.doctypes import BY_SEGMENT, LIST_STATUS_FILTER, LIST_TYPE_FILTER
from invoicexpress_specbuild.document_model import document_example
from invoicexpress_specbuild.errors import error, not_found
from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import (
    Node,
    array,
    empty,
    enum,
    links,
    nullable,
    nullable_string,
    obj,
    ok,
    or_unset,
    param,
    query,
    ref,
    string,
)
from invoicexpress_specbuild.operation import operation
from invoicexpress_specbuild.parameters import page_example, page_of, paging

MESSAGES_CLIENTS = (  # api-docs 002
    say("taken", what="Name"),
    say("client_contact_invalid"),
    say("not_a_number", what="Send options"),
    say("send_options_out_of_range"),
    say("contact_email_invalid"),
    say("country_not_found", value="Germani"),
)
CLIENT: Node = {
    "id": "1",
    "name": "Cliente Exemplo",
    "code": "C001",
    "email": "cliente@example.com",
    "language": "pt",
    "address": "Rua Augusta 1",
    "city": "Lisboa",
    "postal_code": "1100-048",
    "country": "Portugal",
    "fiscal_id": "999999990",
    "website": "",
    "phone": "",
    "fax": "",
    "preferred_contact": {"name": "", "email": "", "phone": ""},
    "observations": "",
    "send_options": "1",
    "open_account_link": "http://127.0.0.1:8765/clients/1-public",
    "payment_days": "0",
    "tax_exemption_code": "M00",
}
# A client reads back its text fields as strings or null; `preferred_contact` sits between.
_CONTACT_DETAILS = (
    *("code", "email", "language", "address", "city", "postal_code", "country", "fiscal_id"),
    *("website", "phone", "fax"),
)
_TEXT_DETAILS = ("observations", "open_account_link", "tax_exemption_code")
# Numbers the vendor's examples write as strings and recorded live responses as integers.
_NUMBER_DETAILS = ("send_options", "payment_days")
# `mobile`: in recorded live responses and sent by production clients, undocumented.
PREFERRED_CONTACT = ("name", "email", "phone", "mobile")
# What a client GET returns but a request cannot set: echoed back by production clients that
# send a read object as the update, accepted and ignored (CHANGELOG, issue 17).
CLIENT_READ_ONLY = ("id", "open_account_link", "payment_days", "tax_exemption_code")


def contact_input() -> dict[str, Node]:
    """A client's address and contacts as requests send them (here and inside documents)."""
    return {
        "address": string(),
        "city": string(),
        "postal_code": string(),
        "country": or_unset(ref("Country")),
        "fiscal_id": string(),
        "website": string(),
        "phone": string(),
        "fax": string(),
    }


def preferred_contact_input() -> Node:
    """The contact a request sets (on a client, and on a document's client)."""
    return obj(
        {
            "name": string(),
            "email": or_unset(string(format="email")),
            "phone": string(),
            "mobile": string(),
        },
        closed=True,
    )


def schemas() -> dict[str, Node]:
    return {
        "Client": obj(
            {
                "id": ref("IdLike"),
                "name": string(),
                **{field: nullable_string() for field in _CONTACT_DETAILS},
                "preferred_contact": obj({field: nullable_string() for field in PREFERRED_CONTACT}),
                **{field: nullable_string() for field in _TEXT_DETAILS},
                **{field: nullable(ref("IntLike")) for field in _NUMBER_DETAILS},
            },
            ["id", "name"],
            description="A client as the client endpoints return it.",
        ),
        "ClientResponse": obj({"client": ref("Client")}, ["client"]),
        "ClientFields": obj(
            {
                "name": string(minLength=1),
                "code": string(minLength=1),
                "email": string(format="email"),
                "language": ref("Language"),
                **contact_input(),
                "preferred_contact": preferred_contact_input(),
                "observations": string(),
                "send_options": {
                    "anyOf": [
                        enum(("1", "2", "3")),
                        {"type": "integer", "minimum": 1, "maximum": 3},
                    ],
                    "description": "Number of copies sent (1 to 3), as a string or a number.",
                },
            },
            ["name", "code"],
            closed=True,
            ignored=CLIENT_READ_ONLY,
        ),
        "ClientRequest": obj({"client": ref("ClientFields")}, ["client"], closed=True),
        "ClientInvoicesFilter": obj(
            {
                "filter": obj(
                    {
                        "status": array(enum(LIST_STATUS_FILTER["invoices"])),
                        "by_type": array(enum(LIST_TYPE_FILTER["invoices"])),
                        "archived": array(enum(("non_archived", "archived"))),
                    },
                    closed=True,
                )
            },
            closed=True,
        ),
    }


_REQUEST_EXAMPLE = {
    "client": {
        "name": "Cliente Exemplo",
        "code": "C001",
        "email": "cliente@example.com",
        "language": "pt",
        "country": "Portugal",
        "fiscal_id": "999999990",
        "send_options": "1",
    }
}


def _client_422() -> Node:
    return error(
        "The client is invalid.",
        "ErrorsStrings",
        {"errors": [MESSAGES_CLIENTS[0]]},
        MESSAGES_CLIENTS,
    )


def list_clients() -> Node:
    return operation(
        "listClients",
        "List clients",
        "Clients",
        "Lists the account's clients.",
        {
            "200": ok(
                "One page of clients.",
                page_of("clients", ref("Client")),
                page_example("clients", CLIENT),
            )
        },
        parameters=paging(),
        extensions={"x-vendor-operation": "listClients"},
    )


def create_client() -> Node:
    created_links = links(
        {"client-id": "$response.body#/client/id"},
        "getClient",
        "updateClient",
        "listClientInvoices",
        "getClientBalance",
        "createClientRegularization",
        "createClientTreasuryMovement",
    )
    return operation(
        "createClient",
        "Create a client",
        "Clients",
        "Creates a client.",
        {
            "201": {
                **ok("The new client.", ref("ClientResponse"), {"client": CLIENT}),
                "links": created_links,
            },
            "422": _client_422(),
        },
        body=ref("ClientRequest"),
        body_example=_REQUEST_EXAMPLE,
        extensions={"x-vendor-operation": "createClient"},
    )


def get_client() -> Node:
    return operation(
        "getClient",
        "Get a client",
        "Clients",
        "Reads a client; the only place that exposes its fiscal id.",
        {
            "200": ok("The client.", ref("ClientResponse"), {"client": CLIENT}),
            "404": not_found("client"),
        },
        parameters=[param("ClientId")],
        extensions={"x-vendor-operation": "getClient"},
    )


def update_client() -> Node:
    return operation(
        "updateClient",
        "Update a client",
        "Clients",
        "Changes a client.",
        {
            "200": empty("The client was updated."),
            "404": not_found("client"),
            "422": _client_422(),
        },
        parameters=[param("ClientId")],
        body=ref("ClientRequest"),
        body_example=_REQUEST_EXAMPLE,
        extensions={"x-vendor-operation": "updateClient"},
    )


def find_client(by: str, description: str) -> Node:
    """`GET /clients/find-by-<by>.json?client_<by>=...`: one exact match or 404."""
    return operation(
        f"findClientBy{by.capitalize()}",
        f"Find a client by {by}",
        "Clients",
        description,
        {
            "200": ok("The client.", ref("ClientResponse"), {"client": CLIENT}),
            "404": not_found(f"client with that {by}"),
        },
        parameters=[
            query(
                f"client_{by}",
                {"type": "string", "minLength": 1},
                f"The client's exact {by}.",
                required=True,
            )
        ],
        extensions={"x-vendor-operation": f"findClientBy{by.capitalize()}"},
    )


def list_client_invoices() -> Node:
    invoice = document_example(BY_SEGMENT["invoices"], status="final")
    return operation(
        "listClientInvoices",
        "List a client's documents",
        "Clients",
        "Lists the invoice-family documents of a client. A POST whose optional body "
        "carries the filters; pagination in the query.",
        {
            "200": ok(
                "One page of documents.",
                page_of("invoices", ref("InvoiceFamilyDocument")),
                page_example("invoices", invoice),
            ),
            "404": not_found("client"),
        },
        parameters=[param("ClientId"), *paging()],
        body=ref("ClientInvoicesFilter"),
        body_required=False,
        body_example={
            "filter": {"status": ["sent"], "by_type": ["Invoice"], "archived": ["non_archived"]}
        },
        extensions={"x-vendor-operation": "listClientInvoices"},
    )


def paths() -> dict[str, Node]:
    return {
        "/clients.json": {"get": list_clients(), "post": create_client()},
        "/clients/{client-id}.json": {"get": get_client(), "put": update_client()},
        "/clients/find-by-name.json": {
            "get": find_client("name", "Exact match only; partial names are not searched.")
        },
        "/clients/find-by-code.json": {"get": find_client("code", "Exact match on the code.")},
        "/clients/{client-id}/invoices.json": {"post": list_client_invoices()},
    }


AREA = Area("clients", schemas, paths)
