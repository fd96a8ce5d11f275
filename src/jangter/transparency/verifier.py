"""The standalone verifier: receipts, log exports and consistency between tree heads, without the database.

Everything here needs only the published material (an export, a receipt, tree heads) and the platform's public
key; it imports no database or web library, so an auditor can run it anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from jangter.kernel import merkle
from jangter.kernel.signing import verify_signature
from jangter.kernel.translog import verify_sth


@dataclass
class Report:
    ok: bool = True
    checked: list[str] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)

    def fail(self, index: int | None, message: str) -> None:
        self.ok = False
        self.problems.append((index, message))

    @property
    def first_bad_index(self) -> int | None:
        indexes = [i for i, _ in self.problems if i is not None]
        return min(indexes) if indexes else None

    def summary(self) -> str:
        if self.ok:
            return "OK: " + "; ".join(self.checked)
        first = self.first_bad_index
        lines = [f"FAIL: first bad index {first}" if first is not None else "FAIL"]
        lines += [
            f"  [{'-' if i is None else i}] {message}"
            for i, message in sorted(self.problems, key=lambda p: (p[0] is None, p[0] or 0))
        ]
        return "\n".join(lines)


def verify_receipt(receipt: dict[str, Any], public_key: bytes) -> Report:
    """A receipt (as ``GET /api/v1/receipts/{id}`` returns it): signature, leaf hash, inclusion and tree head."""
    report = Report()
    leaf = str(receipt.get("leaf", "")).encode("utf-8")
    if not verify_signature(public_key, leaf, bytes.fromhex(str(receipt.get("signature", "")) or "00")):
        report.fail(None, "the platform's signature over the receipt does not verify")
    if merkle.leaf_hash(leaf).hex() != receipt.get("leaf_hash"):
        report.fail(None, "the leaf hash does not match the receipt's event")
    proof = receipt.get("log_proof")
    if proof is None:
        report.checked.append("signature (the log has not integrated this event yet: no inclusion proof)")
        return report
    head = proof["tree_head"]
    if not verify_sth(head, public_key):
        report.fail(None, "the tree head's signature does not verify")
    if not merkle.verify_inclusion(
        merkle.leaf_hash(leaf),
        int(proof["index"]),
        int(head["size"]),
        [bytes.fromhex(h) for h in proof["inclusion"]],
        bytes.fromhex(head["root"]),
    ):
        report.fail(int(proof["index"]), "the inclusion proof does not lead to the signed root")
    report.checked.append(f"signature, inclusion at index {proof['index']} in a signed tree of size {head['size']}")
    return report


def verify_consistency(old: dict[str, Any], new: dict[str, Any], proof: list[str], public_key: bytes) -> Report:
    report = Report()
    for head in (old, new):
        if not verify_sth(head, public_key):
            report.fail(None, f"the tree head of size {head.get('size')} is not signed by this key")
    if not merkle.verify_consistency(
        int(old["size"]),
        int(new["size"]),
        bytes.fromhex(old["root"]),
        bytes.fromhex(new["root"]),
        [bytes.fromhex(h) for h in proof],
    ):
        report.fail(int(old["size"]), "the newer tree does not extend the older one (history was rewritten)")
    report.checked.append(f"tree of size {new['size']} extends tree of size {old['size']}")
    return report


def verify_export(document: dict[str, Any], public_key: bytes) -> Report:
    """Recompute the whole log, check every signed tree head, and compare the database records with the log."""
    report = Report()
    entries = document.get("entries", [])
    tree = merkle.InMemoryTree()
    events: list[dict[str, Any]] = []
    for expected, entry in enumerate(entries):
        if entry["index"] != expected:
            report.fail(expected, f"log entry {expected} is missing (found {entry['index']} in its place)")
            break
        body = entry["body"].encode("utf-8")
        leaf = merkle.leaf_hash(body)
        if leaf.hex() != entry["leaf_hash"]:
            report.fail(expected, "the entry's stored leaf hash does not match its content")
        tree.append(leaf)
        events.append(json.loads(body))
    heads = sorted(document.get("heads", []), key=lambda h: int(h["size"]))
    good_size = 0
    for head in heads:
        size = int(head["size"])
        if not verify_sth(head, public_key):
            report.fail(None, f"the tree head of size {size} is not signed by the platform key")
            continue
        if size > tree.size:
            report.fail(tree.size, f"a signed tree head covers {size} entries but only {tree.size} are present")
            continue
        if tree.root(size).hex() != head["root"]:
            report.fail(
                good_size,
                f"entries in [{good_size}, {size}) differ from what the signed tree head of size {size} covers",
            )
        else:
            good_size = size
    _cross_check(document.get("records", {}), events, report)
    if report.ok:
        report.checked.append(
            f"{tree.size} entries, {len(heads)} signed tree heads, "
            f"{len(document.get('records', {}).get('bids', []))} bids and "
            f"{len(document.get('records', {}).get('awards', []))} awards match the log"
        )
    return report


def _cross_check(records: dict[str, Any], events: list[dict[str, Any]], report: Report) -> None:
    received = {e["receipt"]: (i, e) for i, e in enumerate(events) if e.get("event") == "bid.received"}
    for bid in records.get("bids", []):
        found = received.get(bid["receipt"])
        if found is None:
            report.fail(None, f"bid {bid['receipt']} of {bid['notice']} has no bid.received event in the log")
            continue
        index, event = found
        if event["ciphertext_sha256"] != bid["ciphertext_sha256"]:
            report.fail(index, f"the stored ciphertext of bid {bid['receipt']} is not the one received")
        if event["received_at"] != bid["received_at"]:
            report.fail(index, f"the receipt time of bid {bid['receipt']} was changed")
    stored = {b["receipt"] for b in records.get("bids", [])}
    for receipt, (index, event) in received.items():
        if records.get("bids") is not None and receipt not in stored:
            report.fail(index, f"the log received bid {receipt} of {event['subject']}, but the database lost it")
    awarded = {(e["subject"], e["round"]): (i, e) for i, e in enumerate(events) if e.get("event") == "notice.awarded"}
    for award in records.get("awards", []):
        found = awarded.get((award["notice"], award["round"]))
        if found is None:
            report.fail(None, f"the award of {award['notice']} round {award['round']} is not in the log")
            continue
        index, event = found
        for key in ("winner_receipt", "firm_id", "amount", "contract_deposit"):
            if event.get(key) != award.get(key):
                report.fail(index, f"the award of {award['notice']} differs from the log ({key})")
