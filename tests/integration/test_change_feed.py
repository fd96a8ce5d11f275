"""The change feed never skips a write, even one made by a transaction that committed late (issue #10 point 2).

1. Deterministic: a transaction stamped earlier commits after a later one has been read. A feed ordered by time
   (as Prozorro's was, by ``dateModified``) skips it; Jangter's feed, ordered by the public log's index, does not.
2. Concurrent: eight writers commit 200 transactions with random pauses between their write and their commit (on
   PostgreSQL they really commit out of order), while a reader integrates the log as the worker does and follows
   the feed; afterwards every committed write was read exactly once, in increasing log order.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from jangter.kernel import translog
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.translog import LogEntry
from jangter.opendata import feed
from jangter.worker import integrate_log
from tests.support import make_world

WRITERS = 8
EACH = 25


def write(ctx: AppContext, notice: str, tag: str, at: datetime, pause: float = 0.0) -> None:
    """One public change of a process: its log event, written in the change's own transaction."""
    with ctx.uow() as uow:
        translog.append(uow.session, "notice.amended", notice, {"tag": tag}, at)
        if pause:
            time.sleep(pause)
        uow.commit()


def read_all(ctx: AppContext, after: int) -> tuple[list[feed.Change], int]:
    seen: list[feed.Change] = []
    while True:
        page = feed.changes(ctx, after, limit=7)  # small pages: the cursor is exercised
        seen.extend(page.items)
        if page.after == after:
            return seen, after
        after = page.after


def tags(ctx: AppContext, changes: list[feed.Change]) -> list[str]:
    with ctx.db.reading() as session:
        bodies = dict(
            session.execute(
                select(LogEntry.index, LogEntry.body).where(LogEntry.index.in_([c.index for c in changes]))
            ).all()
        )
    return [json.loads(bodies[c.index])["tag"] for c in changes]


def test_a_late_commit_is_not_skipped_where_a_time_ordered_feed_would_skip_it(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=1)
    notice = world.publish()
    integrate_log(ctx)
    _, cursor = read_all(ctx, -1)
    early, late = clock.now() + timedelta(minutes=1), clock.now() + timedelta(minutes=2)

    write(ctx, notice, "later-stamped", late)  # commits first
    integrate_log(ctx)
    first, cursor = read_all(ctx, cursor)
    naive_seen_up_to = max(c.at for c in first)  # a time-ordered feed's cursor: "modified after this"
    write(ctx, notice, "earlier-stamped", early)  # began earlier, committed late
    integrate_log(ctx)
    second, cursor = read_all(ctx, cursor)

    assert tags(ctx, first) == ["later-stamped"] and tags(ctx, second) == ["earlier-stamped"]
    assert second[0].index > first[0].index and second[0].notice == notice
    with ctx.db.reading() as session:
        naive = session.scalars(select(LogEntry.subject).where(LogEntry.created_at > naive_seen_up_to)).all()
    assert naive == []  # the time-ordered feed never shows the late commit: the bug the log order avoids


def test_concurrent_writers_with_out_of_order_commits_lose_nothing(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    notices = [world.publish(title=f"동시 변경 시험 공고 {i}") for i in range(4)]
    integrate_log(ctx)
    _, start = read_all(ctx, -1)
    committed: list[tuple[str, float, float]] = []  # (tag, began, committed) in monotonic seconds
    lock = threading.Lock()
    errors: list[BaseException] = []
    now = ctx.clock.now()

    def writer(w: int) -> None:
        rng = random.Random(w)
        try:
            for k in range(EACH):
                began = time.monotonic()
                tag = f"{w}-{k}"
                write(
                    ctx, notices[(w + k) % len(notices)], tag, now + timedelta(seconds=w * EACH + k), rng.random() / 50
                )
                with lock:
                    committed.append((tag, began, time.monotonic()))
        except BaseException as exc:
            errors.append(exc)

    read: list[feed.Change] = []
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    cursor = start
    while any(t.is_alive() for t in threads):
        integrate_log(ctx)  # the worker
        page, cursor = read_all(ctx, cursor)
        read.extend(page)
        time.sleep(0.005)
    for t in threads:
        t.join()
    assert not errors, errors
    integrate_log(ctx)
    page, cursor = read_all(ctx, cursor)
    read.extend(page)

    got = tags(ctx, read)
    assert len(committed) == WRITERS * EACH
    assert sorted(got) == sorted(tag for tag, _, _ in committed)  # every write, once
    assert [c.index for c in read] == sorted(c.index for c in read)  # in log order
    by_start = sorted(committed, key=lambda c: c[1])
    inversions = sum(1 for a, b in itertools.pairwise(by_start) if a[2] > b[2])
    if ctx.db.dialect == "postgresql":  # real concurrency: later-begun transactions committed first
        assert inversions > 0
