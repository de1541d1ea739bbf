"""Serving image files: the public renditions on a single host, an original to an editor.

``serve_public`` answers ``MEDIA_URL`` when the renditions are on this machine's disk (no S3):
only files that exist in the public rendition folder, never a folder listing, never a path
outside it, with long cache headers (a rendition's name is random and its content never
changes). A proxy may serve the same folder itself (docs/deploy.md); S3 serves its public
prefix.

``original_image`` gives an image's original file to a signed-in user who may edit or choose
that image: it is where the admin's link to an original leads (the original storage's URLs
point here). Nothing else ever serves an original.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import stat

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# What a rendition can be: the formats Wagtail writes.
PUBLIC_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


def rendition_storage():
    from wagtail.images.models import get_rendition_storage

    return get_rendition_storage()


def serves_public_media() -> bool:
    """True when the renditions are files on this machine reached under a local MEDIA_URL."""
    return isinstance(rendition_storage(), FileSystemStorage) and settings.MEDIA_URL.startswith("/")


def _clean_path(path: str) -> str:
    """The path of a file in the public folder, or Http404 for anything that is not plainly
    one: no empty, hidden, parent or absolute segments, no backslashes or NUL bytes."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise Http404
    parts = path.split("/")
    if any(not part or part.startswith(".") for part in parts):
        raise Http404
    if posixpath.normpath(path) != path:
        raise Http404
    return path


@require_safe
def serve_public(request, path):
    """GET/HEAD MEDIA_URL<path>: one public rendition file, or 404."""
    storage = rendition_storage()
    if not isinstance(storage, FileSystemStorage):
        raise Http404
    path = _clean_path(path)
    content_type = PUBLIC_TYPES.get(os.path.splitext(path)[1].lower())
    if content_type is None:
        raise Http404
    try:
        full_path = storage.path(path)  # refuses a path outside the storage's folder
        status = os.stat(full_path)
    except (SuspiciousFileOperation, OSError, ValueError) as exc:
        raise Http404 from exc
    if not stat.S_ISREG(status.st_mode):
        raise Http404
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), status.st_mtime):
        response = HttpResponseNotModified()
    else:
        try:
            handle = open(full_path, "rb")  # noqa: SIM115 (FileResponse closes it)
        except OSError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(status.st_size)
    response["Last-Modified"] = http_date(status.st_mtime)
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MEDIA_CACHE_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def original_image(request, path):
    """GET /admin/originals/<path>: the original of an image the user may edit or choose."""
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    image = get_object_or_404(get_image_model(), file=path)
    permission_policy = policy_registry.get_by_type(get_image_model())
    if not permission_policy.user_has_any_permission_for_instance(
        request.user, ["change", "choose"], image
    ):
        raise PermissionDenied
    try:
        handle = image.file.storage.open(image.file.name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
