"""The printable A4 poster of a family-search notice, at /notices/<slug>/poster/.

Public facts only (never PRIVATE_FIELDS), and a QR code of the notice's full URL drawn with
segno as inline SVG, so a poster in the street leads back to the notice. A closed notice has
no poster: its URL answers 404 while the notice URL itself stays (with its closing message).
"""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

import segno

QR_ERROR = "m"
# The arguments of the SVG printed on the poster; tests rebuild the same SVG with them.
QR_SCALE = 4


def _range(low, high, template_one, template_two):
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return template_one % {"n": low if low is not None else high}
    return template_two % {"low": low, "high": high}


def age_range_text(page) -> str:
    """e.g. "about 30–40 years old"; empty when unknown."""
    return _range(
        page.age_min,
        page.age_max,
        _("about %(n)s years old"),
        _("about %(low)s–%(high)s years old"),
    )


def height_range_text(page) -> str:
    """e.g. "about 160–170 cm"; empty when unknown."""
    return _range(
        page.height_min_cm, page.height_max_cm, _("about %(n)s cm"), _("about %(low)s–%(high)s cm")
    )


def notice_qr(page, request) -> segno.QRCode:
    """The QR code of the notice's full URL (error correction level M)."""
    return segno.make(page.get_full_url(request), error=QR_ERROR, micro=False)


def notice_qr_svg(page, request) -> str:
    """The QR code as inline SVG with a title naming what it encodes."""
    url = page.get_full_url(request)
    return notice_qr(page, request).svg_inline(
        scale=QR_SCALE,
        title=_("QR code linking to this notice: %(url)s") % {"url": url},
        svgclass="poster__qr-code",
        lineclass="poster__qr-line",
    )


def notice_poster(page, request):
    if not page.is_active:
        raise Http404("A closed notice has no poster.")
    return TemplateResponse(
        request,
        "notices/notice_poster.html",
        {
            "page": page,
            "self": page,
            "notice_url": page.get_full_url(request),
            "qr_svg": notice_qr_svg(page, request),
            "photo": page.face_photo(),
            "station": page.station,
            "age_range": age_range_text(page),
            "height_range": height_range_text(page),
        },
    )
