"""The due-event worker (Prozorro's chronograph pattern): applies time-driven transitions when they fall due.

Closing notices at their deadline, integrating the log, the search index and alerts, calls to guarantee
institutions and e-mail. It runs inside ``jangter serve`` by default, or alone as
``jangter worker`` (several workers are safe: rows are claimed with ``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import asyncio
import logging

from jangter.bidding.service import BidEvents
from jangter.contracting import guarantees
from jangter.kernel import translog
from jangter.kernel.context import AppContext
from jangter.notifications import calls, outbox
from jangter.payments import service as payments
from jangter.rules import store as rules_store
from jangter.search import index as search_index
from jangter.search import saved as saved_searches
from jangter.tendering.service import close_due_notices

log = logging.getLogger("jangter.worker")


def integrate_log(ctx: AppContext) -> int:
    """Give queued log events their indexes and sign a new tree head; returns how many were added."""
    with ctx.uow() as uow:
        head = translog.integrate(uow.session, ctx.signer, ctx.clock.now(), sources=[BidEvents()])
        uow.commit()
    return 0 if head is None else head.size


def run_due_events_once(ctx: AppContext) -> int:
    rules_store.refresh(ctx)  # rule files an operator loaded in another process
    closed = close_due_notices(ctx)
    if closed:
        log.info("closed %d notice(s) at their deadline", closed)
    size = integrate_log(ctx)
    if size:
        log.info("log integrated up to size %d", size)
    try:
        indexed = search_index.catch_up(ctx)
        if indexed:
            log.info("search index caught up with %d notice(s)", indexed)
        alerts = saved_searches.run_alerts(ctx)
        if alerts:
            log.info("%d saved-search alert(s) written to the outbox", alerts)
    except Exception:  # the search engine is away: notices wait in the queue, nothing else stops
        log.warning("search index catch-up or alerts failed; will retry", exc_info=True)
    released = guarantees.release_expired(ctx)  # defect-repair guarantees at the end of their period
    released += guarantees.release_bid_bonds(ctx)  # bid bonds once the tender has moved on
    if released:
        log.info("%d guarantee(s) released: defect periods ended, tenders decided", released)
    delivered, failed = calls.deliver_due(ctx)  # guarantee requests, releases and claims to the institutions
    if delivered or failed:
        log.info("calls to outside systems: %d delivered, %d to retry", delivered, failed)
    payments.export_transfers_quietly(ctx)  # payment orders not yet handed to the bank channel
    alerted = payments.alert_overdue(ctx)
    if alerted:
        log.info("%d overdue signature, inspection or payment alert(s) written to the outbox", alerted)
    outbox.deliver_due(ctx)  # last, so that this pass's alerts go out in it
    return closed


async def run_due_events_forever(ctx: AppContext, interval_seconds: float) -> None:
    while True:
        try:
            await asyncio.to_thread(run_due_events_once, ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("due-event pass failed; retrying in %.0fs", interval_seconds)
        await asyncio.sleep(interval_seconds)
