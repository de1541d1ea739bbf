"""Folding, index tokens and query phrases (portal.search.text)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.search.text import (
    _CJK_CHAR,
    MAX_QUERY_LENGTH,
    MAX_QUERY_PHRASES,
    Phrase,
    clean_query,
    fold,
    index_text,
    index_tokens,
    query_phrases,
)


def test_cjk_runs_become_bigrams_and_their_last_character():
    assert index_text("南宁市") == "南宁 宁市 市"
    assert index_text("男") == "男"


def test_words_digits_and_punctuation():
    assert index_tokens("寻亲公告：男，约60岁，Rescue-Station") == [
        "寻亲", "亲公", "公告", "告", "男", "约", "60", "岁", "rescu", "station",
    ]  # fmt: skip
    assert index_tokens("450100-2026-0001") == ["450100", "2026", "0001"]


def test_english_words_are_stemmed_alike_when_indexed_and_searched():
    assert index_tokens("Rescue stations") == index_tokens("rescued station")
    assert [p.tokens for p in query_phrases("Stations")] == [("station",)]
    assert index_tokens("a1b2 T恤 450100") == ["a1b2", "t", "恤", "450100"]


def test_folding_width_case_accents_and_traditional_characters():
    assert fold("ＮＡＮＮＩＮＧ １２３") == "nanning 123"
    assert fold("Zhuàng") == "zhuang"
    assert fold("南寧市尋親") == "南宁市寻亲"
    assert len(fold("頭髮乾隆")) == 4


def test_control_characters_are_not_tokens():
    assert index_tokens("南\x00宁\u200b市") == ["南", "宁", "市"]
    assert clean_query("  南宁\x07  救助\n ") == ("南宁 救助", False)


def test_a_query_of_two_or_more_characters_is_a_phrase_of_bigrams():
    assert query_phrases("南宁") == [Phrase(("南宁",), text="南宁")]
    (phrase,) = query_phrases("南宁市")
    assert phrase.tokens == ("南宁", "宁市") and not phrase.prefix


def test_a_single_character_is_a_prefix():
    assert query_phrases("男") == [Phrase(("男",), prefix=True, text="男")]


def test_unspaced_words_are_cut_with_the_dictionary():
    assert [p.text for p in query_phrases("南宁流浪乞讨")] == ["南宁", "流浪", "乞讨"]
    assert [p.text for p in query_phrases("桂林男")] == ["桂林", "男"]


def test_a_long_word_may_also_match_as_its_shorter_words():
    (phrase,) = query_phrases("救助站")
    assert phrase.tokens == ("救助", "助站")
    assert [part.text for part in phrase.alternative] == ["救助", "站"]
    assert phrase.alternative[1].prefix


def test_a_quoted_phrase_is_kept_whole():
    assert [p.text for p in query_phrases("南宁流浪乞讨", split=False)] == ["南宁流浪乞讨"]


def test_numbers_joined_by_punctuation_stay_one_phrase():
    assert query_phrases("450100-2026-0001") == [
        Phrase(("450100", "2026", "0001"), text="450100-2026-0001")
    ]
    assert query_phrases("６·１９") == [Phrase(("6", "19"), text="6·19")]
    assert [p.text for p in query_phrases("6·19开放日")] == ["6·19", "开放日"]


def test_queries_are_cut_to_a_maximum_length():
    text, truncated = clean_query("救" * 500)
    assert truncated and len(text) == MAX_QUERY_LENGTH
    assert len(query_phrases("南宁 " * 50 + "桂林 柳州 " * 50)) <= MAX_QUERY_PHRASES


def test_punctuation_only_gives_nothing_to_search():
    assert query_phrases("！？。、——") == []
    assert index_tokens("……") == []


def test_long_unspaced_queries_stay_fast():
    """The slowdown class of CVE-2024-39317 (long input without spaces) must not apply:
    the work is linear and the query is capped first."""
    for text in ["a" * 100_000, "救" * 100_000, "a:" * 50_000, "'" * 100_000]:
        started = time.perf_counter()
        query_phrases(clean_query(text)[0])
        index_tokens(text)
        assert time.perf_counter() - started < 2


def _is_token_char(ch: str) -> bool:
    return ch.isalnum() or bool(_CJK_CHAR.match(ch))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_tokens_hold_only_letters_digits_and_cjk(text):
    for token in index_tokens(text):
        assert token and all(_is_token_char(ch) for ch in token)
    for phrase in query_phrases(clean_query(text)[0]):
        for token in phrase.tokens:
            assert token and all(_is_token_char(ch) for ch in token)
