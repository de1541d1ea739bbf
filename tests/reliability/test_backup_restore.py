"""A backup restores: `manage.py backup` of the demo database and media, then
`manage.py restore_backup` into an empty database and media folder elsewhere, gives the same
row counts, the same image files, a database with every migration applied, and a site that
passes `manage.py check`. On SQLite (online copy) and on PostgreSQL (pg_dump/pg_restore)."""

import copy
import io
import json
import uuid
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from wagtail.images.models import Image

import pytest

from portal.backups import row_counts
from tests.support.processes import child_environment, manage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def storages_at(root: Path) -> dict:
    storages = copy.deepcopy(django_settings.STORAGES)
    storages["private"]["OPTIONS"]["location"] = str(root / "private")
    return storages


def empty_database() -> dict:
    """Connection settings of a new, empty database of the same kind as the test database."""
    db = connection.settings_dict
    config = {k: db[k] for k in ("ENGINE", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
    if connection.vendor == "sqlite":
        return config  # NAME is set by the caller (a new file)
    name = f"guitu_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    config["NAME"] = name
    return config


def drop_database(name: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_the_same_content(tmp_path, settings):
    if connection.vendor not in {"sqlite", "postgresql"}:
        pytest.skip("backups support SQLite and PostgreSQL")
    settings.MEDIA_ROOT = str(tmp_path / "live" / "media")  # the signal moves the storage too
    call_command("seed_demo", stdout=io.StringIO())
    expected = row_counts()
    assert expected["tip_reports.TipReport"] > 0 and expected["wagtailimages.Image"] > 0
    image_files = sorted(image.file.name for image in Image.objects.all())

    (tmp_path / "a").mkdir()
    source = child_environment(
        tmp_path / "a",
        MEDIA_ROOT=str(tmp_path / "live" / "media"),
        STORAGES=storages_at(tmp_path / "live"),
    )
    backup_dir = tmp_path / "backup"
    made = manage(source, "backup", str(backup_dir))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["counts"] == expected
    assert (backup_dir / "media.tar.gz").exists()

    target = empty_database()
    if connection.vendor == "sqlite":
        target["NAME"] = str(tmp_path / "restored.sqlite3")
    (tmp_path / "b").mkdir()
    restored_env = child_environment(
        tmp_path / "b",
        DATABASES={"default": target},
        MEDIA_ROOT=str(tmp_path / "restored" / "media"),
        STORAGES=storages_at(tmp_path / "restored"),
    )
    try:
        done = manage(restored_env, "restore_backup", str(backup_dir))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "row counts match" in done.stdout

        counted = manage(
            restored_env,
            "shell",
            "-c",
            "import json; from portal.backups import row_counts; print(json.dumps(row_counts()))",
        )
        assert json.loads(counted.stdout.strip().splitlines()[-1]) == expected
        pending = manage(restored_env, "migrate", "--check", "--noinput")
        assert pending.returncode == 0, pending.stdout + pending.stderr
        checked = manage(restored_env, "check")
        assert checked.returncode == 0, checked.stderr
        for name in image_files:
            assert (tmp_path / "restored" / "media" / name).is_file(), name

        # A second restore over a database with content is refused without --force.
        again = manage(restored_env, "restore_backup", str(backup_dir))
        assert again.returncode != 0 and "--force" in again.stderr
    finally:
        drop_database(target["NAME"])
