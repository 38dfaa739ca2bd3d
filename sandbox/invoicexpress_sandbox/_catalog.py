"""Static facts from the vendor's documentation (api-docs 002, api-surface §3-§5)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    segment: str  # path segment, e.g. "credit_notes"
    key: str  # singular root key, e.g. "credit_note"
    type: str  # `type` value, e.g. "CreditNote"
    family: str  # invoices | estimates | guides | purchase_orders | receipts
    generic_key: str  # the family's generic request key ("invoice", "quote", "shipping")


DOC_TYPES: dict[str, DocType] = {
    d.segment: d
    for d in (
        DocType("invoices", "invoice", "Invoice", "invoices", "invoice"),
        DocType("invoice_receipts", "invoice_receipt", "InvoiceReceipt", "invoices", "invoice"),
        DocType(
            "simplified_invoices", "simplified_invoice", "SimplifiedInvoice", "invoices", "invoice"
        ),
        DocType("credit_notes", "credit_note", "CreditNote", "invoices", "invoice"),
        DocType("debit_notes", "debit_note", "DebitNote", "invoices", "invoice"),
        DocType("vat_moss_invoices", "vat_moss_invoice", "VatMossInvoice", "invoices", "invoice"),
        DocType("quotes", "quote", "Quote", "estimates", "quote"),
        DocType("proformas", "proforma", "Proforma", "estimates", "quote"),
        DocType("fees_notes", "fees_note", "FeesNote", "estimates", "quote"),
        DocType("shippings", "shipping", "Shipping", "guides", "shipping"),
        DocType("transports", "transport", "Transport", "guides", "shipping"),
        DocType("devolutions", "devolution", "Devolution", "guides", "shipping"),
        DocType(
            "purchase_orders",
            "purchase_order",
            "PurchaseOrder",
            "purchase_orders",
            "purchase_order",
        ),
        DocType("receipts", "receipt", "Receipt", "receipts", "receipt"),
    )
}
BY_TYPE = {d.type: d for d in DOC_TYPES.values()}
BY_KEY = {d.key: d for d in DOC_TYPES.values()}

# Per-type numbering shown by the sequences endpoints (`current_<type>_*`).
SEQUENCE_TYPES = (
    "invoice",
    "invoice_receipt",
    "simplified_invoice",
    "credit_note",
    "debit_note",
    "receipt",
    "shipping",
    "transport",
    "devolution",
    "proforma",
    "quote",
    "fees_note",
    "vat_moss_invoice",
    "vat_moss_credit_note",
    "vat_moss_receipt",
)
# Types whose ATCUD is "N/A" (not relevant to AT communication).
ATCUD_NOT_APPLICABLE = frozenset({"purchase_order"})
# Documents that can take partial payments (receipts are issued against them).
PAYABLE = frozenset({"Invoice", "SimplifiedInvoice", "DebitNote", "VatMossInvoice"})

PAYMENT_MECHANISMS = (
    "CC",
    "CD",
    "CH",
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
TREASURY_PAYMENT_METHODS = (*PAYMENT_MECHANISMS, "CI")
UNITS = ("unit", "hour", "day", "month", "service", "other")
EXEMPTION_CODES = (*tuple(f"M{n:02d}" for n in range(17)), "M99")
TAX_REGIONS = ("PT", "PT-AC", "PT-MA", "Desconhecido")
TAX_CODES = ("NOR", "INT", "RED", "OUT", "ISE")

COUNTRIES = frozenset(
    """Portugal|Ireland|UK|Canada|United States|Afghanistan|Albania|Algeria|American Samoa|
Andorra|Angola|Anguilla|Antigua and Barbuda|Argentina|Armenia|Aruba|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bermuda|Bhutan|
Bolivia|Bosnia-Herzegovina|Botswana|Brazil|British Indian Ocean Territory|Brunei|Bulgaria|
Burkina Faso|Burma|Burundi|Cambodia|Cameroon|Canton and Enderbury Islands|Cape Verde|
Cayman Islands|Central African Republic|Chad|Chile|China|Christmas Island|
Cocos (Keeling) Islands|Colombia|Comoros|Congo|Congo, Democratic Republic|Cook Islands|
Costa Rica|Côte d’Ivoire|Croatia|Cuba|Curaçao|Cyprus|Czech Republic|Denmark|Djibouti|Dominica|
Dominican Republic|Dronning Maud Land|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|
Eritrea|Estonia|Ethiopia|Faeroe Islands (Føroyar)|Falkland Islands|Fiji|Finland|France|
French Guiana|French Polynesia|Gabon|Gambia|Georgia|Germany|Ghana|Gibraltar|Great Britain|
Greece|Greenland|Grenada|Guadeloupe|Guam|Guatemala|Guernsey|Guinea-Bissau|Guinea|Guyana|Haiti|
Heard and McDonald Islands|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|
International Monetary Fund|Iran|Iraq|Isle of Man|Israel|Italy|Ivory Coast|Jamaica|Japan|
Jersey|Johnston Island|Jordan|Kampuchea|Kazakhstan|Kenya|Kiribati|Korea, North|Korea, South|
Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|
Luxembourg|Macau|Macedonia (Former Yug. Rep.)|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Martinique|Mauritania|Mauritius|Mayotte|Micronesia|Midway Islands|Mexico|
Moldova|Monaco|Mongolia|Montenegro|Montserrat|Morocco|Mozambique|Myanmar|Nauru|Namibia|Nepal|
Netherlands Antilles|Netherlands|New Caledonia|New Zealand|Nicaragua|Niger|Nigeria|Niue|
Norfolk Island|Northern Mariana Islands|Norway|Oman|Pakistan|Palau|Palestine|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Pitcairn Island|Poland|Puerto Rico|Qatar|Reunion|
Romania|Russia|Rwanda|Samoa (Western)|Samoa (America)|San Marino|São Tomé and Príncipe|
Saudi Arabia|Sénégal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|
Solomon Islands|Somalia|South Africa|Spain|Sri Lanka|St. Helena|St. Kitts and Nevis|St. Lucia|
St. Vincent and the Grenadines|Sudan|Suriname|Svalbard and Jan Mayen Islands|Swaziland|Sweden|
Switzerland|Syria|Tahiti|Taiwan|Tajikistan|Tanzania|Thailand|Timor-Leste|Togo|
Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Turks and Caicos Islands|Tuvalu|Uganda|Ukraine|
United Arab Emirates|Upper Volta|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|
Virgin Islands|Wake Island|Wallis and Futuna Islands|Western Sahara|Western Samoa|Yemen|Zaïre|
Zambia|Zimbabwe""".replace("\n", "").split("|")
)
