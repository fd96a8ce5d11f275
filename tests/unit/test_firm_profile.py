"""What a firm registers besides its numbers, and who may take part in a notice (koneps-rules §1.2; the notice's
participation region, g2b-openapi CONTRACT.md ``prtcptLmtRgnCd``, 00 = nationwide)."""

import pytest

from jangter.identity.domain import firm_profile
from jangter.identity.domain.firm_profile import Licence
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category


def test_a_firm_registers_for_goods_works_and_or_services() -> None:
    # koneps-rules §1.2 step 2: the application chooses goods, works, services and/or foreign supply.
    assert firm_profile.check_supplies(["goods", " works "]) == {Category.GOODS, Category.WORKS}
    for bad in ([], [""], ["goods", "weapons"]):
        with pytest.raises(DomainError) as refused:
            firm_profile.check_supplies(bad)
        assert refused.value.field == "supplies"


def test_nationwide_stands_alone_among_the_regions_supplied() -> None:
    assert firm_profile.check_supply_regions(["11", "41"]) == {"11", "41"}
    assert firm_profile.check_supply_regions(["11", "00"]) == {"00"}
    with pytest.raises(DomainError) as refused:
        firm_profile.check_supply_regions(["99"])
    assert refused.value.code == "supply_regions_required"


def test_licences_need_a_four_digit_code_a_name_and_a_number_and_empty_rows_are_skipped() -> None:
    rows = [
        Licence("0003", "토목공사업", "서울-01"),
        Licence("", "", ""),
        Licence(" 6202", "기계설비ㆍ가스공사업", "7"),
    ]
    assert firm_profile.check_licences(rows) == (
        Licence("0003", "토목공사업", "서울-01"),
        Licence("6202", "기계설비ㆍ가스공사업", "7"),
    )
    cases = [
        ([Licence("003", "토목공사업", "1")], "licence_code_malformed", "licence_0"),
        ([Licence("", "", ""), Licence("0003", "", "1")], "licence_incomplete", "licence_1"),
        ([Licence("0003", "토목공사업", "1"), Licence("0003", "토목", "2")], "licence_duplicate", "licence_1"),
        ([Licence(f"{i:04d}", "업", "1") for i in range(21)], "licences_too_many", "licences"),
    ]
    for licences, code, field in cases:
        with pytest.raises(DomainError) as refused:
            firm_profile.check_licences(licences)
        assert (refused.value.code, refused.value.field) == (code, field)


def test_a_firm_takes_part_only_in_its_categories_and_in_notices_open_to_its_head_offices_region() -> None:
    def problem(supplies: tuple[str, ...], head_office: str, category: str, region: str) -> str | None:
        found = firm_profile.participation_problem(
            supplies=supplies, head_office=head_office, category=category, notice_region=region
        )
        return found.code if found else None

    assert problem(("goods", "works"), "11", "works", "00") is None
    assert problem(("goods", "works"), "11", "works", "11") is None
    assert problem(("goods",), "11", "works", "00") == "not_registered_for_category"
    assert problem(("goods", "works"), "41", "works", "11") == "region_restricted"


def test_sets_are_stored_sorted_and_read_back() -> None:
    assert firm_profile.encode({"works", "goods"}) == "goods,works"
    assert firm_profile.decode("goods,works") == ("goods", "works")
    assert firm_profile.decode(None) == ()
