"""The notice state machine (DESIGN §2)."""

import pytest

from jangter.kernel.errors import Conflict
from jangter.tendering.domain.notice import TRANSITIONS, NoticeAction, NoticeStatus, can, transition

S, A = NoticeStatus, NoticeAction


def test_the_happy_path_from_draft_to_award() -> None:
    status = S.DRAFT
    for action in (A.PUBLISH, A.CLOSE, A.OPEN, A.AWARD):
        status = transition(status, action)
    assert status is S.AWARDED


def test_a_failed_notice_can_be_re_announced_and_published_again() -> None:
    assert transition(transition(S.CLOSED, A.FAIL), A.REANNOUNCE) is S.PUBLISHED


def test_an_amendment_keeps_the_notice_published() -> None:
    assert transition(S.PUBLISHED, A.AMEND) is S.PUBLISHED


@pytest.mark.parametrize("terminal", [S.AWARDED, S.CANCELLED])
def test_terminal_states_allow_nothing(terminal: NoticeStatus) -> None:
    assert not any(can(terminal, action) for action in NoticeAction)


def test_a_refused_transition_names_the_action_and_the_state() -> None:
    with pytest.raises(Conflict) as refused:
        transition(S.OPENED, A.AMEND)
    assert refused.value.code == "notice_cannot_amend"
    assert "개찰완료" in refused.value.message_ko
    assert refused.value.status == 409


def test_no_transition_leads_back_to_draft() -> None:
    assert S.DRAFT not in {target for (source, _), target in TRANSITIONS.items() if source is not S.DRAFT}


def test_a_failed_notice_can_be_re_bid_or_end_in_a_private_contract() -> None:
    # koneps-rules §3.4, addendum Q7: 재입찰 opens a new round; 수의계약 ends the notice (whether the rules allow
    # either is decided in evaluation/domain/failed_bids.py)
    assert transition(S.FAILED, A.REBID) is S.PUBLISHED
    assert transition(S.FAILED, A.PRIVATE_CONTRACT) is S.AWARDED
    with pytest.raises(Conflict) as refused:
        transition(S.OPENED, A.REBID)
    assert refused.value.code == "notice_cannot_rebid" and "재입찰" in refused.value.message_ko


@pytest.mark.parametrize("action", list(NoticeAction))
def test_every_action_can_be_refused_in_words(action: NoticeAction) -> None:
    with pytest.raises(Conflict) as refused:
        transition(S.CANCELLED, action)
    assert refused.value.message_ko and refused.value.message_en
