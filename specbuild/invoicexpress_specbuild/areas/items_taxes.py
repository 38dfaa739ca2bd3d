"""Items and taxes: the catalogue a document's lines draw on; both are plain CRUD resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from invoicexpress_specbuild.area import Area
from invoicexpress_specbuild.errors import error, errors_list, not_found
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
    param,
    ref,
    string,
    wrap,
)
from invoicexpress_specbuild.operation import operation
from invoicexpress_specbuild.parameters import PAGINATION, paging

TAX_CODES = ("NOR", "INT", "RED", "OUT", "ISE")
TAX_REGIONS = ("PT", "PT-AC", "PT-MA", "Desconhecido")
MESSAGE_NAME_TAKEN = say("taken", what="Name")
MESSAGES_ITEMS = (  # api-docs 002
    MESSAGE_NAME_TAKEN,
    say("blank", what="Unit price"),
    say("not_a_number", what="Unit price"),
    say("unit_not_accepted", value="kg"),
)
MESSAGE_ITEM_NAME_IN_USE = say("item_name_locked")
MESSAGES_TAXES = (  # api-docs 002
    MESSAGE_NAME_TAKEN,
    say("blank", what="Value"),
    say("tax_value_out_of_range"),
    say("tax_region_empty"),
    say("tax_region_invalid"),
)
ITEM: Node = {
    "id": 1,
    "name": "Consultoria",
    "description": "Uma hora de consultoria",
    "unit_price": "24.3902",
    "unit": "hour",
    "tax": {"name": "IVA23", "value": "23.0", "comment": "tax value:23.0%"},
}
TAX: Node = {
    "id": 1,
    "name": "IVA23",
    "value": "23.0",
    "region": "PT",
    "code": "NOR",
    "default_tax": 1,
}
_FLAG_INT = {"type": "integer", "enum": [0, 1]}


def schemas() -> dict[str, Node]:
    return _item_schemas() | _tax_schemas()


def _item_schemas() -> dict[str, Node]:
    return {
        "Item": obj(
            {
                "id": ref("IdLike"),
                "name": string(),
                "description": nullable_string(),
                "unit_price": ref("DecimalValue"),
                "unit": nullable_string(),
                "tax": obj(
                    {
                        "name": nullable_string(),
                        "value": nullable(ref("DecimalValue")),
                        "comment": nullable_string(),
                    }
                ),
            },
            ["id", "name", "unit_price"],
            description="A catalogue item; `unit_price` excludes tax.",
        ),
        "ItemRequest": wrap(
            "item",
            obj(
                {
                    "name": string(minLength=1),
                    "description": string(),
                    "unit_price": {
                        **ref("DecimalString"),
                        "description": "A string: the live API rejects a JSON number.",
                    },
                    "unit": ref("Unit"),
                    "tax": ref("ItemTaxInput"),
                },
                ["name", "description", "unit_price"],
                closed=True,
                ignored=("id",),
            ),
        ),
        "ItemTaxInput": obj(
            {
                "name": string(
                    "Tax name; an unknown name, or none (`{}`, as production clients send a "
                    "line without tax), applies the account's default tax."
                ),
                "value": {
                    **ref("DecimalValue"),
                    "description": "Accepted and ignored: the tax is found by name and its own "
                    "value applies (production clients send the pair).",
                },
            },
            [],
            closed=True,
            ignored=("id", "comment"),
        ),
    }


def _tax_schemas() -> dict[str, Node]:
    return {
        "Tax": obj(
            {
                "id": ref("IdLike"),
                "name": string(),
                "value": ref("DecimalValue"),
                "region": nullable_string(),
                "code": nullable_string(),
                "default_tax": _FLAG_INT,
            },
            ["id", "name", "value"],
        ),
        "TaxRequest": wrap(
            "tax",
            obj(
                {
                    "name": string(minLength=1),
                    "value": {
                        **ref("DecimalString"),
                        "description": "0 to 99.99, as a string (a JSON "
                        "number crashes the live API).",
                    },
                    "region": string(
                        f"{', '.join(TAX_REGIONS)} or an ISO country code; the live API "
                        "requires it.",
                        pattern=f"^({'|'.join(TAX_REGIONS)}|[A-Z]{{2}})$",
                    ),
                    "code": enum(TAX_CODES),
                    "default_tax": ref("FlagInput"),
                },
                ["name", "value", "region"],
                closed=True,
                ignored=("id",),
            ),
        ),
    }


@dataclass(frozen=True)
class Resource:
    """A plain CRUD resource: list, create, get, update (empty 200) and delete."""

    noun: str
    plural: str
    tag: str
    id_param: str  # the path parameter's component name
    example: Node
    request_example: Node
    create_422: Node
    update_422: Node
    paginated: bool
    create_quirk: str | None = None

    @property
    def cap(self) -> str:
        return self.noun[0].upper() + self.noun[1:]

    @property
    def schema(self) -> str:
        return self.cap

    def one(self) -> Node:
        return obj({self.noun: ref(self.schema)}, [self.noun])


def _list(r: Resource) -> Node:
    listing: Node = {r.plural: array(ref(r.schema))}
    required = [r.plural]
    example: Node = {r.plural: [r.example]}
    if r.paginated:
        listing["pagination"] = ref("Pagination")
        required.append("pagination")
        example["pagination"] = PAGINATION
    op_id = f"list{r.plural[0].upper()}{r.plural[1:]}"
    return operation(
        op_id,
        f"List {r.plural}",
        r.tag,
        f"Lists the account's {r.plural}.",
        {"200": ok(f"The {r.plural}.", obj(listing, required), example)},
        parameters=paging() if r.paginated else None,
        extensions={"x-vendor-operation": op_id},
    )


def _create(r: Resource) -> Node:
    ptr = f"$response.body#/{r.noun}/id"
    id_name = f"{r.noun}-id"
    extensions: Node = {"x-vendor-operation": f"create{r.cap}"}
    if r.create_quirk:
        extensions["x-live-quirk"] = r.create_quirk
    return operation(
        f"create{r.cap}",
        f"Create a {r.noun}",
        r.tag,
        f"Creates a {r.noun}.",
        {
            "201": {
                **ok(f"The new {r.noun}.", r.one(), {r.noun: r.example}),
                "links": links({id_name: ptr}, f"get{r.cap}", f"update{r.cap}", f"delete{r.cap}"),
            },
            "422": r.create_422,
        },
        body=ref(f"{r.schema}Request"),
        body_example=r.request_example,
        extensions=extensions,
    )


def _get(r: Resource) -> Node:
    return operation(
        f"get{r.cap}",
        f"Get a {r.noun}",
        r.tag,
        f"Reads one {r.noun}.",
        {"200": ok(f"The {r.noun}.", r.one(), {r.noun: r.example}), "404": not_found(r.noun)},
        parameters=[param(r.id_param)],
        extensions={"x-vendor-operation": f"get{r.cap}"},
    )


def _update(r: Resource) -> Node:
    return operation(
        f"update{r.cap}",
        f"Update a {r.noun}",
        r.tag,
        f"Changes a {r.noun}.",
        {
            "200": empty(f"The {r.noun} was updated."),
            "404": not_found(r.noun),
            "422": r.update_422,
        },
        parameters=[param(r.id_param)],
        body=ref(f"{r.schema}Request"),
        body_example=r.request_example,
        extensions={"x-vendor-operation": f"update{r.cap}"},
    )


def _delete(r: Resource) -> Node:
    return operation(
        f"delete{r.cap}",
        f"Delete a {r.noun}",
        r.tag,
        f"Deletes a {r.noun}.",
        {"200": empty(f"The {r.noun} was deleted."), "404": not_found(r.noun)},
        parameters=[param(r.id_param)],
        extensions={"x-vendor-operation": f"delete{r.cap}"},
    )


def crud(r: Resource) -> dict[str, Node]:
    return {
        f"/{r.plural}.json": {"get": _list(r), "post": _create(r)},
        f"/{r.plural}/{{{r.noun}-id}}.json": {
            "get": _get(r),
            "put": _update(r),
            "delete": _delete(r),
        },
    }


def _invalid(noun: str, shape: str, example: Any, messages: tuple[str, ...]) -> Node:
    return error(f"The {noun} is invalid.", shape, example, messages)


ITEMS = Resource(
    noun="item",
    plural="items",
    tag="Items",
    id_param="ItemId",
    example=ITEM,
    request_example={
        "item": {
            "name": "Consultoria",
            "description": "Uma hora",
            "unit_price": "24.3902",
            "unit": "hour",
            "tax": {"name": "IVA23"},
        }
    },
    create_422=_invalid("item", "ErrorsList", errors_list(MESSAGES_ITEMS[1]), MESSAGES_ITEMS),
    update_422=_invalid(
        "item",
        "ErrorsList",
        errors_list(MESSAGES_ITEMS[2]),
        (*MESSAGES_ITEMS, MESSAGE_ITEM_NAME_IN_USE),
    ),
    paginated=True,
)
TAXES = Resource(
    noun="tax",
    plural="taxes",
    tag="Taxes",
    id_param="TaxId",
    example=TAX,
    request_example={
        "tax": {"name": "IVA23", "value": "23.0", "region": "PT", "code": "NOR", "default_tax": 1}
    },
    create_422=_invalid("tax", "ModelErrors", {"name": [MESSAGE_NAME_TAKEN]}, MESSAGES_TAXES),
    update_422=_invalid("tax", "ModelErrors", {"base": ["Tax region is empty"]}, MESSAGES_TAXES),
    paginated=False,
    create_quirk="The live API answers 500 when `value` is a JSON number (surface §6.2); "
    "the sandbox does so only with the `tax_numeric_value_500` quirk on.",
)


def paths() -> dict[str, Node]:
    return crud(ITEMS) | crud(TAXES)


AREA = Area("items_taxes", schemas, paths)
