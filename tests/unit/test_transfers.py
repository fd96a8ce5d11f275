"""The bank file (kernel/transfers.py): each payment order once, whatever a crash repeats or cuts off."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from jangter.kernel.transfers import FileExport, TransferOrder

DAY = date(2026, 12, 7)


def order(reference: str, amount: int, day: date = DAY) -> TransferOrder:
    return TransferOrder(reference, day, "1208147521", "한빛전자(주)", amount, "계약 R26TA00000001 대가")


def lines(export: FileExport, day: date = DAY) -> list[dict[str, str]]:
    with export.path_for(day).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sending_the_same_orders_again_adds_nothing(tmp_path: Path) -> None:
    export = FileExport(tmp_path)
    export.send([order("R26TA00000001-P001", 63_000_000)])
    export.send([order("R26TA00000001-P001", 63_000_000), order("R26TA00000001-P002", 27_000_000)])
    assert [(r["reference"], r["amount_won"]) for r in lines(export)] == [
        ("R26TA00000001-P001", "63000000"),
        ("R26TA00000001-P002", "27000000"),
    ]


def test_a_line_cut_off_by_a_crash_is_written_again_whole(tmp_path: Path) -> None:
    export = FileExport(tmp_path)
    export.send([order("R26TA00000001-P001", 63_000_000)])
    with export.path_for(DAY).open("a", encoding="utf-8") as out:
        out.write("R26TA00000001-P002,2026-12-07,12081")  # the process died here
    export.send([order("R26TA00000001-P002", 27_000_000)])
    assert [r["reference"] for r in lines(export)] == ["R26TA00000001-P001", "R26TA00000001-P002"]
    assert lines(export)[1]["payee_name"] == "한빛전자(주)"


def test_orders_go_to_the_file_of_their_day(tmp_path: Path) -> None:
    export = FileExport(tmp_path)
    export.send([order("A-P001", 1, DAY), order("A-P002", 2, date(2026, 12, 8))])
    assert [r["reference"] for r in lines(export)] == ["A-P001"]
    assert [r["reference"] for r in lines(export, date(2026, 12, 8))] == ["A-P002"]
