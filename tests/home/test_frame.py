"""The site frame on every page: language, emergency numbers, navigation, language switcher,
footer, error pages, escaping and a fixed number of queries."""

import re

from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext

import pytest

from home.models import StandardPage
from portal.demo import ensure_translation
from portal.models import SiteSettings
from tests.factories import publish_child


def nav_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="primary-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a class="primary-nav__link[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def language_links(html: str) -> dict[str, str]:
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {lang: tag for tag, lang in re.findall(r'(<a [^>]*\blang="([^"]+)"[^>]*>)', switcher)}


@pytest.mark.django_db
class TestHomePage:
    def test_chinese_by_default(self, client, sections):
        html = client.get("/").content.decode()
        assert '<html lang="zh-Hans">' in html
        assert '<a class="skip-link" href="#main">跳到正文</a>' in html
        assert '<main id="main"' in html
        assert "归途" in html

    def test_emergency_numbers_and_hotline_are_tap_to_call(self, client, sections, site_settings):
        html = client.get("/").content.decode()
        hero = html[html.index('<section class="hero"') :]
        strip = html[html.index('<section class="emergency-strip"') : html.index("</section>")]
        for part in (strip, hero):
            assert 'href="tel:110"' in part
            assert 'href="tel:120"' in part
            assert 'href="tel:07715551234"' in part
            assert "0771-5551234" in part
        assert "本网站不是紧急服务渠道" in strip

    def test_big_report_button_links_to_the_report_page(self, client, sections):
        html = client.get("/").content.decode()
        assert re.search(
            r'<a class="button button--report[^"]*" href="/report/">报告求助线索</a>', html
        )

    def test_editors_can_change_the_report_button_text(self, client, home_page, sections):
        home_page.report_call_to_action = "我发现有人需要帮助"
        home_page.save_revision().publish()
        assert 'href="/report/">我发现有人需要帮助</a>' in client.get("/").content.decode()

    def test_sections_link_to_their_index_pages(self, client, sections):
        html = client.get("/").content.decode()
        for path in ("/notices/", "/events/", "/policies/", "/stations/"):
            assert f'<a class="more-link" href="{path}">' in html
        assert "查看全部：寻亲公告" in html

    def test_without_section_pages_the_home_page_still_renders(self, client, home_page):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "more-link" not in html
        assert "button--report" not in html
        assert 'href="tel:110"' in html

    def test_site_settings_changes_appear_on_the_page(self, client, site, sections):
        settings = SiteSettings.for_site(site)
        settings.hotline = "0771 (888) 1234"
        settings.organisation_name = "某某市民政局"
        settings.footer_text = "地址：某某路1号"
        settings.save()
        html = client.get("/").content.decode()
        assert 'href="tel:07718881234"' in html
        assert "0771 (888) 1234" in html
        assert "某某市民政局" in html
        assert "地址：某某路1号" in html

    def test_footer_links_to_the_privacy_notice(self, client, site, home_page, sections):
        privacy = publish_child(home_page, StandardPage(title="隐私声明", slug="privacy"))
        settings = SiteSettings.for_site(site)
        settings.privacy_page = privacy
        settings.save()
        html = client.get("/").content.decode()
        footer = html[html.index('<footer class="site-footer"') :]
        assert '<a class="site-footer__link" href="/privacy/">隐私声明</a>' in footer


@pytest.mark.django_db
class TestNavigation:
    def test_sections_and_menu_pages_in_tree_order(self, client, home_page, sections):
        publish_child(home_page, StandardPage(title="隐私声明", slug="privacy"))
        html = client.get("/").content.decode()
        assert nav_links(html) == [
            ("/", "首页"),
            ("/policies/", "政策解读"),
            ("/events/", "开放日"),
            ("/notices/", "寻亲公告"),
            ("/stations/", "救助管理站"),
            ("/report/", "报告求助线索"),
            ("/about/", "关于我们"),
        ]

    def test_current_page_and_section_are_marked(self, client, sections):
        html = client.get("/about/").content.decode()
        assert 'href="/about/" aria-current="page">关于我们</a>' in html
        child = publish_child(sections["about"], StandardPage(title="职责", slug="duties"))
        html = client.get(child.url).content.decode()
        assert 'href="/about/" aria-current="true">关于我们</a>' in html
        assert 'href="/" aria-current' not in html

    def test_unpublished_pages_are_not_listed(self, client, sections):
        sections["events"].unpublish()
        assert "/events/" not in dict(nav_links(client.get("/").content.decode()))

    def test_report_link_stands_out(self, client, sections):
        html = client.get("/").content.decode()
        assert 'class="primary-nav__link primary-nav__link--report" href="/report/"' in html

    def test_query_count_does_not_grow_with_the_number_of_pages(
        self, client, home_page, sections, site_settings
    ):
        client.get("/")  # warm the per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as before:
            assert client.get("/").status_code == 200
        for number in range(10):
            publish_child(
                home_page,
                StandardPage(title=f"页面{number}", slug=f"page-{number}", show_in_menus=True),
            )
        with CaptureQueriesContext(connection) as after:
            response = client.get("/")
        assert response.status_code == 200
        assert len(nav_links(response.content.decode())) == 17
        assert len(after) == len(before), [q["sql"] for q in after]


@pytest.mark.django_db
class TestLanguages:
    def test_english_home_page(self, client, sections, english_home):
        response = client.get("/en/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "Helping everyone get home safely" in html
        assert "Skip to main content" in html
        assert "This website is not an emergency service." in html
        assert "24-hour rescue hotline" in html
        assert "Department of Civil Affairs of Guangxi Zhuang Autonomous Region" in html
        assert ("/en/", "Home") in nav_links(html)

    def test_english_navigation_lists_the_english_pages(self, client, sections, english_home):
        ensure_translation(sections["policies"], title="Policy explainers")
        assert nav_links(client.get("/en/").content.decode()) == [
            ("/en/", "Home"),
            ("/en/policies/", "Policy explainers"),
        ]

    def test_switcher_links_to_the_translation_of_the_page(self, client, sections, english_home):
        ensure_translation(sections["policies"], title="Policy explainers")
        links = language_links(client.get("/policies/").content.decode())
        assert 'href="/en/policies/"' in links["en"]
        assert 'hreflang="en"' in links["en"]
        assert "aria-current" not in links["en"]
        assert 'href="/policies/"' in links["zh-Hans"]
        assert 'aria-current="true"' in links["zh-Hans"]

        html = client.get("/en/policies/").content.decode()
        links = language_links(html)
        assert 'href="/policies/"' in links["zh-Hans"]
        assert 'hreflang="zh-Hans"' in links["zh-Hans"]
        assert 'aria-current="true"' in links["en"]
        assert (
            '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/policies/">' in html
        )

    def test_switcher_falls_back_to_the_other_home_page(self, client, sections, english_home):
        links = language_links(client.get("/notices/").content.decode())
        assert 'href="/en/"' in links["en"]

    def test_switcher_without_any_english_page(self, client, sections):
        links = language_links(client.get("/about/").content.decode())
        assert 'href="/en/"' in links["en"]
        assert client.get("/en/").status_code == 200


@pytest.mark.django_db
class TestErrorPages:
    def test_404_is_chinese(self, client, sections):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert '<html lang="zh-Hans">' in html
        assert "页面未找到" in html
        assert 'href="tel:110"' in html
        assert ("/", "首页") in nav_links(html)

    def test_404_under_en_is_english(self, client, sections, english_home):
        response = client.get("/en/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "Page not found" in html

    def test_404_without_a_site(self, client):
        from wagtail.models import Site

        Site.objects.all().delete()
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "页面未找到" in response.content.decode()

    def test_base_renders_without_request_or_page(self):
        html = get_template("404.html").render({})
        assert "页面未找到" in html
        assert 'href="tel:110"' in html


def test_500_renders_without_the_database():
    """No db fixture: pytest-django fails the test if the template touches the database."""
    html = get_template("500.html").render({})
    assert '<html lang="zh-Hans">' in html
    assert 'href="tel:110"' in html
    assert 'href="tel:120"' in html
    assert "服务器" in html or "故障" in html
    assert "Sorry, something went wrong" in html
    assert "{%" not in html
    assert "http" not in html.replace("https://", "").replace("http://", "")


@pytest.mark.django_db
class TestEscaping:
    PAYLOAD = '<script>alert("x")</script>'

    def test_editor_text_is_escaped(self, client, home_page, sections, site):
        home_page.hero_title = self.PAYLOAD
        home_page.hero_intro = self.PAYLOAD
        home_page.report_call_to_action = self.PAYLOAD
        home_page.save_revision().publish()
        sections["about"].title = self.PAYLOAD
        sections["about"].save_revision().publish()
        settings = SiteSettings.for_site(site)
        settings.organisation_name = self.PAYLOAD
        settings.footer_text = self.PAYLOAD
        settings.save()
        for path in ("/", "/about/", "/no-such-page/"):
            html = client.get(path).content.decode()
            assert "<script>alert" not in html, path
            assert "&lt;script&gt;alert" in html, path

    def test_query_string_is_escaped_in_the_switcher(self, client, sections):
        html = client.get('/about/?q="><script>alert(1)</script>').content.decode()
        assert "<script>alert" not in html
