"""Every block of the explainer body renders, and heading anchors come from one function."""

from __future__ import annotations

import uuid

from django.template.loader import render_to_string

import pytest
from bs4 import BeautifulSoup

from portal.blocks import BaseStreamBlock, HeadingBlock, heading_anchor, heading_anchors

from .factories import make_document, make_explainer, make_image

pytestmark = pytest.mark.django_db


def full_body(image, document):
    return [
        ("heading", {"text": "怎样求助", "level": "h2"}),
        ("heading", {"text": "Who can ask", "level": "h3"}),
        ("paragraph", "<p>救助<b>免费</b>。</p>"),
        (
            "steps",
            {
                "steps": [
                    {
                        "title": "联系救助站",
                        "description": "<p>拨打热线。</p>",
                        "who": "本人或家属",
                        "where": "就近的救助站",
                        "documents": "身份证\n户口簿",
                        "time_limit": "24小时内",
                    },
                    {
                        "title": "登记",
                        "description": "",
                        "who": "",
                        "where": "",
                        "documents": "",
                        "time_limit": "",
                    },
                ]
            },
        ),
        (
            "faq",
            {
                "questions": [
                    {"question": "要花钱吗？", "answer": "<p>不要。</p>"},
                    {"question": "没有身份证呢？", "answer": "<p>也可以求助。</p>"},
                ]
            },
        ),
        (
            "comparison",
            {
                "caption": "新旧对比",
                "aspect_heading": "事项",
                "first_heading": "过去",
                "second_heading": "现在",
                "rows": [{"aspect": "是否自愿", "first": "强制", "second": "自愿"}],
            },
        ),
        ("callout", {"tone": "warning", "title": "注意", "text": "<p>紧急时拨打110。</p>"}),
        (
            "image",
            {
                "image": image,
                "alt_text": "流程图",
                "caption": "求助流程",
                "long_description": "第一步联系救助站；第二步登记。",
            },
        ),
        ("document", {"document": document, "title": "办事指南", "description": ""}),
    ]


def test_every_block_renders(client, policy_index):
    image, document = make_image(), make_document("指南", "guide.pdf")
    page = make_explainer(policy_index, body=full_body(image, document))
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    body = soup.select_one(".explainer__body")

    assert body.find("h2", string="怎样求助")
    assert body.find("h3", id="who-can-ask", string="Who can ask")
    assert body.select_one(".rich-text b").get_text() == "免费"

    steps = body.select("ol.steps > li.step")
    assert [step.select_one(".step__title").get_text() for step in steps] == ["联系救助站", "登记"]
    facts = {fact.dt.get_text(): fact.dd for fact in steps[0].select(".step__fact")}
    assert set(facts) == {"由谁办理", "在哪里办", "需要的材料", "时限"}
    assert [li.get_text() for li in facts["需要的材料"].find_all("li")] == ["身份证", "户口簿"]
    assert facts["时限"].get_text() == "24小时内"
    assert not steps[1].select(".step__facts")  # nothing empty is shown

    questions = body.select(".faq .faq__question")
    assert [q.get_text() for q in questions] == ["要花钱吗？", "没有身份证呢？"]
    assert body.select_one(".faq__answer").get_text(strip=True) == "不要。"
    assert not body.select(".faq details")  # answers are visible: they print

    table = body.select_one("table.comparison-table")
    assert table.caption.get_text() == "新旧对比"
    assert [th.get_text() for th in table.select("thead th")] == ["事项", "过去", "现在"]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    row_header = table.select_one("tbody th")
    assert row_header["scope"] == "row" and row_header.get_text() == "是否自愿"

    callout = body.select_one("aside.callout--warning")
    assert "紧急时拨打110。" in callout.get_text()

    figure = body.select_one("figure.stream-image--described")
    img = figure.find("img")
    assert img["alt"] == "流程图"
    description = figure.select_one(".stream-image__description")
    assert img["aria-describedby"] == description["id"]
    assert "第一步联系救助站" in description.get_text()
    assert figure.figcaption.get_text() == "求助流程"

    link = body.select_one(".document-link")
    assert link.find("a")["href"] == document.url
    assert "办事指南" in link.get_text() and "PDF" in link.get_text()


def test_the_image_block_requires_a_long_description():
    from policies.blocks import ExplainerStreamBlock

    block = ExplainerStreamBlock().child_blocks["image"]
    assert block.child_blocks["long_description"].required
    assert block.child_blocks["alt_text"].required


def test_heading_anchor_keeps_the_existing_rule():
    assert heading_anchor("How to help") == "how-to-help"
    assert heading_anchor("第一步 Step 1") == "step-1"
    assert heading_anchor("我们的工作", "0e60b01c-1234") == "section-0e60b01c"
    assert heading_anchor("我们的工作") == ""


def test_heading_anchors_are_unique_and_keep_the_first():
    stream = BaseStreamBlock().to_python(
        [
            {"type": "heading", "value": {"text": "FAQ", "level": "h2"}, "id": str(uuid.uuid4())},
            {"type": "paragraph", "value": "<p>x</p>", "id": str(uuid.uuid4())},
            {"type": "heading", "value": {"text": "FAQ", "level": "h3"}, "id": str(uuid.uuid4())},
            {
                "type": "heading",
                "value": {"text": "常见问题", "level": "h2"},
                "id": "abcdef12-0000",
            },
        ]
    )
    anchors = heading_anchors(stream)
    assert list(anchors.values()) == ["faq", "faq-2", "section-abcdef12"]


def test_heading_template_uses_the_block_function_everywhere():
    """A heading rendered outside any explainer (a standard page) computes its own anchor."""
    block = HeadingBlock()
    html = block.render(block.to_python({"text": "How to help", "level": "h3"}))
    assert html.strip() == '<h3 class="stream-heading" id="how-to-help">How to help</h3>'
    html = block.render(
        block.to_python({"text": "我们的工作", "level": "h2"}), context={"id": "12345678-abcd"}
    )
    assert 'id="section-12345678"' in html
    # The template itself no longer slugifies: it only prints the anchor it is given.
    source = render_to_string(
        "blocks/heading_block.html", {"value": {"text": "X Y", "level": "h2"}, "anchor": "given"}
    )
    assert 'id="given"' in source
