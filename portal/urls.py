import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import media
from portal.registry import registry

handler500 = "portal.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
]

# The public renditions when they are on this machine's disk (portal/media.py), in development
# and production alike; never the originals, which are beside them in MEDIA_ROOT.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            media.serve_public,
            name="public_media",
        )
    )

# Chinese is served without a prefix, English under /en/: the URL confs the apps registered
# (portal.registry: site search, calendar files, …) before Wagtail's page tree, which comes last.
urlpatterns += i18n_patterns(
    *(path("", include(urlconf)) for urlconf in registry.localized_urls),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
