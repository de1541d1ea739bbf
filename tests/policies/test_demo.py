"""The demo explainers of `make run`: both languages, every kind of block, an overdue review,
an amended source, attachments and related explainers; seeding twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from policies.models import PolicyExplainerPage
from policies.wagtail_hooks import overdue_explainers

pytestmark = pytest.mark.django_db


def explainers(language):
    return PolicyExplainerPage.objects.live().filter(locale__language_code=language)


def test_five_explainers_in_each_language(demo_site):
    assert explainers("zh-hans").count() == 5
    assert explainers("en").count() == 5
    slugs = set(explainers("zh-hans").values_list("slug", flat=True))
    assert slugs == set(explainers("en").values_list("slug", flat=True))
    for page in PolicyExplainerPage.objects.all():
        assert len(page.summary) <= 120, page.title
        assert page.audiences.exists() and page.topic_id


def test_every_demo_explainer_renders_with_help_block_and_toc(client, demo_site):
    for page in PolicyExplainerPage.objects.live():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.select_one("[data-help-block]"), page.url
        assert soup.select(".toc a"), page.url
        assert soup.select(".faq__question"), page.url
        assert soup.select(".steps .step"), page.url
        assert soup.select(".callout"), page.url
        assert soup.select(".explainer__related a"), page.url


def test_demo_uses_every_block_and_an_attachment(demo_site):
    used = {child.block_type for page in explainers("zh-hans") for child in page.body}
    from policies.blocks import ExplainerStreamBlock

    assert used == set(ExplainerStreamBlock().child_blocks)
    assert any(page.attachments.exists() for page in explainers("zh-hans"))
    assert any(page.attachments.exists() for page in explainers("en"))


def test_demo_has_an_amended_source_and_an_overdue_review(client, demo_site):
    from django.contrib.auth import get_user_model

    amended = explainers("zh-hans").get(source_status="amended")
    html = client.get(amended.url).content.decode()
    assert "explainer-status--amended" in html
    editor = get_user_model().objects.get(username="editor")
    overdue = list(overdue_explainers(editor))
    assert overdue and all(page.next_review < timezone.localdate() for page in overdue)


def test_demo_document_numbers_only_where_checked(demo_site):
    numbers = set(
        PolicyExplainerPage.objects.exclude(source_number="").values_list(
            "source_number", flat=True
        )
    )
    assert numbers == {"国务院令第381号"}


def test_demo_links_the_report_page_and_the_directory(client, demo_site):
    page = explainers("zh-hans").get(slug="how-to-ask-for-help")
    html = client.get(page.url).content.decode()
    assert 'href="/report/"' in html and 'href="/stations/"' in html
    english = explainers("en").get(slug="how-to-ask-for-help")
    html = client.get(english.url).content.decode()
    assert 'href="/en/report/"' in html and 'href="/en/stations/"' in html


def test_seeding_again_adds_nothing(demo_site):
    before = (
        PolicyExplainerPage.objects.count(),
        sum(page.related_links.count() for page in PolicyExplainerPage.objects.all()),
    )
    call_command("seed_demo", stdout=io.StringIO())
    after = (
        PolicyExplainerPage.objects.count(),
        sum(page.related_links.count() for page in PolicyExplainerPage.objects.all()),
    )
    assert before == after
