"""Image renditions made before anyone asks for them.

Resizing a 12-megapixel phone photo takes a third of a second or more; no visitor should pay it.
Every rendition filter a public template uses is registered here by the app that owns the
template (``register()`` in its ``AppConfig.ready``), and a background task makes them all:

- when an image is uploaded or its file replaced (the task is enqueued after the commit);
- when a page is published, for the images it shows (``page.rendition_images()`` if the page
  type defines it, else every image the page refers to), so renditions deleted on purpose (a
  closed notice) come back only if the page shows them again;
- on demand: ``manage.py generate_renditions`` after a deployment that adds a filter.

Templates then find every rendition ready (listings prefetch them), and
``tests/performance/test_renditions.py`` proves that rendering a listing creates none.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

_SPECS: list[str] = []


def register(*specs: str) -> None:
    """Declare rendition filters used by public templates (e.g. "fill-240x300")."""
    for spec in specs:
        if spec not in _SPECS:
            _SPECS.append(spec)


def registered() -> tuple[str, ...]:
    return tuple(_SPECS)


def generate(image_ids) -> int:
    """Make every registered rendition of these images that does not exist yet; returns how
    many were made. An image whose file cannot be read is logged and skipped."""
    from wagtail.images import get_image_model

    specs = registered()
    if not specs:
        return 0
    made = 0
    images = get_image_model().objects.filter(pk__in=list(image_ids)).prefetch_renditions()
    for image in images:
        before = len(image.renditions.all())
        try:
            image.get_renditions(*specs)
        except Exception:
            logger.warning("Could not make renditions of image %s", image.pk, exc_info=True)
            continue
        made += max(0, image.renditions.count() - before)
    return made


def images_shown_by(page) -> list[int]:
    """The ids of the images a page shows: its own ``rendition_images()`` when the page type
    says, else every image it refers to (fields, inline rows, StreamField blocks)."""
    from wagtail.images import get_image_model
    from wagtail.models import ReferenceIndex

    page = page.specific
    own = getattr(page, "rendition_images", None)
    if callable(own):
        return list(own())
    image_type = ReferenceIndex._get_base_content_type(get_image_model())
    found = set()
    for (
        content_type_id,
        object_id,
        _model_path,
        _content_path,
    ) in ReferenceIndex._extract_references_from_object(page):
        if content_type_id == image_type.pk:
            found.add(int(object_id))
    return sorted(found)


def enqueue(image_ids) -> None:
    """Ask the worker to make the renditions once the current transaction has committed. A
    failure to enqueue is logged, never raised: the image or page is saved regardless."""
    ids = sorted(set(image_ids))
    if not ids or not registered():
        return

    def send():
        from .tasks import generate_renditions

        try:
            generate_renditions.enqueue(ids)
        except Exception:
            logger.warning("Could not enqueue renditions for images %s", ids, exc_info=True)

    transaction.on_commit(send)


def image_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save of the image model: a new image, or one whose file changed."""
    if raw:
        return
    replaced = getattr(instance, "_portal_file_replaced", False)
    instance._portal_file_replaced = False
    if created or replaced:
        enqueue([instance.pk])


def page_published(sender, instance, **kwargs) -> None:
    try:
        ids = images_shown_by(instance)
    except Exception:
        logger.warning("Could not list the images of page %s", instance.pk, exc_info=True)
        return
    enqueue(ids)
