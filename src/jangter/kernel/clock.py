"""The platform clock.

Every use case takes ``now`` from a :class:`Clock`. Production uses :class:`SystemClock`; tests and the demo use
:class:`OffsetClock`, which runs at real speed but can be moved to any instant. The database reads the same
offset, so the commit-time deadline check and the application always agree on "now" (see
``kernel/db.py``: ``jangter_now()``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def offset(self) -> timedelta:
        """How far this clock runs ahead of the machine's real clock (zero in production)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def offset(self) -> timedelta:
        return timedelta(0)


class OffsetClock:
    """Real time shifted by an adjustable offset. Thread-safe."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("OffsetClock.set needs a timezone-aware datetime")
        with self._lock:
            self._offset = instant - datetime.now(UTC)

    def set_offset(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta
