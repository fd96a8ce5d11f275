"""The change feed (issue #10 point 2): which contracting processes changed, in an order that never skips a write.

A feed ordered by a modification time or by an id taken when the transaction began skips a transaction that
commits late: a reader has already moved past its time or its id when it becomes visible (the Prozorro bug).
Jangter's feed is the public log instead. Every public change of a process appends a log event in its own
transaction; the integrator, one at a time, gives the events that have committed the next indexes
(``kernel/translog.integrate``). An event that commits late is integrated later, with a higher index than anything
a reader has seen, so a reader that asks for "after index N" never misses it.

One more care: a page reads the log's size first and then only the entries below it. Entries below the size were
committed with it, so a page that is cut short or finds nothing can safely move its cursor to the size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jangter.contracting.orm import Contract
from jangter.kernel.context import AppContext
from jangter.kernel.ids import Stage, is_notice_number
from jangter.kernel.translog import LogEntry
from jangter.opendata.ocds.ids import ocid
from jangter.tendering.orm import Notice

#: The log events that change what is public about a process (OCDS): its notice, contract, guarantees and payments.
#: A received bid is not one: bids become public with the opening (``notice.opened``).
PREFIXES = ("notice.", "contract.", "guarantee.", "payment.")
PAGE_MAX = 1000


@dataclass(frozen=True)
class Change:
    index: int  # the event's index in the public log
    at: datetime
    kind: str  # notice.amended, contract.signed, payment.paid, …
    notice: str  # the process: its notice number
    ocid: str  # the process in OCDS (``/api/v1/ocds/processes/{notice}/record``)


@dataclass(frozen=True)
class FeedPage:
    items: tuple[Change, ...]
    after: int  # pass it back to get what follows (-1: from the start)
    log_size: int  # how many events the log held when the page was read


def _stage(subject: str) -> str:
    """BK for a notice number, TA for a contract's (``kernel/ids``)."""
    return subject[3:5] if is_notice_number(subject) else ""


def _notices_of_contracts(session: Session, numbers: set[str]) -> dict[str, str]:
    if not numbers:
        return {}
    rows = session.execute(
        select(Contract.number, Notice.number)
        .join(Notice, Notice.id == Contract.notice_id)
        .where(Contract.number.in_(sorted(numbers)))
    ).all()
    return {str(contract): str(notice) for contract, notice in rows}


def changes(ctx: AppContext, after: int = -1, limit: int = 100) -> FeedPage:
    """The process changes logged after index ``after``, oldest first, at most ``limit``."""
    limit = max(1, min(limit, PAGE_MAX))
    with ctx.db.reading() as session:
        size = int(session.scalar(select(func.coalesce(func.max(LogEntry.index) + 1, 0))) or 0)
        rows = session.execute(
            select(LogEntry.index, LogEntry.created_at, LogEntry.kind, LogEntry.subject)
            .where(
                LogEntry.index > after,
                LogEntry.index < size,
                or_(*(LogEntry.kind.startswith(p) for p in PREFIXES)),
            )
            .order_by(LogEntry.index)
            .limit(limit)
        ).all()
        contracts = _notices_of_contracts(session, {s for *_, s in rows if _stage(s) == Stage.CONTRACT.value})
    items = []
    for index, at, kind, subject in rows:  # a guarantee or payment names its contract, a bid bond its notice
        notice = subject if _stage(subject) == Stage.BID.value else contracts.get(subject)
        if notice is not None:
            items.append(Change(index=index, at=at, kind=kind, notice=notice, ocid=ocid(notice, ctx.ocid_prefix)))
    full = len(rows) == limit
    next_after = rows[-1][0] if full else max(after, size - 1)
    return FeedPage(items=tuple(items), after=next_after, log_size=size)
