"""Search over a million notices through HTTP, on SQLite and on PostgreSQL (issue #7, DESIGN §6).

For each database: a fresh database; ``jangter demo --notices N`` as a library call (generation and index build
timed apart; index size read from the database); then the same queries — one word or two words, each with a
filter (category or region) — first straight to the engine in this process (the raw engine time), then through
HTTP to ``jangter serve`` one at a time (the latency a person sees, JSON API, keep-alive). An answer that came from
the fallback rather than the engine is counted and reported: it would make the latency mean something else.
"""

from __future__ import annotations

import itertools
import os
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import text

from jangter.demo_corpus import generate
from jangter.identity.domain.roles import Role
from jangter.identity.service import NewPerson, bootstrap_operator
from jangter.kernel.calendar import KoreanCalendar
from jangter.kernel.clock import SystemClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.procurement import Category
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.migrations import upgrade
from jangter.rules.loader import load_rule_book
from jangter.search.domain.tokens import parse_query
from jangter.search.engines import engine_for
from jangter.search.service import SearchRequest, engine_conditions, facets, for_engine

NOTICES = int(os.environ.get("JANGTER_BENCH_SEARCH_NOTICES", "1000000"))
REQUESTS = int(os.environ.get("JANGTER_BENCH_SEARCH_REQUESTS", "600"))  # per kind of query and database
PAGE = 20

#: Words people type, from the commonest (공사: about a third of all works notices) to rarer ones.
ONE_WORD = ["공사", "용역", "구매", "청사", "도로", "정비", "교체", "유지보수", "LED", "시스템", "냉난방기", "cloud"]
TWO_WORDS = [
    "도로 포장",
    "청사 리모델링",
    "LED 조명",
    "정보시스템 유지보수",
    "냉난방기 구매",
    "하천 정비",
    "학교 급식",
    "시설관리 용역",
    "옥상 방수",
    "클라우드 전환",
    "보안장비 구매",
    "Road works",
]
FILTERS: list[dict[str, str]] = [
    {"category": Category.WORKS.value},
    {"category": Category.GOODS.value},
    {"category": Category.SERVICES.value},
    {"region": "11"},
    {"region": "41"},
]
console = Console()


@dataclass
class Timing:
    p50_ms: float
    p99_ms: float
    fallbacks: int = 0


@dataclass
class SearchBench:
    database: str
    notices: int
    generate_s: float
    index_s: float
    index_bytes: int
    raw: dict[str, Timing]
    http: dict[str, Timing]


def queries(words: list[str]) -> list[tuple[str, dict[str, str]]]:
    pairs = itertools.cycle(itertools.product(FILTERS, words))
    return [(word, dict(flt)) for flt, word in itertools.islice(pairs, REQUESTS)]


def _timing(samples: list[float], fallbacks: int = 0) -> Timing:
    ordered = sorted(samples)
    return Timing(
        statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, fallbacks
    )


def _context(url: str) -> AppContext:
    clock = SystemClock()
    return AppContext(
        db=Database(url, clock, pool_size=2),
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SystemRandomSource(),
        signer=PlatformSigner.generate(),
    )


def build(url: str, label: str) -> tuple[float, float]:
    """The corpus and its index; returns (seconds generating the notices, seconds building the index)."""
    upgrade(url)
    ctx = _context(url)
    try:
        bootstrap_operator(
            ctx, "조달청", NewPerson("operator@pps.go.kr", "운영자", "bench-password-2026", frozenset({Role.OPERATOR}))
        )
        marks: dict[str, float] = {"start": time.monotonic()}
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            tasks = {
                "notices": progress.add_task(f"{label}: 공고 생성 / notices", total=NOTICES),
                "index": progress.add_task(f"{label}: 검색 색인 / search index", total=None),
            }

            def advance(stage: str, done: int, total: int) -> None:
                if stage == "notices" and done == total:
                    marks["generated"] = time.monotonic()
                progress.update(tasks[stage], completed=done, total=total)

            generate(ctx, NOTICES, seed=7, progress=advance)
        marks["indexed"] = time.monotonic()
        if ctx.db.engine.dialect.name == "postgresql":
            with ctx.db.engine.begin() as connection:  # fresh statistics, as autovacuum would soon have
                connection.execute(text("ANALYZE"))
    finally:
        ctx.db.dispose()
    return marks["generated"] - marks["start"], marks["indexed"] - marks["generated"]


