"""Remove the personal data of tips resolved or closed longer ago than the retention period
(site setting "keep personal data of finished tips for (days)", default 180). See
tip_reports/retention.py; the same purge runs hourly through ``manage.py run_periodic``."""

from django.core.management.base import BaseCommand, CommandError

from tip_reports.retention import purge_personal_data, retention_days


class Command(BaseCommand):
    help = (
        "Remove reporter contact, photos, free text and coordinates from tips finished more "
        "than the retention period ago; category, area, dates and outcome stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention period in days (default: the site setting).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the tips that would be purged; change nothing.",
        )

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        if days is None:
            days = retention_days()
        result = purge_personal_data(days=days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.tips} tips finished more than {days} days ago would be "
                f"purged ({result.photos} with a photo). Nothing was changed."
            )
            return
        self.stdout.write(
            f"Purged the personal data of {result.tips} tips finished more than {days} days "
            f"ago ({result.photos} photos deleted)."
        )
        if result.failed:
            raise CommandError(
                f"{result.failed} tips could not be purged (see the log); they are retried on "
                "the next run."
            )
