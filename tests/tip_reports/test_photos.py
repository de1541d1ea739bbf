"""Tip photos: only real JPEG/PNG/WebP within the size and pixel limits are accepted, and what
is stored is a re-encoded JPEG without EXIF, GPS, ICC profile or comments, in private storage."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from tip_reports import images
from tip_reports.models import TipReport

from .helpers import EN, URLS, ZH, counts, message, page_text

pytestmark = pytest.mark.django_db

BAD_TYPE = "Choose a photo in JPEG, PNG or WebP format."
TOO_LARGE = "The photo is too large. Choose a photo of at most 10 MB."
TOO_MANY_PIXELS = "The photo has too many pixels. Choose a photo of at most 40 megapixels."
DAMAGED = "The photo could not be read: it may be damaged or incomplete. Choose another one."


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def noise(size) -> Image.Image:
    """An RGB image of noise-like pixels: compresses badly, so damage hits pixel data."""
    return Image.frombytes(
        "RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3))
    )


def noisy_jpeg(size=(640, 480)) -> bytes:
    image = noise(size)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_of(size, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def photo_with_gps_and_orientation() -> SimpleUploadedFile:
    """64×48, left half red, EXIF orientation 6 (rotate 90° clockwise to display), a GPS
    position, a camera maker, an ICC profile and a comment."""
    image = Image.new("RGB", (64, 48), (20, 120, 200))
    image.paste((200, 20, 20), (0, 0, 32, 48))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Guitu Test Camera"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 48.0, 30.5), 3: "E", 4: (108.0, 19.0, 7.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, icc_profile=b"guitu-icc" * 20, comment=b"taken at home")
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return upload(data, name="IMG_0001.JPG")


# --- Through the form -------------------------------------------------------------------------

REJECTED = {
    "gif": (lambda make: make("GIF", mode="P", name="photo.gif"), BAD_TYPE),
    "text renamed .jpg": (
        lambda make: upload(b"this is not a picture, honest\n" * 20, name="photo.jpg"),
        BAD_TYPE,
    ),
    "svg with script": (
        lambda make: upload(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
            b'<rect width="10" height="10"/></svg>',
            name="photo.svg",
            content_type="image/svg+xml",
        ),
        BAD_TYPE,
    ),
    "svg named jpg": (
        lambda make: upload(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        BAD_TYPE,
    ),
    "over 10 MB": (
        lambda make: upload(noisy_jpeg()[:2] + b"\0" * (10 * 1024 * 1024)),
        TOO_LARGE,
    ),
    "over 40 megapixels": (
        lambda make: upload(png_of((7000, 7000)), name="big.png", content_type="image/png"),
        TOO_MANY_PIXELS,
    ),
    "truncated jpeg": (lambda make: upload(noisy_jpeg()[:8000]), DAMAGED),
    "empty file": (lambda make: upload(b""), "The photo file is empty."),
}


@pytest.mark.parametrize("language", [ZH, EN])
@pytest.mark.parametrize("case", REJECTED.keys())
def test_bad_photos_are_refused_and_nothing_is_saved(
    case, language, request, tip_client, valid_post_data, make_image
):
    request.getfixturevalue("english_report_page" if language == EN else "report_page")
    build, msgid = REJECTED[case]
    before = counts()
    response = tip_client.post(URLS[language], {**valid_post_data, "photo": build(make_image)})
    assert response.status_code == 400
    assert message(msgid, language) in page_text(response)
    assert counts() == before


def test_photo_is_stored_without_exif_or_gps_and_upright(
    report_page, tip_client, valid_post_data, _private_storage
):
    response = tip_client.post(
        "/report/", {**valid_post_data, "photo": photo_with_gps_and_orientation()}
    )
    assert response.status_code == 302
    tip = TipReport.objects.get()
    assert re.fullmatch(r"tips/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", tip.photo.name)
    # In the private storage, which has no URL at all.
    assert (_private_storage / tip.photo.name).exists()
    with tip.photo.storage.open(tip.photo.name) as stored:
        data = stored.read()
    for marker in (b"Exif", b"guitu-icc", b"Guitu Test Camera", b"taken at home", b"ICC_PROFILE"):
        assert marker not in data
    stored_image = Image.open(io.BytesIO(data))
    assert stored_image.format == "JPEG"
    assert not stored_image.getexif()
    assert not stored_image.getexif().get_ifd(0x8825)
    assert "exif" not in stored_image.info and "icc_profile" not in stored_image.info
    assert "comment" not in stored_image.info
    # Orientation applied: 48 wide, 64 high, the red half now on top.
    assert stored_image.size == (48, 64)
    top = stored_image.getpixel((24, 8))
    bottom = stored_image.getpixel((24, 56))
    assert top[0] > 150 and top[2] < 100
    assert bottom[2] > 150 and bottom[0] < 100


def test_nothing_links_to_the_photo(report_page, tip_client, valid_post_data):
    tip_client.post("/report/", {**valid_post_data, "photo": photo_with_gps_and_orientation()})
    tip = TipReport.objects.get()
    name = tip.photo.name.rsplit("/", 1)[-1]
    html = tip_client.client.get("/report/thanks/").content.decode()
    assert name not in html and "/media/" not in html
    # The configured private storage lives outside the public media folder.
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()
    assert not private.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("JPEG", "L"), ("JPEG", "CMYK")],
)
def test_accepted_formats_are_reencoded_as_jpeg(
    fmt, mode, report_page, tip_client, valid_post_data, make_image
):
    photo = make_image(fmt, size=(120, 90), mode=mode, name="photo.bin")
    assert tip_client.post("/report/", {**valid_post_data, "photo": photo}).status_code == 302
    tip = TipReport.objects.get()
    with tip.photo.storage.open(tip.photo.name) as stored:
        image = Image.open(stored)
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (120, 90))


def test_the_browser_content_type_is_ignored(report_page, tip_client, valid_post_data, make_image):
    photo = make_image("PNG", name="photo.gif", content_type="image/gif")
    assert tip_client.post("/report/", {**valid_post_data, "photo": photo}).status_code == 302


# --- The checks themselves --------------------------------------------------------------------


def test_large_photos_are_scaled_down_to_2560_px():
    result = images.clean_photo(upload(noisy_jpeg((3000, 1500))))
    image = Image.open(io.BytesIO(result.read()))
    assert image.size == (2560, 1280)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.name)


def test_a_decompression_bomb_is_refused_from_the_header():
    # 20000 × 20000 pixels in a few kilobytes: Pillow refuses it before decoding.
    data = png_of((20000, 20000))
    assert len(data) < 200_000
    with pytest.raises(images.ValidationError) as caught:
        images.clean_photo(upload(data, name="bomb.png", content_type="image/png"))
    assert caught.value.code == "too_many_pixels"


def test_a_bomb_warning_is_an_error(monkeypatch):
    # Between Pillow's warning and error thresholds: the warning must not pass silently.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(images.ValidationError) as caught:
        images.clean_photo(upload(png_of((40, 40), mode="L"), name="p.png"))
    assert caught.value.code == "too_many_pixels"


def test_size_is_checked_before_reading():
    class Huge(io.BytesIO):
        size = 11 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read a file that is known to be too large")

    with pytest.raises(images.ValidationError) as caught:
        images.clean_photo(Huge(b""))
    assert caught.value.code == "too_large"


def test_a_lying_size_is_caught_by_the_length():
    data = b"\xff\xd8" + b"\0" * (10 * 1024 * 1024)
    lying = upload(data)
    lying.size = 100
    with pytest.raises(images.ValidationError) as caught:
        images.clean_photo(lying)
    assert caught.value.code == "too_large"


def test_corrupt_png_is_refused():
    buffer = io.BytesIO()
    noise((300, 300)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    middle = len(data) // 2
    data[middle : middle + 500] = bytes(range(256)) + bytes(range(244))  # damage the pixel data
    with pytest.raises(images.ValidationError) as caught:
        images.clean_photo(upload(bytes(data), name="p.png"))
    assert caught.value.code == "damaged"
