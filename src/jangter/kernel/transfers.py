"""Bank transfers are an outside system (the treasury's, through KFTC); Jangter records the payment order and hands
it over through this interface. The shipped implementation writes a daily file for the bank (CSV, one line per
order, keyed by the order's reference so a repeated line is recognised)."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class TransferOrder:
    reference: str  # unique per payment: the bank drops a repeat
    day: date
    payee_business_number: str
    payee_name: str
    amount: int
    memo: str


class TransferChannel(Protocol):
    def send(self, orders: list[TransferOrder]) -> None:
        """Hand the orders over; raises if they could not be (they are sent again later)."""


class FileExport:
    """``<folder>/transfers-YYYYMMDD.csv``: the file a finance office uploads to its bank. Sending the same orders
    again (a worker that died after writing and before recording it) adds nothing: an order whose reference is in
    the file already is skipped, and a line cut off by a crash is dropped before writing."""

    HEADER = ("reference", "date", "payee_business_number", "payee_name", "amount_won", "memo")

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, day: date) -> Path:
        return self.folder / f"transfers-{day:%Y%m%d}.csv"

    def references(self, day: date) -> set[str]:
        path = self.path_for(day)
        if not path.exists():
            return set()
        with path.open(newline="", encoding="utf-8") as handle:
            return {row["reference"] for row in csv.DictReader(handle)}

    def send(self, orders: list[TransferOrder]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for day in sorted({order.day for order in orders}):
            path = self.path_for(day)
            _drop_torn_line(path)
            known = self.references(day)
            fresh = [o for o in orders if o.day == day and o.reference not in known]
            if not fresh:
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            if not path.exists() or path.stat().st_size == 0:
                writer.writerow(self.HEADER)
            for order in fresh:
                writer.writerow(
                    (
                        order.reference,
                        order.day.isoformat(),
                        order.payee_business_number,
                        order.payee_name,
                        order.amount,
                        order.memo,
                    )
                )
            with path.open("a", encoding="utf-8", newline="") as out:
                out.write(buffer.getvalue())
                out.flush()
                os.fsync(out.fileno())


def _drop_torn_line(path: Path) -> None:
    """A crash in the middle of a write leaves a last line without its end: cut it (it is written again)."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
