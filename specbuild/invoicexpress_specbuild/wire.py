"""The wire types every area uses, quirks included (surface §6): dates, decimals, flags, ids,
and the enumerations more than one area shares."""

from __future__ import annotations

from invoicexpress_specbuild.countries import COUNTRIES
from invoicexpress_specbuild.nodes import Node, enum, string

DMY = r"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[12][0-9]{3}$"
DMY_HMS = DMY[:-1] + r" ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"

UNITS = ("unit", "hour", "day", "month", "service", "other")  # square-bit Unit enum; api-docs 002
LANGUAGES = ("pt", "en", "es")


def schemas() -> dict[str, Node]:
    return {
        "DateDMY": string(
            "A calendar date as InvoiceXpress writes it: dd/mm/yyyy.",
            pattern=DMY,
            examples=["03/12/2017"],
        ),
        "DateTimeDMY": string(
            "A date and time as guides use it for `loaded_at`: dd/mm/yyyy HH:MM:SS.",
            pattern=DMY_HMS,
            examples=["03/12/2017 10:30:00"],
        ),
        "DateDMYInput": string(
            "A date in a request: d/m/yyyy or dd/mm/yyyy (the vendor's examples omit zeros).",
            pattern=r"^(0?[1-9]|[12][0-9]|3[01])/(0?[1-9]|1[0-2])/[12][0-9]{3}$",
            examples=["03/12/2017", "3/12/2017"],
        ),
        "IsoDate": string(
            "An ISO 8601 calendar date; only the treasury endpoints use this format.",
            format="date",
            examples=["2017-12-03"],
        ),
        "DecimalValue": {
            "type": ["string", "number"],
            "pattern": DECIMAL,
            "description": "A decimal amount. The API sends and accepts both JSON numbers and "
            'numeric strings (`"24.3902"`, `"1.0"`) for the same field; read it as Decimal.',
            "examples": ["24.3902", 30],
        },
        "DecimalString": string(
            "A decimal amount that must travel as a string (a JSON number is rejected or, on "
            "taxes, crashes the server: surface §6).",
            pattern=DECIMAL,
            examples=["23.0"],
        ),
        "FlagString": enum(("0", "1"), 'A boolean written as the string "0" or "1".'),
        "Unset": {
            "type": "string",
            "maxLength": 0,
            "description": 'An optional field sent as "" (unset), as production clients '
            "marshal it (CHANGELOG, issue 17).",
        },
        "IdLike": {
            "type": ["integer", "string"],
            "pattern": r"^[0-9]+$",
            "minimum": 1,
            "description": "An identifier the API writes either as an integer or as a string "
            "of digits (a client's id: a string in the vendor's examples, an integer in every "
            "recorded live response; CHANGELOG, issue 17).",
        },
        "IntLike": {
            "type": ["integer", "string"],
            "pattern": r"^[0-9]+$",
            "minimum": 0,
            "description": "A whole number the API writes either as an integer or as a string "
            'of digits (`send_options`: `"1"` in the vendor\'s examples, `1` recorded live).',
        },
        "TextLike": {
            "type": ["string", "integer"],
            "description": "Text the API may write as a JSON number (a numeric series name is "
            "answered as `77`, recorded live); read it as text.",
        },
        "FlagInput": {
            "anyOf": [{"type": "integer", "enum": [0, 1]}, {"type": "string", "enum": ["0", "1"]}],
            "description": 'A boolean a request may write as 0/1 or "0"/"1" (the live API '
            'accepted `"default_tax":"1"`; the vendor documents the integer).',
        },
        "Country": enum(
            COUNTRIES, "A country name from the list InvoiceXpress accepts (api-docs 002)."
        ),
        "Unit": enum(UNITS, "Unit of measure of an item line."),
        "Language": enum(LANGUAGES),
    }
