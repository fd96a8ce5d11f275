"""Pure rules and states of bid notices (no database, no web)."""
