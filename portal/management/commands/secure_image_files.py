"""Bring the image files of an existing site to the layout of issue 16 (docs/operations.md):

1. every original whose file name is not random gets a random one (the old name was often the
   person's name, and it was in every rendition URL);
2. every rendition made before (named after its original, stored beside the originals) is
   deleted, file and row;
3. the renditions of the images live pages show are made again, in the public storage, under
   random names.

Safe to run again: files already named at random and new renditions are left alone.
"""

import re

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Page

from portal.renditions import generate, images_shown_by
from portal.storage import random_name

RANDOM_ORIGINAL = re.compile(r"^original_images/[0-9a-f]{32}(\.[a-z0-9]+)?$")
RANDOM_RENDITION = re.compile(r"^images/[0-9a-f]{32}(\.[a-z0-9]+)?$")


class Command(BaseCommand):
    help = "Give image originals random names and remake renditions in the public storage."

    def handle(self, *args, **options):
        renamed = self.rename_originals()
        deleted = self.delete_old_renditions()
        made = self.remake_renditions()
        self.stdout.write(
            f"{renamed} originals renamed, {deleted} old renditions deleted, "
            f"{made} renditions made."
        )

    def rename_originals(self) -> int:
        renamed = 0
        for image in get_image_model().objects.order_by("pk"):
            old = image.file.name
            if not old or RANDOM_ORIGINAL.match(old):
                continue
            storage = image.file.storage
            try:
                with storage.open(old, "rb") as source:
                    new = storage.save(random_name(old), source)
            except FileNotFoundError:
                self.stderr.write(f"Image {image.pk}: its file {old!r} is missing; left as it is.")
                continue
            with transaction.atomic():
                type(image).objects.filter(pk=image.pk).update(file=new)
                transaction.on_commit(lambda name=old, storage=storage: storage.delete(name))
            renamed += 1
        return renamed

    def delete_old_renditions(self) -> int:
        rendition_model = get_image_model().get_rendition_model()
        deleted = 0
        for rendition in rendition_model.objects.order_by("pk").iterator():
            name = rendition.file.name
            if RANDOM_RENDITION.match(name or ""):
                continue
            # Made before: in the original storage (the old layout) or, named after its
            # original, in the public one.
            for storage in (default_storage, rendition.file.storage):
                if name and storage.exists(name):
                    storage.delete(name)
            rendition_model.objects.filter(pk=rendition.pk).delete()
            deleted += 1
        return deleted

    def remake_renditions(self) -> int:
        ids = set()
        for page in Page.objects.live().specific().iterator():
            ids.update(images_shown_by(page))
        return generate(sorted(ids))
