"""AT-09: sealed bids made by every client (the Python module and the browser's seal.js, recorded in
``tests/golden/sealed-bids-v1.json``) pass the real intake and decrypt through the real opening path."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.domain.content import decode
from jangter.bidding.domain.envelope import parse, unseal
from jangter.bidding.domain.opening_key import derive_keys, public_keys
from jangter.bidding.orm import Bid
from jangter.bidding.service import submit_bid
from jangter.client import sealing
from jangter.evaluation.queries import opening_results
from jangter.identity.keys import register_signing_key
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.randomness import SeededRandomSource
from tests.support import OPENING, make_world

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "sealed-bids-v1.json").read_text())


class GoldenMaster(SeededRandomSource):
    """The notice's master secret is the golden one (every other draw stays reproducible)."""

    def __init__(self, master: bytes) -> None:
        super().__init__(9)
        self.master: bytes | None = master

    def token_bytes(self, n: int) -> bytes:
        if n == 32 and self.master is not None:
            master, self.master = self.master, None
            return master
        return super().token_bytes(n)


def test_the_golden_vectors_are_for_the_key_they_say() -> None:
    master = bytes.fromhex(GOLDEN["master"])
    assert public_keys(master).fingerprint == GOLDEN["fingerprint"]
    clients = {v["client"].split(" ")[0] for v in GOLDEN["vectors"]}
    assert clients == {"python", "browser"}
    keys = derive_keys(master)
    for vector in GOLDEN["vectors"]:  # the pure opening path alone
        envelope = parse(vector["envelope"])
        signer = sealing.load_signing_key(vector["signing_key_pem"].encode())
        content = decode(unseal(envelope, keys, sealing.public_raw(signer)))
        assert (content.amount, list(content.picks)) == (vector["amount"], vector["picks"])
        assert [{"name": d.name, "sha256": d.sha256} for d in content.documents] == vector["documents"]


def test_every_clients_golden_bid_passes_intake_and_opens(ctx: AppContext, clock: OffsetClock) -> None:
    golden = dataclasses.replace(ctx, rng=GoldenMaster(bytes.fromhex(GOLDEN["master"])))
    world = make_world(golden, firms=4)
    number = world.publish()
    assert number == GOLDEN["notice"]
    for vector in GOLDEN["vectors"]:
        firm = world.firms[vector["firm_index"]]
        signer = sealing.load_signing_key(vector["signing_key_pem"].encode())
        register_signing_key(golden, firm, firm.org_id, sealing.public_key_b64(signer))
        receipt = submit_bid(golden, firm, number, vector["envelope"])
        assert receipt.suite == vector["envelope"]["suite"]
    clock.set(OPENING)
    world.open(number)
    [result] = opening_results(golden, number)
    opened = {(b.amount, b.pick_1, b.pick_2) for b in result.bids}
    assert opened == {(v["amount"], *v["picks"]) for v in GOLDEN["vectors"]}
    with golden.db.reading() as session:
        from sqlalchemy import select

        assert {b.status for b in session.scalars(select(Bid))} == {BidStatus.VALID.value}
