"""Restore a folder written by `manage.py backup` into the configured database and media
folders, and check the row counts. Stop the web servers and workers first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into the configured database and media folders."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a folder written by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that has content"
        )

    def handle(self, *args, source: str, force: bool, **options):
        try:
            result = restore_backup(Path(source), force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{k.split('.')[-1]}={v}" for k, v in result["counts"].items())
        self.stdout.write(f"Restored from {source}; row counts match the backup: {counts}")
