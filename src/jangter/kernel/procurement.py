"""Vocabulary shared by every context: what is bought, how, and under which jurisdiction."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    GOODS = "goods"  # 물품
    SERVICES = "services"  # 용역
    WORKS = "works"  # 공사


class ContractMethod(StrEnum):
    GENERAL_COMPETITIVE = "general_competitive"  # 일반경쟁


class AwardMethod(StrEnum):
    """낙찰자 결정방법 (koneps-rules §3.3)."""

    QUALIFICATION_REVIEW = "qualification_review"  # 적격심사: the lowest bids are reviewed until one passes
    LOWEST_PRICE = "lowest_price"  # the lowest bid at or above the floor wins without review (small quotations)
    NEGOTIATED = "negotiated"  # 협상에 의한 계약: technical proposals scored, then prices; negotiated in order (§4)


class BidBond(StrEnum):
    """How the bid bond (입찰보증금, koneps-rules §3.5) is given for a notice."""

    UNDERTAKING = (
        "undertaking"  # 입찰보증금 지급각서: bidding is the firm's promise to pay it if it wins and won't sign
    )
    GUARANTEE = "guarantee"  # 보증서 전자납부: an institution's bid-bond guarantee, accepted before the firm bids


class Jurisdiction(StrEnum):
    """Which body of contract law an agency follows (koneps-rules §0: 국가계약법 or 지방계약법)."""

    NATIONAL = "national"  # 국가기관 · 공공기관 (국가계약법)
    LOCAL = "local"  # 지방자치단체 · 교육청 (지방계약법)


CATEGORY_LABELS: dict[Category, tuple[str, str]] = {
    Category.GOODS: ("물품", "Goods"),
    Category.SERVICES: ("용역", "Services"),
    Category.WORKS: ("공사", "Works"),
}

BID_BOND_LABELS: dict[BidBond, tuple[str, str]] = {
    BidBond.UNDERTAKING: ("지급각서 (입찰 참가로 갈음)", "Payment undertaking (given by bidding)"),
    BidBond.GUARANTEE: ("보증서 전자납부", "Electronic bid-bond guarantee"),
}

CONTRACT_METHOD_LABELS: dict[ContractMethod, tuple[str, str]] = {
    ContractMethod.GENERAL_COMPETITIVE: ("일반경쟁", "General competitive"),
}

AWARD_METHOD_LABELS: dict[AwardMethod, tuple[str, str]] = {
    AwardMethod.QUALIFICATION_REVIEW: ("적격심사", "Qualification review"),
    AwardMethod.LOWEST_PRICE: ("최저가 (낙찰하한 이상)", "Lowest price at or above the floor"),
    AwardMethod.NEGOTIATED: ("협상에 의한 계약", "Negotiated contract (technical and price scores)"),
}

JURISDICTION_LABELS: dict[Jurisdiction, tuple[str, str]] = {
    Jurisdiction.NATIONAL: ("국가", "National"),
    Jurisdiction.LOCAL: ("지방", "Local"),
}

#: Regions (시·도) as Nara Jangter lists them, plus nationwide.
REGIONS: dict[str, tuple[str, str]] = {
    "00": ("전국", "Nationwide"),
    "11": ("서울특별시", "Seoul"),
    "26": ("부산광역시", "Busan"),
    "27": ("대구광역시", "Daegu"),
    "28": ("인천광역시", "Incheon"),
    "29": ("광주광역시", "Gwangju"),
    "30": ("대전광역시", "Daejeon"),
    "31": ("울산광역시", "Ulsan"),
    "36": ("세종특별자치시", "Sejong"),
    "41": ("경기도", "Gyeonggi"),
    "51": ("강원특별자치도", "Gangwon"),
    "43": ("충청북도", "Chungbuk"),
    "44": ("충청남도", "Chungnam"),
    "52": ("전북특별자치도", "Jeonbuk"),
    "46": ("전라남도", "Jeonnam"),
    "47": ("경상북도", "Gyeongbuk"),
    "48": ("경상남도", "Gyeongnam"),
    "50": ("제주특별자치도", "Jeju"),
}
