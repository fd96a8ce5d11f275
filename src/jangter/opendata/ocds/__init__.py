"""Open Contracting Data Standard: every notice is a contracting process (docs/opendata.md#ocds)."""
