"""Sealed-bid submissions per second over HTTP on PostgreSQL at 64 concurrent clients (issue #3, DESIGN §6).

Next to it, in the same run: the machine's raw durable-commit rate (pgbench, one 4 KB row per transaction,
``synchronous_commit=on``) at the same concurrency, and the ratio. The load comes from ``wrk`` on the same
two cores as the server and the database, so all three share the machine — as they would in a small deployment.

Writes the table to the terminal and to ``var/reports/bench-<date>.md``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import opening, search
from bench.opening import plan_item
from jangter.bidding.orm import Bid
from jangter.client import sealing
from jangter.identity import keys, passwords
from jangter.identity.domain.firm_profile import BusinessForm
from jangter.identity.domain.registration_number import brn_check_digit
from jangter.identity.domain.roles import RegistrationStatus, Role
from jangter.identity.service import (
    FirmRegistration,
    NewAgency,
    NewPerson,
    SessionKind,
    actor_of_person,
    add_member,
    bootstrap_operator,
    create_agency,
    register_firm,
    review_firm,
    sign_in,
)
from jangter.kernel.calendar import SEOUL, KoreanCalendar, seoul_date
from jangter.kernel.clock import SystemClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.procurement import Category, ContractMethod, Jurisdiction
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.migrations import upgrade
from jangter.rules.loader import load_rule_book
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.terms import NoticeTerms

ADMIN_URL = os.environ.get("JANGTER_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CLIENTS = int(os.environ.get("JANGTER_BENCH_CLIENTS", "64"))
SECONDS = int(os.environ.get("JANGTER_BENCH_SECONDS", "20"))
FIRMS = int(os.environ.get("JANGTER_BENCH_FIRMS", "1200"))
NOTICES = int(os.environ.get("JANGTER_BENCH_NOTICES", "20"))
THREADS = min(2, CLIENTS)
WEB_WORKERS = int(os.environ.get("JANGTER_BENCH_WEB_WORKERS", "4"))
WEB_THREADS = int(os.environ.get("JANGTER_BENCH_WEB_THREADS", "3"))
PASSWORD = "bench-password-2026"
console = Console()


@dataclass
class Result:
    bids_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    created: int
    refused: int
    failed: int
    stored: int
    raw_commits_per_second: float
    raw_commits_1: float


def _fresh_database(name: str) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def raw_commit_rate(url: str, clients: int, seconds: int) -> float:
    """pgbench: one INSERT of a 4 KB row per transaction, durable (synchronous_commit=on)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS bench_raw_commit"))
        connection.execute(text("CREATE TABLE bench_raw_commit (id bigserial PRIMARY KEY, payload text)"))
        setting = connection.execute(text("SHOW synchronous_commit")).scalar_one()
    engine.dispose()
    if setting != "on":
        raise SystemExit(f"synchronous_commit is {setting}; the raw rate must be measured durable")
    parsed = make_url(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_raw_commit (payload) VALUES (repeat('x', 4096));\n")
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            parsed.host or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            script.name,
            parsed.database or "postgres",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    match = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)", out)
    if not match:
        raise SystemExit(f"could not read pgbench output:\n{out}")
    return float(match.group(1))


def _deadline(days: int) -> datetime:
    calendar = KoreanCalendar()
    day = seoul_date(datetime.now(UTC)) + timedelta(days=days)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 14, tzinfo=SEOUL)


@contextmanager
def cheap_kdfs() -> Iterator[None]:
    """Seeding speed only: cheap password and committee-key KDFs while seeding, production costs again after."""
    hasher, wrap = passwords._HASHER, dict(keys.WRAP_COST)
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    keys.WRAP_COST.update(time_cost=1, memory_cost=1024)
    try:
        yield
    finally:
        passwords._HASHER = hasher
        keys.WRAP_COST.update(wrap)


