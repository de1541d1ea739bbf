"""The home page's first screen (hotline, report, notices), its headline figures from the
statistics page, and the large-text switch (适老化) in every page's header."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from home.models import StatisticsPage
from tests.factories import publish_child
from tests.home.test_frame import nav_links

pytestmark = pytest.mark.django_db

TEXT_SIZE_JS = "js/text-size.js"


def hero(html: str) -> str:
    start = html.index('<section class="hero"')
    return html[start : html.index("</section>", start)]


def actions(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="hero__actions">(.*?)</div>', html, re.S).group(1)
    return re.findall(r'<a class="button ([^"]+)" href="([^"]+)">', block)


def test_the_first_screen_offers_hotline_report_and_notices(client, sections, site_settings):
    html = client.get("/").content.decode()
    found = actions(hero(html))
    assert [href for _cls, href in found] == ["tel:07715551234", "/report/", "/notices/"]
    assert all("button--large" in cls for cls, _href in found)
    # The hotline button says what it does and shows the number.
    assert re.search(r"拨打24小时救助热线 <span class=\"phone\">0771-5551234</span></a>", html)
    assert "浏览寻亲公告" in hero(html)
    # The actions come right after the title, before the introduction.
    part = hero(html)
    assert part.index("hero__title") < part.index("hero__actions") < part.index("hero__intro")


def test_the_first_screen_in_english(client, sections, site_settings, english_home):
    from portal.demo import ensure_translation

    for key in ("report", "notices"):
        ensure_translation(sections[key], title=key.title())
    html = client.get("/en/").content.decode()
    found = [href for _cls, href in actions(hero(html))]
    assert found == ["tel:07715551234", "/en/report/", "/en/notices/"]
    assert "Call the 24-hour rescue hotline" in html and "Browse family-search notices" in html


def test_headline_figures_come_from_the_statistics_page(client, home_page, sections):
    figures = [
        ("figure", {"label": f"数据{n}", "value": value, "period": "2025年", "source": "年报"})
        for n, value in enumerate([12436, 3, 2915, 147, 99])
    ]
    publish_child(home_page, StatisticsPage(title="数据公开", slug="statistics", figures=figures))
    html = client.get("/").content.decode()
    section = re.search(
        r'<section class="home-section home-section--figures".*?</section>', html, re.S
    )
    assert section, "the figures section is shown"
    text = section.group(0)
    assert re.findall(r'<span class="figure__value">([^<]+)</span>', text) == [
        "12436",
        "&lt;5",
        "2915",
        "147",
    ]  # the first four; 3 is masked
    assert '<a class="more-link" href="/statistics/">' in text
    assert "年报" not in text  # sources are on the statistics page
    # Listings first, figures after the policy highlights.
    assert html.index("home-section--policies") < html.index("home-section--figures")


def test_no_figures_section_without_a_statistics_page(client, sections):
    assert "home-section--figures" not in client.get("/").content.decode()


def test_the_home_page_query_count_does_not_depend_on_the_figures(client, home_page, sections):
    def count():
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    page = publish_child(home_page, StatisticsPage(title="数据公开", slug="statistics"))
    before = count()
    page.figures = [
        ("figure", {"label": f"数据{n}", "value": 100 + n, "period": "", "source": ""})
        for n in range(10)
    ]
    page.save_revision().publish()
    assert count() == before


# --- Large text -------------------------------------------------------------------------------


def toggle(html: str) -> str:
    match = re.search(r"<button[^>]*data-text-size-toggle[^>]*>[^<]*</button>", html)
    assert match, "the large-text switch is in the header"
    return match.group(0)


def test_the_large_text_switch_is_in_the_header(client, sections):
    html = client.get("/").content.decode()
    header = html[html.index('<header class="site-header"') : html.index("</header>")]
    button = toggle(header)
    assert 'type="button"' in button and 'aria-pressed="false"' in button
    assert ">大字</button>" in button
    # Hidden until the script wires it: without JavaScript there is no dead button.
    assert " hidden" in button
    english = client.get("/en/").content.decode()
    assert ">Large text</button>" in toggle(english)
    # The menu is unchanged by it.
    assert ("/report/", "报告求助线索") in nav_links(html)


def test_the_script_is_external_and_in_the_head(client, sections):
    html = client.get("/").content.decode()
    head = html[: html.index("</head>")]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", head, re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, body in scripts]
    assert any(src.endswith(TEXT_SIZE_JS) for src in sources)
    assert all(body.strip() == "" for _attrs, body in scripts)  # no inline script (CSP)
    # Every visitor gets the same HTML: the choice is applied in the browser only.
    client.cookies["guitu-text-size"] = "large"
    assert client.get("/").content.decode() == html


def test_the_script_reads_and_writes_only_this_browser():
    source = Path(settings.BASE_DIR) / "static" / TEXT_SIZE_JS
    js = source.read_text()
    assert "localStorage" in js and "aria-pressed" in js and "text-large" in js
    assert "http" not in js.replace("https://", "").split("*/", 1)[1]  # nothing fetched


def test_the_script_answers_over_http(settings, sections):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    from django.templatetags.static import static

    client = Client()
    url = static(TEXT_SIZE_JS)
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"data-text-size-toggle" in body
    assert "javascript" in response["Content-Type"]


def test_the_stylesheet_scales_everything_with_the_switch():
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert re.search(r"html\.text-large\s*\{\s*font-size:\s*125%;", css)
    assert re.search(r"\.text-size-toggle:focus-visible\s*\{[^}]*outline", css)
