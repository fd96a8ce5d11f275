"""Unsealing every bid of a round at the opening: verify each signature, decrypt, check the content.

Pure work on bytes (no database): the opening loads the envelopes and the firms' public keys in two queries,
hands them here, and writes the outcomes back. A large round is spread over short-lived worker processes, one
per core (a fresh interpreter running this module: no fork of a threaded server process). The rebuilt opening key
goes to them over a pipe, is never written anywhere (not in arguments, not in the environment), and leaves with
them when the opening ends.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from jangter.bidding.domain import content
from jangter.bidding.domain import envelope as env
from jangter.bidding.domain import opening_key as ok
from jangter.bidding.domain.bid import validate_picks
from jangter.kernel.errors import DomainError
from jangter.kernel.money import require_won

log = logging.getLogger("jangter.opening")

PARALLEL_FROM = 2000
"""Rounds with at least this many bids are unsealed in worker processes; smaller ones in the calling process
(starting the workers costs about a tenth of a second)."""


@dataclass(frozen=True)
class Sealed:
    """One bid as the opening sees it: its envelope and the public key the firm signed it with."""

    envelope: env.Envelope
    firm_public_key: bytes


@dataclass(frozen=True)
class Opened:
    amount: int
    picks: tuple[int, ...]


@dataclass(frozen=True)
class Refused:
    """Why a bid could not be opened, with the evidence (the ciphertext's hash); it is recorded, never dropped."""

    reason: str


def open_one(item: Sealed, keys: ok.OpeningPrivateKeys, *, slots: int, picks_per_bid: int) -> Opened | Refused:
    envelope = item.envelope
    try:
        sealed = content.decode(env.unseal(envelope, keys, item.firm_public_key))
        picks = validate_picks(sealed.picks, slots=slots, picks_per_bid=picks_per_bid)
        require_won(sealed.amount, "amount")
    except env.UnsealError as exc:
        return Refused(f"{exc.reason}: {exc.detail}")
    except content.ContentError as exc:
        return Refused(f"content_malformed: {exc} (ciphertext {envelope.ciphertext_sha256})")
    except DomainError as exc:
        return Refused(f"{exc.code}: {exc.message_en}")
    return Opened(sealed.amount, picks)


class Unsealer:
    """Opens a round's bids; for a large round, worker processes are started on entry so that they boot while the
    committee's shares are checked, and are gone on exit whatever happened."""

    def __init__(self, expected: int, workers: int | None = None) -> None:
        cores = workers or os.cpu_count() or 1
        self.cores = cores if cores > 1 and expected >= PARALLEL_FROM else 1
        self._running: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Unsealer:
        if self.cores > 1:
            # A fresh interpreter per worker imports only this module (a tenth of a second), whatever the server is.
            self._running = [
                subprocess.Popen(  # noqa: S603 -- our own interpreter and module, no outside input in the arguments
                    [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
                for _ in range(self.cores)
            ]
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._running:
            if worker.stdin and not worker.stdin.closed:
                worker.stdin.close()
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            if worker.stdout:
                worker.stdout.close()

    def open(self, items: Sequence[Sealed], master: bytes, *, slots: int, picks_per_bid: int) -> list[Opened | Refused]:
        """Every bid's outcome, in the order given."""
        if not self._running:
            return _open_chunk(master, slots, picks_per_bid, items)
        cores = len(self._running)
        log.info("unsealing %d bids in %d worker processes", len(items), cores)
        for i, worker in enumerate(self._running):
            assert worker.stdin is not None
            try:
                with worker.stdin:
                    worker.stdin.write(_job(master, slots, picks_per_bid, items[i::cores]))
            except BrokenPipeError:
                raise RuntimeError(f"unsealing worker {i} ended before it had its bids") from None
        outcomes: list[Opened | Refused] = [Refused("not processed")] * len(items)
        for i, worker in enumerate(self._running):
            assert worker.stdout is not None
            part = [_outcome(json.loads(line)) for line in worker.stdout]
            if worker.wait() != 0 or len(part) != len(range(i, len(items), cores)):
                raise RuntimeError(f"unsealing worker {i} failed (exit code {worker.returncode})")
            outcomes[i::cores] = part
        return outcomes


def open_all(
    items: Sequence[Sealed], master: bytes, *, slots: int, picks_per_bid: int, workers: int | None = None
) -> list[Opened | Refused]:
    with Unsealer(len(items), workers) as unsealer:
        return unsealer.open(items, master, slots=slots, picks_per_bid=picks_per_bid)


def _open_chunk(master: bytes, slots: int, picks_per_bid: int, items: Sequence[Sealed]) -> list[Opened | Refused]:
    keys = ok.derive_keys(master)
    return [open_one(item, keys, slots=slots, picks_per_bid=picks_per_bid) for item in items]


# The job goes to a worker as length-prefixed fields, the outcomes come back as JSON lines: plain data both ways.


def _frame(*fields: bytes) -> bytes:
    return b"".join(len(field).to_bytes(4, "big") + field for field in fields)


def _job(master: bytes, slots: int, picks_per_bid: int, items: Sequence[Sealed]) -> bytes:
    head = _frame(master, str(slots).encode(), str(picks_per_bid).encode(), str(len(items)).encode())
    return head + b"".join(
        _frame(
            e.suite.value.encode(),
            e.notice.encode(),
            str(e.order).encode(),
            e.firm.encode(),
            e.ciphertext,
            e.key_id.encode(),
            e.signature,
            item.firm_public_key,
        )
        for item in items
        for e in (item.envelope,)
    )


def _read_job(data: bytes) -> tuple[bytes, int, int, list[Sealed]]:
    fields: list[bytes] = []
    at = 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        fields.append(data[at + 4 : at + 4 + size])
        at += 4 + size
    master, slots, picks_per_bid, count = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    items = []
    for i in range(count):
        suite, notice, order, firm, ciphertext, kid, signature, public_key = fields[4 + 8 * i : 12 + 8 * i]
        envelope = env.Envelope(
            env.VERSION,
            env.SuiteId(suite.decode()),
            notice.decode(),
            int(order),
            firm.decode(),
            ciphertext,
            kid.decode(),
            signature,
        )
        items.append(Sealed(envelope, public_key))
    return master, slots, picks_per_bid, items


def _outcome(value: object) -> Opened | Refused:
    if isinstance(value, str):
        return Refused(value)
    assert isinstance(value, list)
    amount, picks = value
    return Opened(int(amount), tuple(int(p) for p in picks))


def _worker() -> None:
    """A worker process: read the job from stdin, write one outcome per bid to stdout, exit."""
    master, slots, picks_per_bid, items = _read_job(sys.stdin.buffer.read())
    out = sys.stdout
    for outcome in _open_chunk(master, slots, picks_per_bid, items):
        value = outcome.reason if isinstance(outcome, Refused) else [outcome.amount, list(outcome.picks)]
        out.write(json.dumps(value, ensure_ascii=False) + "\n")
    out.flush()


if __name__ == "__main__":
    _worker()
