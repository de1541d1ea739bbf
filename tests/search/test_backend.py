"""The Chinese-aware database backend, through Wagtail's own search API."""

from __future__ import annotations

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

import pytest

from home.models import StandardPage
from tests.search.conftest import MEASURED_QUERIES

pytestmark = pytest.mark.django_db


def slugs(results) -> list[str]:
    return [page.slug for page in results]


def search(query, queryset=None, **kwargs):
    queryset = queryset if queryset is not None else Page.objects.live()
    return get_search_backend().search(query, queryset, **kwargs)


def test_the_backend_is_the_segmented_one():
    assert type(get_search_backend()).__module__ == "portal.search.backend"


@pytest.mark.parametrize(("query", "expected"), sorted(MEASURED_QUERIES.items()))
def test_the_issue_measurement_finds_every_page(measured_pages, query, expected):
    assert set(slugs(search(query, StandardPage.objects.live()))) == expected


def test_the_full_title_still_matches(measured_pages):
    assert slugs(search("南宁市救助管理站开放日活动"))[0] == "open-day"


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_title_matches_rank_first(make_page):
    make_page("工作动态", "body-only", introduction="榕树下的救助站" * 5 + "榕树")
    make_page("大榕树", "in-title", introduction="一段介绍")
    assert slugs(search("榕树", StandardPage.objects.live())) == ["in-title", "body-only"]


def test_every_part_of_a_name_matches(make_page):
    make_page("覃小兰", "name")
    for query in ["覃小兰", "覃小", "小兰", "覃", "兰"]:
        assert slugs(search(query, StandardPage.objects.live())) == ["name"], query


def test_the_colloquial_short_name_finds_the_full_one(make_page):
    make_page("南宁市救助管理站", "station")
    make_page("南宁救助站工作动态", "short")
    assert slugs(search("南宁救助站", StandardPage.objects.live())) == ["short", "station"]


def test_english_words_and_mixed_text(make_page):
    make_page("Nanning Rescue Station open day", "english")
    make_page("6·19 大爱寻亲活动", "campaign")
    assert slugs(search("rescue", StandardPage.objects.live())) == ["english"]
    assert slugs(search("NANNING open", StandardPage.objects.live())) == ["english"]
    assert slugs(search("6·19", StandardPage.objects.live())) == ["campaign"]
    assert slugs(search("大爱 寻亲", StandardPage.objects.live())) == ["campaign"]


def test_every_phrase_must_match(make_page):
    make_page("南宁市救助管理站", "nanning")
    assert slugs(search("南宁 桂林", StandardPage.objects.live())) == []
    assert slugs(search("南宁 桂林", StandardPage.objects.live(), operator="or")) == ["nanning"]


def test_nothing_to_search_finds_nothing(make_page):
    make_page("南宁", "nanning")
    for query in ["", "   ", "！？", "\x00"]:
        assert list(search(query, StandardPage.objects.live())) == [], repr(query)


def test_counts_facets_and_scores(make_page):
    for number in range(3):
        make_page(f"南宁 {number}", f"n{number}")
    results = search("南宁", StandardPage.objects.live())
    assert results.count() == 3
    assert len(results[1:3]) == 2
    scored = list(results.annotate_score("_score"))
    assert all(page._score is not None for page in scored)
    content_type = StandardPage.objects.first().content_type_id
    assert results.facet("content_type_id") == {content_type: 3}


def test_not_ordered_by_relevance(make_page):
    for slug in ["b", "a", "c"]:
        make_page(f"南宁 {slug}", slug)
    queryset = StandardPage.objects.live().order_by("title")
    assert slugs(search("南宁", queryset, order_by_relevance=False)) == ["a", "b", "c"]


def test_the_index_follows_publishing(make_page):
    page = make_page("南宁开放日", "page")
    live = StandardPage.objects.live()
    assert slugs(search("开放日", live)) == ["page"]

    page.title = "桂林寻亲活动"
    publish(page)
    assert slugs(search("桂林", live)) == ["page"]
    assert slugs(search("开放日", live)) == []

    page.unpublish()
    assert slugs(search("桂林", StandardPage.objects.live())) == []

    page.delete()
    assert slugs(search("桂林", StandardPage.objects.all())) == []


