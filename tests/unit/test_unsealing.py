"""Unsealing a round: the worker processes give exactly what the in-process path gives (security.md §3.2 item 7)."""

import dataclasses
import os

import pytest

from jangter.bidding import unsealing
from jangter.bidding.domain import opening_key as ok
from jangter.bidding.domain.envelope import SuiteId
from jangter.client import sealing

NOTICE = "R26BK00000001"


@pytest.fixture(scope="module")
def round_of_bids() -> tuple[bytes, list[unsealing.Sealed]]:
    master = os.urandom(ok.MASTER_BYTES)
    public = ok.public_keys(master)
    notice_key = sealing.NoticeKey(NOTICE, 0, public, public.fingerprint, True)
    items, keys = [], []
    for i in range(12):
        _, key = sealing.generate_signing_key()
        envelope = sealing.seal(
            notice_key,
            firm=f"12345678{i:02d}",
            amount=1_000_000 + i,
            picks=(1 + i % 15, 1 + (i + 3) % 15),
            signing_key=key,
            suite=SuiteId.PQ if i % 4 == 0 else SuiteId.P256,
        )
        items.append(unsealing.Sealed(envelope, sealing.public_raw(key)))
        keys.append(key)
    # Three bids that must come out refused, each with its reason: a ciphertext with a flipped byte that its firm
    # signed anyway, a signature by another key, and a firm number that is not the one the bid was sealed under.
    flipped = bytearray(items[1].envelope.ciphertext)
    flipped[-1] ^= 1
    damaged = dataclasses.replace(items[1].envelope, ciphertext=bytes(flipped))
    damaged = dataclasses.replace(damaged, signature=keys[1].sign(damaged.signed_message()))
    items[1] = dataclasses.replace(items[1], envelope=damaged)
    items[2] = dataclasses.replace(items[2], firm_public_key=items[3].firm_public_key)
    items[5] = dataclasses.replace(items[5], envelope=dataclasses.replace(items[5].envelope, firm="9999999999"))
    return master, items


def test_workers_and_the_calling_process_agree_bid_by_bid(
    round_of_bids: tuple[bytes, list[unsealing.Sealed]], monkeypatch: pytest.MonkeyPatch
) -> None:
    master, items = round_of_bids
    serial = unsealing.open_all(items, master, slots=15, picks_per_bid=2, workers=1)
    monkeypatch.setattr(unsealing, "PARALLEL_FROM", 1)
    with unsealing.Unsealer(len(items), workers=3) as unsealer:
        assert unsealer.cores == 3
        parallel = unsealer.open(items, master, slots=15, picks_per_bid=2)
    assert parallel == serial
    refused = {i: o.reason.split(":")[0] for i, o in enumerate(serial) if isinstance(o, unsealing.Refused)}
    assert refused == {1: "undecryptable", 2: "signature_invalid", 5: "signature_invalid"}
    assert serial[0] == unsealing.Opened(1_000_000, (1, 4))
    assert serial[11] == unsealing.Opened(1_000_011, (12, 15))


def test_a_small_round_stays_in_the_calling_process(round_of_bids: tuple[bytes, list[unsealing.Sealed]]) -> None:
    master, items = round_of_bids
    with unsealing.Unsealer(len(items), workers=4) as unsealer:
        assert unsealer.cores == 1
        assert len(unsealer.open(items, master, slots=15, picks_per_bid=2)) == len(items)


def test_a_failing_worker_fails_the_opening_instead_of_losing_bids(
    round_of_bids: tuple[bytes, list[unsealing.Sealed]], monkeypatch: pytest.MonkeyPatch
) -> None:
    master, items = round_of_bids
    monkeypatch.setattr(unsealing, "PARALLEL_FROM", 1)
    with pytest.raises(RuntimeError, match="unsealing worker"), unsealing.Unsealer(len(items), workers=2) as unsealer:
        unsealer.open(items, master[:5], slots=15, picks_per_bid=2)  # a key the workers cannot use
