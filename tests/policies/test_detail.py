"""An explainer's page: source facts, dates, status banners, table of contents, help block,
attachments, related explainers, print hooks, escaping and both languages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.conf import settings

import pytest
from bs4 import BeautifulSoup

from policies.models import PolicyExplainerPage
from portal.demo import ensure_translation

from .factories import make_document, make_explainer, republish

S = PolicyExplainerPage.SourceStatus
pytestmark = pytest.mark.django_db


def soup_of(client, page) -> BeautifulSoup:
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def main_of(client, page):
    return soup_of(client, page).find("main")


def test_source_facts_summary_audiences_and_dates(client, policy_index):
    page = make_explainer(
        policy_index,
        title="如何求助",
        summary="救助免费、自愿。",
        audiences=["public", "police"],
        source_url="https://www.gov.cn/example",
    )
    main = main_of(client, page)
    assert main.find("h1").get_text(strip=True) == "如何求助"
    assert main.select_one(".explainer__summary").get_text(strip=True) == "救助免费、自愿。"
    assert [tag.get_text() for tag in main.select(".explainer__meta .tag")] == [
        "社会公众",
        "公安民警",
    ]
    facts = main.select_one(".source-facts")
    text = facts.get_text(" ", strip=True)
    for value in ("城市生活无着的流浪乞讨人员救助管理办法", "国务院", "国务院令第381号"):
        assert value in text
    assert facts.find("time", datetime="2003-06-20")
    assert facts.find("time", datetime="2003-08-01")
    assert "现行有效" in text
    assert facts.find("a", href="https://www.gov.cn/example")
    published = main.select_one(".explainer__meta time")
    assert published["datetime"] == page.published_date.isoformat()
    assert not main.select(".explainer__updated")
    review = main.select_one(".explainer__review").get_text(" ", strip=True)
    assert "下次审核" in review


def test_update_with_a_change_note_is_shown(client, policy_index):
    page = make_explainer(policy_index, updated_on=date(2026, 3, 4), change_note="补充了需要的材料")
    updated = main_of(client, page).select_one(".explainer__updated")
    assert updated.find("time")["datetime"] == "2026-03-04"
    assert "补充了需要的材料" in updated.get_text()


def test_a_general_guide_without_a_source_has_no_source_box(client, policy_index):
    page = make_explainer(
        policy_index,
        source_title="",
        source_issuer="",
        source_number="",
        source_issued=None,
        source_effective=None,
        source_status="",
    )
    main = main_of(client, page)
    assert not main.select(".source-facts")
    assert not main.select(".explainer-status")


@pytest.mark.parametrize(
    "status, banner, words",
    [
        (S.IN_FORCE, None, None),
        (S.AMENDED, "explainer-status--amended", "已经修改"),
        (S.REPEALED, "explainer-status--repealed", "已经废止"),
    ],
)
def test_status_banner(client, policy_index, status, banner, words):
    page = make_explainer(policy_index, source_status=status)
    main = main_of(client, page)
    banners = main.select(".explainer-status")
    if banner is None:
        assert banners == []
        return
    assert len(banners) == 1
    assert banner in banners[0]["class"]
    assert words in banners[0].get_text()
    # The banner comes before the body, right under the header.
    html = str(main)
    assert html.index("explainer-status") < html.index("explainer__body")


def test_changing_the_status_and_publishing_changes_the_page(client, policy_index):
    current = make_explainer(policy_index, title="现行规定的解读", slug="current-rules")
    page = make_explainer(policy_index, title="旧规定的解读")
    assert not main_of(client, page).select(".explainer-status")

    page = republish(page, source_status=S.AMENDED)
    banner = main_of(client, page).select_one(".explainer-status--amended")
    assert banner is not None and banner.find("a") is None

    page = republish(page, source_status=S.REPEALED, replaced_by=current)
    main = main_of(client, page)
    assert not main.select(".explainer-status--amended")
    banner = main.select_one(".explainer-status--repealed")
    link = banner.find("a")
    assert link["href"] == current.url and link.get_text() == "现行规定的解读"
    assert "文件已废止" in client.get(policy_index.url).content.decode()

    # A draft status change is not public until published.
    draft = PolicyExplainerPage.objects.get(pk=page.pk)
    draft.source_status = S.IN_FORCE
    draft.save_revision()
    assert main_of(client, page).select_one(".explainer-status--repealed") is not None


def test_replacement_that_is_not_live_is_not_linked(client, policy_index):
    current = make_explainer(policy_index, title="还没上线的解读", publish=False)
    page = make_explainer(policy_index, source_status=S.REPEALED, replaced_by=current)
    banner = main_of(client, page).select_one(".explainer-status--repealed")
    assert banner.find("a") is None


def test_table_of_contents_uses_the_headings_own_anchors(client, policy_index):
    page = make_explainer(
        policy_index,
        body=[
            ("heading", {"text": "谁可以求助", "level": "h2"}),
            ("paragraph", "<p>正文</p>"),
            ("heading", {"text": "Step by step", "level": "h3"}),
            ("heading", {"text": "常见问题", "level": "h2"}),
            ("heading", {"text": "Step by step", "level": "h2"}),
        ],
    )
    main = main_of(client, page)
    headings = main.select(".explainer__body .stream-heading")
    ids = [heading["id"] for heading in headings]
    assert len(set(ids)) == 4  # duplicate text still gets its own anchor
    toc_links = [link["href"] for link in main.select(".toc a")]
    assert toc_links == [f"#{anchor}" for anchor in ids]
    # The sub-heading is nested under its section.
    first = main.select(".toc__list > .toc__item")[0]
    assert [a.get_text() for a in first.select(".toc__list--sub a")] == ["Step by step"]
    assert ids[1] == "step-by-step" and ids[3] == "step-by-step-2"
    assert ids[0].startswith("section-")


def test_no_table_of_contents_without_headings(client, policy_index):
    page = make_explainer(policy_index, body=[("paragraph", "<p>只有一段。</p>")])
    assert not main_of(client, page).select(".toc")


def test_help_block_from_site_settings(client, policy_index, help_sections, site_settings):
    page = make_explainer(policy_index)
    block = main_of(client, page).select_one("[data-help-block]")
    assert block is not None
    hrefs = {link["href"] for link in block.find_all("a")}
    assert "tel:07715551234" in hrefs
    assert "tel:12345" in hrefs
    assert help_sections["stations"].url in hrefs
    assert help_sections["report"].url in hrefs
    site_settings.hotline = "0771-5559999"
    site_settings.save()
    block = main_of(client, page).select_one("[data-help-block]")
    assert "tel:07715559999" in {link["href"] for link in block.find_all("a")}


def test_help_block_in_the_same_place_on_every_explainer(client, policy_index):
    pages = [
        make_explainer(policy_index),
        make_explainer(
            policy_index,
            body=[("paragraph", "<p>很短。</p>")],
            source_title="",
            source_issuer="",
            source_number="",
            source_issued=None,
            source_effective=None,
            source_status="",
        ),
        make_explainer(policy_index, source_status=S.REPEALED, attachments=[make_document()]),
    ]
    for page in pages:
        main = main_of(client, page)
        blocks = main.select("[data-help-block]")
        assert len(blocks) == 1
        # Always right after the body, before attachments and related explainers.
        body = main.select_one(".explainer__body")
        assert body.find_next_sibling(["aside", "section", "nav", "footer"]) == blocks[0]


def test_attachments_show_format_and_size(client, policy_index):
    pdf = make_document("救助管理办法原文", "rules.pdf", b"%PDF-1.4\n" + b"x" * 3000)
    text = make_document("寻亲资料清单", "list.txt", "姓名\n照片\n".encode())
    page = make_explainer(policy_index, attachments=[pdf, text])
    items = main_of(client, page).select(".attachment-list__item")
    assert len(items) == 2
    first = items[0].get_text(" ", strip=True)
    assert "救助管理办法原文" in first and "PDF" in first and "KB" in first
    assert items[0].find("a")["href"] == pdf.url
    second = items[1].get_text(" ", strip=True)
    assert "TXT" in second
    assert re.search(r"\d+\s(字节|bytes)", second), second


def test_document_link_block_shows_format_and_size(client, policy_index):
    document = make_document("申请表", "form.docx", b"x" * 2048)
    page = make_explainer(
        policy_index,
        body=[("document", {"document": document, "title": "", "description": "填好后带到救助站"})],
    )
    link = main_of(client, page).select_one(".explainer__body .document-link")
    text = link.get_text(" ", strip=True)
    assert "申请表" in text and "DOCX" in text and "2.0\xa0KB" in text
    assert "填好后带到救助站" in text


def test_related_explainers_live_only_in_order(client, policy_index):
    second = make_explainer(policy_index, title="相关二")
    first = make_explainer(policy_index, title="相关一")
    hidden = make_explainer(policy_index, title="草稿相关", publish=False)
    page = make_explainer(policy_index, related=[first, hidden, second])
    related = main_of(client, page).select(".explainer__related a")
    assert [link.get_text() for link in related] == ["相关一", "相关二"]
    assert related[0]["href"] == first.url


def test_print_button_and_print_styles(client, policy_index):
    page = make_explainer(policy_index)
    soup = soup_of(client, page)
    button = soup.select_one("[data-print-page]")
    assert button.name == "button" and button["type"] == "button"
    assert "打印本页" in button.get_text()
    scripts = [tag.get("src", "") for tag in soup.find_all("script") if tag.get("src")]
    assert any(src.endswith("js/policies.js") for src in scripts)
    # No inline script code (JSON-LD is data) and no inline handlers or styles.
    html = str(soup)
    for tag in soup.find_all("script"):
        assert tag.get("src") or tag.get("type") == "application/ld+json"
    assert not re.search(r"\son[a-z]+=", html)
    assert "style=" not in html

    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    section = css[css.index("/* === policies:") : css.index("/* === end policies")]
    printing = section[section.index("@media print") :]
    for hook in (
        ".explainer-page .site-footer",
        ".explainer__actions",
        "attr(href)",
        ".help-block",
    ):
        assert hook in printing
    js = (Path(settings.BASE_DIR) / "static/js/policies.js").read_text()
    assert "window.print()" in js and "data-print-page" in js


EVIL = '<script>alert("x")</script>&'


def test_editor_plain_text_is_escaped(client, policy_index):
    page = make_explainer(
        policy_index,
        title=f"标题{EVIL}",
        summary=f"摘要{EVIL}",
        source_title=f"文件{EVIL}",
        source_issuer=f"机关{EVIL}",
        source_number=f"文号{EVIL}",
        updated_on=date(2026, 1, 2),
        change_note=f"说明{EVIL}",
        body=[
            ("heading", {"text": f"小标题{EVIL}", "level": "h2"}),
            (
                "steps",
                {
                    "steps": [
                        {
                            "title": f"步骤{EVIL}",
                            "description": "",
                            "who": f"谁{EVIL}",
                            "where": f"哪里{EVIL}",
                            "documents": f"材料{EVIL}\n第二行",
                            "time_limit": f"时限{EVIL}",
                        }
                    ]
                },
            ),
            ("faq", {"questions": [{"question": f"问题{EVIL}", "answer": "<p>回答</p>"}]}),
            (
                "comparison",
                {
                    "caption": f"表{EVIL}",
                    "aspect_heading": f"事项{EVIL}",
                    "first_heading": "旧",
                    "second_heading": "新",
                    "rows": [{"aspect": f"行{EVIL}", "first": f"旧{EVIL}", "second": "新"}],
                },
            ),
            ("callout", {"tone": "info", "title": f"提示{EVIL}", "text": "<p>正文</p>"}),
        ],
    )
    html = client.get(page.url).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    assert html.count("&lt;script&gt;") >= 14


def test_json_ld_cannot_break_out_of_its_script(client, policy_index):
    page = make_explainer(policy_index, title="</script><script>alert(1)</script>")
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\\u003C/script\\u003E" in html


def test_both_languages_render(client, policy_index, english_index):
    page = make_explainer(policy_index, title="如何求助", audiences=["public"])
    english = ensure_translation(page, title="How to ask for help", summary="Help is free.")
    chinese = client.get(page.url).content.decode()
    assert '<html lang="zh-Hans">' in chinese and "适用对象" in chinese and "社会公众" in chinese
    response = client.get(english.url)
    assert english.url.startswith("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in (
        "How to ask for help",
        "Written for",
        "The public",
        "On this page",
        "Need help or advice?",
    ):
        assert text in html
    soup = BeautifulSoup(html, "html.parser")
    block = soup.select_one("[data-help-block]")
    assert {"/en/stations/", "/en/report/"} <= {link["href"] for link in block.find_all("a")}


def test_related_explainer_in_the_readers_language(client, policy_index, english_index):
    other = make_explainer(policy_index, title="寻亲与落户")
    page = make_explainer(policy_index, related=[other])
    english_other = ensure_translation(other, title="Family search")
    english = ensure_translation(page, title="How to ask")
    links = BeautifulSoup(client.get(english.url).content, "html.parser").select(
        ".explainer__related a"
    )
    assert [(a["href"], a.get_text()) for a in links] == [(english_other.url, "Family search")]


def test_chinese_source_facts_on_english_pages_are_marked(client, policy_index, english_index):
    page = make_explainer(policy_index)
    english = ensure_translation(
        page,
        title="How to ask",
        source_title="Relief Measures (救助管理办法) <b>",
        source_issuer="State Council (国务院)",
    )
    facts = BeautifulSoup(client.get(english.url).content, "html.parser").select_one(
        ".source-facts"
    )
    marked = [span.get_text() for span in facts.select('span[lang="zh-Hans"]')]
    assert marked == ["救助管理办法", "国务院", "国务院令第", "号"]
    assert "Relief Measures (救助管理办法) <b>" in facts.get_text()
    assert not facts.find("b")
    chinese = BeautifulSoup(client.get(page.url).content, "html.parser").select_one(".source-facts")
    assert not chinese.select("span[lang]")
