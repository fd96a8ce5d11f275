"""The due-event worker (Prozorro's chronograph pattern): applies time-driven transitions when they fall due.

Today that is closing notices at their deadline. It runs inside ``jangter serve`` by default, or alone as
``jangter worker`` (several workers are safe: rows are claimed with ``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import asyncio
import logging

from jangter.kernel.context import AppContext
from jangter.tendering.service import close_due_notices

log = logging.getLogger("jangter.worker")


def run_due_events_once(ctx: AppContext) -> int:
    closed = close_due_notices(ctx)
    if closed:
        log.info("closed %d notice(s) at their deadline", closed)
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
