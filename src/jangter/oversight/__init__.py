"""Oversight: what operators and auditors read — the audit trail of every change (the security log lives with
identity). Nothing here changes anything."""
