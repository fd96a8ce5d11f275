"""Firm registration (issue #6 point 1; koneps-rules §1.2): the legal form, categories, regions and licences are
kept; a sole proprietor registers one firm, known by a keyed hash of their resident number, never the number."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jangter.identity.domain.firm_profile import BusinessForm, Licence
from jangter.identity.domain.roles import Role
from jangter.identity.orm import FirmLicence, Organisation
from jangter.identity.security_log import SecurityEvent
from jangter.identity.service import FirmRegistration, NewPerson, get_org, proprietor_key, register_firm
from jangter.kernel.audit import AuditRecord
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.kernel.signing import PlatformSigner
from tests.support import PASSWORD, firm_registration, make_world, resident_number


def sole(name: str, first_nine: str, email: str, proprietor: str) -> FirmRegistration:
    return firm_registration(
        name,
        first_nine,
        email,
        business_form=BusinessForm.SOLE_PROPRIETOR,
        corporate_number=None,
        proprietor_number=proprietor,
    )


def supplier_count(ctx: AppContext) -> int:
    with ctx.db.reading() as session:
        return int(
            session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind == "supplier")) or 0
        )


def licence_count(ctx: AppContext) -> int:
    with ctx.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(FirmLicence)) or 0)


def test_the_profile_is_kept_and_shown(ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    firm_id = register_firm(
        ctx,
        firm_registration(
            "(주)바른설비",
            "135817789",
            "admin@bareun.kr",
            region="28",
            supplies=frozenset({"works", "services"}),
            supply_regions=frozenset({"28", "41"}),
            licences=(Licence("6202", "기계설비ㆍ가스공사업", "인천-17"), Licence("0003", "토목공사업", "인천-18")),
        ),
    )
    firm = get_org(ctx, firm_id)
    assert firm.business_form is BusinessForm.CORPORATION
    assert firm.supplies == (Category.SERVICES.value, Category.WORKS.value)
    assert firm.supply_regions == ("28", "41")
    assert firm.licences == (
        Licence("0003", "토목공사업", "인천-18"),
        Licence("6202", "기계설비ㆍ가스공사업", "인천-17"),
    )
    with ctx.db.reading() as session:
        entry = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "firm.register", AuditRecord.entity_id == str(firm_id))
        ).one()
    assert entry.after is not None
    assert entry.after["licences"] == ["6202", "0003"] and entry.after["supplies"] == "services,works"


def test_a_sole_proprietor_registers_one_firm_and_the_number_is_never_stored(ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    before = supplier_count(ctx)
    number = "750101-1123456"
    first = register_firm(ctx, sole("푸른환경산업", "410223318", "a@pureun.kr", number))
    with pytest.raises(DomainError) as refused:
        register_firm(ctx, sole("푸른조경", "410223320", "b@pureun.kr", number.replace("-", "")))
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "proprietor_already_registered",
        "proprietor_number",
        409,
    )
    assert supplier_count(ctx) == before + 1  # nothing half-registered: no firm, no person
    with ctx.db.reading() as session:
        stored = session.get(Organisation, first)
        assert stored is not None
        assert stored.proprietor_key == proprietor_key(ctx, "7501011123456")
        assert "1123456" not in stored.proprietor_key
        row = [str(v) for v in vars(stored).values()]
        assert not any("7501011123456" in v or "750101-1123456" in v for v in row)
        logged = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "registration")).all()
        assert [e.detail["codes"] for e in logged] == [["proprietor_already_registered"]]
        assert not any("1123456" in str(e.detail) for e in logged)
    # Another person may register their own firm; and a corporation's representative is not limited by this rule.
    register_firm(ctx, sole("가람기계", "314045566", "c@garam.kr", resident_number(7)))
    register_firm(ctx, firm_registration("(주)푸른", "410223321", "d@pureun.kr"))
    assert supplier_count(ctx) == before + 3


def test_the_keyed_hash_depends_on_the_platform_key(ctx: AppContext) -> None:
    other = AppContext(
        db=ctx.db,
        clock=ctx.clock,
        calendar=ctx.calendar,
        rules=ctx.rules,
        rng=ctx.rng,
        signer=PlatformSigner.generate(),
    )
    assert proprietor_key(ctx, "7501011123456") == proprietor_key(ctx, "7501011123456")
    assert proprietor_key(ctx, "7501011123456") != proprietor_key(other, "7501011123456")
    assert len(proprietor_key(ctx, "7501011123456")) == 64


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"corporate_number": None}, "corporate_number_required", "corporate_number"),
        ({"corporate_number": "110111-1234560"}, "corporate_number_check_digit", "corporate_number"),
        (
            {"business_form": BusinessForm.SOLE_PROPRIETOR, "corporate_number": None},
            "proprietor_number_required",
            "proprietor_number",
        ),
        (
            {"business_form": BusinessForm.SOLE_PROPRIETOR, "proprietor_number": "751301-1123456"},
            "resident_number_birth_date",
            "proprietor_number",
        ),
        ({"supplies": frozenset()}, "supplies_required", "supplies"),
        ({"supply_regions": frozenset({"99"})}, "supply_regions_required", "supply_regions"),
        ({"region": "00"}, "region_invalid", "region"),
        ({"licences": (Licence("0003", "", "1"),)}, "licence_incomplete", "licence_0"),
    ],
)
def test_a_bad_application_says_which_field_and_leaves_nothing(
    ctx: AppContext, changes: dict[str, object], code: str, field: str
) -> None:
    make_world(ctx, firms=0)
    before = supplier_count(ctx), licence_count(ctx)
    registration = firm_registration("(주)새업체", "220816251", "new@firm.kr", **changes)
    with pytest.raises(DomainError) as refused:
        register_firm(ctx, registration)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert (supplier_count(ctx), licence_count(ctx)) == before
    with ctx.db.reading() as session:
        assert [e.detail["codes"] for e in session.scalars(select(SecurityEvent))] == [[code]]


def test_the_admin_account_is_made_with_the_firm(ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    admin = NewPerson("owner@firm.kr", "대표", PASSWORD, frozenset({Role.COMPANY_ADMIN, Role.BIDDER}))
    firm_id = register_firm(ctx, firm_registration("(주)하나", "220816252", "owner@firm.kr", admin=admin))
    with ctx.db.reading() as session:
        org = session.get(Organisation, firm_id)
        assert org is not None and [p.email for p in org.people] == ["owner@firm.kr"]
