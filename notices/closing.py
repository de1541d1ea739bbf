"""Closing a notice with dignity: when a notice is published as reunited or withdrawn its
photos' renditions are deleted and purged from the CDN (the closed page shows no photo, and old
thumbnail URLs answer 404); every published change of status is recorded as a
NoticeStatusChange. The originals stay in the original storage for the station's file: that
storage is never served publicly (portal/storage.py), and renditions made later (an editor's
thumbnail) get new random names that no public page ever showed.

The receiver must be imported from ``NoticesConfig.ready`` so it is connected.
"""

import logging

from django.db import transaction
from django.dispatch import receiver

from wagtail.models import PageLogEntry
from wagtail.signals import page_published

logger = logging.getLogger(__name__)


def public_notices(queryset):
    """Only what the public may find: live notices still seeking a family (for search)."""
    from .models import FamilySearchNoticePage

    return queryset.live().filter(status=FamilySearchNoticePage.Status.SEEKING)


def _previous_status(page, revision) -> str:
    """The status before this publication: the last recorded change, else the status of the
    previously published revision, else "" (first publication)."""
    last = page.status_changes.order_by("-changed_at", "-pk").first()
    if last is not None:
        return last.to_status
    earlier = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish", revision__isnull=False)
        .exclude(revision=revision)
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if earlier is not None:
        return (earlier.revision.content or {}).get("status", "")
    return ""


def delete_renditions(page) -> int:
    """Delete the renditions of the notice's photos (they regenerate if an image is shown
    elsewhere). Returns how many were deleted."""
    from wagtail.images import get_image_model

    rendition_model = get_image_model().get_rendition_model()
    image_ids = list(page.photos.values_list("image_id", flat=True))
    renditions = rendition_model.objects.filter(image_id__in=image_ids)
    urls = [rendition.full_url for rendition in renditions]
    # QuerySet.delete() still sends post_delete per rendition, so Wagtail removes the files.
    deleted, _by_model = renditions.delete()
    if urls:
        transaction.on_commit(lambda: _purge(urls))
    return deleted


def _purge(urls: list[str]) -> None:
    """Ask the configured CDN (WAGTAILFRONTENDCACHE, if any) to forget the deleted files."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(urls)
    except Exception:
        logger.warning("Could not purge a closed notice's photos from the CDN", exc_info=True)


@receiver(page_published)
def notice_published(sender, instance, revision=None, **kwargs):
    from .models import FamilySearchNoticePage, NoticeStatusChange

    if not isinstance(instance, FamilySearchNoticePage):
        return
    with transaction.atomic():
        previous = _previous_status(instance, revision)
        if previous != instance.status:
            NoticeStatusChange.objects.create(
                page=instance,
                from_status=previous,
                to_status=instance.status,
                user=getattr(revision, "user", None),
            )
        if not instance.is_active:
            delete_renditions(instance)
