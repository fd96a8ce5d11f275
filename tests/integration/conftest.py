"""Fixtures shared by the integration tests."""

from tests.smtp_sink import smtp  # noqa: F401 - a fixture: a local SMTP server
