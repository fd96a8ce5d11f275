"""Sources of randomness, injected like the clock so that tests can replay a draw from a seed."""

from __future__ import annotations

import random
import secrets
from typing import Protocol


class RandomSource(Protocol):
    def randbelow(self, n: int) -> int:
        """A uniform integer in ``[0, n)``."""
        ...

    def token_bytes(self, n: int) -> bytes: ...


class SystemRandomSource:
    """The operating system's CSPRNG (production)."""

    def randbelow(self, n: int) -> int:
        return secrets.randbelow(n)

    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)


class SeededRandomSource:
    """A deterministic source for tests. Never use it for anything that must stay secret."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - deliberately reproducible, test only

    def randbelow(self, n: int) -> int:
        return self._random.randrange(n)

    def token_bytes(self, n: int) -> bytes:
        return self._random.randbytes(n)
