"""The page editor's "Private: never published" panel. It holds no form field: the private
details are not part of the page (notices/private.py). The holding station's members and the
coordinators see a link to the private record; everyone else sees only that one exists."""

from django.urls import reverse

from wagtail.admin.panels import Panel


class PrivateRecordPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "notices/admin/private_record_panel.html"

        def get_context_data(self, parent_context=None):
            from .private import may_see_private

            context = super().get_context_data(parent_context)
            page = self.instance
            saved = bool(page and page.pk)
            context["saved"] = saved
            context["may_see"] = saved and may_see_private(self.request.user, page)
            context["url"] = reverse("notices_private_record", args=[page.pk]) if saved else ""
            return context
