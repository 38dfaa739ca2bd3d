"""The InvoiceXpress rules, one module per API area (the spec builder uses the same names).

Every function works inside one storage transaction (`Ctx.tx`); raising `ApiError` anywhere
rolls the whole request back. Records are stored in wire form (what a GET returns) plus
`_`-prefixed internals that `public()` strips.
"""
