from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home and standard pages")

    def ready(self):
        from portal.pages import SectionIndexPage
        from portal.registry import registry

        # Site search and statistics' own URLs, before Wagtail's page tree.
        registry.add_localized_urls("home.urls")
        # Every section page (/policies/, /events/, …) sits directly under a home page.
        SectionIndexPage.parent_page_types = ["home.HomePage"]
