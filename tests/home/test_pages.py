"""Page-tree rules and the rendering of each page type."""

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

import pytest

from events.models import EventIndexPage, EventPage
from home.models import HomePage, StandardPage, StatisticsPage
from notices.models import FamilySearchNoticePage, NoticeIndexPage
from policies.models import PolicyExplainerPage, PolicyIndexPage
from stations.models import StationDirectoryPage
from tests.factories import publish_child
from tip_reports.models import ReportPage

SECTION_MODELS = [
    PolicyIndexPage,
    EventIndexPage,
    NoticeIndexPage,
    StationDirectoryPage,
    ReportPage,
]

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    """Where each page type may go (Wagtail's own assertions)."""

    def test_home_page_only_under_the_tree_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_section_pages_only_under_the_home_page(self):
        children = {
            NoticeIndexPage: {FamilySearchNoticePage},
            PolicyIndexPage: {PolicyExplainerPage},
            EventIndexPage: {EventPage},
        }
        for model in SECTION_MODELS:
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertAllowedSubpageTypes(model, children.get(model, set()))

    def test_notices_only_under_the_notice_index(self):
        self.assertAllowedParentPageTypes(FamilySearchNoticePage, {NoticeIndexPage})
        self.assertAllowedSubpageTypes(FamilySearchNoticePage, set())

    def test_standard_pages_under_home_and_standard_pages(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, StatisticsPage, *SECTION_MODELS})

    def test_statistics_page_only_under_the_home_page(self):
        self.assertAllowedParentPageTypes(StatisticsPage, {HomePage})
        self.assertAllowedSubpageTypes(StatisticsPage, set())


def test_at_most_one_home_page_per_parent_and_one_section_each(home_page, sections):
    root = Page.get_first_root_node()
    assert not HomePage.can_create_at(root)
    for model in SECTION_MODELS:
        assert not model.can_create_at(home_page), model
    assert StandardPage.can_create_at(home_page)
    assert StandardPage.can_create_at(sections["about"])
    for model in SECTION_MODELS:
        for child_model in [StandardPage, *SECTION_MODELS]:
            assert not child_model.can_create_at(sections_page(sections, model))


def sections_page(sections, model):
    return next(page for page in sections.values() if isinstance(page, model))


def test_a_section_page_can_be_created_under_a_fresh_home_page(home_page):
    for model in SECTION_MODELS:
        assert model.can_create_at(home_page), model


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("policies", "/policies/"),
        ("events", "/events/"),
        ("notices", "/notices/"),
        ("report", "/report/"),
        ("about", "/about/"),
    ],
)
def test_section_and_standard_pages_render_with_their_title(client, sections, key, path):
    page = sections[key]
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="page-header__title">{page.title}</h1>' in html
    assert page.introduction in html


def test_home_page_renders(client, home_page, sections):
    response = client.get("/")
    assert response.status_code == 200
    assert "帮助每一位流浪乞讨人员平安回家" in response.content.decode()
    assert response.templates[0].name == "home/home_page.html"


def test_nested_standard_page_renders(client, sections):
    child = publish_child(
        sections["about"], StandardPage(title="工作职责", slug="duties", introduction="职责。")
    )
    response = client.get("/about/duties/")
    assert response.status_code == 200
    assert child.title in response.content.decode()


def test_placeholder_sections_say_they_are_being_set_up(client, sections):
    assert "还没有发布政策解读" in client.get("/policies/").content.decode()


def test_report_page_puts_the_emergency_banner_first(client, sections, site_settings):
    html = client.get("/report/").content.decode()
    main = html[html.index('<main id="main"') :]
    banner = main.index("emergency-banner")
    assert banner < main.index("page-header__title")
    assert 'href="tel:110"' in main
    assert 'href="tel:120"' in main
    assert 'href="tel:07715551234"' in main
    assert "本网站不是紧急服务" in main
    assert banner < main.index('<form class="tip-form"')


def test_home_page_body_blocks_render(client, home_page, sections):
    home_page.body = [
        ("heading", {"text": "我们的工作", "level": "h2"}),
        ("heading", {"text": "How to help", "level": "h3"}),
        ("paragraph", "<p>每天<b>24小时</b>值守。</p>"),
        (
            "callout",
            {"tone": "warning", "title": "注意", "text": "<p>不要单独接触情绪激动的人。</p>"},
        ),
    ]
    home_page.save_revision().publish()
    html = client.get("/").content.decode()
    assert '<h2 class="stream-heading" id="section-' in html
    assert '<h3 class="stream-heading" id="how-to-help">How to help</h3>' in html
    assert "<b>24小时</b>" in html
    assert '<aside class="callout callout--warning" role="note">' in html
    assert "不要单独接触情绪激动的人。" in html


def test_image_block_renders_a_figure_with_the_alt_text(
    client, home_page, sections, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    image = Image.objects.create(title="开放日", file=get_test_image_file())
    home_page.body = [
        (
            "image",
            {"image": image, "alt_text": "工作人员在开放日接待来访群众", "caption": "2025年开放日"},
        )
    ]
    home_page.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<figure" in html
    assert 'alt="工作人员在开放日接待来访群众"' in html
    assert "<figcaption>2025年开放日</figcaption>" in html
