"""Response models (generated from the spec): money `Decimal`, dates `date`, ids `int`, flags
`bool`; a repr shows only the fields that are set."""

from invoicexpress_client.typed.models import *  # noqa: F403
