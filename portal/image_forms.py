"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): an upload is decoded in full before
it is accepted, so a truncated or corrupt file gets a form error in the editor's language
instead of a 500 (Wagtail's field reads the size through Willow, which loads the pixels and
fails on a cut file) or a broken image later. Wagtail's own checks of the format, the file size
and the pixel count (every frame counted) come first, so decoding stays within those limits.
The single and the multiple uploader both use this form.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.images.fields import WagtailImageField
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


class DecodedImageField(WagtailImageField):
    """Wagtail's image field, then every frame decoded; any failure is a form error."""

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except ValidationError:
            raise
        except Exception as exc:  # Pillow's errors for a damaged file are of many kinds
            logger.info("Refused an image upload that does not decode: %r", exc)
            raise ValidationError(DAMAGED, code="damaged") from None
        if upload is not None:
            check_decodes(upload)
        return upload


class ImageForm(BaseImageForm):
    file = DecodedImageField(label=capfirst(_("file")), widget=BaseImageForm.Meta.widgets["file"])