def seed(url: str, pairs_file: Path) -> None:
    """Agencies, firms with bidders and API tokens, published notices; writes one (token, notice) per line."""
    clock = SystemClock()
    db = Database(url, clock, pool_size=4)
    ctx = AppContext(
        db=db,
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SystemRandomSource(),
        signer=PlatformSigner.generate(),
    )
    operator = actor_of_person(
        ctx,
        bootstrap_operator(
            ctx, "조달청", NewPerson("operator@pps.go.kr", "운영자", PASSWORD, frozenset({Role.OPERATOR}))
        ),
    )
    agency = create_agency(ctx, operator, NewAgency("행정안전부", None, "1741000", Jurisdiction.NATIONAL, "36"))
    officer = actor_of_person(
        ctx,
        add_member(
            ctx,
            operator,
            agency,
            NewPerson("officer@mois.go.kr", "계약관", PASSWORD, frozenset({Role.PROCUREMENT_OFFICER})),
        ),
    )
    for i in range(5):
        member = actor_of_person(
            ctx,
            add_member(
                ctx,
                operator,
                agency,
                NewPerson(f"member{i}@mois.go.kr", f"개찰위원{i}", PASSWORD, frozenset({Role.OPENING_COMMITTEE})),
            ),
        )
        keys.register_committee_key(ctx, member, PASSWORD)
    deadline = _deadline(10)
    numbers = []
    tokens = []
    firms: list[tuple[str, Ed25519PrivateKey]] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("공고 / notices", total=NOTICES)
        for i in range(NOTICES):
            number = tendering.create_draft(
                ctx,
                officer,
                NoticeTerms(
                    title=f"성능 시험 공고 {i}",
                    description="",
                    category=Category.GOODS,
                    contract_method=ContractMethod.GENERAL_COMPETITIVE,
                    demand_agency_id=None,
                    region="00",
                    base_amount=100_000_000,
                    estimated_price=90_909_090,
                    a_value=0,
                    reserve_range_pct=None,
                    award_floor_rate=None,
                    bid_start_at=clock.now(),
                    deadline_at=deadline,
                    opening_at=deadline + timedelta(hours=1),
                    order_plan=plan_item(ctx, officer, f"성능 시험 공고 {i}"),
                ),
            )
            tendering.publish(ctx, officer, number)
            numbers.append(number)
            progress.advance(task)
        task = progress.add_task("업체·토큰 / firms and tokens", total=FIRMS)
        for i in range(FIRMS):
            first_nine = f"{300 + i // 10000:03d}{i % 10000:06d}"
            brn = first_nine + str(brn_check_digit(first_nine))
            firm_id = register_firm(
                ctx,
                FirmRegistration(
                    name=f"성능시험 업체 {i}",
                    business_number=brn,
                    business_form=BusinessForm.SOLE_PROPRIETOR,
                    corporate_number=None,
                    proprietor_number=f"8001011{i:06d}",
                    representative="대표",
                    address="대전광역시 서구",
                    region="30",
                    supplies=frozenset(c.value for c in Category),
                    supply_regions=frozenset({"00"}),
                    licences=(),
                    admin=NewPerson(
                        f"bid{i}@bench.kr", f"입찰자{i}", PASSWORD, frozenset({Role.BIDDER, Role.COMPANY_ADMIN})
                    ),
                ),
            )
            review_firm(ctx, operator, firm_id, RegistrationStatus.APPROVED, None)
            issued = sign_in(ctx, f"bid{i}@bench.kr", PASSWORD, kind=SessionKind.API, lifetime=timedelta(hours=6))
            _, signing_key = sealing.generate_signing_key()
            keys.register_signing_key(ctx, issued.actor, firm_id, sealing.public_key_b64(signing_key))
            tokens.append(issued.token)
            firms.append((brn, signing_key))
            progress.advance(task)
        notice_keys = {}
        for number in numbers:
            detail = queries.get_notice(ctx, number, None)
            assert detail.opening_key is not None
            notice_keys[number] = sealing.NoticeKey.from_api(
                {"number": number, "order": detail.order, "opening_key": vars(detail.opening_key)}
            )
        # Interleave notices so that concurrent requests hit different notices and firms. Bids are sealed here,
        # ahead of the run, as each bidder's own computer would do it.
        task = progress.add_task("봉인 / sealing", total=len(tokens) * len(numbers))
        with pairs_file.open("w") as out:
            for firm_index, token in enumerate(tokens):
                brn, signing_key = firms[firm_index]
                for n in range(len(numbers)):
                    number = numbers[(firm_index + n) % len(numbers)]
                    envelope = sealing.seal(
                        notice_keys[number],
                        firm=brn,
                        amount=85_000_000 + firm_index * 100 + n,
                        picks=(1 + n % 15, 1 + (n + 7) % 15),
                        signing_key=signing_key,
                    )
                    device = f"bench-device-{firm_index:06d}"
                    out.write(f"{token}\t{number}\t{device}\t{json.dumps(envelope.as_document())}\n")
                    progress.advance(task)
    db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_server(url: str, port: int, workers: int = WEB_WORKERS) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "JANGTER_DATABASE_URL": url,
        "JANGTER_ENV": "production",
        "JANGTER_SECRET_KEY": "b" * 48,
        "JANGTER_LOG_LEVEL": "warning",
        "JANGTER_EMBEDDED_WORKER": "0",
        "JANGTER_DB_POOL_SIZE": "8",
        "JANGTER_THREADS": str(WEB_THREADS),
    }
    jangter = str(Path(sys.executable).parent / "jangter")
    server = subprocess.Popen(
        [jangter, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def load(port: int, pairs_file: Path) -> dict[str, int]:
    lua = Path(__file__).with_name("submit.lua")
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{THREADS}",
            f"-c{CLIENTS}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{port}",
        ],
        env=os.environ | {"JANGTER_BENCH_PAIRS": str(pairs_file), "JANGTER_BENCH_THREADS": str(THREADS)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("JANGTER ")), None)
    if line is None:
        raise SystemExit(f"could not read wrk output:\n{out}")
    return {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}


