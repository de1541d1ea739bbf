"""The admin's image upload decodes every file in full: a truncated or corrupt image gets a
form error in the editor's language, never a 500, and nothing is saved."""

import io

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from wagtail.images.models import Image

import pytest
from PIL import Image as PILImage

from portal.image_forms import DAMAGED
from portal.roles import EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def editor_client(django_user_model, language="zh-hans"):
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_user(f"image-editor-{language}", password="x")
    user.groups.add(Group.objects.get(name=EDITORS))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language  # the admin speaks the editor's chosen language
    profile.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    return editor_client(django_user_model)


def noisy_jpeg() -> bytes:
    """Noise-like pixels compress badly, so a cut lands in the picture data."""
    image = PILImage.frombytes(
        "RGB", (320, 240), bytes((i * 7919) % 251 for i in range(320 * 240 * 3))
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def csrf_token(client, url) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def post_image(client, data: bytes, name: str):
    url = reverse("wagtailimages:add")
    token = csrf_token(client, url)
    return client.post(
        url,
        {
            "title": "照片",
            "file": SimpleUploadedFile(name, data, "image/jpeg"),
            "csrfmiddlewaretoken": token,
        },
    )


def message(language: str) -> str:
    with translation.override(language):
        return str(DAMAGED)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_truncated_jpeg_gets_a_form_error_and_nothing_is_saved(django_user_model, language):
    data = noisy_jpeg()
    with PILImage.open(io.BytesIO(data[: len(data) // 2])) as header_only:
        assert header_only.size == (320, 240)  # the header alone still looks fine
    response = post_image(
        editor_client(django_user_model, language), data[: len(data) // 2], "cut.jpg"
    )
    assert response.status_code == 200
    assert message(language) in response.content.decode()
    assert message("zh-hans") != message("en")  # the message is translated
    assert not Image.objects.exists()


def test_corrupt_picture_data_is_refused_too(editor):
    image = PILImage.frombytes(
        "RGB", (320, 240), bytes((i * 7919) % 251 for i in range(320 * 240 * 3))
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    data = bytearray(out.getvalue())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\0" * 64  # the compressed pixels no longer inflate
    response = post_image(editor, bytes(data), "broken.png")
    assert response.status_code == 200
    assert message("zh-hans") in response.content.decode()
    assert not Image.objects.exists()


def test_the_multiple_uploader_refuses_it_as_well(editor):
    url = reverse("wagtailimages:add_multiple")
    token = csrf_token(editor, url)
    data = noisy_jpeg()
    response = editor.post(
        url,
        {
            "files[]": SimpleUploadedFile("cut.jpg", data[: len(data) // 2], "image/jpeg"),
            "csrfmiddlewaretoken": token,
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not Image.objects.exists()


def test_a_whole_image_is_accepted(editor):
    response = post_image(editor, noisy_jpeg(), "whole.jpg")
    assert response.status_code == 302
    assert Image.objects.count() == 1
