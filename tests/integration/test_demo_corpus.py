"""The scale corpus (issue #7 point 4): deterministic by seed, realistic, indexed; and, over it, the search finds
every notice whose title holds the query word (recall), for one-, two- and three-syllable Korean and English."""

from __future__ import annotations

from sqlalchemy import func, select

from jangter.demo_corpus import generate
from jangter.kernel.context import AppContext
from jangter.search.orm import NoticeSearch
from jangter.search.service import MAX_RESULTS, Mode, SearchRequest, search_notices
from jangter.tendering.orm import Notice
from tests.support import make_world


def test_the_corpus_is_deterministic_indexed_and_found_word_for_word(ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    stages: dict[str, int] = {}
    indexed = generate(ctx, 1_200, seed=7, progress=lambda stage, done, total: stages.update({stage: total}))
    assert stages == {"notices": 1_200, "index": 1_200} and indexed == 1_200
    generate(ctx, 1_200, seed=7)
    with ctx.db.reading() as session:
        titles = list(session.scalars(select(Notice.title).order_by(Notice.id)))
        assert session.scalar(select(func.count()).select_from(NoticeSearch)) == 2_400
        english = sum(1 for t in titles if t[0].isascii() and t[0].isalpha())
    assert titles[:1_200] == titles[1_200:]  # the same seed, the same notices
    assert 0.05 < english / len(titles) < 0.15  # about one in ten in English
    for word in ("길", "도로", "냉난방기", "시스템", "LED", "cloud", "Road"):
        wanted = {i for i, t in enumerate(titles) if word.lower() in t.lower()}
        result = search_notices(ctx, SearchRequest(text=word, limit=100))
        assert result.mode is Mode.ENGINE
        hits: set[str] = set()
        request = SearchRequest(text=word, limit=100)
        while True:
            page = search_notices(ctx, request)
            hits |= {h.notice.title for h in page.hits}
            if page.next_cursor is None:
                break
            request = SearchRequest(text=word, limit=100, cursor=page.next_cursor)
        assert {titles[i] for i in wanted} <= hits, word  # every title holding the word is found
        assert len(wanted) < MAX_RESULTS
