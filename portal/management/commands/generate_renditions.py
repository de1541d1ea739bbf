"""Make every registered rendition (portal/renditions.py) of every image that lacks one, e.g.
after a deployment that adds a size to a template. Safe to run at any time."""

from django.core.management.base import BaseCommand

from wagtail.images import get_image_model

from portal.renditions import generate, registered


class Command(BaseCommand):
    help = "Make the renditions the public templates use, for every image."

    def handle(self, *args, **options):
        ids = list(get_image_model().objects.values_list("pk", flat=True))
        made = generate(ids)
        self.stdout.write(
            f"{made} renditions made for {len(ids)} images ({', '.join(registered())})."
        )
