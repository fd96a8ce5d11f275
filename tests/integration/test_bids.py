"""Receiving sealed bids: one per firm, idempotent, signed by the firm, bound to notice and 차수, unreadable until
the opening (issue #4: strict intake, AT-09 malformed envelopes, AT-10 concurrent submissions)."""

import base64
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jangter.bidding.domain.envelope import SuiteId
from jangter.bidding.orm import Bid
from jangter.bidding.queries import my_bids
from jangter.bidding.service import get_receipt, submit_bid
from jangter.client import sealing
from jangter.identity import security_log
from jangter.identity.orm import Organisation
from jangter.kernel.audit import AuditRecord
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.procurement import Category
from jangter.kernel.signing import verify_signature
from jangter.tendering import service as tendering
from tests.support import make_world, terms


def count_bids(ctx: AppContext) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(Bid)) or 0


def test_a_receipt_is_signed_by_the_platform_and_shows_nothing_of_the_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    receipt = world.bid(number, 0, 87_654_321, (4, 9))
    assert receipt.notice_number == number and receipt.notice_order == 0
    assert receipt.firm_name == "시험업체 0" and len(receipt.ciphertext_sha256) == 64
    assert "87654321" not in repr(receipt) and "87,654,321" not in repr(receipt)
    assert verify_signature(ctx.signer.public_bytes, receipt.leaf.encode(), bytes.fromhex(receipt.signature))
    [mine] = my_bids(ctx, world.firms[0])
    assert mine.amount is None and mine.rank is None
    assert get_receipt(ctx, world.firms[0], receipt.receipt_id) == receipt
    with ctx.db.reading() as session:
        stored = session.scalars(select(Bid)).one()
    assert b"87654321" not in stored.payload and stored.amount is None


def test_the_post_quantum_suite_is_accepted_where_the_notice_allows_it(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    assert world.bid(number, 0, 90_000_000, (1, 2), SuiteId.PQ).suite == "pq"
    closed = world.publish(pq_allowed=False)
    with pytest.raises(ValueError, match="post-quantum"):
        world.seal(closed, 1, 90_000_000, (1, 2), SuiteId.PQ)
    forced = world.seal(number, 1, 90_000_000, (1, 2), SuiteId.PQ) | {"notice": closed}
    with pytest.raises(DomainError):
        submit_bid(ctx, world.firms[1], closed, forced)


def test_a_second_bid_from_the_same_firm_is_refused(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 89_000_000, (3, 4))
    assert refused.value.code == "bid_already_submitted"
    assert refused.value.status == 409


def test_the_same_idempotency_key_returns_the_same_receipt_and_stores_one_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    claim = IdempotencyClaim(world.firms[0].person_id, f"POST /notices/{number}/bids", "key-1", "hash-a")
    first = submit_bid(ctx, world.firms[0], number, document, claim)
    again = submit_bid(ctx, world.firms[0], number, document, claim)
    assert first == again
    with pytest.raises(DomainError) as reused:
        submit_bid(
            ctx,
            world.firms[0],
            number,
            world.seal(number, 0, 80_000_000, (1, 2)),
            IdempotencyClaim(world.firms[0].person_id, claim.scope, "key-1", "hash-b"),
        )
    assert reused.value.code == "idempotency_key_reused"
    assert count_bids(ctx) == 1


def test_fifty_concurrent_submissions_from_one_firm_leave_exactly_one_bid(ctx: AppContext) -> None:
    # AT-10: concurrent submissions for the same (notice, firm); at most one active bid at all times.
    world = make_world(ctx, firms=1)
    number = world.publish()
    documents = [world.seal(number, 0, 90_000_000 + i, (1, 2)) for i in range(50)]

    def attempt(document: dict[str, object]) -> str:
        try:
            submit_bid(ctx, world.firms[0], number, document)
            return "ok"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, documents))
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "bid_already_submitted"}
    assert count_bids(ctx) == 1


def test_concurrent_retries_with_one_idempotency_key_get_one_receipt(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    claim = IdempotencyClaim(world.firms[0].person_id, "scope", "retry-key", "same-request")

    def attempt(_: int) -> str:
        return submit_bid(ctx, world.firms[0], number, document, claim).receipt_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        receipts = set(pool.map(attempt, range(12)))
    assert len(receipts) == 1


def test_a_firm_whose_registration_is_not_approved_cannot_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    assert world.pending_firm is not None
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.pending_firm, number, world.seal(number, 0, 90_000_000, (1, 2)))
    assert refused.value.code == "firm_not_approved"


