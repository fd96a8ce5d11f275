"""Search tokens (issue #7 point 1; DESIGN §4): Korean as character bigrams plus the last syllable, Latin words
and numbers whole; queries of one, two and three syllables; highlights."""

from jangter.search.domain.tokens import Term, highlight, index_tokens, parse_query


def test_a_hangul_word_is_indexed_as_its_bigrams_and_its_last_syllable() -> None:
    assert index_tokens("정보시스템") == ["정보", "보시", "시스", "스템", "→템"]
    assert index_tokens("길") == ["→길"]
    assert index_tokens("도로 포장") == ["도로", "→로", "포장", "→장"]


def test_latin_words_and_numbers_are_whole_and_lower_case_and_mixed_words_are_split() -> None:
    assert index_tokens("LED 조명 2027년") == ["led", "조명", "→명", "2027", "→년"]
    assert index_tokens("ＬＥＤ") == ["led"]  # full-width letters (NFKC)
    assert index_tokens("R26BK00000001") == ["r26bk00000001"]


def test_queries_of_one_two_and_three_syllables() -> None:
    assert parse_query("길").terms == (Term(exact=("→길",), prefix="길"),)
    assert parse_query("용역").terms == (Term(exact=("용역",)),)
    assert parse_query("정보화").terms == (Term(exact=("정보",)), Term(exact=("보화",)))


def test_every_word_is_required_and_latin_words_match_as_prefixes() -> None:
    parsed = parse_query("LED 조명")
    assert parsed.terms == (Term(prefix="led"), Term(exact=("조명",)))
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
