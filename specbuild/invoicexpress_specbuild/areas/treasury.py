"""Treasury: a client's current account (balance, initial balance), regularizations and
treasury movements. The only area whose dates are ISO, under `/api/v3/`."""

from __future__ import annotations

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.errors import error, errors_list
from invoicexpress_specbuild.example_dates import iso
from invoicexpress_specbuild.messages import say
from invoicexpress_specbuild.nodes import (
    Node,
    array,
    empty,
    enum,
    links,
    nullable_string,
    obj,
    ok,
    param,
    ref,
    string,
    wrap,
)
from invoicexpress_specbuild.operation import operation
from invoicexpress_specbuild.parameters import page_example, page_of, paging

# bundle createClientTreasuryMovement
TREASURY_PAYMENT_METHODS = (
    "CC",
    "CD",
    "CH",
    "CI",
    "CO",
    "CS",
    "DE",
    "LC",
    "MB",
    "NU",
    "OU",
    "PR",
    "TB",
    "TR",
)
MOVEMENT_TYPES = ("Reimbursement", "Payment")
MESSAGE_DATE_BLANK = say("blank", what="Date")
MESSAGE_VALUE_NAN = say("not_a_number", what="Value")
MESSAGE_OVER_BALANCE = say("value_over_balance")
MESSAGE_MOVEMENT_INVALID = say("validation_failed", detail=MESSAGE_VALUE_NAN)
_NUMBER = {"type": "number"}
_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
_CLIENT = "/api/v3/clients/{client-id}"


def _balance_schemas() -> dict[str, Node]:
    with_and_without = obj({"with_vat": _NUMBER, "without_vat": _NUMBER})
    return {
        "ClientBalance": obj(
            {
                "currency": obj({"symbol": string(), "code": string()}),
                "initial_balance": obj(
                    {
                        "value": _NUMBER,
                        "created_at": ref("IsoDate"),
                        "observation": nullable_string(),
                    }
                ),
                "balance": with_and_without,
                "overdue_balance": with_and_without,
                "remaining_balance": obj({"total": _NUMBER, "value": _NUMBER}),
            },
            ["currency", "initial_balance", "balance", "overdue_balance", "remaining_balance"],
            description="A client's current account. No root key.",
        ),
        "InitialBalance": obj(
            {"value": _NUMBER, "date": ref("IsoDate"), "observation": nullable_string()},
            ["value", "date"],
        ),
        "InitialBalanceRequest": wrap(
            "initial_balance",
            obj(
                {"value": _NUMBER, "date": ref("IsoDate"), "observation": string()},
                ["value", "date"],
                closed=True,
            ),
        ),
    }


def schemas() -> dict[str, Node]:
    return _balance_schemas() | {
        "Regularization": obj(
            {
                "id": ref("IdLike"),
                "number": string(pattern="^NR[0-9]{8}$"),
                "value": _NUMBER,
                "date": ref("IsoDate"),
                "observation": nullable_string(),
            },
            ["id", "number", "value", "date"],
        ),
        "RegularizationRequest": wrap(
            "regularization",
            obj(
                {"value": _POSITIVE, "date": ref("IsoDate"), "observation": string()},
                ["value", "date"],
                closed=True,
            ),
        ),
        "TreasuryMovement": obj(
            {
                "id": ref("IdLike"),
                "value": _NUMBER,
                "movement_type": enum(MOVEMENT_TYPES),
                "payment_method": nullable_string(),
                "date": ref("IsoDate"),
                "serie": nullable_string(),
                "observation": nullable_string(),
            },
            ["id", "value", "movement_type", "date"],
        ),
        "TreasuryMovementRequest": wrap(
            "treasury_movement",
            obj(
                {
                    "value": _POSITIVE,
                    "movement_type": enum(MOVEMENT_TYPES),
                    "date": ref("IsoDate"),
                    "payment_method": enum(TREASURY_PAYMENT_METHODS),
                    "serie": string(),
                    "observation": string(),
                },
                ["value", "movement_type", "date"],
                closed=True,
            ),
        ),
    }


def _client_404() -> Node:
    return error("No client with that id.", "ErrorsList", errors_list("Client not found"))


REGULARIZATION: Node = {
    "id": 1,
    "number": "NR00000001",
    "value": 10.0,
    "date": iso(),
    "observation": "Acerto",
}
INITIAL_BALANCE: Node = {"value": 100.0, "date": iso(-336), "observation": "Saldo inicial"}


def get_balance() -> Node:
    return operation(
        "getClientBalance",
        "Get a client's balance",
        "Treasury",
        "Current account of a client. The body has no root key; dates are ISO.",
        {
            "200": ok(
                "The balance.",
                ref("ClientBalance"),
                {
                    "currency": {"symbol": "€", "code": "EUR"},
                    "initial_balance": {
                        "value": 0.0,
                        "created_at": "1970-01-01",
                        "observation": "",
                    },
                    "balance": {"with_vat": 30.0, "without_vat": 24.39},
                    "overdue_balance": {"with_vat": 0.0, "without_vat": 0.0},
                    "remaining_balance": {"total": 30.0, "value": 30.0},
                },
            ),
            "404": _client_404(),
        },
        parameters=[param("ClientId")],
        extensions={"x-vendor-operation": "getClientBalance"},
    )