def test_agencies_and_operators_cannot_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    for actor in (world.officer, world.operator, None):
        with pytest.raises(DomainError) as refused:
            submit_bid(ctx, actor, number, document)
        assert refused.value.code in ("role_required", "login_required")


def test_bids_before_bidding_opens_are_refused(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish(bid_start_at=terms().bid_start_at + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 90_000_000, (1, 2))
    assert refused.value.code == "bidding_not_started"
    clock.advance(timedelta(days=1))
    world.bid(number, 0, 90_000_000, (1, 2))


def _flip(document: dict[str, object], field: str, value: object) -> dict[str, object]:
    return document | {field: value}


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: _flip(d, "version", 2), "envelope_version"),
        (lambda d: _flip(d, "suite", "rsa"), "envelope_suite"),
        (lambda d: _flip(d, "ciphertext", "%%% not base64"), "envelope_malformed"),
        (
            lambda d: _flip(d, "ciphertext", base64.b64encode(base64.b64decode(d["ciphertext"])[:70]).decode()),
            "envelope_truncated",
        ),
        (
            lambda d: _flip(
                d, "ciphertext", base64.b64encode(b"\x05" + base64.b64decode(d["ciphertext"])[1:]).decode()
            ),
            "envelope_enc_invalid",
        ),
        (lambda d: _flip(d, "order", 1), "envelope_stale_order"),
        (lambda d: _flip(d, "firm", "1208000013"), "envelope_wrong_firm"),
        (lambda d: _flip(d, "key_id", "0" * 16), "signing_key_unknown"),
        (lambda d: _flip(d, "signature", base64.b64encode(bytes(64)).decode()), "signature_invalid"),
        (lambda d: {k: v for k, v in d.items() if k != "signature"}, "envelope_malformed"),
        (lambda d: d | {"amount": 1}, "envelope_malformed"),
    ],
)
def test_malformed_envelopes_are_refused_at_submission_while_the_bidder_can_fix_them(
    ctx: AppContext, mutate: object, code: str
) -> None:
    # AT-09: wrong suite, truncated enc, wrong binding, bad signature → an actionable error, nothing stored.
    world = make_world(ctx, firms=1)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.firms[0], number, mutate(document))  # type: ignore[operator]
    assert refused.value.code == code
    assert count_bids(ctx) == 0
    submit_bid(ctx, world.firms[0], number, document)  # the bidder fixes it and resubmits in time
    assert count_bids(ctx) == 1


def test_an_envelope_for_another_notice_is_refused(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    first, second = world.publish(), world.publish()
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.firms[0], second, world.seal(first, 0, 90_000_000, (1, 2)))
    assert refused.value.code == "envelope_wrong_notice"


def test_an_amended_notice_needs_the_bid_sealed_again(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    stale = world.seal(number, 0, 90_000_000, (1, 2))
    tendering.amend(ctx, world.officer, number, {"title": "정정된 공고명"}, "오탈자 정정")
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.firms[0], number, stale)
    assert refused.value.code == "envelope_stale_order"
    world.bid(number, 0, 90_000_000, (1, 2))


def test_a_revoked_signing_key_no_longer_signs_bids(ctx: AppContext) -> None:
    from jangter.identity.keys import revoke_signing_key

    world = make_world(ctx, firms=1)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    revoke_signing_key(ctx, world.firms[0], world.firms[0].org_id, str(document["key_id"]))
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.firms[0], number, document)
    assert refused.value.code == "signing_key_unknown"
    # issue #6 "bad input": a revoked key gets a clear message and a security-log entry
    [event] = security_log.recent(ctx, world.operator, kind="bid.signature")
    assert (event.outcome, event.subject, event.detail["code"]) == ("refused", number, "signing_key_unknown")
    assert event.org == world.firms[0].org_name


