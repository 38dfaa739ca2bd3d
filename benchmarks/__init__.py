"""Speed measurements of the sandbox and the suites, each against a same-run baseline.

Every interpreter a benchmark starts keeps .pyc caches, as a user's do: with
PYTHONDONTWRITEBYTECODE set (as on our CI machines) none would be written, and each run would
time the compilation of everything it imports rather than the work measured.
"""

import os

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
