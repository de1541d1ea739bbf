from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from portal.roles import EDITORS, MODERATORS

# Editors and Moderators keep the topic and audience lists (add, rename, reorder); deleting a
# topic or audience stays with administrators, since explainers and bookmarked filters use them.
LIST_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("policytopic", "audience")
    for action in ("add", "change", "view")
]
LIST_EDITORS = (EDITORS, MODERATORS)


def grant_list_permissions(sender=None, **kwargs) -> None:
    """Give Wagtail's Editors and Moderators groups the list permissions, additively (never
    removes one) after every migrate of this app."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    config = apps.get_app_config("policies")
    # auth creates permissions in its own post_migrate receiver, which may run after this one.
    create_permissions(config, verbosity=0, using=kwargs.get("using", "default"))
    permissions = list(
        Permission.objects.filter(content_type__app_label="policies", codename__in=LIST_PERMISSIONS)
    )
    for group in Group.objects.filter(name__in=LIST_EDITORS):
        group.permissions.add(*permissions)


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policy explainers")

    def ready(self):
        post_migrate.connect(
            grant_list_permissions, sender=self, dispatch_uid="policies_list_perms"
        )