def test_a_draft_is_not_indexed_until_published(make_page):
    page = make_page("南宁开放日", "page")
    page.title = "柳州草稿"
    page.save_revision()
    assert slugs(search("柳州", StandardPage.objects.all())) == []
    assert slugs(search("南宁", StandardPage.objects.all())) == ["page"]


def test_a_closed_notice_leaves_the_index(notice_index):
    from notices.models import FamilySearchNoticePage
    from tests.notices.factories import make_notice

    notice = make_notice(notice_index, title="桂林发现的老人", features="左手有六个手指")
    everything = FamilySearchNoticePage.objects.all()
    assert slugs(search("六个手指", everything)) == [notice.slug]
    assert slugs(search(notice.notice_number, everything)) == [notice.slug]

    notice.status = FamilySearchNoticePage.Status.REUNITED
    publish(notice)
    assert slugs(search("六个手指", everything)) == []
    assert slugs(search(notice.notice_number, everything)) == []
    assert slugs(search("桂林", Page.objects.all())) == []

    notice.status = FamilySearchNoticePage.Status.SEEKING
    publish(notice)
    assert slugs(search("六个手指", everything)) == [notice.slug]


def test_private_notice_fields_are_not_indexed(notice_index):
    from notices.models import PRIVATE_FIELDS
    from tests.notices.factories import PRIVATE_VALUES, make_notice

    make_notice(notice_index)
    for field in PRIVATE_FIELDS:
        assert list(search(PRIVATE_VALUES[field], Page.objects.all())) == [], field


def test_update_index_drops_closed_notices(notice_index):
    from django.core.management import call_command

    from notices.models import FamilySearchNoticePage
    from tests.notices.factories import make_notice

    notice = make_notice(notice_index, features="左手有六个手指")
    # A closed status written without signals (e.g. a bulk update) leaves a stale entry...
    FamilySearchNoticePage.objects.filter(pk=notice.pk).update(
        status=FamilySearchNoticePage.Status.WITHDRAWN
    )
    assert slugs(search("六个手指", FamilySearchNoticePage.objects.all())) == [notice.slug]
    # ...which rebuilding the index removes.
    call_command("update_index", verbosity=0)
    assert slugs(search("六个手指", FamilySearchNoticePage.objects.all())) == []


def test_stations_are_indexed_while_active(demo_stations):
    from stations.models import Station

    station = Station.objects.get(code="450300")
    everything = Station.objects.all()
    assert [s.code for s in search("桂林", everything)] == ["450300"]
    assert [s.code for s in search("Guilin", everything)] == ["450300"]

    station.name = "桂林市救助管理站（七星）"
    station.save()
    assert [s.code for s in search("七星", everything)] == ["450300"]

    station.is_active = False
    station.save()
    assert list(search("桂林", everything)) == []

    station.is_active = True
    station.save()
    assert [s.code for s in search("桂林", everything)] == ["450300"]


def test_the_admin_page_search_reads_chinese(client, measured_pages, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.invalid", "pw-123456789")
    client.force_login(admin)
    response = client.get("/admin/pages/search/", {"q": "开放日"})
    assert response.status_code == 200
    assert "南宁市救助管理站开放日活动" in response.content.decode()


def test_autocomplete_and_title_only_searches(make_page):
    make_page("南宁市救助管理站", "station", introduction="桂林")
    make_page("Rescue hotline", "hotline")
    backend = get_search_backend()
    live = StandardPage.objects.live()
    assert slugs(backend.autocomplete("南宁", live)) == ["station"]
    assert slugs(backend.autocomplete("resc", live)) == ["hotline"]
    assert slugs(search("桂林", live, fields=["title"])) == []
    assert slugs(search("桂林", live)) == ["station"]


def test_the_admin_image_search_reads_chinese(db):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="南宁市开放日合影", file=get_test_image_file())
    image.tags.add("救助站")
    image.save()  # as the admin form does after saving the tags
    assert [i.pk for i in get_search_backend().search("开放日", Image)] == [image.pk]
    assert [i.pk for i in get_search_backend().search("救助站", Image)] == [image.pk]
