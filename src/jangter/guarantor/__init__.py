"""``jangter guarantor``: a guarantee institution's side, as a separate small program (issue #8 point 2; ADR 0011).

The way payment providers ship a sandbox: its own database, its own API for Jangter's requests, a page where a
clerk approves them, and its own outbox that sends each issued guarantee to Jangter, signed with the
institution's key, until Jangter has taken it. It shares no database and no code path with Jangter's server:
the two speak only HTTP.
"""
