"""Renditions are made in the background, never in a visitor's request: every filter a public
template uses is registered; a new image and a published page get theirs from the worker; a
listing rendered afterwards creates none."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.test import Client

from wagtail.images import get_image_model
from wagtail.images.models import Image

import pytest
from PIL import Image as PILImage

from notices.models import FamilySearchNoticePage
from portal import renditions

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
IMAGE_TAG = re.compile(r"{%\s*image\s+\S+\s+([a-z]+-[0-9x]+)")
SRCSET_TAG = re.compile(r"{%\s*srcset_image\s+\S+\s+([a-z]+)-\{([0-9,\s]+)\}")


@pytest.fixture
def media(settings, tmp_path):
    """New image files in a temporary folder (the demo's stay where seed_demo put them)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def template_filters() -> set[str]:
    found = set()
    for app in settings.PROJECT_APPS:
        for template in (ROOT / app / "templates").rglob("*.html"):
            source = template.read_text()
            found |= set(IMAGE_TAG.findall(source))
            for operation, sizes in SRCSET_TAG.findall(source):
                found |= {f"{operation}-{size.strip()}" for size in sizes.split(",")}
    # Python code asking for renditions by a constant (JSON-LD images, cards).
    from events.views import GALLERY_RENDITION
    from notices.views import THUMBNAIL

    return found | {GALLERY_RENDITION, THUMBNAIL}


def test_every_filter_a_template_uses_is_registered():
    used = template_filters()
    assert {"fill-240x300", "width-800"} <= used  # the scan finds what is there
    assert used <= set(renditions.registered()), used - set(renditions.registered())


def photo(name="photo.png") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1200), (120, 140, 160)).save(buffer, "PNG")
    return get_image_model().objects.create(title=name, file=ImageFile(buffer, name=name))


def test_a_new_image_gets_every_rendition_from_the_worker(
    media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = photo()
    made = set(image.renditions.values_list("filter_spec", flat=True))
    assert made == set(renditions.registered())


def test_editing_an_image_title_does_not_remake_renditions(
    media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = photo()
    image.renditions.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        image.title = "新标题"
        image.save()
    assert not image.renditions.exists()


def test_publishing_a_notice_makes_its_photos_renditions_and_closing_removes_them(
    demo_site, django_capture_on_commit_callbacks
):
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    ids = list(notice.photos.values_list("image_id", flat=True))
    rendition_model = get_image_model().get_rendition_model()
    rendition_model.objects.filter(image_id__in=ids).delete()
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert rendition_model.objects.filter(image_id__in=ids, filter_spec="fill-240x300").exists()

    notice.status = FamilySearchNoticePage.Status.REUNITED
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    # Still used by the other notices' portraits? Only renditions of this notice's own photos
    # are removed, and nothing remakes them for a closed notice.
    assert notice.rendition_images() == []


def test_rendering_listings_creates_no_rendition(demo_site, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    call_command("generate_renditions", stdout=io.StringIO())
    rendition_model = get_image_model().get_rendition_model()
    before = rendition_model.objects.count()
    client = Client()
    from events.models import EventPage

    past = EventPage.objects.live().get(
        slug="619-family-search-day", locale__language_code="zh-hans"
    )
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    for path in [
        "/",
        "/notices/",
        "/notices/?page=2",
        "/en/notices/",
        past.url,
        notice.url,
        notice.url + "poster/",
        "/policies/",
    ]:
        assert client.get(path).status_code == 200, path
    assert rendition_model.objects.count() == before


def test_the_command_reports_what_it_made(demo_site):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("generate_renditions", stdout=out)
    assert "renditions made for" in out.getvalue()
    out = io.StringIO()
    call_command("generate_renditions", stdout=out)
    assert out.getvalue().startswith("0 renditions made")
