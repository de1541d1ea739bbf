"""Building blocks for `manage.py seed_demo`.

Every project app may have a ``demo`` module with a ``seed(ctx)`` function; the command calls
them in INSTALLED_APPS order (portal, home, stations, ...). Each seeder is idempotent: it looks
records up by a natural key and only creates what is missing, so running the command twice
gives the same counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from wagtail.models import Locale, Page, Site

# Development-only password for the demo accounts; README lists it. Never used in production:
# seed_demo refuses to run unless settings.DEMO_SEED_ALLOWED is true (dev and test only).
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "guitu-demo-2026")


@dataclass
class SeedContext:
    stdout: object
    created_accounts: list[tuple[str, str]] = field(default_factory=list)

    def say(self, message: str) -> None:
        self.stdout.write(message)


def default_site() -> Site:
    return Site.objects.select_related("root_page").get(is_default_site=True)


def english_locale() -> Locale:
    locale, _ = Locale.objects.get_or_create(language_code="en")
    return locale


def ensure_child_page(parent: Page, page_class, slug: str, en: dict | None = None, **fields):
    """The live child of ``parent`` with this slug and type, created and published if missing.

    ``en`` holds the English field values; when given, an English translation is kept under the
    English version of ``parent`` (which must exist).
    """
    page = page_class.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = page_class(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    if en is not None:
        ensure_translation(page, **en)
    return page


def ensure_translation(page: Page, **fields) -> Page:
    locale = english_locale()
    translation = page.get_translation_or_none(locale)
    if translation is None:
        with transaction.atomic():
            translation = page.copy_for_translation(locale, copy_parents=False)
            for name, value in fields.items():
                setattr(translation, name, value)
            translation.save_revision().publish()
    return translation.specific


def ensure_user(
    ctx: SeedContext,
    username: str,
    *,
    first_name: str,
    last_name: str = "",
    email: str = "",
    groups: tuple[str, ...] = (),
    superuser: bool = False,
):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email or f"{username}@guitu.invalid",
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        ctx.created_accounts.append((username, DEMO_PASSWORD))
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def seed(ctx: SeedContext) -> None:
    """Provincial accounts: a superuser for developers, a coordinator and an editor."""
    from portal.roles import COORDINATORS, EDITORS, MODERATORS

    ensure_user(ctx, "admin", first_name="管理员", superuser=True)
    ensure_user(ctx, "coordinator", first_name="省级协调员", groups=(COORDINATORS,))
    ensure_user(ctx, "editor", first_name="内容编辑", groups=(EDITORS, MODERATORS))
