"""The bottom layer of invoicexpress-contract: imports nothing else of the project.

- `invoicexpress_core.spec`: the curated spec loaded once as typed objects (operations, state
  machines, enums, document types, documented error messages), shipped as package data.
- `invoicexpress_core.exchange`: the redacted record of one HTTP exchange.
- `invoicexpress_core.errors`: the one parser of the API's error-body shapes.

Import the submodule you need: this package imports nothing heavy at import time.
"""
