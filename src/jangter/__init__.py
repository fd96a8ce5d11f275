"""Jangter (장터): an open-source national e-procurement platform."""

__version__ = "0.1.0"
