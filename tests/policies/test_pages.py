"""Where explainers may be created, and that each renders (Wagtail's own assertions)."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

import pytest

from home.models import HomePage, StandardPage
from policies.models import PolicyExplainerPage, PolicyIndexPage

pytestmark = pytest.mark.django_db


class TestExplainerTree(WagtailPageTestCase):
    def test_explainers_only_under_the_explainer_index(self):
        self.assertCanCreateAt(PolicyIndexPage, PolicyExplainerPage)
        self.assertAllowedParentPageTypes(PolicyExplainerPage, {PolicyIndexPage})
        for parent in (Page, HomePage, StandardPage, PolicyExplainerPage):
            self.assertCanNotCreateAt(parent, PolicyExplainerPage)

    def test_the_index_holds_only_explainers_and_explainers_hold_nothing(self):
        self.assertAllowedSubpageTypes(PolicyIndexPage, {PolicyExplainerPage})
        self.assertAllowedSubpageTypes(PolicyExplainerPage, set())
        self.assertAllowedParentPageTypes(PolicyIndexPage, {HomePage})


def test_index_and_explainer_are_renderable(policy_index, client):
    from .factories import make_explainer

    page = make_explainer(policy_index)
    for url in (policy_index.url, page.url, policy_index.url + "feed/rss/"):
        assert client.get(url).status_code == 200


def test_the_index_answers_only_get_and_head(policy_index, client):
    assert client.head(policy_index.url).status_code == 200
    assert client.post(policy_index.url).status_code == 405
