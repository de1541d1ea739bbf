import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, WorkflowPage
from wagtail.search.models import IndexEntry

import pytest

from events.models import EventImage, EventPage, Registration, Venue
from home.models import HomePage
from notices.models import FamilySearchNoticePage
from policies.models import (
    Audience,
    PolicyAttachment,
    PolicyExplainerPage,
    PolicyTopic,
    RelatedExplainer,
)
from portal.models import SiteSettings
from stations.models import Area, Station, StationMembership
from tip_reports.models import Delivery, TipEvent, TipReport

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "live_pages": Page.objects.live().count(),
        "stations": Station.objects.count(),
        "fallback": Station.objects.filter(is_fallback=True).count(),
        "users": get_user_model().objects.count(),
        "memberships": StationMembership.objects.count(),
        "groups": Group.objects.count(),
        "areas": Area.objects.count(),
        "tips": TipReport.objects.count(),
        "tip_events": TipEvent.objects.count(),
        "deliveries": Delivery.objects.count(),
        "notices": FamilySearchNoticePage.objects.count(),
        "images": Image.objects.count(),
        "workflow_pages": WorkflowPage.objects.count(),
        "explainers": PolicyExplainerPage.objects.count(),
        "explainer_attachments": PolicyAttachment.objects.count(),
        "related_explainers": RelatedExplainer.objects.count(),
        "explainer_topics": PolicyTopic.objects.count(),
        "audiences": Audience.objects.count(),
        "documents": Document.objects.count(),
        "events": EventPage.objects.count(),
        "venues": Venue.objects.count(),
        "event_images": EventImage.objects.count(),
        "registrations": Registration.objects.count(),
        "search_index_entries": IndexEntry.objects.count(),
    }


def test_seed_demo_twice_gives_the_same_counts(demo_site):
    first = counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    # Passwords are printed only when accounts are created, i.e. on the first run.
    assert "guitu-demo-2026" not in out.getvalue()


def test_seed_demo_builds_the_design_tree(demo_site):
    home = demo_site.root_page.specific
    assert isinstance(home, HomePage)
    zh_paths = {p.url_path for p in home.get_children().live()}
    assert {
        f"/home/{slug}/" for slug in ("policies", "events", "notices", "stations", "report")
    } <= zh_paths
    english = home.get_translation(home.locale.__class__.objects.get(language_code="en"))
    assert english.live and english.title == "Guitu"
    assert english.get_children().live().count() == home.get_children().live().count()
    c = counts()
    assert c["stations"] == 15 and c["fallback"] == 1
    assert c["areas"] == 126
    assert c["notices"] == 30
    assert c["explainers"] == 10  # five in each language
    assert c["audiences"] == 6
    assert c["events"] == 4  # two campaigns, in Chinese and English
    assert c["venues"] == 2 * (14 + 76 + 4)
    assert SiteSettings.for_site(demo_site).privacy_page.slug == "privacy"


def test_seed_demo_accounts_and_memberships(demo_site):
    users = get_user_model().objects
    for username in ("admin", "coordinator", "editor", "nanning", "liuzhou"):
        assert users.get(username=username).check_password("guitu-demo-2026")
    assert users.get(username="coordinator").has_perm("stations.coordinate_stations")
    assert not users.get(username="nanning").has_perm("stations.coordinate_stations")
    assert users.get(username="nanning").has_perm("wagtailadmin.access_admin")
    assert list(
        StationMembership.objects.filter(user__username="liuzhou").values_list(
            "station__code", flat=True
        )
    ) == ["450200"]


def test_the_reference_index_knows_where_demo_images_are_used(demo_site):
    """Seeding builds Wagtail's reference index once at the end (not on every save): the
    admin's "usage" of a notice photo and of a campaign picture must still find their pages."""
    from wagtail.models import ReferenceIndex

    notice = FamilySearchNoticePage.objects.filter(photos__isnull=False).first()
    photo = notice.photos.first().image
    assert ReferenceIndex.get_references_to(photo).filter(object_id=str(notice.pk)).exists()
    event = EventPage.objects.filter(gallery__isnull=False).first()
    assert event is not None
    picture = event.gallery.first().image
    assert ReferenceIndex.get_references_to(picture).filter(object_id=str(event.pk)).exists()
