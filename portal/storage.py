"""Where uploaded files live, and which of them have a public URL.

- ``default`` (image originals, documents): never served from ``MEDIA_URL``. An original is
  reached only by an editor through the admin (``portal.media.original_image``), a document
  through Wagtail's checked ``/documents/`` view.
- ``renditions`` (``WAGTAILIMAGES_RENDITION_STORAGE``): the resized images public pages show,
  each under a random name of its own, served from ``MEDIA_URL`` (``portal.media.serve_public``
  on one host, or the proxy, or the public prefix of the bucket).
- ``private`` (tip photos): no URL at all.
"""

from __future__ import annotations

import os
import posixpath
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.utils.functional import cached_property


def random_name(name: str) -> str:
    """``name``'s folder with a random file name of 32 hex digits and its lower-case extension:
    nothing of what the uploader called the file."""
    folder, base = posixpath.split(name.replace("\\", "/"))
    extension = os.path.splitext(base)[1].lower()
    if not extension[1:].isalnum():
        extension = ""
    return posixpath.join(folder, f"{uuid.uuid4().hex}{extension}")


class RandomNames:
    """A storage mixin: every file saved gets a random name, so no URL says what the file was
    called or what it was made from (a rendition's URL no longer carries its original's name,
    and one rendition's URL does not lead to another's)."""

    def generate_filename(self, filename):
        return super().generate_filename(random_name(filename))


def public_media_root() -> Path:
    """``PUBLIC_MEDIA_ROOT``, else the ``public`` folder of ``MEDIA_ROOT``."""
    configured = getattr(settings, "PUBLIC_MEDIA_ROOT", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "public"


class PublicRenditionStorage(RandomNames, FileSystemStorage):
    """The renditions on this machine's disk, under ``public_media_root()`` and ``MEDIA_URL``:
    the only files of ``var/media`` a web server may serve."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        setting_changed.connect(self._public_setting_changed)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, public_media_root())

    def _public_setting_changed(self, setting, **kwargs):
        if setting in {"MEDIA_ROOT", "PUBLIC_MEDIA_ROOT"}:
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage without URLs: files are read only through permission-checked
    views, never linked or served by the web server."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a checked view.")