def test_the_client_refuses_to_seal_what_the_opening_would_reject(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    key = world.notice_key(number)
    for amount, picks, code in (
        (0, (1, 2), "amount_not_positive_whole_won"),
        (1.5, (1, 2), "amount_not_positive_whole_won"),
        (90_000_000, (1, 1), "picks_invalid"),
        (90_000_000, (1, 16), "picks_invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            sealing.seal(
                key,
                firm="1208000005",
                amount=amount,  # type: ignore[arg-type]
                picks=picks,
                signing_key=world.firm_keys[0],
            )
        assert refused.value.code == code


def test_another_firm_cannot_read_a_receipt(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    receipt = world.bid(number, 0, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        get_receipt(ctx, world.firms[1], receipt.receipt_id)
    assert refused.value.code == "receipt_not_found"


def test_every_change_leaves_an_audit_record_and_none_holds_sealed_content(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 87_654_321, (4, 9))
    world.bid(number, 1, 91_234_567, (5, 9))
    with ctx.db.reading() as session:
        records = session.scalars(select(AuditRecord).where(AuditRecord.entity_id.in_([number]))).all()
        bid_records = session.scalars(select(AuditRecord).where(AuditRecord.action == "bid.submit")).all()
    assert [r.action for r in records] == ["notice.create", "notice.publish"]
    publish = records[1]
    assert publish.before == {"status": "draft"}
    assert publish.after is not None and publish.after["status"] == "published"
    assert publish.actor_person_id == world.officer.person_id
    assert len(bid_records) == 2
    text = " ".join(str(r.after) for r in bid_records)
    assert "87654321" not in text and "91234567" not in text


def test_a_firm_bids_only_in_its_categories_and_where_a_regional_limit_admits_it(ctx: AppContext) -> None:
    """koneps-rules §1.2: a firm is registered for goods, works and/or services; a notice limited to a region
    (참가제한지역, g2b-openapi CONTRACT.md ``prtcptLmtRgnCd``) admits firms whose head office is there."""
    world = make_world(ctx, firms=2)
    with ctx.uow() as uow:  # firm 1 is registered for goods only, with its head office in Gyeonggi
        firm = uow.session.get(Organisation, world.firms[1].org_id)
        assert firm is not None
        firm.supplies, firm.region = "goods", "41"
        uow.commit()
    works = world.publish(category=Category.WORKS, a_value=0)
    seoul_only = world.publish(region="11")
    gyeonggi_only = world.publish(region="41")
    for number, code in ((works, "not_registered_for_category"), (seoul_only, "region_restricted")):
        with pytest.raises(DomainError) as refused:
            world.bid(number, 1, 90_000_000, (1, 2))
        assert (refused.value.code, refused.value.status) == (code, 403)
    assert count_bids(ctx) == 0
    world.bid(gyeonggi_only, 1, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        world.bid(gyeonggi_only, 0, 90_000_000, (1, 2))  # firm 0's head office is in Seoul
    assert refused.value.code == "region_restricted"
    world.bid(works, 0, 90_000_000, (1, 2))
    assert count_bids(ctx) == 2


def test_rotating_the_signing_key_keeps_earlier_bids_valid_and_their_receipts_verifiable(
    ctx: AppContext, clock: OffsetClock
) -> None:
    """Issue #6 point 4: the company administrator registers a new key and revokes the old one; a bid signed while
    the old key was valid still opens, and its receipt still verifies. A key belongs to one firm."""
    from jangter.evaluation.queries import opening_results
    from jangter.identity.keys import register_signing_key, revoke_signing_key
    from tests.support import OPENING

    world = make_world(ctx, firms=2)
    number = world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    old = submit_bid(ctx, world.firms[0], number, document)
    world.bid(number, 1, 91_000_000, (2, 3))
    firm = world.firms[0]
    _, new_key = sealing.generate_signing_key()
    register_signing_key(ctx, firm, firm.org_id, sealing.public_key_b64(new_key))
    revoke_signing_key(ctx, firm, firm.org_id, str(document["key_id"]))
    with pytest.raises(DomainError) as taken:  # the same key for another firm
        register_signing_key(ctx, world.firms[1], world.firms[1].org_id, sealing.public_key_b64(new_key))
    assert taken.value.code == "signing_key_exists"
    assert get_receipt(ctx, firm, old.receipt_id) == old
    assert verify_signature(ctx.signer.public_bytes, old.leaf.encode(), bytes.fromhex(old.signature))
    clock.set(OPENING)
    world.open(number)
    [result] = opening_results(ctx, number)
    assert [(b.firm_name, b.invalid_reason) for b in result.bids] == [("시험업체 0", None), ("시험업체 1", None)]
