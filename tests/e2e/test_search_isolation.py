"""The search can fail without stopping bidding (issue #7 point 2): with the engine broken, or hanging on a lock,
every bid is accepted, every notice page renders, and the search page and API answer plainly from the fallback."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from jangter.app import create_app
from jangter.bidding.orm import Bid
from jangter.config import Settings
from jangter.kernel.context import AppContext
from tests.support import World, make_world, search_engine_broken


@contextmanager
def broken(ctx: AppContext, how: str) -> Iterator[AppContext]:
    """``drop``: the engine's index is gone. ``hang``: the engine does not answer in time — on PostgreSQL another
    session holds its index locked; on SQLite, where readers are never blocked, its time limit is zero."""
    if how == "drop":
        with search_engine_broken(ctx):
            yield ctx
        return
    if ctx.db.engine.dialect.name != "postgresql":
        yield replace(ctx, search_timeout_ms=0)
        return
    blocker = ctx.db.engine.connect()
    transaction = blocker.begin()
    blocker.execute(text("LOCK TABLE notice_search IN ACCESS EXCLUSIVE MODE"))
    try:
        yield replace(ctx, search_timeout_ms=200)
    finally:
        transaction.rollback()
        blocker.close()


@pytest.mark.parametrize("how", ["drop", "hang"])
def test_bids_and_notice_pages_do_not_depend_on_the_search_engine(
    how: str, ctx: AppContext, settings: Settings
) -> None:
    world: World = make_world(ctx, firms=6)
    numbers = [world.publish(title=f"청사 시설 정비 공사 {i}") for i in range(3)]
    documents = [(n, i, world.seal(n, i, 90_000_000 + i, (1 + i % 10, 11 + i % 4))) for n in numbers for i in range(6)]
    with broken(ctx, how) as ctx, TestClient(create_app(settings, ctx, run_worker=False)) as client:

        def bid(job: tuple[str, int, dict[str, object]]) -> str:
            number, firm, document = job
            from jangter.bidding.service import submit_bid

            return submit_bid(ctx, world.firms[firm], number, document).receipt_id

        with ThreadPoolExecutor(max_workers=4) as pool:
            pending = pool.map(bid, documents)
            pages = [client.get(f"/notices/{n}") for n in numbers for _ in range(3)]
            searches = [client.get("/api/v1/notices", params={"q": "공사"}) for _ in range(5)]
            page = client.get("/notices", params={"q": "정비"})
            receipts = list(pending)
    assert len(set(receipts)) == len(documents)  # every bid accepted, once
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Bid)) == len(documents)
    assert all(p.status_code == 200 and "청사 시설 정비 공사" in p.text for p in pages)
    for answer in searches:
        body = answer.json()
        assert answer.status_code == 200 and body["search"]["mode"] == "fallback"
        assert {item["number"] for item in body["items"]} == set(numbers)
    assert page.status_code == 200 and "간단한 결과" in page.text and "<mark>정비</mark>" in page.text
