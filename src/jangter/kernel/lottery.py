"""A reproducible lottery: anyone holding the seed can recompute the draw.

Used to break exact ties (the same bid amount at the top of the ranking, koneps-rules §3.3 "ties at the same
price are broken by lottery") and, where a rule set chooses it, ties in the preliminary-price pick counts.
The order is ``sha256(seed ‖ 0x00 ‖ key)`` ascending, so it cannot be steered once the seed is fixed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def lottery_ticket(seed: bytes, key: str) -> str:
    return hashlib.sha256(seed + b"\x00" + key.encode("utf-8")).hexdigest()


def lottery_order(seed: bytes, keys: Iterable[str]) -> list[str]:
    """The keys in draw order: the first one wins."""
    return sorted(keys, key=lambda k: (lottery_ticket(seed, k), k))


def seed_from(parts: Sequence[str]) -> bytes:
    """A seed built from public values (for example every sealed bid's hash), in the given order."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(4, "big"))
        digest.update(data)
    return digest.digest()


def seeded_permutation(seed: bytes, n: int) -> list[int]:
    """A permutation of ``range(n)`` that anyone can recompute from ``seed`` (Fisher-Yates driven by SHA-256).

    Each draw takes 8 bytes of ``SHA-256(seed ‖ counter)`` and rejects values that would bias the modulus.
    """
    order = list(range(n))
    counter = 0

    def below(bound: int) -> int:
        nonlocal counter
        limit = (1 << 64) - (1 << 64) % bound
        while True:
            block = hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
            counter += 1
            value = int.from_bytes(block[:8], "big")
            if value < limit:
                return value % bound

    for i in range(n - 1, 0, -1):
        j = below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order
