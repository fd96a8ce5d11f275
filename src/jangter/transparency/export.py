"""An export of the public log with the database records it vouches for, for an auditor's offline check.

The records are read from the database as they are now; ``jangter verify-log export`` recomputes the log and
compares both, so a rewritten ciphertext, timestamp, award or log row shows up with the first index it breaks.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from jangter.bidding.orm import Bid
from jangter.evaluation.orm import Opening
from jangter.kernel.context import AppContext
from jangter.kernel.translog import LogEntry, TreeHead
from jangter.tendering.orm import Notice


def export(ctx: AppContext) -> dict[str, Any]:
    with ctx.db.reading() as session:
        entries = [
            {"index": e.index, "body": bytes(e.body).decode("utf-8"), "leaf_hash": e.leaf_hash}
            for e in session.scalars(select(LogEntry).order_by(LogEntry.index))
        ]
        heads = [
            {"size": h.size, "root": h.root, "timestamp": h.timestamp, "signature": h.signature, "key_id": h.key_id}
            for h in session.scalars(select(TreeHead).order_by(TreeHead.size))
        ]
        bids = [
            {
                "receipt": b.public_id,
                "notice": number,
                "ciphertext_sha256": hashlib.sha256(b.payload).hexdigest(),
                "received_at": b.received_at.isoformat(),
            }
            for b, number in session.execute(
                select(Bid, Notice.number).join(Notice, Notice.id == Bid.notice_id).order_by(Bid.id)
            )
        ]
        awards = []
        for opening, number in session.execute(
            select(Opening, Notice.number)
            .join(Notice, Notice.id == Opening.notice_id)
            .where(Opening.awarded_at.is_not(None))
            .order_by(Opening.id)
        ):
            winner = session.get(Bid, opening.winner_bid_id) if opening.winner_bid_id else None
            awards.append(
                {
                    "notice": number,
                    "round": opening.round,
                    "winner_receipt": winner.public_id if winner else None,
                    "firm_id": winner.firm_id if winner else None,
                    "amount": winner.amount if winner else None,
                    "contract_deposit": opening.contract_deposit,
                }
            )
    return {
        "log": "jangter",
        "public_key": ctx.signer.public_bytes.hex(),
        "entries": entries,
        "heads": heads,
        "records": {"bids": bids, "awards": awards},
    }
