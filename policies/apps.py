from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policy explainers")

    def ready(self):
        from portal.registry import registry
        from portal.roles import EDITORS, MODERATORS

        # Editors and Moderators keep the topic and audience lists (add, rename, reorder);
        # deleting one stays with administrators, since explainers and bookmarked filters use
        # them.
        for role in (EDITORS, MODERATORS):
            registry.grant(
                role,
                *(
                    f"policies.{action}_{model}"
                    for model in ("policytopic", "audience")
                    for action in ("add", "change", "view")
                ),
            )
