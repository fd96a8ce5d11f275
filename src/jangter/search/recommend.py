"""Notices recommended to a firm, each with its reasons (issue #7 point 3).

Only notices the firm may take part in are considered (its categories; a regional limit that admits its head
office), still open, and not yet bid on. Each earns points for what links it to the firm: an agency it has bid
with, a category it bids in, a word shared with the titles of its earlier bids, one of its licences named in the
title, an amount near its usual size, its own region. The reasons are shown with the notice. It reads the
database only: it does not use the search engine, so it works whatever state the engine is in.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from jangter.bidding.orm import Bid
from jangter.identity.domain import firm_profile
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import FirmLicence, Organisation
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import CATEGORY_LABELS, REGIONS, Category
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.queries import NoticeSummary, summaries_of

CANDIDATES = 500  # the most recently published open notices looked at
_WORD = re.compile(r"[\uac00-\ud7a3]{2,}|[A-Za-z]{3,}")
_COMMON = frozenset({"구매", "용역", "공사", "사업", "입찰", "공고", "관련", "위한", "기타"})  # say nothing alone


@dataclass(frozen=True)
class Reason:
    ko: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


@dataclass(frozen=True)
class Recommendation:
    notice: NoticeSummary
    score: int
    reasons: tuple[Reason, ...]


def _words(title: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(title)} - _COMMON


def _licence_words(name: str) -> set[str]:
    """토목공사업 → {토목}; 기계설비ㆍ가스공사업 → {기계설비, 가스}: the trade, without the 공사업/업 ending."""
    words = set()
    for part in re.split(r"[ㆍ·,()\s]+", name):
        stem = re.sub(r"(공사업|공사|업)$", "", part)
        if len(stem) >= 2:
            words.add(stem)
    return words


def recommend(ctx: AppContext, actor: Actor | None, limit: int = 10) -> list[Recommendation]:
    me = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        firm = session.get(Organisation, me.org_id)
        if firm is None:
            return []
        supplies = set(firm_profile.decode(firm.supplies))
        licences = [name for (name,) in session.execute(select(FirmLicence.name).where(FirmLicence.org_id == firm.id))]
        history = session.execute(
            select(Notice.id, Notice.title, Notice.category, Notice.agency_id, Notice.base_amount, Organisation.name)
            .join(Bid, Bid.notice_id == Notice.id)
            .join(Organisation, Organisation.id == Notice.agency_id)
            .where(Bid.firm_id == firm.id)
        ).all()
        bid_on = {row.id for row in history}
        agencies = {row.agency_id: row[5] for row in history}
        categories = Counter(row.category for row in history)
        history_words = Counter(w for row in history for w in _words(row.title))
        usual = statistics.median(row.base_amount for row in history) if history else None
        region_ok = (Notice.region == firm_profile.NATIONWIDE) | (Notice.region == (firm.region or ""))
        candidates = session.execute(
            select(Notice.id, Notice.title, Notice.category, Notice.agency_id, Notice.base_amount, Notice.region)
            .where(
                Notice.status == NoticeStatus.PUBLISHED.value,
                Notice.deadline_at > now,
                Notice.category.in_(supplies or {""}),
                region_ok,
            )
            .order_by(Notice.published_at.desc())
            .limit(CANDIDATES)
        ).all()
        scored: list[tuple[int, int, tuple[Reason, ...]]] = []
        licence_words = {w: name for name in licences for w in _licence_words(name)}
        for row in candidates:
            if row.id in bid_on:
                continue
            points, reasons = 0, []
            if row.agency_id in agencies:
                points += 3
                name = agencies[row.agency_id]
                reasons.append(Reason(f"입찰한 적 있는 기관: {name}", f"An agency you have bid with: {name}"))
            shared = sorted(_words(row.title) & set(history_words), key=lambda w: -history_words[w])
            if shared:
                points += 2
                reasons.append(
                    Reason(f"입찰했던 공고와 같은 말: {shared[0]}", f"Like notices you bid on: “{shared[0]}”")
                )
            matched = [licence_words[w] for w in licence_words if w in row.title]
            if matched:
                points += 2
                reasons.append(Reason(f"보유 업종: {matched[0]}", f"Matches your licence: {matched[0]}"))
            if categories.get(row.category):
                points += 1
                ko, en = CATEGORY_LABELS[Category(row.category)]
                reasons.append(Reason(f"자주 입찰하는 분야: {ko}", f"A category you bid in: {en.lower()}"))
            if usual and usual / 2 <= row.base_amount <= usual * 2:
                points += 1
                reasons.append(Reason("평소 입찰 규모와 비슷한 금액", "An amount like the ones you usually bid for"))
            if row.region != firm_profile.NATIONWIDE:
                points += 1
                ko, en = REGIONS[row.region]
                reasons.append(Reason(f"지역제한: {ko} (본사 소재지)", f"Limited to {en}, where your head office is"))
            if points == 0:
                ko, en = CATEGORY_LABELS[Category(row.category)]
                reasons.append(Reason(f"등록한 분야: {ko}", f"A category you are registered for: {en.lower()}"))
            scored.append((points, row.id, tuple(reasons)))
        scored.sort(key=lambda item: (-item[0], -item[1]))
        top = scored[:limit]
        summaries = {s.number: s for s in summaries_of(session, [i for _, i, _ in top], now)}
        by_id = dict(
            session.execute(select(Notice.id, Notice.number).where(Notice.id.in_([i for _, i, _ in top]))).all()
        )
    return [
        Recommendation(summaries[by_id[notice_id]], points, reasons)
        for points, notice_id, reasons in top
        if by_id.get(notice_id) in summaries
    ]
