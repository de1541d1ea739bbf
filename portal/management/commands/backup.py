"""Back up the database and the local media folders into a new folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online copy or pg_dump) and local media into a folder."

    def add_arguments(self, parser):
        parser.add_argument("target", help="a new, empty folder")

    def handle(self, *args, target: str, **options):
        try:
            manifest = create_backup(Path(target))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{k.split('.')[-1]}={v}" for k, v in manifest["counts"].items())
        self.stdout.write(f"Backup of {manifest['vendor']} written to {target}: {counts}")
