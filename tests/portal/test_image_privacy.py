"""Uploaded images keep no EXIF: GPS position, camera and time are removed on save."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images.models import Image
from wagtail.utils.file import hash_filelike

import pytest
from PIL import Image as PILImage

from portal.image_privacy import strip_metadata

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size=(40, 20), orientation=None) -> bytes:
    image = PILImage.new("RGB", size, (200, 30, 30))
    exif = PILImage.Exif()
    exif[0x010F] = "DemoCam"  # Make
    exif[0x0132] = "2026:11:29 10:00:00"  # DateTime
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 49.0, 1.5), 3: "E", 4: (108.0, 19.0, 2.5)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def test_the_fixture_really_has_gps():
    with PILImage.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


def test_uploaded_wagtail_image_is_stored_without_exif():
    data = jpeg_with_gps()
    image = Image(title="photo", file=SimpleUploadedFile("phone.jpg", data, "image/jpeg"))
    image.save()
    image.refresh_from_db()
    with image.open_file() as f:
        stored = f.read()
    with PILImage.open(io.BytesIO(stored)) as pil:
        assert pil.format == "JPEG"
        assert "exif" not in pil.info and "comment" not in pil.info
        assert not pil.getexif()
        assert (image.width, image.height) == pil.size == (40, 20)
    assert b"DemoCam" not in stored
    assert image.file_size == len(stored)
    assert image.file_hash == hash_filelike(io.BytesIO(stored))


def test_orientation_is_applied_to_the_pixels():
    # Orientation 6 = rotate 90° clockwise to display: a 40×20 photo shows as 20×40.
    image = Image(
        title="rotated",
        file=SimpleUploadedFile("r.jpg", jpeg_with_gps(orientation=6), "image/jpeg"),
    )
    image.save()
    assert (image.width, image.height) == (20, 40)
    with image.open_file() as f, PILImage.open(f) as pil:
        assert pil.size == (20, 40) and not pil.getexif()


def test_saving_again_without_a_new_file_does_not_reencode():
    image = Image(title="a", file=SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg"))
    image.save()
    name, file_hash = image.file.name, image.file_hash
    image.title = "b"
    image.save()
    assert (image.file.name, image.file_hash) == (name, file_hash)


def test_png_text_chunks_and_webp_exif_are_removed():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "22.81N 108.32E")
    out = io.BytesIO()
    PILImage.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    data, fmt, *_ = strip_metadata(out.getvalue())
    assert fmt == "PNG" and b"108.32E" not in data

    exif = PILImage.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 49.0, 1.5)})
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(out, "WEBP", exif=exif)
    data, fmt, *_ = strip_metadata(out.getvalue())
    with PILImage.open(io.BytesIO(data)) as pil:
        assert fmt == "WEBP" and not pil.getexif() and "exif" not in pil.info


def test_other_files_are_left_alone():
    out = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(out, "BMP")
    assert strip_metadata(out.getvalue()) is None
    assert strip_metadata(b"not an image") is None


def animated_gif_with_comment() -> bytes:
    frames = [PILImage.new("RGB", (12, 10), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"Zhang San, found at Nanning station",
    )
    return out.getvalue()


def test_gif_comments_are_removed_and_the_animation_kept():
    data = animated_gif_with_comment()
    with PILImage.open(io.BytesIO(data)) as pil:
        assert pil.info["comment"] == b"Zhang San, found at Nanning station"  # the fixture
    image = Image(title="gif", file=SimpleUploadedFile("zhang-san.gif", data, "image/gif"))
    image.save()
    with image.open_file() as f:
        stored = f.read()
    assert b"Zhang San" not in stored
    with PILImage.open(io.BytesIO(stored)) as pil:
        assert pil.format == "GIF" and "comment" not in pil.info
        assert pil.n_frames == 3 and pil.info.get("loop") == 0
        durations = []
        for index in range(pil.n_frames):
            pil.seek(index)
            durations.append(pil.info["duration"])
        assert durations == [100, 200, 300]
    assert image.file_size == len(stored) and (image.width, image.height) == (12, 10)


@pytest.mark.parametrize("name", ["张三.jpg", "zhang-san.jpg", "Zhang San 1998.JPEG"])
def test_an_uploaded_image_is_stored_under_a_random_name(name):
    image = Image(title="p", file=SimpleUploadedFile(name, jpeg_with_gps(), "image/jpeg"))
    image.save()
    assert re.fullmatch(r"original_images/[0-9a-f]{32}\.jpg", image.file.name), image.file.name
    other = Image(title="p", file=SimpleUploadedFile(name, jpeg_with_gps(), "image/jpeg"))
    other.save()
    assert other.file.name != image.file.name


def test_a_file_that_is_not_reencoded_is_renamed_too():
    image = Image(title="bmp", width=4, height=4)
    out = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(out, "BMP")
    image.file = SimpleUploadedFile("li-si.bmp", out.getvalue(), "image/bmp")
    image.save()
    assert "li-si" not in image.file.name
    assert re.fullmatch(r"original_images/[0-9a-f]{32}\.bmp", image.file.name)
