"""The pure rules of programmes and briefings (issue #9 point 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.planning.programme_domain import (
    BriefingPhase,
    DraftBriefing,
    DraftProject,
    Progress,
    ServiceType,
    check_answer,
    check_briefing,
    check_project,
    check_question,
    composition,
    phase,
)

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def project(**changes: object) -> DraftProject:
    values: dict[str, object] = {
        "title": "국민비서 고도화",
        "agency": "행정안전부",
        "budget": 5_000_000_000,
        "service_type": ServiceType.PUBLIC,
        "stage": 1,
        "continuing": False,
        "multi_year": False,
    }
    values.update(changes)
    return DraftProject(**values)  # type: ignore[arg-type]


def codes(call: object) -> list[str]:
    with pytest.raises(ValidationProblems) as exc:
        call()  # type: ignore[operator]
    return [p.code for p in exc.value.problems]


def test_a_project_fits_in_what_is_left_of_the_programmes_budget() -> None:
    check_project(project(), budget_left=5_000_000_000)  # exactly what is left
    assert codes(lambda: check_project(project(), budget_left=4_999_999_999)) == ["programme_budget_exceeded"]
    check_project(project(), budget_left=-1)  # -1: the caller checks the budget itself


def test_a_project_names_itself_and_a_later_stage_continues_an_earlier_one() -> None:
    assert codes(lambda: check_project(project(title=" ", agency="", budget=0), budget_left=-1)) == [
        "title_required",
        "agency_required",
        "amount_not_positive_whole_won",
    ]
    assert codes(lambda: check_project(project(stage=3), budget_left=-1)) == ["later_stage_is_continuing"]
    check_project(project(stage=3, continuing=True), budget_left=-1)
    assert codes(lambda: check_project(project(stage=0), budget_left=-1)) == ["stage_out_of_range"]
    assert codes(lambda: check_project(project(plan_items=("R26DD00000001",) * 2), budget_left=-1)) == [
        "plan_item_repeated"
    ]


def test_a_briefing_is_in_advance_then_live_then_ended() -> None:
    start, end = NOW + timedelta(hours=1), NOW + timedelta(hours=3)
    assert phase(start, end, NOW) is BriefingPhase.ADVANCE
    assert phase(start, end, start) is BriefingPhase.LIVE  # from its first second
    assert phase(start, end, end - timedelta(seconds=1)) is BriefingPhase.LIVE
    assert phase(start, end, end) is BriefingPhase.ENDED
    check_question("질의", BriefingPhase.ADVANCE)
    check_question("질의", BriefingPhase.LIVE)
    with pytest.raises(DomainError) as ended:
        check_question("질의", BriefingPhase.ENDED)
    assert ended.value.code == "briefing_ended" and ended.value.status == 409
    with pytest.raises(DomainError) as long:
        check_question("가" * 4001, BriefingPhase.LIVE)
    assert long.value.code == "question_too_long"
    with pytest.raises(DomainError) as empty:
        check_answer("\n")
    assert empty.value.code == "answer_required"


def test_a_briefing_is_scheduled_ahead_and_covers_the_programmes_projects() -> None:
    good = DraftBriefing(
        "설명회", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2), "https://x.example", (1, 3)
    )
    check_briefing(good, NOW, project_count=3)
    assert codes(lambda: check_briefing(good, NOW, project_count=2)) == ["project_unknown"]
    same = DraftBriefing("설명회", NOW + timedelta(days=1), NOW + timedelta(days=1), "")
    assert codes(lambda: check_briefing(same, NOW, project_count=0)) == ["briefing_ends_before_start"]
    assert codes(lambda: check_briefing(DraftBriefing("x", NOW, NOW + timedelta(hours=1), ""), NOW, 0)) == [
        "briefing_in_past"
    ]


def test_progress_is_whole_per_cent_rounded_down_and_the_composition_counts_like_the_announcement() -> None:
    progress = Progress(budget=69_400_000_000, ordered=23_133_333_333, contracted=69_399_999_999)
    assert progress.percent(progress.ordered) == 33 and progress.percent(progress.contracted) == 99
    assert Progress(budget=0).percent(5) == 0
    parts = [
        project(service_type=ServiceType.PUBLIC),
        project(service_type=ServiceType.ADMINISTRATIVE, stage=3, continuing=True, multi_year=True),
        project(service_type=ServiceType.ADMINISTRATIVE),
    ]
    made = composition(parts)
    assert made.projects == 3 and made.by_type == {ServiceType.PUBLIC: 1, ServiceType.ADMINISTRATIVE: 2}
    assert (made.new, made.continuing, made.multi_year, made.stages) == (2, 1, 1, (1, 3))
