"""Opening 10,000 sealed bids: rebuild the key, verify, decrypt, rank and publish (issue #4, DESIGN §6).

Next to it, in the same run: the machine's raw rate for the same work per bid (Ed25519 verify + HPKE P-256
decrypt of the very same envelopes, one core), and the ratio. The bids are written straight into the
database (the submission path is measured by ``bench/submission.py``); the opening is the real use case.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.progress import Progress
from sqlalchemy import insert, select, text

from jangter.bidding.ceremony import Credential, present_members, reconstruct
from jangter.bidding.domain.envelope import Envelope, unseal
from jangter.bidding.domain.opening_key import derive_keys
from jangter.bidding.orm import Bid
from jangter.client import sealing
from jangter.evaluation.service import open_presented
from jangter.identity import keys
from jangter.identity.domain.registration_number import brn_check_digit
from jangter.identity.domain.roles import Actor, RegistrationStatus, Role
from jangter.identity.keys import FirmSigningKey
from jangter.identity.orm import Organisation, Person, PersonRole
from jangter.identity.service import (
    NewAgency,
    NewPerson,
    actor_of_person,
    add_member,
    bootstrap_operator,
    create_agency,
)
from jangter.kernel.calendar import SEOUL, KoreanCalendar, seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.procurement import Category, ContractMethod, Jurisdiction
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.migrations import upgrade
from jangter.planning import service as planning
from jangter.planning.domain import PlanItem
from jangter.rules.loader import load_rule_book
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.terms import NoticeTerms
from jangter.tendering.orm import Notice
from jangter.worker import integrate_log

BIDS = int(os.environ.get("JANGTER_BENCH_OPEN_BIDS", "10000"))
PASSWORD = "bench-password-2026"


@dataclass
class OpeningResult:
    bids: int
    seconds: float
    raw_per_second: float
    raw_seconds_for_all: float
    cores: int
    raw_per_second_one_core: float
    step_up_seconds: float  # three members' password checks and committee-key unlocks, at production KDF costs

    @property
    def per_second(self) -> float:
        return self.bids / self.seconds


def plan_item(ctx: AppContext, officer: Actor, title: str) -> str:
    """The order-plan item a notice is published against (koneps-rules §2.1), for this quarter."""
    today = seoul_date(ctx.clock.now())
    quarter = (today.month - 1) // 3 + 1
    item = PlanItem(today.year, quarter, title, Category.GOODS, ContractMethod.GENERAL_COMPETITIVE, 100_000_000)
    return planning.publish_item(ctx, officer, item)


def _deadline() -> datetime:
    calendar = KoreanCalendar()
    day = seoul_date(datetime.now(UTC)) + timedelta(days=10)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 14, tzinfo=SEOUL)


def run(url: str) -> OpeningResult:
    upgrade(url)
    # Production costs for passwords and committee keys: the opening's time includes the committee's step-up.
    clock = OffsetClock()
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
    official = actor_of_person(
        ctx,
        add_member(
            ctx, operator, agency, NewPerson("official@mois.go.kr", "집행관", PASSWORD, frozenset({Role.BID_OFFICIAL}))
        ),
    )
    committee = []
    for i in range(5):
        member = actor_of_person(
            ctx,
            add_member(
                ctx,
                operator,
                agency,
                NewPerson(f"member{i}@mois.go.kr", f"위원{i}", PASSWORD, frozenset({Role.OPENING_COMMITTEE})),
            ),
        )
        keys.register_committee_key(ctx, member, "bench passphrase")
        committee.append(Credential(f"member{i}@mois.go.kr", PASSWORD, "bench passphrase"))
    deadline = _deadline()
    number = tendering.create_draft(
        ctx,
        officer,
        NoticeTerms(
            title="개찰 성능 시험",
            description="",
            category=Category.GOODS,
            contract_method=ContractMethod.GENERAL_COMPETITIVE,
            demand_agency_id=None,
            region="36",
            base_amount=100_000_000,
            estimated_price=90_909_090,
            a_value=0,
            reserve_range_pct=None,
            award_floor_rate=None,
            bid_start_at=clock.now(),
            deadline_at=deadline,
            opening_at=deadline,
            order_plan=plan_item(ctx, officer, "개찰 성능 시험"),
        ),
    )
    tendering.publish(ctx, officer, number)
    detail = queries.get_notice(ctx, number, None)
    assert detail.opening_key is not None
    notice_key = sealing.NoticeKey.from_api({"number": number, "order": 0, "opening_key": vars(detail.opening_key)})
    now = clock.now()
    envelopes = []
    with Progress(transient=True) as progress, ctx.db.engine.begin() as connection:
        task = progress.add_task(f"{BIDS:,} firms and sealed bids", total=BIDS)
        notice_id = connection.execute(select(Notice.id).where(Notice.number == number)).scalar_one()
        for start in range(0, BIDS, 1000):
            signing: list[dict[str, object]] = []
            bids: list[dict[str, object]] = []
            batch = range(start, min(start + 1000, BIDS))
            base_org = (
                connection.execute(
                    insert(Organisation).returning(Organisation.id),
                    [
                        {
                            "kind": "supplier",
                            "name": f"업체 {i}",
                            "business_number": _brn(i),
                            "registration_status": RegistrationStatus.APPROVED.value,
                            "created_at": now,
                            "updated_at": now,
                            "region": "30",
                        }
                        for i in batch
                    ],
                )
                .scalars()
                .all()
            )
            person_ids = (
                connection.execute(
                    insert(Person).returning(Person.id),
                    [
                        {
                            "org_id": org,
                            "email": f"bid{i}@bench.kr",
                            "name": f"입찰자{i}",
                            "password_hash": "-",
                            "active": True,
                            "failed_logins": 0,
                            "created_at": now,
                        }
                        for i, org in zip(batch, base_org, strict=True)
                    ],
                )
                .scalars()
                .all()
            )
            roles = [{"person_id": p, "role": Role.BIDDER.value} for p in person_ids]
            connection.execute(insert(PersonRole), roles)
            for i, org, person in zip(batch, base_org, person_ids, strict=True):
                _, key = sealing.generate_signing_key()
                raw = sealing.public_raw(key)
                signing.append(
                    {
                        "firm_id": org,
                        "key_id": sealing.key_id(raw),
                        "public_key": raw,
                        "created_by": person,
                        "created_at": now,
                    }
                )
                envelope = sealing.seal(
                    notice_key,
                    firm=_brn(i),
                    amount=85_000_000 + i * 997 % 10_000_000,
                    picks=(1 + i % 15, 1 + (i + 5) % 15),
                    signing_key=key,
                )
                envelopes.append((envelope, raw))
                bids.append(
                    {
                        "public_id": os.urandom(16).hex(),
                        "notice_id": notice_id,
                        "round": 1,
                        "notice_order": 0,
                        "firm_id": org,
                        "bidder_id": person,
                        "received_at": now,
                        "payload": envelope.ciphertext,
                        "payload_format": "envelope-v1",
                        "suite": envelope.suite.value,
                        "key_id": envelope.key_id,
                        "signature": envelope.signature,
                        "content_hash": envelope.ciphertext_sha256,
                        "status": "sealed",
                    }
                )
                progress.advance(task)
            connection.execute(insert(FirmSigningKey), signing)
            connection.execute(insert(Bid), bids)
    # The bids arrived over days: the log integrated each (the bid gets its log index) and autovacuum saw them.
    while integrate_log(ctx):
        pass
    with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    # The machine's raw rate for the same per-bid work (verify + decrypt, nothing else), on every core, in this run.
    with ctx.db.reading() as session:
        rebuilt = reconstruct(
            session, notice_id=notice_id, number=number, round_no=1, members=present_members(ctx, committee[:3])
        )
    master = bytes(rebuilt.master)
    rebuilt.wipe()
    cores = os.cpu_count() or 1
    sample = envelopes[: min(4000, len(envelopes))]
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("forkserver")) as pool:
        rates = list(pool.map(_raw_rate, [sample[i::cores] for i in range(cores)], [master] * cores))
    raw_rate = sum(rates)
    clock.set(deadline + timedelta(minutes=1))
    started = time.perf_counter()
    present = present_members(ctx, committee[:3])
    step_up = time.perf_counter() - started
    started = time.perf_counter()
    if os.environ.get("JANGTER_BENCH_PROFILE"):
        import cProfile

        cProfile.runctx(
            "open_presented(ctx, official, number, present)", globals(), locals(), os.environ["JANGTER_BENCH_PROFILE"]
        )
    else:
        open_presented(ctx, official, number, present)
    seconds = time.perf_counter() - started
    db.dispose()
    return OpeningResult(BIDS, seconds, raw_rate, BIDS / raw_rate, cores, rates[0], step_up)


def _raw_rate(envelopes: list[tuple[Envelope, bytes]], master: bytes) -> float:
    """Bids per second one core verifies and decrypts, timing only that work."""
    keys = derive_keys(master)
    started = time.perf_counter()
    for envelope, raw in envelopes:
        unseal(envelope, keys, raw)
    return len(envelopes) / (time.perf_counter() - started)


def _brn(i: int) -> str:
    first_nine = f"{400 + i // 100000:03d}{i % 100000:06d}"
    return first_nine + str(brn_check_digit(first_nine))


def rows(r: OpeningResult) -> list[tuple[str, str, str]]:
    return [
        (
            f"opening {r.bids:,} sealed bids (rebuild the key, verify, decrypt, rank, publish)",
            f"{r.seconds:.2f} s · {r.per_second:,.0f}/s",
            "≤ 2 s",
        ),
        (
            f"raw verify + decrypt, {r.cores} cores (one core)",
            f"{r.raw_per_second:,.0f}/s ({r.raw_per_second_one_core:,.0f}/s)",
            "—",
        ),
        ("ratio opening ÷ raw verify + decrypt", f"{r.per_second / r.raw_per_second:.1%}", "≥ 50 %"),
        ("before it: 3 committee members' step-up (argon2id password + key)", f"{r.step_up_seconds:.2f} s", "—"),
    ]


if __name__ == "__main__":
    from rich.table import Table

    from bench.submission import _fresh_database, console

    logging.basicConfig(format="%(name)s: %(message)s")
    logging.getLogger("jangter.opening").setLevel(logging.INFO)
    result = run(_fresh_database("jangter_bench_opening"))
    table = Table(title="Jangter opening bench")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    for row in rows(result):
        table.add_row(*row)
    console.print(table)
