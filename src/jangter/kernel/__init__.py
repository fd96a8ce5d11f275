"""Shared kernel: money, time, calendar, identifiers, errors, storage and audit."""
