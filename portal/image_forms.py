"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): an upload is decoded in full before
it is accepted, so a truncated or corrupt file gets a form error instead of failing later when
its metadata is removed or its thumbnail is made. Wagtail's field has already checked the
format, the size and the pixel count (every frame counted) from the header, so decoding stays
within those limits.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.images.forms import BaseImageForm

from PIL import Image as PILImage
from PIL import ImageSequence

logger = logging.getLogger(__name__)

DAMAGED = _("This image could not be read: the file may be damaged or incomplete.")


def check_decodes(upload) -> None:
    """Raise ValidationError unless every frame of the uploaded image decodes."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data)) as image:
                for frame in ImageSequence.Iterator(image):
                    frame.load()
        except Exception as exc:
            logger.info("Refused an image upload that does not decode: %r", exc)
            raise ValidationError(DAMAGED, code="damaged") from None


class ImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            check_decodes(upload)
        return upload
