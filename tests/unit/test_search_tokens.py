"""Search tokens (issue #7 point 1; DESIGN §4): Korean as character bigrams plus the last syllable, Latin words
and numbers whole; queries of one, two and three syllables; highlights."""

from dataclasses import replace

from jangter.search.domain.tokens import (
    Term,
    facets_of,
    highlight,
    in_category,
    index_tokens,
    parse_query,
    scorer,
)
from jangter.search.engines import fts5_match, tsquery


def test_a_hangul_word_is_indexed_as_its_bigrams_and_its_last_syllable() -> None:
    assert index_tokens("정보시스템") == ["정보", "보시", "시스", "스템", "→템"]
    assert index_tokens("길") == ["→길"]
    assert index_tokens("도로 포장") == ["도로", "→로", "포장", "→장"]


def test_latin_words_and_numbers_are_whole_and_lower_case_and_mixed_words_are_split() -> None:
    assert index_tokens("LED 조명 2027년") == ["led", "le", "조명", "→명", "2027", "→년"]
    assert index_tokens("ＬＥＤ") == ["led", "le"]  # full-width letters (NFKC)
    assert index_tokens("System") == ["system", "sy", "sys", "syst", "syste"]  # a query word finds its beginning
    assert index_tokens("R26BK00000001") == ["r26bk00000001"]


def test_queries_of_one_two_and_three_syllables() -> None:
    assert parse_query("길").terms == (Term(exact=("→길",), prefix="길"),)
    assert parse_query("용역").terms == (Term(exact=("용역",)),)
    assert parse_query("정보화").terms == (Term(exact=("정보",)), Term(exact=("보화",)))


def test_every_word_is_required_and_latin_words_match_as_prefixes() -> None:
    parsed = parse_query("LED 조명")
    assert parsed.terms == (Term(exact=("led",)), Term(exact=("조명",)))  # "led" is also every led… word's beginning
    assert parse_query("s").terms == (Term(prefix="s"),)  # one letter: the engine's own prefix search
    assert parsed.words == ("led", "조명")
    assert parse_query("2027").terms == (Term(exact=("2027",)),)


def test_a_notice_number_is_recognised_with_or_without_its_order() -> None:
    assert parse_query("R26BK00000001").notice_number == "R26BK00000001"
    assert parse_query("r26bk00000001-002").notice_number == "R26BK00000001"
    assert parse_query("R26BK0000001").notice_number is None


def test_an_empty_or_punctuation_only_query_has_no_terms() -> None:
    assert parse_query("").empty and parse_query("  ·, ").empty


def test_highlights_mark_every_occurrence_of_each_word() -> None:
    assert highlight("도로 포장 및 도로 정비", ("도로",)) == [
        ("도로", True),
        (" 포장 및 ", False),
        ("도로", True),
        (" 정비", False),
    ]
    assert highlight("LED 조명 교체", ("led",)) == [("LED", True), (" 조명 교체", False)]
    assert highlight("제목", ()) == [("제목", False)]


def test_filters_become_tokens_that_text_never_makes_and_join_the_engines_queries() -> None:
    """ADR 0009: contract method, region and agency are tokens the engine intersects with the words; within a
    category the words are looked up as the category's own tokens."""
    assert facets_of(contract_method="general_competitive", region="11", agency_id=42) == (
        "method→generalcompetitive",
        "region→11",
        "agency→42",
    )
    assert facets_of(region="26") == ("region→26",)  # a search asks only for the filters it has
    assert in_category("works", "공사") == "works→공사"
    assert not any("→" in token[1:] for token in index_tokens("works→공사 region 11 분류→공사"))
    parsed = parse_query("길 LED")
    assert fts5_match(parsed, ("region→11",)) == '(("→길" OR "길"*) AND "led") AND "region→11"'
    assert tsquery(parsed, ("region→11",)) == "(('→길' | '길':*) & 'led') & 'region→11'"
    assert fts5_match(parsed, (), any_term=True) == '(("→길" OR "길"*) OR "led")'
    goods = replace(parsed, category="goods")
    assert fts5_match(goods) == '(("goods→→길" OR "goods→길"*) AND "goods→led")'
    assert tsquery(goods) == "(('goods→→길' | 'goods→길':*) & 'goods→led')"
    assert goods.terms == parsed.terms  # ranking and highlights read the words as they are


def test_the_score_puts_the_title_before_the_number_and_agencies_and_those_before_the_text() -> None:
    """ADR 0009: per query term 10 in the title, else 4 in the number or an agency's name, else 0."""
    score = scorer(parse_query("도로 LED 길"))
    title, names = " ".join(index_tokens("둘레길 도로 보수")), " ".join(index_tokens("R26BK00000001 LED조명 사업소"))
    assert score(title, names) == 10 + 4 + 10  # 도로 and 길 (its last syllable) in the title, led in names
    assert score("", "") == 0  # the words are in the notice's text only
    assert score(" ".join(index_tokens("도로공사")), "") == 10 + 0 + 0  # 도로 inside a compound; no 길, no led
    assert scorer(parse_query("l"))(" ".join(index_tokens("Lighting")), "") == 10  # one letter: a prefix
