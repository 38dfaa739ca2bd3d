"""Every error wording the API (and so the sandbox) gives, once, by key: `x-error-catalogue`.

Templates carry `{name}` placeholders, filled by the caller (`core.Spec.message(key, **values)`
for consumers, `say(key, **values)` here). The sandbox answers a rule by its key; the
per-operation `x-error-messages` lists quote these templates with example values.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # generic rule wordings (the Rails validation phrases InvoiceXpress uses)
    "blank": "{what} can't be blank",
    "not_found": "{what} not found",
    "invalid": "{what} is invalid",
    "not_valid": "{what} is not valid",
    "not_a_number": "{what} is not a number",
    "not_in_list": "{what} is not included in the list",
    "not_positive": "{what} must be greater than 0",
    "too_long": "{what} is too long (maximum is {limit} characters)",
    "taken": "{what} has already been taken",
    "unknown_field": "Unknown field: {fields}",
    "not_allowed_characters": "{what} contains characters that are not allowed",
    "validation_failed": "Validation failed: {detail}",
    # documents (api-docs 002 and surface §4, §7)
    "element_missing": "Elemento {root} não fornecido",
    "items_not_array": "Items element should be of type array",
    "at_least_one_item": "Document should have at least one item",
    "invoice_items_invalid": "Invoice items is invalid",
    "client_invalid": "Client is invalid",
    "country_not_found": "Country {value} was not found",
    "email_not_an_email_address": "Email must be an email address",
    "retention_out_of_range": "Retention must be a number between 0 and 99.99",
    "due_date_before_date": "Due date must be later than date",
    "quantity_not_positive": "Quantity must be a number greater than 0",
    "unit_price_must_be_number": "Unit price must be a number",
    "unit_not_accepted": "Unit {value} is not included in the list of accepted units",
    "mb_reference_unavailable": (
        "Option to generate MB reference is set but no payment provider is configurated"
    ),
    "document_settled": "Invoice has been settled so can't be changed anymore",
    "exemption_not_accepted": "Tax exemption should be one of: {codes}",
    "loaded_at_in_past": "Loaded at can't be in the past",
    "date_before_series": (
        "The date of the document can't be earlier than the date of the last finalized "
        "document of the series ({date})"
    ),
    "pdf_invalid_state": "The document-id provided is in an invalid state.",
    "duplicate_uid": "There's an ongoing document creation with the provided UID {uid}",
    # change state (api-docs 002, Change State)
    "invalid_state": "Invalid state",
    "cancel_message_required": "Cancel message can't be blank",
    # e-mail
    "email_content_type": "No content type or wrongly specified",
    "email_required": "Email is a required field",
    "address_invalid": "{what}: is an invalid email",
    # payments
    "payment_invalid_state": "The document is in an invalid state for payments",
    "amount_over_due": "Amount must be less than or equal to the amount due",
    "payment_mechanism_invalid": "payment_mechanism is invalid",
    # clients
    "client_contact_invalid": "Client contact is invalid",
    "contact_email_invalid": "Preferred contact: email must be an email",
    "send_options_out_of_range": "Send options must be within 1 and 3",
    # accounts
    "postal_code_format": "Postal Code must have the following format DDDD-DDD",
    "email_invalid": "Email is invalid",
    "vat_number_locked": "Vat Number can't be changed",
    "vat_number_taken": "Vat Number is already used in another account",
    "terms_not_accepted": "Terms and Conditions must be accepted",
    "invalid_api_key": "Invalid API key",
    # items and taxes
    "item_name_locked": "Name can't be changed because it is already associated with invoices",
    "tax_value_out_of_range": "Value must be a number between 0 and 99.99",
    "tax_region_empty": "Tax region is empty",
    "tax_region_invalid": "Tax region is not valid",
    # sequences
    "sequence_name_invalid": "The sequence name is invalid",
    "sequence_unregistered": "The sequence is invalid.",
    "at_credentials_invalid": "Invalid AT credentials.",
    # treasury
    "value_over_balance": "Value must be less than or equal to the remaining balance",
    # AT communication
    "at_subuser_size": "The field at_subuser has an incorrect size",
    "at_field_invalid": "The field {what} is invalid",
    "at_field_blank": "The field {what} can't be blank",
    # SAF-T
    "saft_trial": (
        "That option is not available during the trial period, it becomes so only after the "
        "first payment."
    ),
    "saft_no_documents": "There aren't any documents to export on the selected period.",
    "saft_company_incomplete": (
        "Warning! There is required information missing from Company information. Before you "
        "export the SAF-T PT, please go to Company information and fill out the missing fields."
    ),
    "saft_month_missing": "You need to send the month in the request body.",
}


# The wordings of a Portuguese account, where evidence exists: the API answers in the account's
# language (issue 17: public VCR cassettes recorded live in 2019, a Portuguese account). Each
# entry maps one English wording to its recorded Portuguese form, for the operations named
# (none named: wherever the English wording appears). A wording with no entry has no evidenced
# Portuguese form and is served in English: nothing here is guessed.
TRANSLATIONS: dict[str, list[dict[str, object]]] = {
    "pt": [
        {
            "en": ERRORS["blank"].format(what="Name"),
            "text": "Nome é um campo obrigatório",
            "evidence": "cassettes 2019: 422 {'errors':[{'error':'Nome é um campo obrigatório'}]}",
        },
        {
            "en": ERRORS["taken"].format(what="Name"),
            "text": "não está disponível.",
            "operations": ["createTax", "updateTax"],
            "evidence": "cassettes 2019: duplicate tax 422 [['name','não está disponível.']]",
        },
    ]
}


def say(key: str, **values: object) -> str:
    """The wording of `ERRORS[key]` with its placeholders filled in."""
    return ERRORS[key].format(**values)
