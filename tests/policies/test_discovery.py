"""Discovery: the RSS feed, the sitemap and the JSON-LD of an explainer (Article always,
FAQPage only with questions and answers)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from bs4 import BeautifulSoup

from policies.feeds import feed_url
from policies.structured_data import plain_text
from portal.demo import ensure_translation

from .factories import make_explainer

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_rss_lists_live_explainers_newest_first(client, policy_index):
    first = make_explainer(policy_index, title="第一篇", summary="第一篇的摘要。")
    second = make_explainer(policy_index, title="第二篇", topic="minors")
    draft = make_explainer(policy_index, title="草稿篇", publish=False)
    gone = make_explainer(policy_index, title="撤下篇")
    gone.unpublish()

    response = client.get(feed_url(policy_index))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    items = root.findall("./channel/item")
    request = response.wsgi_request
    assert [item.findtext("link") for item in items] == [
        second.get_full_url(request),
        first.get_full_url(request),
    ]
    assert items[1].findtext("description") == "第一篇的摘要。"
    assert items[0].findtext("category") == "未成年人保护"
    assert all(item.findtext("pubDate") for item in items)
    body = response.content.decode()
    assert draft.title not in body and gone.title not in body
    assert root.findtext("./channel/link") == policy_index.get_full_url(request)


def test_feed_escapes_what_editors_typed(client, policy_index):
    make_explainer(policy_index, title="<script>alert(1)</script>标题", summary="<b>粗</b> & 摘要")
    root = ET.fromstring(client.get(feed_url(policy_index)).content)  # noqa: S314
    item = root.find("./channel/item")
    # After XML parsing the text is still escaped HTML, so a reader shows it as text.
    assert item.findtext("title") == "&lt;script&gt;alert(1)&lt;/script&gt;标题"
    assert item.findtext("description") == "&lt;b&gt;粗&lt;/b&gt; &amp; 摘要"


def test_english_feed_lists_english_explainers(client, policy_index, english_index):
    page = make_explainer(policy_index, title="中文篇")
    english = ensure_translation(page, title="English explainer")
    response = client.get(feed_url(english_index))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert [item.findtext("title") for item in root.findall("./channel/item")] == [english.title]


def test_sitemap_contains_live_explainers(client, policy_index):
    page = make_explainer(policy_index)
    draft = make_explainer(policy_index, publish=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    request = response.wsgi_request
    assert page.get_full_url(request) in locations
    assert policy_index.get_full_url(request) in locations
    assert draft.get_full_url(request) not in locations


def json_ld(client, page) -> list[dict]:
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    return [json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")]


def test_article_json_ld(client, policy_index, site_settings):
    page = make_explainer(
        policy_index,
        title="如何求助",
        summary="救助免费。",
        updated_on=date(2026, 2, 3),
        change_note="补充步骤",
        source_url="https://www.gov.cn/example",
    )
    data = json_ld(client, page)
    articles = [item for item in data if item["@type"] == "Article"]
    assert len(articles) == 1
    article = articles[0]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "如何求助"
    assert article["description"] == "救助免费。"
    assert article["inLanguage"] == "zh-Hans"
    assert article["datePublished"] == page.published_date.isoformat()
    assert article["dateModified"] == "2026-02-03"
    for role in ("author", "publisher"):
        assert article[role]["@type"] == "Organization"
        assert article[role]["name"] == site_settings.organisation_name
    full_url = page.get_full_url()
    assert full_url.startswith("http") and full_url.endswith(page.url)
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": full_url}
    source = article["isBasedOn"]
    assert source["legislationIdentifier"] == "国务院令第381号"
    assert source["legislationDate"] == "2003-06-20"
    assert source["url"] == "https://www.gov.cn/example"


def test_date_modified_is_publication_without_an_update(client, policy_index):
    page = make_explainer(policy_index)
    article = json_ld(client, page)[0]
    assert article["dateModified"] == article["datePublished"] == page.published_date.isoformat()


def test_faq_page_json_ld_with_plain_text_answers(client, policy_index):
    page = make_explainer(
        policy_index,
        body=[
            ("heading", {"text": "常见问题", "level": "h2"}),
            (
                "faq",
                {
                    "questions": [
                        {
                            "question": "要花钱吗？",
                            "answer": "<p>不要，<b>完全免费</b> &amp; 自愿。</p><ul><li>随时可以离开</li></ul>",
                        },
                        {"question": "能住多久？", "answer": "<p>一般不超过10天。</p>"},
                    ]
                },
            ),
            ("faq", {"questions": [{"question": "第三个问题？", "answer": "<p>第三个回答。</p>"}]}),
        ],
    )
    faqs = [item for item in json_ld(client, page) if item["@type"] == "FAQPage"]
    assert len(faqs) == 1
    questions = faqs[0]["mainEntity"]
    assert [q["name"] for q in questions] == ["要花钱吗？", "能住多久？", "第三个问题？"]
    assert all(q["@type"] == "Question" for q in questions)
    assert all(q["acceptedAnswer"]["@type"] == "Answer" for q in questions)
    first = questions[0]["acceptedAnswer"]["text"]
    assert first == "不要，完全免费 & 自愿。 随时可以离开"
    assert "<" not in first


def test_no_faq_page_without_questions(client, policy_index):
    page = make_explainer(policy_index, body=[("paragraph", "<p>没有问答。</p>")])
    assert [item["@type"] for item in json_ld(client, page)] == ["Article"]


def test_english_json_ld_language(client, policy_index, english_index):
    page = make_explainer(policy_index)
    english = ensure_translation(page, title="How to ask for help", summary="Free help.")
    article = json_ld(client, english)[0]
    assert article["inLanguage"] == "en"
    assert article["headline"] == "How to ask for help"


def test_plain_text_expands_page_links():
    assert plain_text('<p>见<a linktype="page" id="999">这里</a>。</p>') == "见这里。"
