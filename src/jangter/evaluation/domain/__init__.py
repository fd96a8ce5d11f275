"""Pure award rules (koneps-rules §3): no database, no web."""
