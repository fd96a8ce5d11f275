"""What the public log page shows: the platform key, the latest signed tree heads and the latest entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from jangter.kernel import translog
from jangter.kernel.context import AppContext


@dataclass(frozen=True)
class LogEntryView:
    index: int
    kind: str
    subject: str
    leaf_hash: str
    at: datetime  # when the event happened (queued)


@dataclass(frozen=True)
class LogOverview:
    key_id: str
    public_key: str
    heads: list[translog.SignedTreeHead]  # newest first
    entries: list[LogEntryView]  # newest first
    size: int
    pending: int  # events waiting for the next tree head


def log_overview(ctx: AppContext, *, heads: int = 10, entries: int = 50) -> LogOverview:
    with ctx.db.reading() as session:
        head_rows = session.scalars(select(translog.TreeHead).order_by(translog.TreeHead.size.desc()).limit(heads))
        recent = [translog.SignedTreeHead(h.size, h.root, h.timestamp, h.signature, h.key_id) for h in head_rows.all()]
        rows = session.scalars(select(translog.LogEntry).order_by(translog.LogEntry.index.desc()).limit(entries)).all()
        pending = session.scalar(select(func.count()).select_from(translog.LogPending)) or 0
    return LogOverview(
        key_id=ctx.signer.key_id,
        public_key=ctx.signer.public_bytes.hex(),
        heads=recent,
        entries=[LogEntryView(e.index, e.kind, e.subject, e.leaf_hash, e.created_at) for e in rows],
        size=recent[0].size if recent else 0,
        pending=pending,
    )
