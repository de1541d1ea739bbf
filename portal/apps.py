from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from wagtail.images import get_image_model
        from wagtail.signals import page_published

        from . import (
            image_privacy,  # noqa: F401  (connects its pre_save receiver)
            page_cache,
            renditions,
        )
        from .roles import ensure_groups
        from .search import signals as search_signals
        from .search import text as search_text

        post_migrate.connect(ensure_groups, dispatch_uid="portal.ensure_groups")
        self.connect_sign_in_guards()
        search_signals.connect()
        # The segmentation dictionary and converter are loaded once per process, here.
        search_text.load()

        post_save.connect(
            renditions.image_saved, sender=get_image_model(), dispatch_uid="portal.renditions"
        )
        page_published.connect(renditions.page_published, dispatch_uid="portal.renditions")
        # The renditions of the shared image blocks (portal/templates/blocks/).
        renditions.register("width-480", "width-800", "width-1200")

        page_cache.connect_invalidation()

    @staticmethod
    def connect_sign_in_guards():
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        # django-axes' receivers first: the spraying checks count the failure it records.
        import axes.signals  # noqa: F401

        from . import sign_in

        user_logged_in.connect(sign_in.remember_device, dispatch_uid="portal.known_device")
        user_login_failed.connect(sign_in.check_for_spraying, dispatch_uid="portal.sign_in_alarm")