def main() -> None:
    url = _fresh_database("jangter_bench")
    upgrade(url)
    console.print(
        f"[bold]Jangter bench[/bold]: {CLIENTS} clients, {SECONDS} s, {WEB_WORKERS} web processes, "
        f"{os.cpu_count()} cores"
    )
    raw_64 = raw_commit_rate(url, CLIENTS, 10)
    raw_1 = raw_commit_rate(url, 1, 5)
    console.print(f"raw durable commits (4 KB row): {raw_1:,.0f}/s with 1 client, {raw_64:,.0f}/s with {CLIENTS}")
    workdir = Path(tempfile.mkdtemp(prefix="jangter-bench-"))
    pairs = workdir / "pairs.txt"
    with cheap_kdfs():
        seed(url, pairs)
    port = _free_port()
    server = run_server(url, port)
    try:
        stats = load(port, pairs)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(Bid)).scalar_one()
    engine.dispose()
    seconds = stats["duration_us"] / 1e6
    result = Result(
        bids_per_second=stats["created"] / seconds,
        p50_ms=stats["p50_us"] / 1000,
        p90_ms=stats["p90_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        created=stats["created"],
        refused=stats["refused"],
        failed=stats["failed"],
        stored=stored,
        raw_commits_per_second=raw_64,
        raw_commits_1=raw_1,
    )
    shutil.rmtree(workdir, ignore_errors=True)
    console.print(f"opening {opening.BIDS:,} sealed bids …")
    opened = opening.run(_fresh_database("jangter_bench_opening"))
    console.print(f"search over {search.NOTICES:,} notices, SQLite then PostgreSQL …")
    searched = search.run(_fresh_database("jangter_bench_search"))
    report(result, stats, opening.rows(opened) + search.rows(searched))


def report(r: Result, stats: dict[str, int], more: list[tuple[str, str, str]]) -> None:
    ratio = r.bids_per_second / r.raw_commits_per_second
    rows = [
        ("sealed-bid submissions over HTTP (PostgreSQL)", f"{r.bids_per_second:,.0f}/s", "≥ 2,000/s"),
        ("p50 / p90 / p99 latency", f"{r.p50_ms:.1f} / {r.p90_ms:.1f} / {r.p99_ms:.1f} ms", "p99 < 100 ms"),
        (f"raw durable commits, {CLIENTS} clients (pgbench, 4 KB)", f"{r.raw_commits_per_second:,.0f}/s", "—"),
        ("raw durable commits, 1 client", f"{r.raw_commits_1:,.0f}/s", "—"),
        ("ratio submissions ÷ raw commits", f"{ratio:.1%}", "≥ 15 %"),
        ("acknowledged (201) / rows stored", f"{r.created:,} / {r.stored:,}", "stored ≥ acknowledged"),
        ("refused (4xx) / failed (5xx)", f"{r.refused:,} / {r.failed:,}", "0 / 0"),
        *more,
    ]
    table = Table(title=f"Jangter make bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for column in ("measure", "value", "target (DESIGN §6)"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if r.stored < r.created:
        console.print("[red]LOST: fewer bids stored than acknowledged[/red]")
    elif r.stored > r.created:
        console.print(
            f"{r.stored - r.created} bids were committed while wrk stopped reading their answers "
            "(commit-unknown results; a client finds them with its Idempotency-Key)"
        )
    if stats.get("wrapped"):
        console.print(f"[yellow]{stats['wrapped']} requests reused a pair (raise JANGTER_BENCH_FIRMS)[/yellow]")
    folder = Path("var/reports")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{datetime.now(UTC):%Y-%m-%d}.md"
    lines = [
        f"# make bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{os.cpu_count()} cores; {CLIENTS} clients (wrk, same machine); {WEB_WORKERS} web processes; {SECONDS} s.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    path.write_text("\n".join(lines) + "\n")
    console.print(f"report: {path}")


if __name__ == "__main__":
    main()
