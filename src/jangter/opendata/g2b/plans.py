"""OrderPlanSttusService (발주계획현황서비스): an order-plan item as the portal's item. Pure."""

from __future__ import annotations

from jangter.kernel.procurement import CONTRACT_METHOD_LABELS, Category, ContractMethod, Jurisdiction
from jangter.opendata.g2b import formats as f
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.views import PlanView

#: 업무구분코드 of order plans (the guide's examples: 01 물품, 03 일반용역, 07 공사).
BUSINESS_CODES = {Category.GOODS: ("01", "물품"), Category.SERVICES: ("03", "일반용역"), Category.WORKS: ("07", "공사")}
JURISDICTION = {Jurisdiction.NATIONAL.value: "국가기관", Jurisdiction.LOCAL.value: "지방자치단체"}


def plan_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/order-plans/{number}"


def plan_values(view: PlanView, base_url: str) -> dict[str, str]:
    code, name = BUSINESS_CODES[view.category]
    return {
        "bsnsDivCd": code,
        "bsnsDivNm": name,
        "orderYear": str(view.year),
        "orderInsttCd": view.agency.code,
        "totlmngInsttNm": view.agency.name,
        "jrsdctnDivNm": JURISDICTION.get(view.agency.jurisdiction or "", ""),
        "orderInsttNm": view.agency.name,
        "prcrmntMethd": "자체조달",
        "orderMnth": f"{view.month:02d}" if view.month is not None else "",
        "bizNm": view.title,
        "cntrctMthdNm": CONTRACT_METHOD_LABELS[ContractMethod(view.contract_method)][0],
        "sumOrderAmt": str(view.amount),
        "ntceNticeYn": f.yn(bool(view.notices)),
        "nticeDt": f.instant(view.published_at),
        "orderPlanUntyNo": view.number,
        "bidNtceNoList": ",".join(view.notices),
        "orderPlanDtlUrl": plan_url(base_url, view.number),
        "atchFileExistnceYn": "N",
    }


def plan_item(operation: str, view: PlanView, base_url: str) -> Item:
    return f.shape(operation, plan_values(view, base_url))
