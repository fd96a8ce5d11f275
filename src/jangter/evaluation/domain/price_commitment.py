"""Commit-reveal of the preliminary prices, and the slot draw at the opening (DESIGN §4; security.md AT-14).

At publication the 15 prices (one per interval, in interval order) and a random nonce are committed:
``commitment = SHA-256("jangter-prices/1" ‖ canonical JSON {prices, nonce})`` goes into the public log, while the
prices themselves are sealed to the notice's opening key. At the opening they are revealed and checked against
the commitment; any difference stops the opening. Which slot holds which price is decided only then, by a
permutation seeded with the nonce and the hashes of every sealed bid — so before the deadline nobody, insiders
included, can map a slot to a value (the 2011–12 manipulation path, koneps-rules §8.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from jangter.kernel.canonical import canonical_json
from jangter.kernel.lottery import seeded_permutation


def commitment(prices: Sequence[int], nonce: bytes) -> str:
    return hashlib.sha256(
        b"jangter-prices/1" + canonical_json({"nonce": nonce.hex(), "prices": list(prices)})
    ).hexdigest()


def sealed_document(prices: Sequence[int], nonce: bytes) -> bytes:
    return canonical_json({"nonce": nonce.hex(), "prices": list(prices)})


def slot_seed(nonce: bytes, bid_hashes: Sequence[str]) -> bytes:
    """The permutation's seed: the nonce and every sealed bid of the round (sorted), all public after opening."""
    digest = hashlib.sha256(b"jangter-slots/1" + nonce)
    for h in sorted(bid_hashes):
        digest.update(bytes.fromhex(h))
    return digest.digest()


def assign_slots(prices: Sequence[int], seed: bytes) -> list[int]:
    """Prices in slot order: slot ``i + 1`` holds ``result[i]``."""
    permutation = seeded_permutation(seed, len(prices))
    return [prices[p] for p in permutation]
