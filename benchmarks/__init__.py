"""Speed measurements of the sandbox against a same-run baseline (and Prism where it runs)."""
