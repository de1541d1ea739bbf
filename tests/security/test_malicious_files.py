"""A corpus of malicious files sent as the tip photo: each is refused with a clear message in
the visitor's language, a 400, and nothing saved. The files are built here (nothing binary is
committed); what a real phone sends is accepted (tests/tip_reports/test_photos.py)."""

import gzip
import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from tests.tip_reports.helpers import EN, URLS, ZH, counts, message, page_text

pytestmark = pytest.mark.django_db

BAD_TYPE = "Choose a photo in JPEG, PNG or WebP format."
NOT_ONLY_PHOTO = "This file contains something other than a photo. Choose the photo itself."
TOO_MANY_PIXELS = "The photo has too many pixels. Choose a photo of at most 40 megapixels."
DAMAGED = "The photo could not be read: it may be damaged or incomplete. Choose another one."


def jpeg(size=(32, 24), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def noisy_jpeg() -> bytes:
    """640×480 of noise-like pixels: compresses badly, so a cut lands in the picture data."""
    image = Image.frombytes(
        "RGB", (640, 480), bytes((i * 7919) % 251 for i in range(640 * 480 * 3))
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png(size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "#!/bin/sh\necho pwned\n")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims huge dimensions (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\0" * 1000)
    idat = (
        struct.pack(">I", len(data))
        + b"IDAT"
        + data
        + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    )
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat


def gif_javascript_polyglot() -> bytes:
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(document.domain)//;"


CORPUS = {
    "JPEG with a ZIP archive appended (polyglot)": (
        jpeg() + zip_bytes(),
        "photo.jpg",
        NOT_ONLY_PHOTO,
    ),
    "PNG with a ZIP archive appended (polyglot)": (
        png() + zip_bytes(),
        "photo.png",
        NOT_ONLY_PHOTO,
    ),
    "JPEG with a script in its comment (polyglot)": (
        jpeg(comment=b"*/<script>alert(1)</script>/*"),
        "photo.jpg",
        NOT_ONLY_PHOTO,
    ),
    "JPEG with PHP appended": (
        jpeg() + b"<?php system($_GET['c']); ?>",
        "photo.jpg",
        NOT_ONLY_PHOTO,
    ),
    "GIF/JavaScript polyglot": (gif_javascript_polyglot(), "photo.gif", BAD_TYPE),
    "SVG with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "photo.svg",
        BAD_TYPE,
    ),
    "HTML renamed .jpg": (
        b"<!doctype html><html><script>alert(1)</script></html>",
        "photo.jpg",
        BAD_TYPE,
    ),
    "ZIP renamed .jpg": (zip_bytes(), "photo.jpg", BAD_TYPE),
    "gzip renamed .png": (gzip.compress(b"x" * 5000), "photo.png", BAD_TYPE),
    "PDF renamed .jpg": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "photo.jpg", BAD_TYPE),
    "ELF executable renamed .jpg": (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "photo.jpg", BAD_TYPE),
    "Windows executable named .exe": (b"MZ\x90\x00" + b"\0" * 200, "photo.exe", BAD_TYPE),
    "huge dimensions in a tiny PNG": (
        png_header_claiming(100_000, 100_000),
        "photo.png",
        TOO_MANY_PIXELS,
    ),
    "JPEG cut off inside its header": (jpeg((640, 480))[:300], "photo.jpg", BAD_TYPE),
    "JPEG cut off mid-picture": (noisy_jpeg()[:6000], "photo.jpg", DAMAGED),
    "PNG cut off mid-data": (png((640, 480))[:120], "photo.png", DAMAGED),
    "zero-byte file": (b"", "photo.jpg", "The photo file is empty."),
}


@pytest.mark.parametrize("language", [ZH, EN])
@pytest.mark.parametrize("case", list(CORPUS))
def test_each_malicious_file_is_refused_clearly_and_nothing_is_saved(
    case, language, request, tip_client, valid_post_data
):
    request.getfixturevalue("english_report_page" if language == EN else "report_page")
    content, name, msgid = CORPUS[case]
    before = counts()
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = tip_client.post(URLS[language], {**valid_post_data, "photo": photo})
    assert response.status_code == 400, case
    assert message(msgid, language) in page_text(response), case
    assert counts() == before


def test_a_phone_photo_with_a_motion_video_appended_is_still_accepted(
    report_page, tip_client, valid_post_data
):
    """Phones append a short video after the picture (motion photos); that is not a threat
    once the picture is re-encoded, and refusing it would lose real photos."""
    from tip_reports.models import TipReport

    motion = jpeg((64, 48)) + b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 500
    photo = SimpleUploadedFile("PXL_0001.MP.jpg", motion, content_type="image/jpeg")
    response = tip_client.post(URLS[ZH], {**valid_post_data, "photo": photo})
    assert response.status_code == 302
    stored = TipReport.objects.latest("pk").photo
    with stored.open("rb") as handle:
        data = handle.read()
    assert b"ftyp" not in data and Image.open(io.BytesIO(data)).format == "JPEG"
