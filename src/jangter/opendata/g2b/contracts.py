"""CntrctInfoService (계약정보서비스): a contract both parties have signed, as the portal's contract item.

Pure. Public: the parties, the amount, the dates and the deposit rate (계약정보공개). Not given: the document,
the officials, the supplier's representative and people.
"""

from __future__ import annotations

from jangter.kernel.procurement import CATEGORY_LABELS, Jurisdiction
from jangter.opendata.g2b import formats as f
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.views import ContractView

#: 근거법률명 and 소관구분명 by the agency's contract law.
LAW = {Jurisdiction.NATIONAL.value: "국가계약법", Jurisdiction.LOCAL.value: "지방계약법"}
JURISDICTION = {Jurisdiction.NATIONAL.value: "국가기관", Jurisdiction.LOCAL.value: "지자체"}


def corp_list(view: ContractView) -> str:
    """업체목록: ``[1^주계약업체^단독^name^…^bizno]`` as the portal packs it (10 fields; unknown ones empty)."""
    return f"[1^주계약업체^단독^{view.firm_name}^^대한민국^100^^^{view.firm_business_number}]"


def demand_list(view: ContractView) -> str:
    """수요기관목록: ``[1^code^name^소관^부서^담당자^전화]``, without the people."""
    agency = view.agency
    return f"[1^{agency.code}^{agency.name}^{JURISDICTION.get(agency.jurisdiction or '', '')}^^^]"


def contract_values(view: ContractView, base_url: str) -> dict[str, str]:
    jurisdiction = view.agency.jurisdiction or ""
    period = f"{f.day(view.starts_on)} ~ {f.day(view.ends_on)}"
    return {
        "untyCntrctNo": view.number,
        "bsnsDivNm": CATEGORY_LABELS[view.category][0],
        "cntrctNm": view.title,
        "cnstwkNm": view.title,
        "cmmnCntrctYn": "N",
        "cntrctCnclsDate": f.day(view.signed_at),
        "cntrctDate": f.day(view.signed_at),
        "cntrctPrd": period,
        "baseLawNm": LAW.get(jurisdiction, ""),
        "totCntrctAmt": str(view.amount),
        "thtmCntrctAmt": str(view.amount),
        "grntymnyRate": f.rate(view.deposit_rate),
        "cntrctInfoUrl": base_url.rstrip("/"),
        "ntceNo": view.notice_number,
        "cntrctInsttCd": view.agency.code,
        "cntrctInsttNm": view.agency.name,
        "cntrctInsttJrsdctnDivNm": JURISDICTION.get(jurisdiction, ""),
        "dminsttList": demand_list(view),
        "corpList": corp_list(view),
        "cntrctCnclsMthdNm": "수의계약" if view.source == "private_contract" else "일반경쟁",
        "rgstDt": f.instant(view.signed_at),
        "chgDt": f.instant(view.updated_at),
        "wbgnDate": f.day(view.starts_on),
        "thtmScmpltDate": f.day(view.ends_on),
        "ttalScmpltDate": f.day(view.ends_on),
        "cbgnDate": f.day(view.starts_on),
        "thtmCcmpltDate": f.day(view.ends_on),
        "ttalCcmpltDate": f.day(view.ends_on),
    }


def contract_item(operation: str, view: ContractView, base_url: str) -> Item:
    return f.shape(operation, contract_values(view, base_url))
