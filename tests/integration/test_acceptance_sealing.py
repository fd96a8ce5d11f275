"""Acceptance tests of the sealed-bid design (security.md §5: AT-03, AT-04, AT-05, AT-07, AT-14)."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Delete, delete, select, text, update
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from jangter.bidding import ceremony
from jangter.bidding.domain import opening_key as ok
from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.domain.content import Document
from jangter.bidding.domain.envelope import SUITES, SuiteId
from jangter.bidding.orm import Bid, OpeningKey, OpeningShare
from jangter.bidding.service import submit_bid
from jangter.cli import app
from jangter.client import sealing
from jangter.evaluation import service as evaluation
from jangter.evaluation.domain import price_commitment
from jangter.identity.keys import CommitteeKey, unwrap_committee_key
from jangter.identity.orm import Person
from jangter.kernel import merkle, translog
from jangter.kernel.audit import AuditRecord
from jangter.kernel.calendar import KoreanCalendar
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database, UnitOfWork
from jangter.kernel.errors import DomainError
from jangter.kernel.randomness import SeededRandomSource
from jangter.rules.loader import load_rule_book
from jangter.transparency.export import export
from jangter.transparency.verifier import verify_export, verify_receipt
from jangter.worker import integrate_log
from tests.conftest import PLATFORM_KEY
from tests.support import COMMITTEE_PASSPHRASE, DEADLINE, OPENING, PASSWORD, World, make_world


def bids_of(ctx: AppContext) -> list[Bid]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(Bid).order_by(Bid.id)))


def refusals(ctx: AppContext) -> list[str | None]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(AuditRecord.reason).where(AuditRecord.action == "notice.open_refused")))


# --- AT-03: the deadline boundary is exact and enforced by the database -------------------------------------


def test_at03_submissions_around_the_deadline_are_accepted_exactly_when_they_commit_in_time(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=120)
    number = world.publish()
    documents = [world.seal(number, i, 90_000_000 + i, (1, 2)) for i in range(120)]
    clock.set(DEADLINE - timedelta(seconds=1))

    def submit(i: int) -> str:
        # Spread evenly over [T − 1 s, T + 1 s] of real time.
        clock_target = DEADLINE - timedelta(seconds=1) + timedelta(milliseconds=2000 * i / 120)
        while clock.now() < clock_target:
            pass
        try:
            submit_by(ctx, world, number, i, documents[i])
            return "accepted"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(submit, range(120)))
    assert set(outcomes) <= {"accepted", "bid_deadline_passed"}
    assert 0 < outcomes.count("accepted") < 120
    stored = bids_of(ctx)
    assert len(stored) == outcomes.count("accepted")
    assert all(b.received_at <= DEADLINE for b in stored)  # 0 accepted bids with a receipt time after T


def submit_by(ctx: AppContext, world: World, number: str, i: int, document: dict[str, object]) -> None:
    submit_bid(ctx, world.firms[i], number, document)


def test_at03_a_slow_upload_that_starts_before_and_finishes_after_the_deadline_is_late(
    ctx: AppContext, clock: OffsetClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documented rule (ADR 0002): what counts is the moment the bid is committed, not when the upload began."""
    world = make_world(ctx, firms=1)
    number = world.publish()
    clock.set(DEADLINE - timedelta(seconds=2))
    original = UnitOfWork.commit

    def slow(self: UnitOfWork) -> None:
        clock.advance(timedelta(seconds=3))  # the body is still arriving when the deadline passes
        if self.db.dialect == "postgresql":
            self.session.execute(
                text("SELECT set_config('jangter.clock_offset_us', :o, true)"),
                {"o": str(clock.offset() // timedelta(microseconds=1))},
            )
        original(self)

    monkeypatch.setattr(UnitOfWork, "commit", slow)
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 90_000_000, (1, 2))
    assert refused.value.code == "bid_deadline_passed"
    assert bids_of(ctx) == []


def test_at03_a_skewed_application_clock_changes_no_outcome(database_url: str, clock: OffsetClock) -> None:
    """The application server runs 5 s fast; the database clock alone decides."""
    skewed = OffsetClock()
    skewed.set_offset(clock.offset() + timedelta(seconds=5))
    db = Database(database_url, clock)  # the database keeps the true time
    truth = AppContext(
        db=db,
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SeededRandomSource(3),
        signer=PLATFORM_KEY,
    )
    fast = AppContext(
        db=db, clock=skewed, calendar=truth.calendar, rules=truth.rules, rng=truth.rng, signer=truth.signer
    )
    try:
        world = make_world(truth, firms=2)
        number = world.publish()
        documents = [world.seal(number, i, 90_000_000, (1, 2)) for i in range(2)]
        clock.set(DEADLINE - timedelta(seconds=3))  # the fast server believes it is already T + 2 s
        submit_bid(fast, world.firms[0], number, documents[0])
        clock.set(DEADLINE + timedelta(milliseconds=1))
        skewed.set_offset(clock.offset() - timedelta(seconds=5))  # a slow server believes it is T − 5 s
        with pytest.raises(DomainError) as refused:
            submit_bid(fast, world.firms[1], number, documents[1])
        assert refused.value.code == "bid_deadline_passed"
        assert len(bids_of(truth)) == 1
    finally:
        db.dispose()


# --- AT-05: k-of-n opening works, and only that way ---------------------------------------------------------


def test_at05_two_shares_after_the_opening_time_are_refused_and_logged(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    clock.set(OPENING)
    with pytest.raises(DomainError) as refused:
        world.open(number, members=2)
    assert refused.value.code == "quorum_not_met"
    assert {b.status for b in bids_of(ctx)} == {BidStatus.SEALED.value}
    assert refusals(ctx) == ["quorum_not_met"]


def test_at05_three_shares_before_the_opening_time_are_refused_and_logged(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    # A minute early, not a second: the test clock moves with real time while the opening runs.
    clock.set(OPENING - timedelta(minutes=1))
    with pytest.raises(DomainError) as refused:
        world.open(number)
    assert refused.value.code == "opening_too_early"
    assert {b.status for b in bids_of(ctx)} == {BidStatus.SEALED.value}
    assert refusals(ctx) == ["opening_too_early"]


def test_at05_a_wrong_passphrase_opens_nothing(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    clock.set(OPENING)
    wrong = [*world.committee[:2], ceremony.Credential(world.committee[2].email, PASSWORD, "not my passphrase")]
    with pytest.raises(DomainError) as refused:
        evaluation.open_bids(ctx, world.official, number, wrong)
    assert refused.value.code == "passphrase_wrong"
    assert {b.status for b in bids_of(ctx)} == {BidStatus.SEALED.value}


def _rogue_share(ctx: AppContext, member_email: str) -> None:
    """A rogue (or corrupted) member: their sealed share decrypts, but to bytes that are not a share."""
    with UnitOfWork(ctx.db) as uow:
        person_id = uow.session.scalars(select(Person.id).where(Person.email == member_email)).one()
        share = uow.session.scalars(select(OpeningShare).where(OpeningShare.member_id == person_id)).one()
        key = uow.session.get(CommitteeKey, person_id)
        assert key is not None
        notice = uow.session.scalar(text("SELECT number FROM notice WHERE id = :i"), {"i": share.notice_id})
        share.encrypted = ceremony.SHARE_SUITE.encrypt(
            os.urandom(32),
            x25519.X25519PublicKey.from_public_bytes(key.public_key),
            info=ceremony.share_info(notice, share.round, person_id, share.share_index),
        )
        uow.commit()


def test_at05_a_corrupted_share_is_caught_by_the_fingerprint_and_nothing_is_opened(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    _rogue_share(ctx, world.committee[1].email)
    clock.set(OPENING)
    with pytest.raises(DomainError) as refused:
        world.open(number)  # members 0, 1 (rogue), 2
    assert refused.value.code == "fingerprint_mismatch"
    assert {b.status for b in bids_of(ctx)} == {BidStatus.SEALED.value}
    # With a fourth member present, the consistent subset opens and the bad share is named.
    evaluation.open_bids(ctx, world.official, number, world.committee[:4])
    with ctx.db.reading() as session:
        opened = session.scalars(select(AuditRecord).where(AuditRecord.action == "notice.open")).one()
    assert opened.after is not None and opened.after["rejected_shares"] == ["개찰위원1"]
    assert {b.status for b in bids_of(ctx)} == {BidStatus.VALID.value}


@settings(max_examples=25, deadline=None)
@given(
    st.integers(2, 7).flatmap(lambda n: st.tuples(st.integers(2, n), st.just(n))), st.binary(min_size=32, max_size=32)
)
def test_at05_every_subset_of_at_least_k_shares_opens_and_no_smaller_one_does(
    kn: tuple[int, int], master: bytes
) -> None:
    quorum, size = kn
    fingerprint = ok.public_keys(master).fingerprint
    shares = ok.split_master(master, quorum, size)
    for count in range(1, size + 1):
        for subset in itertools.combinations(shares, count):
            rebuilt = ok.combine_shares(list(subset))
            assert (ok.public_keys(rebuilt).fingerprint == fingerprint) == (count >= quorum)


def _master_of(ctx: AppContext, world: World, number: str) -> bytes:
    """Rebuild the master as the committee would (the test knows the passphrases), to look for it on disk."""
    with ctx.db.reading() as session:
        shares = []
        for credential in world.committee[:3]:
            person_id = session.scalars(select(Person.id).where(Person.email == credential.email)).one()
            row = session.scalars(select(OpeningShare).where(OpeningShare.member_id == person_id)).one()
            key = session.get(CommitteeKey, person_id)
            assert key is not None
            private = unwrap_committee_key(key, COMMITTEE_PASSPHRASE)
            value = ceremony.SHARE_SUITE.decrypt(
                row.encrypted, private, info=ceremony.share_info(number, row.round, person_id, row.share_index)
            )
            shares.append(ok.Share(row.share_index, value))
    return ok.combine_shares(shares)


def _database_bytes(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            parsed.host or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            "--data-only",
            "--inserts",
            parsed.database or "",
        ],
        capture_output=True,
        check=True,
    )
    return dump.stdout


# --- AT-04: nobody can read bids before the opening; the key never touches disk ------------------------------


def test_at04_a_marker_inside_sealed_bids_appears_nowhere_in_storage_logs_or_temp_files(
    ctx: AppContext, clock: OffsetClock, database_url: str, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    world = make_world(ctx, firms=20)
    number = world.publish()
    marker = os.urandom(32)
    key = world.notice_key(number)
    for i in range(20):
        envelope = sealing.seal(
            key,
            firm=world.firms[i].org_business_number or "",
            amount=90_000_000 + i,
            picks=(1, 2),
            signing_key=world.firm_keys[i],
            documents=[Document("marker.bin", marker)],
        )
        submit_bid(ctx, world.firms[i], number, envelope.as_document())
    integrate_log(ctx)
    forms = [marker, marker.hex().encode(), base64.b64encode(marker)]
    stored = _database_bytes(database_url)
    logs = caplog.text.encode("utf-8")
    temp = b"".join(
        p.read_bytes()
        for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("*")
        if p.is_file() and p.stat().st_size < 5_000_000 and os.access(p, os.R_OK)
    )
    for form in forms:
        assert form not in stored, "the marker is readable in the database before the opening"
        assert form not in logs and form not in temp
    # After the opening, neither the master nor the private keys were ever written anywhere.
    clock.set(OPENING)
    world.open(number)
    master = _master_of(ctx, world, number)
    private = ok.derive_keys(master).p256.private_numbers().private_value.to_bytes(32, "big")
    stored = _database_bytes(database_url)
    logs = caplog.text.encode("utf-8")
    for secret in (master, private, master.hex().encode(), private.hex().encode()):
        assert secret not in stored and secret not in logs
    assert all(b.status == BidStatus.VALID.value for b in bids_of(ctx))


# --- AT-07: tampering is detectable, and receipts verify offline --------------------------------------------


def _lifecycle(ctx: AppContext, clock: OffsetClock) -> tuple[World, str, list[dict[str, object]]]:
    world = make_world(ctx, firms=3)
    number = world.publish()
    integrate_log(ctx)
    receipts = []
    for i, amount in enumerate((90_000_000, 91_000_000, 92_500_000)):
        receipts.append(world.bid(number, i, amount, (i + 1, i + 4)))
        integrate_log(ctx)
    clock.set(OPENING)
    world.open(number)
    world.award(number)
    integrate_log(ctx)
    from jangter.bidding.schemas import ReceiptOut
    from jangter.bidding.service import get_receipt, log_proof

    full = []
    for i, receipt in enumerate(receipts):
        fresh = get_receipt(ctx, world.firms[i], receipt.receipt_id)
        full.append(ReceiptOut.of(fresh, log_proof(ctx, fresh)).model_dump(mode="json"))
    return world, number, full


def _index_of(document: dict[str, object], kind: str, **match: object) -> int:
    import json

    for entry in document["entries"]:  # type: ignore[attr-defined]
        body = json.loads(entry["body"])
        if body["event"] == kind and all(body.get(k) == v for k, v in match.items()):
            return int(entry["index"])
    raise AssertionError(f"no {kind} event")


TAMPERING = ["ciphertext", "log_row_deleted", "log_row_rewritten", "award", "timestamp"]


@pytest.mark.parametrize("tampering", TAMPERING)
def test_at07_tampering_in_the_database_is_detected_and_the_first_bad_index_named(
    ctx: AppContext, clock: OffsetClock, tampering: str, tmp_path: Path
) -> None:
    world, number, receipts = _lifecycle(ctx, clock)
    key = ctx.signer.public_bytes
    clean = export(ctx)
    assert verify_export(clean, key).ok
    for receipt in receipts:
        assert verify_receipt(receipt, key).ok
    victim = str(receipts[1]["receipt_id"])
    bid_index = _index_of(clean, "bid.received", receipt=victim)
    with UnitOfWork(ctx.db) as uow:  # a database superuser at work
        s = uow.session
        if tampering == "ciphertext":
            bid = s.scalars(select(Bid).where(Bid.public_id == victim)).one()
            s.execute(update(Bid).where(Bid.id == bid.id).values(payload=bid.payload[:-1] + b"\x00"))
            expected = bid_index
        elif tampering == "log_row_deleted":
            s.execute(delete_entry(3))
            expected = 3
        elif tampering == "log_row_rewritten":
            entry = s.get(translog.LogEntry, 2)
            assert entry is not None
            forged = bytes(entry.body).replace(b'"round":1', b'"round":9')
            s.execute(
                update(translog.LogEntry)
                .where(translog.LogEntry.index == 2)
                .values(body=forged, leaf_hash=merkle.leaf_hash(forged).hex())
            )
            expected = 2  # the tree heads are signed after each step, so the rewrite is pinned to its index
        elif tampering == "award":
            other = s.scalars(select(Bid.id).where(Bid.public_id != str(receipts[0]["receipt_id"]))).first()
            s.execute(text("UPDATE opening SET winner_bid_id = :b"), {"b": other})
            expected = _index_of(clean, "notice.awarded")
        else:
            bid = s.scalars(select(Bid).where(Bid.public_id == victim)).one()
            s.execute(update(Bid).where(Bid.id == bid.id).values(received_at=bid.received_at - timedelta(hours=1)))
            expected = bid_index
        uow.commit()
    tampered = export(ctx)
    report = verify_export(tampered, key)
    assert not report.ok
    assert report.first_bad_index == expected, report.summary()
    assert world is not None and number
    # …and the command a citizen runs says the same, with no database in reach.
    exported = tmp_path / "log.json"
    exported.write_text(json.dumps(tampered))
    cli = CliRunner().invoke(app, ["verify-log", "export", str(exported), "--key", key.hex()], env={})
    assert cli.exit_code == 1
    assert f"FAIL: first bad index {expected}" in cli.output
    exported.write_text(json.dumps(clean))
    assert CliRunner().invoke(app, ["verify-log", "export", str(exported), "--key", key.hex()]).exit_code == 0


def delete_entry(index: int) -> Delete:
    return delete(translog.LogEntry).where(translog.LogEntry.index == index)


def test_at07_flipping_any_byte_of_a_receipt_makes_it_fail(ctx: AppContext, clock: OffsetClock) -> None:
    _, _, receipts = _lifecycle(ctx, clock)
    receipt = receipts[0]
    key = ctx.signer.public_bytes
    assert verify_receipt(receipt, key).ok
    leaf = str(receipt["leaf"])
    for position in range(0, len(leaf), 7):
        flipped = leaf[:position] + chr(ord(leaf[position]) ^ 1) + leaf[position + 1 :]
        assert not verify_receipt(receipt | {"leaf": flipped}, key).ok
    signature = str(receipt["signature"])
    assert not verify_receipt(receipt | {"signature": ("0" if signature[0] != "0" else "1") + signature[1:]}, key).ok
    assert not verify_receipt(receipt, os.urandom(32)).ok


def test_at07_a_later_tree_head_is_consistent_with_an_earlier_one(ctx: AppContext, clock: OffsetClock) -> None:
    from jangter.transparency.verifier import verify_consistency

    _lifecycle(ctx, clock)
    document = export(ctx)
    heads = document["heads"]
    assert len(heads) >= 3
    with ctx.db.reading() as session:
        for old, new in itertools.pairwise(heads):
            proof = translog.consistency(session, old["size"], new["size"])
            assert verify_consistency(old, new, proof, ctx.signer.public_bytes).ok
        proof = translog.consistency(session, heads[0]["size"], heads[-1]["size"])
    forged = heads[0] | {"root": "00" * 32}
    assert not verify_consistency(forged, heads[-1], proof, ctx.signer.public_bytes).ok


# --- AT-14: decisive parameters cannot be steered ------------------------------------------------------------


@pytest.mark.parametrize("where", ["sealed_prices", "commitment"])
def test_at14_changed_preliminary_prices_are_caught_at_the_reveal_and_stop_the_opening(
    ctx: AppContext, clock: OffsetClock, where: str
) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    forged_prices = [99_000_000] * 15
    nonce = os.urandom(32)
    with UnitOfWork(ctx.db) as uow:  # an insider with the public key and database access
        record = uow.session.scalars(select(OpeningKey)).one()
        public = ok.OpeningPublicKeys(record.p256, record.pq_mlkem, record.pq_x25519)
        record.sealed_prices = SUITES[SuiteId.P256].encrypt(
            price_commitment.sealed_document(forged_prices, nonce),
            public.p256_public_key(),
            info=ceremony.prices_info(number, record.round),
        )
        if where == "commitment":  # covering the tracks in the database too; the public log still holds the truth
            record.price_commitment = price_commitment.commitment(forged_prices, nonce)
        uow.commit()
    clock.set(OPENING)
    with pytest.raises(DomainError) as refused:
        world.open(number)
    assert refused.value.code == "prices_tampered"
    with ctx.db.reading() as session:
        alerts = session.scalars(select(AuditRecord).where(AuditRecord.action == "notice.opening_blocked")).all()
        logged = translog.events(session, "notice.opening_blocked", number)
    assert len(alerts) == 1 and len(logged) == 1
    assert {b.status for b in bids_of(ctx)} == {BidStatus.SEALED.value}


def test_at14_the_draw_can_be_reproduced_from_the_logged_inputs(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number = world.publish()
    for i in range(3):
        world.bid(number, i, 90_000_000 + i * 1_000_000, (i + 1, i + 5))
    clock.set(OPENING)
    world.open(number)
    with ctx.db.reading() as session:
        [published] = translog.events(session, "notice.published", number)
        [opened] = translog.events(session, "notice.opened", number)
    prices, nonce = opened["prices"], bytes.fromhex(opened["nonce"])
    assert price_commitment.commitment(prices, nonce) == published["price_commitment"]
    seed = price_commitment.slot_seed(nonce, [b["ciphertext_sha256"] for b in opened["bids"]])
    assert seed.hex() == opened["slot_seed"]
    in_slots = price_commitment.assign_slots(prices, seed)
    from jangter.evaluation.domain.reserve_price import draw_reserve_price
    from jangter.kernel.lottery import seed_from

    rules = ctx.rules.version("national-2026.01.30")
    lottery = seed_from([number, "1", *sorted(b["ciphertext_sha256"] for b in opened["bids"])])
    draw = draw_reserve_price(in_slots, [b["picks"] for b in opened["bids"]], rules.reserve_price, lottery_seed=lottery)
    assert draw.reserve_price == opened["reserve_price"]


def test_at14_no_key_material_is_exported_by_serialization_helpers() -> None:
    # The opening key exists only as derived objects in memory; its public half is all that is ever serialised.
    master = os.urandom(32)
    public = ok.public_keys(master)
    private_scalar = ok.derive_keys(master).p256.private_numbers().private_value.to_bytes(32, "big")
    assert private_scalar not in public.p256 + public.pq_mlkem + public.pq_x25519
    assert (
        ok.derive_keys(master)
        .p256.public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        == public.p256
    )
