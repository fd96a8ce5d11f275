"""Transparency: the public log's API, its export for auditors, and the standalone verifier (``jangter verify-log``)."""
