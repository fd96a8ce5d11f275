"""Bank transfers are an outside system (the treasury's, through KFTC); Jangter records the payment order and hands
it over through this interface. The shipped implementation writes a daily file for the bank (CSV, one line per
order, keyed by the order's reference so a repeated line is recognised)."""

from __future__ import annotations

import csv
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
    """``<folder>/transfers-YYYYMMDD.csv``: the file a finance office uploads to its bank."""

    HEADER = ("reference", "date", "payee_business_number", "payee_name", "amount_won", "memo")

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, day: date) -> Path:
        return self.folder / f"transfers-{day:%Y%m%d}.csv"

    def send(self, orders: list[TransferOrder]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for order in orders:
            path = self.path_for(order.day)
            new = not path.exists()
            with path.open("a", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                if new:
                    writer.writerow(self.HEADER)
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
