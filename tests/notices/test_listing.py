"""The notice list at /notices/: filters that combine, pagination, only active notices, and a
query count that does not grow with the number of notices."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from notices.models import FamilySearchNoticePage
from stations.models import Area

from .factories import make_notice

URL = "/notices/"
Sex = FamilySearchNoticePage.Sex
Dialect = FamilySearchNoticePage.Dialect


def listed(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def varied(notice_index):
    liuzhou_county = Area.objects.get(code="450203")
    return {
        "boy": make_notice(
            notice_index,
            title="男孩甲",
            sex=Sex.MALE,
            age_min=8,
            age_max=10,
            found_date=date(2025, 1, 10),
            intake_date=date(2025, 1, 10),
            dialect=Dialect.ZHUANG,
            features="右耳有痣",
        ),
        "woman": make_notice(
            notice_index,
            title="妇女乙",
            sex=Sex.FEMALE,
            age_min=30,
            age_max=40,
            found_date=date(2025, 2, 10),
            intake_date=date(2025, 2, 11),
            dialect=Dialect.CANTONESE,
            found_area=liuzhou_county,
            clothing="红色毛衣",
        ),
        "old_man": make_notice(
            notice_index,
            title="老人丙",
            sex=Sex.MALE,
            age_min=65,
            age_max=75,
            found_date=date(2025, 3, 10),
            intake_date=date(2025, 3, 10),
            dialect=Dialect.CANTONESE,
            memories="村口有棵大榕树",
        ),
        "teen": make_notice(
            notice_index,
            title="少女丁",
            sex=Sex.FEMALE,
            age_min=15,
            age_max=19,
            found_date=date(2025, 4, 1),
            intake_date=date(2025, 4, 1),
            is_minor=True,
            name="小芳",
        ),
    }


def titles(html, varied) -> set[str]:
    return {key for key, page in varied.items() if page.title in html}


def test_lists_active_live_notices_only(client, notice_index, varied):
    closed = make_notice(notice_index, title="已团聚戊", status="reunited")
    withdrawn = make_notice(notice_index, title="已撤回己", status="withdrawn")
    draft = make_notice(notice_index, title="草稿庚", publish=False)
    html = listed(client)
    assert titles(html, varied) == set(varied)
    for page in (closed, withdrawn, draft):
        assert page.title not in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"sex": "female"}, {"woman", "teen"}),
        ({"age": "child"}, {"boy"}),
        ({"age": "teen"}, {"teen"}),
        ({"age": "adult"}, {"woman", "teen"}),
        ({"age": "elderly"}, {"old_man"}),
        ({"area": "450100"}, {"boy", "old_man", "teen"}),
        ({"area": "450200"}, {"woman"}),
        ({"area": "450203"}, {"woman"}),
        ({"area": "450103"}, set()),
        ({"found_from": "2025-02-01"}, {"woman", "old_man", "teen"}),
        ({"found_to": "2025-02-10"}, {"boy", "woman"}),
        ({"found_from": "2025-02-01", "found_to": "2025-03-31"}, {"woman", "old_man"}),
        ({"dialect": "cantonese"}, {"woman", "old_man"}),
        ({"q": "榕树"}, {"old_man"}),
        ({"q": "红色"}, {"woman"}),
        ({"q": "小芳"}, {"teen"}),
        ({"q": "右耳"}, {"boy"}),
        ({"q": "火车站"}, {"boy", "woman", "old_man", "teen"}),
        ({"sex": "male", "dialect": "cantonese"}, {"old_man"}),
        ({"sex": "female", "age": "adult", "area": "450100"}, {"teen"}),
        ({"dialect": "cantonese", "found_to": "2025-02-28"}, {"woman"}),
    ],
)
def test_filters_combine(client, varied, params, expected):
    assert titles(listed(client, **params), varied) == expected


def test_a_notice_with_an_open_age_range_matches(client, notice_index):
    page = make_notice(notice_index, title="年龄不详", age_min=None, age_max=None)
    assert page.title in listed(client, age="child")


def test_filter_fields_are_labelled_and_keep_values(client, varied):
    html = listed(client, q="榕树", sex="male")
    for name in ("q", "sex", "age", "area", "found_from", "found_to", "dialect"):
        assert f'for="id_{name}"' in html
    assert 'value="榕树"' in html
    assert '<option value="male" selected>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"found_from": "not-a-date"},
        {"found_to": "2025-13-45"},
        {"found_from": "2025-05-01", "found_to": "2025-01-01"},
        {"sex": "robot"},
        {"age": "ancient"},
        {"area": "999999"},
        {"dialect": "klingon"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"page": "1e9"},
        {"q": "x" * 5000},
        {"q": "%_\\'\""},
        {"q": "\x00"},
    ],
)
def test_bad_parameters_never_fail(client, varied, params):
    response = client.get(URL, params)
    assert response.status_code == 200


def test_invalid_date_shows_a_message_and_other_filters_still_apply(client, varied):
    html = listed(client, found_from="yesterday", sex="female")
    assert "error-summary" in html
    assert titles(html, varied) == {"woman", "teen"}


def test_text_is_capped(client, varied):
    html = listed(client, q="榕树" + "x" * 200)
    assert titles(html, varied) == set()  # the capped text still holds the extra characters


def test_pagination(client, notice_index):
    for number in range(23):
        make_notice(notice_index, title=f"分页{number:02d}", found_date=date(2025, 1, number + 1))
    first = listed(client)
    assert first.count('class="notice-card"') == 20
    assert "page=2" in first
    second = listed(client, page=2)
    assert second.count('class="notice-card"') == 3
    assert listed(client, page=999).count('class="notice-card"') == 3
    assert listed(client, page="x").count('class="notice-card"') == 20


def test_pagination_keeps_filters(client, notice_index):
    for number in range(21):
        make_notice(notice_index, title=f"女{number}", sex=Sex.FEMALE)
    html = listed(client, sex="female")
    assert "sex=female&amp;page=2" in html


def test_empty_state(client, notice_index):
    assert "There are no family-search notices" in listed(client) or "目前没有" in listed(client)


def test_card_shows_facts_and_thumbnail(client, varied):
    html = listed(client)
    teen = varied["teen"]
    assert teen.notice_number in html
    assert "小芳" in html
    assert teen.url in html
    assert 'alt="正面照 1"' in html
    thumbnail = teen.face_photo().image.get_rendition("fill-240x300")
    assert f'src="{thumbnail.url}"' in html  # the card's thumbnail, under its random name
    assert "兴宁区" in html


def _count(client, params=None) -> int:
    client.get(URL, params or {})  # warm-up: renditions exist afterwards
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow(client, notice_index):
    for _ in range(5):
        make_notice(notice_index)
    few = _count(client)
    for _ in range(45):
        make_notice(notice_index, photos=2)
    many = _count(client)
    assert few == many
    assert _count(client, {"page": 2}) == many
