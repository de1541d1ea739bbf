"""Tip photos: checked from their content and re-encoded before anything is stored.

Only JPEG, PNG and WebP are accepted, recognised by Pillow from the bytes (never the file name
or the browser's content type). Size and pixel limits are checked before decoding; decompression
bombs and damaged files are refused. What is stored is a fresh JPEG: orientation applied, at
most 2560 px on the long side, with no EXIF (so no GPS position or camera serial), no ICC
profile and no comments. Photos go to the private storage only and are never linked publicly.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
JPEG_QUALITY = 85
# Pillow reports camera JPEGs with a multi-picture header as MPO; they are JPEG files.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
OPEN_FORMATS = ["JPEG", "PNG", "WEBP"]

MESSAGES = {
    "too_large": _("The photo is too large. Choose a photo of at most 10 MB."),
    "too_many_pixels": _("The photo has too many pixels. Choose a photo of at most 40 megapixels."),
    "bad_type": _("Choose a photo in JPEG, PNG or WebP format."),
    "damaged": _(
        "The photo could not be read: it may be damaged or incomplete. Choose another one."
    ),
    "empty": _("The photo file is empty."),
    "not_only_photo": _(
        "This file contains something other than a photo. Choose the photo itself."
    ),
}
# Markers of web content hidden in an image (polyglot files): a browser or a server that
# trusted the file could run it. Long, specific byte strings, so real photo data never matches.
SCRIPT_MARKERS = (b"<script", b"<?php", b"<html", b"<svg", b"<iframe", b"javascript:")


def _error(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _read_limited(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _error("too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _error("too_large")
    if not data:
        raise _error("empty")
    return data


def _carries_other_content(data: bytes) -> bool:
    """A polyglot: an archive appended to the image (ZIP, JAR, DOCX, APK: their directory
    sits at the end of the file, where zipfile looks), or web content inside it."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        return True
    lowered = data.lower()
    return any(marker in lowered for marker in SCRIPT_MARKERS)


def _target_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def clean_photo(upload) -> ContentFile:
    """Check an uploaded photo and return it re-encoded as ``<uuid>.jpg``.

    Raises ValidationError (codes: too_large, empty, not_only_photo, bad_type, too_many_pixels,
    damaged)."""
    data = _read_limited(upload)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _error("too_many_pixels") from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _error("bad_type") from None
        with image:
            if image.format not in ACCEPTED_FORMATS:
                raise _error("bad_type")
            if _carries_other_content(data):
                raise _error("not_only_photo")
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise _error("too_many_pixels")
            try:
                if image.format in {"JPEG", "MPO"}:
                    # Decode at a reduced scale where the JPEG allows it: less memory and time.
                    image.draft("RGB", _target_size(width, height))
                image.load()
                clean = _reencode(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _error("too_many_pixels") from None
            except Exception as exc:
                logger.info("Rejected a tip photo that could not be decoded: %r", exc)
                raise _error("damaged") from None
    return ContentFile(clean, name=f"{uuid.uuid4().hex}.jpg")


def _reencode(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Nothing from the original file is carried over: no EXIF, XMP, ICC profile or comment.
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
