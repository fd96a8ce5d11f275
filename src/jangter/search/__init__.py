"""Search over notices: Korean-aware tokens, two engines (SQLite FTS5, PostgreSQL tsvector) behind one interface,
a time limit and a circuit breaker, and a plain database query to fall back on. Nothing else depends on it: notice
pages, bids and the opening never call it (issue #7)."""
