"""HrcspSsstndrdInfoService (사전규격정보서비스): a pre-specification as the portal's item. Pure."""

from __future__ import annotations

from jangter.kernel.procurement import CATEGORY_LABELS
from jangter.opendata.g2b import formats as f
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.views import SpecView


def spec_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/pre-specifications/{number}"


def spec_values(view: SpecView, base_url: str) -> dict[str, str]:
    return {
        "bsnsDivNm": CATEGORY_LABELS[view.category][0],
        "prdctClsfcNoNm": view.title,
        "orderInsttNm": view.agency.name,
        "rlDminsttNm": view.agency.name,
        "rcptDt": f.instant(view.opened_at),
        "opninRgstClseDt": f.instant(view.opinion_deadline),
        "swBizObjYn": "N",
        "bfSpecRgstNo": view.number,
        "specDocFileUrl1": spec_url(base_url, view.number),
        "rgstDt": f.instant(view.opened_at),
        "bidNtceNoList": ",".join(view.notices),
    }


def spec_item(operation: str, view: SpecView, base_url: str) -> Item:
    return f.shape(operation, spec_values(view, base_url))
