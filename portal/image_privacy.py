"""Uploaded images keep no metadata and no name: a photo from a phone can carry the GPS
position where it was taken, the camera's serial number and the time, and the file name a
station gives a photo is often the person's name. Every Wagtail image whose file is new or
replaced is re-encoded before it is stored, with the EXIF orientation applied to the pixels and
every other metadata block (EXIF, XMP, PNG text chunks, JPEG and GIF comments, GIF application
extensions) dropped; colour profiles, transparency and GIF animation are kept. The file is then
stored under a random name (its renditions get random names of their own, portal/storage.py).

Connected in PortalConfig.ready(); applies to every image model derived from Wagtail's
AbstractImage, so notice photos, policy images and page images alike.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.db.models.signals import pre_save
from django.dispatch import receiver

from wagtail.utils.file import hash_filelike

from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError

from .storage import random_name

logger = logging.getLogger(__name__)

# Formats that carry EXIF/XMP/text metadata and that Pillow writes back faithfully.
CLEANED_FORMATS = {"JPEG", "MPO", "WEBP", "PNG", "GIF"}
EXTENSIONS = {"JPEG": ".jpg", "WEBP": ".webp", "PNG": ".png", "GIF": ".gif"}
# Image attributes kept on re-encoding (nothing identifying).
KEPT_INFO = ("icc_profile", "transparency", "dpi", "gamma")


def strip_metadata(data: bytes) -> tuple[bytes, str, int, int] | None:
    """The image re-encoded without metadata as (bytes, format, width, height), or None if the
    file is not one of CLEANED_FORMATS (or cannot be read; Wagtail's own validation reports
    that)."""
    try:
        source = PILImage.open(io.BytesIO(data))
        source_format = source.format
        if source_format not in CLEANED_FORMATS:
            return None
        if source_format == "GIF":
            return _reencode_gif(source)
        animated = getattr(source, "is_animated", False) and source_format == "WEBP"
        kept = {key: source.info[key] for key in KEPT_INFO if key in source.info}
        if animated:
            image = source
        else:
            image = ImageOps.exif_transpose(source)  # a copy with the rotation applied
            image.info = dict(kept)
    except (UnidentifiedImageError, OSError, ValueError):
        logger.warning("Could not read an uploaded image to remove its metadata", exc_info=True)
        return None

    out = io.BytesIO()
    if source_format in ("JPEG", "MPO"):
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=92, optimize=True, **_only(kept, "icc_profile", "dpi"))
        target_format = "JPEG"
    elif source_format == "WEBP":
        options = {"quality": 92, **_only(kept, "icc_profile")}
        if animated:
            options.update(save_all=True, exif=b"", xmp=b"")
        image.save(out, "WEBP", **options)
        target_format = "WEBP"
    else:
        image.save(out, "PNG", optimize=True, **_only(kept, "icc_profile", "transparency", "dpi"))
        target_format = "PNG"
    return out.getvalue(), target_format, image.width, image.height


def _reencode_gif(source) -> tuple[bytes, str, int, int]:
    """Every frame again, with its duration and transparency, the loop count, and nothing else
    (no comment, no XMP or other application extension)."""
    frames, durations = [], []
    for frame in ImageSequence.Iterator(source):
        durations.append(frame.info.get("duration", 0))
        copy = frame.copy()
        copy.info = _only(frame.info, "transparency")
        frames.append(copy)
    options = _only(source.info, "loop")
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations)
    elif durations[0]:
        options["duration"] = durations[0]
    out = io.BytesIO()
    frames[0].save(out, "GIF", **options)
    return out.getvalue(), "GIF", source.width, source.height


def _only(info: dict, *keys: str) -> dict:
    return {key: info[key] for key in keys if key in info}


@receiver(pre_save, dispatch_uid="portal.strip_image_metadata")
def strip_image_metadata(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver for Wagtail image models: re-encode a new or replaced file."""
    from wagtail.images.models import AbstractImage

    if raw or not isinstance(instance, AbstractImage) or not instance.file:
        return
    instance._portal_file_replaced = False
    # A file assigned since the last save (an upload) is not yet committed to storage.
    if getattr(instance.file, "_committed", True):
        return
    # For portal.renditions: the renditions of a new or replaced file are made in the background.
    instance._portal_file_replaced = True
    upload = instance.file.file
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    uploaded_name = instance.file.name.rsplit("/", 1)[-1]
    cleaned = strip_metadata(data)
    if cleaned is None:
        # Not re-encoded (Wagtail's validation speaks for unreadable files), but renamed all
        # the same.
        instance.file = ContentFile(data, name=random_name(uploaded_name))
        return
    content, image_format, width, height = cleaned
    instance.file = ContentFile(content, name=random_name(f"x{EXTENSIONS[image_format]}"))
    instance.width = width
    instance.height = height
    instance.file_size = len(content)
    instance.file_hash = hash_filelike(io.BytesIO(content))