def index_bytes(url: str) -> int:
    """What the search index takes on disk: the token table and the engine's own structures."""
    ctx = _context(url)
    try:
        with ctx.db.engine.connect() as connection:
            if ctx.db.engine.dialect.name == "postgresql":
                return int(connection.execute(text("SELECT pg_total_relation_size('notice_search')")).scalar_one())
            sizes = connection.execute(
                text(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = 'notice_search' OR name LIKE 'notice_fts%' "
                    "OR name LIKE 'sqlite_autoindex_notice_search%'"
                )
            ).scalar_one()
            return int(sizes or 0)
    finally:
        ctx.db.dispose()


def raw_engine(url: str, asked: list[tuple[str, dict[str, str]]]) -> Timing:
    """The engine's own query, in this process, as the search service makes it (page of 20, filters)."""
    ctx = _context(url)
    engine = engine_for(ctx.db.engine.dialect.name)
    samples = []
    try:
        for word, flt in [*asked[:20], *asked]:  # the first 20 again at the end: a warm cache, as in service
            category = Category(flt["category"]) if "category" in flt else None
            request = SearchRequest(text=word, category=category, region=flt.get("region"))
            parsed, where = parse_query(word), engine_conditions(request, ctx.clock.now())
            with ctx.db.reading() as session:
                started = time.perf_counter()
                with engine.time_limit(session, 10_000):  # as the service asks (its settings are part of the query)
                    engine.matches(
                        session, for_engine(request, parsed), facets(request), where, limit=PAGE + 1, offset=0
                    )
                samples.append(time.perf_counter() - started)
    finally:
        ctx.db.dispose()
    return _timing(samples[20:])


def over_http(port: int, asked: list[tuple[str, dict[str, str]]]) -> Timing:
    samples = []
    fallbacks = 0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for i, (word, flt) in enumerate([*asked[:20], *asked]):
            started = time.perf_counter()
            response = client.get("/api/v1/notices", params={"q": word, "limit": PAGE, **flt})
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if i >= 20:
                samples.append(elapsed)
                fallbacks += response.json()["search"]["mode"] != "engine"
    return _timing(samples, fallbacks)


def run_one(url: str, label: str) -> SearchBench:
    from bench.submission import WEB_WORKERS, _free_port, run_server

    generate_s, index_s = build(url, label)
    size = index_bytes(url)
    asked = {"one word + filter": queries(ONE_WORD), "two words + filter": queries(TWO_WORDS)}
    raw = {kind: raw_engine(url, q) for kind, q in asked.items()}
    port = _free_port()
    server = run_server(url, port, workers=1 if url.startswith("sqlite") else WEB_WORKERS)  # SQLite: one process
    try:
        http = {kind: over_http(port, q) for kind, q in asked.items()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return SearchBench(label, NOTICES, generate_s, index_s, size, raw, http)


def run(postgres_url: str) -> list[SearchBench]:
    folder = Path(tempfile.mkdtemp(prefix="jangter-bench-search-"))
    results = [run_one(f"sqlite:///{folder / 'search.db'}", "SQLite")]
    results.append(run_one(postgres_url, "PostgreSQL"))
    return results


TARGETS = {"SQLite": 10.0, "PostgreSQL": 25.0}


def rows(results: list[SearchBench]) -> list[tuple[str, str, str]]:
    out = []
    for r in results:
        target = TARGETS[r.database]
        out.append(
            (
                f"search {r.notices:,} notices ({r.database}): generate / index build / index size",
                f"{r.generate_s:.0f} s / {r.index_s:.0f} s / {r.index_bytes / 2**20:,.0f} MiB",
                "—",
            )
        )
        for kind, http in r.http.items():
            raw = r.raw[kind]
            note = f", {http.fallbacks} fallback answers" if http.fallbacks else ""
            out.append(
                (
                    f"search {r.database}, {kind}: HTTP p50 / p99 (raw engine p50 / p99)",
                    f"{http.p50_ms:.1f} / {http.p99_ms:.1f} ms ({raw.p50_ms:.1f} / {raw.p99_ms:.1f} ms){note}",
                    f"p99 ≤ {target:.0f} ms",
                )
            )
    return out


def main() -> None:
    """``python -m bench.search``: this part of ``make bench`` alone."""
    from rich.table import Table

    from bench.submission import _fresh_database

    table = Table(title=f"Jangter search bench — {os.cpu_count()} cores")
    for name in ("measure", "value", "target (DESIGN §6)"):
        table.add_column(name)
    for row in rows(run(_fresh_database("jangter_bench_search"))):
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
