"""Jinja2 set-up for the pages: the language, the signed-in person, CSRF, and display filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jangter.bidding.domain.bid import BID_STATUS_LABELS
from jangter.contracting.domain.contract import STATUS_LABELS as CONTRACT_STATUS_LABELS
from jangter.contracting.domain.contract import VERSION_LABELS
from jangter.contracting.domain.guarantee import FAULT_LABELS
from jangter.contracting.domain.guarantee import KIND_LABELS as GUARANTEE_KIND_LABELS
from jangter.contracting.domain.guarantee import STATUS_LABELS as GUARANTEE_STATUS_LABELS
from jangter.evaluation.domain.failed_bids import AFTER_FAILURE_LABELS
from jangter.evaluation.domain.ranking import FAILURE_LABELS, STANDING_LABELS
from jangter.helpdesk.domain import CATEGORY_LABELS as TICKET_CATEGORY_LABELS
from jangter.helpdesk.domain import KIND_LABELS as TICKET_KIND_LABELS
from jangter.helpdesk.domain import STATUS_LABELS as TICKET_STATUS_LABELS
from jangter.helpdesk.incident_domain import FUNCTION_LABELS
from jangter.identity.domain.firm_profile import BUSINESS_FORM_LABELS
from jangter.identity.domain.registration_number import format_brn
from jangter.identity.domain.roles import REGISTRATION_LABELS, ROLE_LABELS, Role
from jangter.kernel.calendar import to_seoul
from jangter.kernel.money import format_won
from jangter.kernel.procurement import (
    AWARD_METHOD_LABELS,
    BID_BOND_LABELS,
    CATEGORY_LABELS,
    CONTRACT_METHOD_LABELS,
    JURISDICTION_LABELS,
    REGIONS,
)
from jangter.planning.domain import PLAN_STATUS_LABELS
from jangter.planning.programme_domain import BRIEFING_PHASE_LABELS, SERVICE_TYPE_LABELS, TECHNOLOGY_LABELS
from jangter.rules.domain import DEFECT_CLASS_LABELS
from jangter.tendering.domain.notice import KIND_LABELS, STATUS_LABELS
from jangter.web.http import csrf_token, get_ctx, get_settings, page_actor, set_csrf_cookie
from jangter.web.i18n import choose_lang, label, translate

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

_LABEL_TABLES: dict[str, dict[Any, tuple[str, str]]] = {
    "status": dict(STATUS_LABELS),
    "contract_status": dict(CONTRACT_STATUS_LABELS),
    "version_state": dict(VERSION_LABELS),
    "guarantee_kind": dict(GUARANTEE_KIND_LABELS),
    "guarantee_status": dict(GUARANTEE_STATUS_LABELS),
    "termination_fault": dict(FAULT_LABELS),
    "bid_bond": dict(BID_BOND_LABELS),
    "plan_status": dict(PLAN_STATUS_LABELS),
    "service_type": dict(SERVICE_TYPE_LABELS),
    "technology": dict(TECHNOLOGY_LABELS),
    "briefing_phase": dict(BRIEFING_PHASE_LABELS),
    "incident_function": dict(FUNCTION_LABELS),
    "kind": dict(KIND_LABELS),
    "category": dict(CATEGORY_LABELS),
    "method": dict(CONTRACT_METHOD_LABELS),
    "region": dict(REGIONS),
    "role": dict(ROLE_LABELS),
    "registration": dict(REGISTRATION_LABELS),
    "failure": dict(FAILURE_LABELS),
    "standing": dict(STANDING_LABELS),
    "bid_status": dict(BID_STATUS_LABELS),
    "jurisdiction": dict(JURISDICTION_LABELS),
    "after_failure": dict(AFTER_FAILURE_LABELS),
    "award_method": dict(AWARD_METHOD_LABELS),
    "defect": dict(DEFECT_CLASS_LABELS),
    "business_form": dict(BUSINESS_FORM_LABELS),
    "ticket_kind": dict(TICKET_KIND_LABELS),
    "ticket_category": dict(TICKET_CATEGORY_LABELS),
    "ticket_status": dict(TICKET_STATUS_LABELS),
    "security_kind": {
        "sign_in": ("로그인 실패", "Failed sign-in"),
        "csrf": ("보안 확인(CSRF) 실패", "Failed security check (CSRF)"),
        "passkey.register": ("패스키 등록 거부", "Passkey registration refused"),
        "bid.same_ip": ("같은 IP에서 다른 업체 입찰", "Two firms' bids from one IP address"),
        "bid.same_device": ("같은 PC에서 다른 업체 입찰", "Two firms' bids from one device"),
        "step_up": ("본인 확인 필요 (오래된 세션)", "Identity check needed (stale session)"),
        "registration": ("업체 등록 신청 거부", "Firm registration refused"),
        "member.other_firm": ("다른 업체 구성원 초대 거부", "Member of another firm invited (refused)"),
        "bid.signature": ("입찰서 서명 거부 (폐기·미등록 키)", "Bid signature refused (revoked or unknown key)"),
        "fallback": ("예외 확인 (인증 앱·복구 코드)", "Fallback (authenticator app or recovery code)"),
    },
    "log_event": {
        "notice.published": ("공고 게시", "Notice published"),
        "notice.amended": ("정정공고", "Notice amended"),
        "notice.cancelled": ("공고 취소", "Notice cancelled"),
        "notice.closed": ("입찰 마감", "Bidding closed"),
        "bid.received": ("입찰서 접수 (해시)", "Bid received (hash)"),
        "notice.opening_blocked": ("개찰 중단 경보", "Opening stopped: alert"),
        "notice.share_presented": ("분할키 제출", "Key share presented"),
        "notice.opened": ("개찰", "Bids opened"),
        "notice.awarded": ("낙찰자 결정", "Award decided"),
        "notice.reviewed": ("적격심사", "Qualification review entered"),
        "notice.technical_evaluated": ("기술평가 마감 (점수·제안서 해시)", "Technical evaluation closed"),
        "notice.negotiated": ("협상 결과", "Negotiation recorded"),
    },
}


def kst(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else to_seoul(value).strftime(fmt)


def kst_input(value: datetime | None) -> str:
    """A value for ``<input type="datetime-local">`` in Seoul time."""
    return "" if value is None else to_seoul(value).strftime("%Y-%m-%dT%H:%M")


def won(value: int | None) -> str:
    return "" if value is None else format_won(value)


def pct(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def brn(value: str | None) -> str:
    return format_brn(value) if value and len(value) == 10 else (value or "")


TEMPLATES.env.filters.update(kst=kst, kst_input=kst_input, won=won, pct=pct, brn=brn)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    lang = choose_lang(request)
    actor = page_actor(request)
    settings = get_settings(request)

    def t(key: str) -> str:
        return translate(key, lang)

    def lbl(table: str, key: Any) -> str:
        pair = _LABEL_TABLES[table].get(key)
        return label(pair, lang) if pair else str(key)

    values: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "lbl": lbl,
        "actor": actor,
        "Role": Role,
        "csrf": csrf_token(request),
        "demo_clock": settings.demo_clock,
        "now": get_ctx(request).clock.now(),
        "path": request.url.path,
        "query": str(request.url.query),
        "regions": REGIONS,
    }
    values.update(context or {})
    response = TEMPLATES.TemplateResponse(request, name, values, status_code=status)
    set_csrf_cookie(request, response)
    response.headers["Content-Language"] = lang
    return response
