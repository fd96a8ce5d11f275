"""A circuit breaker: after a few failures in a row, stop calling a part for a while and use the fallback at once;
then let one call through to see whether it is well again. Thread-safe; one per process and part."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls are not tried until the cool-down ends
    HALF_OPEN = "half_open"  # one trial call is on its way


class CircuitBreaker:
    def __init__(
        self, failures: int = 3, cooldown_seconds: float = 30.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._threshold = failures
        self._cooldown = cooldown_seconds
        self._now = monotonic
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._now() - self._opened_at < self._cooldown:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def allow(self) -> bool:
        """Whether to try the part now (in half-open state, only one caller gets to try)."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial:
                self._trial = True
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial = False
            if self._failures >= self._threshold or self._opened_at is not None:
                self._opened_at = self._now()