def set_initial_balance() -> Node:
    return operation(
        "updateClientInitialBalance",
        "Set a client's initial balance",
        "Treasury",
        "Sets the opening balance of a client's current account (ISO date).",
        {
            "200": ok(
                "The initial balance.",
                obj({"initial_balance": ref("InitialBalance")}, ["initial_balance"]),
                {"initial_balance": INITIAL_BALANCE},
            ),
            "404": _client_404(),
            "422": error(
                "The balance is invalid.",
                "ErrorsList",
                errors_list(MESSAGE_DATE_BLANK),
                (MESSAGE_DATE_BLANK, MESSAGE_VALUE_NAN),
            ),
        },
        parameters=[param("ClientId")],
        body=ref("InitialBalanceRequest"),
        body_example={"initial_balance": INITIAL_BALANCE},
        extensions={"x-vendor-operation": "updateClientInitialBalance"},
    )


def list_regularizations() -> Node:
    return operation(
        "listClientRegularizations",
        "List a client's regularizations",
        "Treasury",
        "Lists balance regularizations; note the singular `regularization` key.",
        {
            "200": ok(
                "One page of regularizations.",
                page_of("regularization", ref("Regularization")),
                page_example("regularization", REGULARIZATION),
            ),
            "404": _client_404(),
        },
        parameters=[param("ClientId"), *paging()],
        extensions={"x-vendor-operation": "getClientRegularizations"},
    )


def _deleting(op_id: str, pointer: str, id_name: str) -> Node:
    """The link from a creation to the delete of what it created."""
    return links({"client-id": "$request.path.client-id", id_name: pointer}, op_id)


def create_regularization() -> Node:
    return operation(
        "createClientRegularization",
        "Regularize a client's balance",
        "Treasury",
        "Records a regularization, at most the remaining balance.",
        {
            "201": {
                **ok(
                    "The regularization (in a one-element list).",
                    obj({"regularization": array(ref("Regularization"))}, ["regularization"]),
                    {"regularization": [REGULARIZATION]},
                ),
                "links": _deleting(
                    "deleteClientRegularization",
                    "$response.body#/regularization/0/id",
                    "regularization-id",
                ),
            },
            "404": _client_404(),
            "422": error(
                "The regularization is invalid.",
                "ErrorsList",
                errors_list(MESSAGE_OVER_BALANCE),
                (MESSAGE_OVER_BALANCE, MESSAGE_DATE_BLANK, MESSAGE_VALUE_NAN),
            ),
        },
        parameters=[param("ClientId")],
        body=ref("RegularizationRequest"),
        body_example={"regularization": {"value": 10.0, "date": iso(), "observation": "Acerto"}},
        extensions={"x-vendor-operation": "createClientRegularization"},
    )


def delete_regularization() -> Node:
    return operation(
        "deleteClientRegularization",
        "Delete a regularization",
        "Treasury",
        "Removes a regularization.",
        {"200": empty("Deleted."), "404": _client_404()},
        parameters=[param("ClientId"), param("RegularizationId")],
        extensions={"x-vendor-operation": "deleteClientRegularization"},
    )


def create_movement() -> Node:
    movement = {"value": 30.0, "movement_type": "Payment", "payment_method": "TB"}
    return operation(
        "createClientTreasuryMovement",
        "Record a treasury movement",
        "Treasury",
        "Records a payment received from, or a reimbursement made to, a client.",
        {
            "201": {
                **ok(
                    "The movement.",
                    obj({"treasury_movement": ref("TreasuryMovement")}, ["treasury_movement"]),
                    {
                        "treasury_movement": {
                            "id": 1,
                            **movement,
                            "date": iso(2),
                            "serie": "A",
                            "observation": "",
                        }
                    },
                ),
                "links": _deleting(
                    "deleteClientTreasuryMovement",
                    "$response.body#/treasury_movement/id",
                    "movement-id",
                ),
            },
            "404": _client_404(),
            "422": error(
                "The movement is invalid.",
                "ErrorsList",
                errors_list(MESSAGE_MOVEMENT_INVALID),
                (MESSAGE_MOVEMENT_INVALID,),
            ),
        },
        parameters=[param("ClientId")],
        body=ref("TreasuryMovementRequest"),
        body_example={"treasury_movement": {**movement, "date": iso(2)}},
        extensions={"x-vendor-operation": "createClientTreasuryMovement"},
    )


def delete_movement() -> Node:
    return operation(
        "deleteClientTreasuryMovement",
        "Delete a treasury movement",
        "Treasury",
        "Removes a movement; the only operation of the API that answers 204.",
        {"204": empty("Deleted."), "404": _client_404()},
        parameters=[param("ClientId"), param("MovementId")],
        extensions={
            "x-vendor-operation": "deleteClientTreasuryMovement",
            "x-live-quirk": "The live API answers 500 'undefined method "
            "invoice for nil' although the delete is applied (surface §8).",
        },
    )


def paths() -> dict[str, Node]:
    return {
        f"{_CLIENT}/balance.json": {"get": get_balance()},
        f"{_CLIENT}/initial_balance.json": {"put": set_initial_balance()},
        f"{_CLIENT}/regularization.json": {
            "get": list_regularizations(),
            "post": create_regularization(),
        },
        f"{_CLIENT}/regularization/{{regularization-id}}.json": {"delete": delete_regularization()},
        f"{_CLIENT}/treasury_movements.json": {"post": create_movement()},
        f"{_CLIENT}/treasury_movements/{{movement-id}}.json": {"delete": delete_movement()},
    }


AREA = Area("treasury", schemas, paths)
