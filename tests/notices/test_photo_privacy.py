"""Notice photos belong to the notice (issue 16): files get random names, so no URL says what
the station called the photo; only renditions are public, served from MEDIA_URL on a single
host; originals reach editors alone; closing a notice leaves nothing reachable."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.images.models import get_rendition_storage

import pytest
from PIL import Image as PILImage

from notices.models import FamilySearchNoticePage, NoticePhoto
from portal import renditions
from portal.storage import PublicRenditionStorage
from tests.factories import publish_child
from tests.notices.poster_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

NAMES = ["张三.jpg", "zhang-san.jpg"]
URL_ATTRIBUTE = re.compile(r'(?:src|href|content|srcset)="([^"]+)"')


def person_photo(name: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 800), (150, 120, 100)).save(buffer, "JPEG")
    upload = SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")
    return get_image_model().objects.create(title=name.rsplit(".", 1)[0], file=upload)


def notice_with(index, station, image, slug="photo-notice"):
    page = FamilySearchNoticePage(
        title="寻亲公告：男子",
        slug=slug,
        station=station,
        sex=FamilySearchNoticePage.Sex.MALE,
        age_min=30,
        age_max=40,
        height_min_cm=165,
        height_max_cm=170,
        dialect=FamilySearchNoticePage.Dialect.GUILIU,
        features="左手背有旧伤疤",
        clothing="蓝色外套",
        found_date=datetime.date(2026, 5, 1),
        found_area=station.area,
        found_place="火车站广场",
        intake_date=datetime.date(2026, 5, 1),
        status="seeking",
    )
    page.photos.add(NoticePhoto(image=image, alt_text="正面照片", is_face=True))
    return publish_child(index, page)


def close(page, status="reunited"):
    page = page.get_latest_revision_as_object()
    page.status = status
    page.save_revision().publish()
    return FamilySearchNoticePage.objects.get(pk=page.pk)


def urls_in(html: str) -> list[str]:
    found = []
    for value in URL_ATTRIBUTE.findall(html):
        found += [part.strip().split(" ")[0] for part in value.split(",")]
    return found


def media_urls(html: str) -> list[str]:
    return [url for url in urls_in(html) if url.startswith("/media/")]


@pytest.mark.parametrize("name", NAMES)
def test_no_uploaded_file_name_appears_in_any_url(client, notice_index, station, name):
    image = person_photo(name)
    notice = notice_with(notice_index, station, image)
    stem = name.rsplit(".", 1)[0]
    pages = [notice.url, notice_index.url, notice.url + notice.reverse_subpage("poster")]
    seen = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += urls_in(response.content.decode())
    image.refresh_from_db()
    seen += [image.file.name, image.file.url]
    seen += [rendition.url for rendition in image.renditions.all()]
    assert any(url.startswith("/media/images/") for url in seen)  # the photo is shown
    for url in seen:
        assert stem not in url and "zhang" not in url.lower(), url
    assert image.file.url.startswith("/admin/originals/original_images/")


def test_a_seeking_notices_renditions_are_served_and_its_original_is_not(
    client, notice_index, station
):
    image = person_photo("张三.jpg")
    notice = notice_with(notice_index, station, image)
    shown = media_urls(client.get(notice.url).content.decode())
    assert shown
    for url in shown:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/jpeg"
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert body[:2] == b"\xff\xd8" and len(body) == int(response["Content-Length"])
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405

    image.refresh_from_db()
    original = image.file.name  # original_images/<random>.jpg
    assert Path(image.file.path).is_file()
    # The original is nowhere under MEDIA_URL, whatever the path looks like.
    for path in (
        f"/media/{original}",
        f"/media/../{original}",
        f"/media/%2e%2e/{original}",
        f"/media/..%2f{original}",
        f"/media/images/..%2f..%2f{original}",
        f"/media//{original}",
        f"/media/images/%5c..%5c..%5c{original}",
        "/media/images/",
        "/media/images",
        "/media/",
        "/media/images/.hidden.jpg",
    ):
        assert client.get(path).status_code == 404, path
    # The admin's URL of the original asks a visitor to sign in.
    response = client.get(image.file.url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_public_folder_is_apart_from_the_originals(settings):
    storage = get_rendition_storage()
    assert isinstance(storage, PublicRenditionStorage)
    public = Path(storage.location)
    assert public == Path(settings.MEDIA_ROOT) / "public"
    assert storage.url("images/x.jpg") == "/media/images/x.jpg"
    # What Wagtail's FileField asks for a new rendition named after its original:
    named = storage.generate_filename("images/zhang-san.fill-240x300.format-jpeg.jpg")
    assert re.fullmatch(r"images/[0-9a-f]{32}\.jpg", named), named
    assert named != storage.generate_filename("images/zhang-san.fill-240x300.format-jpeg.jpg")


def test_after_closing_renditions_and_original_are_404(
    client, notice_index, station, django_capture_on_commit_callbacks
):
    image = person_photo("zhang-san.jpg")
    notice = notice_with(notice_index, station, image)
    shown = media_urls(client.get(notice.url).content.decode())
    image.refresh_from_db()
    made = [rendition.url for rendition in image.renditions.all()]
    assert shown and set(shown) <= set(made)
    assert all(client.get(url).status_code == 200 for url in made)

    with django_capture_on_commit_callbacks(execute=True):
        closed = close(notice)

    html = client.get(closed.url).content.decode()
    assert not media_urls(html)
    for url in made:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get(image.file.url).status_code == 302  # sign in first
    # A rendition made later (an editor's thumbnail) gets a name no public page ever showed.
    later = image.get_rendition("max-165x165")
    assert later.url not in made and client.get(later.url).status_code == 200
    # The original stays for the station's file, out of public reach.
    assert Path(image.file.path).is_file()


@pytest.fixture
def image_editor(django_user_model):
    from django.contrib.auth.models import Group

    from portal.roles import EDITORS

    user = django_user_model.objects.create_user("photo-editor", password="x")
    user.groups.add(Group.objects.get(name=EDITORS))  # images of every collection
    return user


def test_editors_open_the_original_through_the_admin(image_editor, django_user_model):
    image = person_photo("zhang-san.jpg")
    editor = Client()
    editor.force_login(image_editor)
    response = editor.get(image.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "no-store" in response["Cache-Control"]
    # The edit page links there. (Wagtail makes a full-size rendition to read the size from;
    # its random name is shown nowhere, not even to the editor.)
    edit = editor.get(reverse("wagtailimages:edit", args=[image.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert f'href="{image.file.url}"' in html
    for rendition in image.renditions.filter(filter_spec="original"):
        assert rendition.url not in html
    # Someone with admin access but no right to the image is refused.
    from django.contrib.auth.models import Permission

    other = django_user_model.objects.create_user("reader", password="x")
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(image.file.url).status_code in (302, 403)
    # A file that is no image's original is not served.
    assert editor.get("/admin/originals/documents/report.pdf").status_code == 404


def test_existing_sites_get_random_names_and_fresh_renditions(
    client, notice_index, station, django_capture_on_commit_callbacks
):
    """manage.py secure_image_files: an image stored under the person's name with renditions
    in the old place (beside the originals) is renamed and its renditions made again."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    image = person_photo("placeholder.jpg")
    notice = notice_with(notice_index, station, image)
    # Make it look as it did before: the original under its uploaded name, a rendition named
    # after it in the original storage.
    with image.open_file() as f:
        old_name = default_storage.save("original_images/zhang-san.jpg", f)
    image.file.storage.delete(image.file.name)
    type(image).objects.filter(pk=image.pk).update(file=old_name)
    image.renditions.all().delete()
    old_rendition = default_storage.save(
        "images/zhang-san.fill-240x300.jpg", ContentFile(b"old rendition")
    )
    image.renditions.create(filter_spec="fill-240x300", file=old_rendition, width=240, height=300)
    closed = notice_with(notice_index, station, person_photo("li-si.jpg"), slug="li-si")
    closed = close(closed)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("secure_image_files", stdout=out)
        call_command("secure_image_files", stdout=io.StringIO())  # safe to run again

    image.refresh_from_db()
    assert re.fullmatch(r"original_images/[0-9a-f]{32}\.jpg", image.file.name)
    assert not default_storage.exists(old_name) and not default_storage.exists(old_rendition)
    made = list(image.renditions.all())
    assert made and all(re.fullmatch(r"images/[0-9a-f]{32}\.\w+", r.file.name) for r in made)
    for url in media_urls(client.get(notice.url).content.decode()):
        assert client.get(url).status_code == 200
        assert "zhang" not in url
    # A closed notice's photos get no renditions back.
    closed_image = closed.photos.get().image
    assert not closed_image.renditions.exists()
    assert {r.filter_spec for r in made} == set(renditions.registered())
    assert "old renditions deleted" in out.getvalue()
