from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.signal_handlers import disable_reference_index_auto_update

from portal.demo import SeedContext
from portal.roles import ensure_groups


class Command(BaseCommand):
    help = "Create the demo page tree, stations and accounts (idempotent; development only)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_SEED_ALLOWED", False):
            raise CommandError(
                "seed_demo creates accounts with a published password and only runs where "
                "settings.DEMO_SEED_ALLOWED is true (development and test settings)."
            )
        ctx = SeedContext(stdout=self.stdout)
        with transaction.atomic():
            # Wagtail re-reads a whole page's references on every save of one of its inline
            # rows (a campaign's 90 venues: 90 full passes), which was most of the seeding
            # time; the index is built once at the end instead.
            with disable_reference_index_auto_update():
                ensure_groups()
                modules = list(self.demo_modules())
                for phase in ("seed", "seed_late"):
                    for module in modules:
                        step = getattr(module, phase, None)
                        if step is not None:
                            step(ctx)
            call_command("rebuild_references_index", verbosity=0)
        if ctx.created_accounts:
            self.stdout.write("")
            self.stdout.write("Demo accounts (development only):")
            for username, password in ctx.created_accounts:
                self.stdout.write(f"  {username:<16} {password}")
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    @staticmethod
    def demo_modules():
        """The ``demo`` modules of the project's own apps, in PROJECT_APPS order."""
        for app_name in settings.PROJECT_APPS:
            module_name = f"{app_name}.demo"
            if find_spec(module_name):
                yield import_module(module_name)
