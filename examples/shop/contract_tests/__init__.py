"""The shop's own contract checks: its billing against the sandbox, through the pytest plugin's
fixtures. The folder's name is the one the toolkit's suites once had; `ixc contract` runs here."""
