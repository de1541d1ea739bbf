"""seed_demo's fictional family-search notices."""

import io

from django.core.management import call_command

from wagtail.images.models import Image
from wagtail.models import WorkflowPage

import pytest
from PIL import Image as PILImage

from notices.demo import (
    DEMO_ESCORTING_UNIT,
    DEMO_HEALTH_PREFIX,
    PORTRAIT_ALT,
    PORTRAITS,
    draw_portrait,
)
from notices.models import FamilySearchNoticePage, NoticeIndexPage, NoticePhoto
from notices.review import WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def test_about_thirty_live_notices_across_the_cities(demo_site):
    notices = FamilySearchNoticePage.objects.live()
    assert 25 <= notices.count() <= 35
    assert notices.values("station").distinct().count() == 14
    for notice in notices.select_related("station__area", "found_area"):
        # Found in a county of the holding station's city.
        assert notice.found_area.parent_id == notice.station.area_id
        assert notice.notice_number.startswith(f"{notice.station.code}-")
        assert not notice.has_unpublished_changes


def test_some_are_closed_and_some_are_minors(demo_site):
    S = FamilySearchNoticePage.Status
    closed = FamilySearchNoticePage.objects.exclude(status=S.SEEKING)
    assert 2 <= closed.count() <= 3
    assert closed.filter(status=S.REUNITED).exists()
    for notice in closed:
        assert notice.status_changes.filter(to_status=notice.status).exists()
    assert FamilySearchNoticePage.objects.filter(is_minor=True, age_max__lt=18).count() == 3


def test_private_fields_hold_obvious_demo_values(demo_site):
    for notice in FamilySearchNoticePage.objects.select_related("private_record"):
        assert notice.private_record.escorting_unit.startswith(DEMO_ESCORTING_UNIT)
        assert notice.private_record.health_notes.startswith(DEMO_HEALTH_PREFIX)


def test_portraits_are_drawn_placeholders_marked_as_illustrations(demo_site):
    photos = NoticePhoto.objects.select_related("image")
    assert photos.count() == FamilySearchNoticePage.objects.count()
    assert all(p.is_face and p.alt_text == PORTRAIT_ALT for p in photos)
    assert "示意图" in PORTRAIT_ALT
    images = Image.objects.filter(pk__in=photos.values("image"))
    assert all(image.title.startswith("示意图") for image in images)
    assert {(image.width, image.height) for image in images} == {(300, 400)}
    # (The seeded files live in another test's media directory; draw one here.)
    with PILImage.open(io.BytesIO(draw_portrait(*PORTRAITS[0]))) as pil:
        assert pil.size == (300, 400) and not pil.getexif()


def test_the_notice_index_pages_use_the_review_workflow(demo_site):
    for index in NoticeIndexPage.objects.all():
        assert WorkflowPage.objects.get(page=index).workflow.name == WORKFLOW_NAME


def test_seeding_again_adds_nothing(demo_site):
    before = (
        FamilySearchNoticePage.objects.count(),
        Image.objects.count(),
        NoticePhoto.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    after = (
        FamilySearchNoticePage.objects.count(),
        Image.objects.count(),
        NoticePhoto.objects.count(),
    )
    assert after == before
