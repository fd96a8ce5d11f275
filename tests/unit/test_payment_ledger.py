"""What may be paid on a contract and how a payment is split (koneps-rules §5 advance up to 70 % against a guarantee;
§6 payments and 하도급지킴이; issue #8 reliability: "amounts never exceed the contract value")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jangter.kernel.errors import DomainError
from jangter.payments.domain.ledger import (
    Ledger,
    Paid,
    PaymentKind,
    Recipient,
    Share,
    check_split,
    next_payment,
    record,
    with_prime,
)

AMOUNT = 100_000_000


def refused(code: str, call: object, *args: object, **kwargs: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args, **kwargs)  # type: ignore[operator]
    assert exc.value.code == code


def test_many_small_payments_do_not_leave_more_advance_than_work() -> None:
    # rounding on each 1-won payment would return nothing and leave the final payment negative; the running total
    # returns what is due
    ledger = Ledger(100, advance_limit=99)
    ledger = record(ledger, next_payment(ledger, PaymentKind.ADVANCE, 99, advance_guaranteed=True))
    for _ in range(99):
        ledger = record(ledger, next_payment(ledger, PaymentKind.PROGRESS, 1))
    final = next_payment(ledger, PaymentKind.FINAL, 1)
    assert final.net >= 0 and record(ledger, final).net_paid == 100


def test_an_advance_is_settled_out_of_the_progress_payments_and_the_final_one() -> None:
    # koneps-rules §5: advance up to 70 % of the contract amount, secured by an advance-payment guarantee
    ledger = Ledger(AMOUNT, advance_limit=70_000_000)
    refused("advance_needs_guarantee", next_payment, ledger, PaymentKind.ADVANCE, 70_000_000)
    refused("advance_over_limit", next_payment, ledger, PaymentKind.ADVANCE, 70_000_001, advance_guaranteed=True)
    ledger = record(ledger, next_payment(ledger, PaymentKind.ADVANCE, 70_000_000, advance_guaranteed=True))
    progress = next_payment(ledger, PaymentKind.PROGRESS, 30_000_000)
    assert progress.advance_returned == 21_000_000 and progress.net == 9_000_000  # 70 % of the work paid for
    ledger = record(ledger, progress)
    refused("advance_after_work", next_payment, ledger, PaymentKind.ADVANCE, 1, advance_guaranteed=True)
    refused("over_contract_amount", next_payment, ledger, PaymentKind.PROGRESS, 70_000_001)
    refused("final_not_remaining", next_payment, ledger, PaymentKind.FINAL, 60_000_000)
    final = next_payment(ledger, PaymentKind.FINAL, 70_000_000)
    assert final.advance_returned == 49_000_000 and final.net == 21_000_000
    ledger = record(ledger, final)
    assert ledger.net_paid == AMOUNT and ledger.advance_outstanding == 0
    refused("contract_paid", next_payment, ledger, PaymentKind.PROGRESS, 1)


def test_the_delay_penalty_is_deducted_from_the_final_payment_as_far_as_it_goes() -> None:
    # koneps-rules §5 (지체상금): deducted from what the final payment pays out, never below zero
    ledger = record(Ledger(AMOUNT, AMOUNT * 70 // 100), Paid(PaymentKind.ADVANCE, 60_000_000))
    final = next_payment(ledger, PaymentKind.FINAL, AMOUNT, penalty=3_000_000)
    assert (final.advance_returned, final.penalty, final.net) == (60_000_000, 3_000_000, 37_000_000)
    most = next_payment(ledger, PaymentKind.FINAL, AMOUNT, penalty=50_000_000)  # more than is left to pay out
    assert (most.penalty, most.net) == (40_000_000, 0)
    assert next_payment(ledger, PaymentKind.PROGRESS, 1_000, penalty=5).penalty == 0  # only the final payment


claims = st.lists(
    st.tuples(st.sampled_from(list(PaymentKind)), st.integers(min_value=1, max_value=AMOUNT), st.booleans()),
    max_size=40,
)
amounts = st.one_of(st.integers(min_value=1, max_value=1_000), st.integers(min_value=1, max_value=10**11))


@settings(max_examples=500)
@given(
    limit_pct=st.integers(min_value=0, max_value=100),
    amount=amounts,
    seq=claims,
    penalty=st.integers(min_value=0, max_value=10**11),
)
def test_no_sequence_of_claims_pays_more_than_the_contract(
    limit_pct: int, amount: int, seq: list[tuple[PaymentKind, int, bool]], penalty: int
) -> None:
    # issue #8 Reliability: "amounts never exceed the contract value (a Hypothesis property over random payment
    # sequences)"; every payment goes out as a whole, non-negative amount
    ledger = Ledger(amount, advance_limit=amount * limit_pct // 100)
    for kind, gross, guaranteed in seq:
        try:
            payment = next_payment(
                ledger, kind, gross * amount // AMOUNT or 1, advance_guaranteed=guaranteed, penalty=penalty
            )
        except DomainError:
            continue
        assert payment.net >= 0 and 0 <= payment.advance_returned <= ledger.advance_outstanding
        assert 0 <= payment.penalty <= penalty
        ledger = record(ledger, payment)
        assert ledger.work_paid <= amount and ledger.net_paid <= amount
        assert ledger.advance_paid <= ledger.advance_limit and ledger.advance_outstanding >= 0
    if not ledger.finished and ledger.work_remaining:
        ledger = record(ledger, next_payment(ledger, PaymentKind.FINAL, ledger.work_remaining))
    if ledger.finished:
        deducted = sum(p.penalty for p in ledger.paid)
        assert ledger.net_paid + deducted == amount and ledger.advance_outstanding == 0


def test_a_payment_is_split_between_prime_subcontractors_labour_and_materials() -> None:
    # koneps-rules §6 (하도급지킴이): prime, subcontractors, labour and materials, each paid what is theirs
    room = {"S-1": 20_000_000, "S-2": 5_000_000}
    split = [
        Share(Recipient.PRIME, 12_000_000),
        Share(Recipient.SUBCONTRACTOR, 10_000_000, "S-1"),
        Share(Recipient.SUBCONTRACTOR, 5_000_000, "S-2"),
        Share(Recipient.LABOUR, 2_000_000),
        Share(Recipient.MATERIALS, 1_000_000),
    ]
    assert check_split(30_000_000, split, room) == tuple(split)
    refused("split_not_total", check_split, 30_000_001, split, room)
    too_much = [*split[:2], Share(Recipient.SUBCONTRACTOR, 5_000_001, "S-2"), Share(Recipient.PRIME, -1)]
    refused("share_invalid", check_split, 30_000_000, too_much, room)
    refused("over_subcontract", check_split, 5_000_001, [Share(Recipient.SUBCONTRACTOR, 5_000_001, "S-2")], room)
    refused("subcontract_unknown", check_split, 1, [Share(Recipient.SUBCONTRACTOR, 1, "S-9")], room)
    refused("share_invalid", check_split, 1, [Share(Recipient.PRIME, 1, "S-1")], room)


def test_what_the_split_does_not_give_goes_to_the_prime() -> None:
    # koneps-rules §6: the prime is paid the rest of the payment
    parts = (Share(Recipient.SUBCONTRACTOR, 3_000_000, "S-1"), Share(Recipient.LABOUR, 500_000))
    assert with_prime(10_000_000, parts) == (*parts, Share(Recipient.PRIME, 6_500_000))
    assert with_prime(3_500_000, parts) == parts
    given = (Share(Recipient.PRIME, 1), Share(Recipient.LABOUR, 2))
    assert with_prime(10, given) == given  # an explicit prime part is kept as it is (and checked by check_split)
    assert with_prime(5, ()) == (Share(Recipient.PRIME, 5),)
