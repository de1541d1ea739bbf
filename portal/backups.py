"""Backups of the database and the media files, and their restore (`manage.py backup`,
`manage.py restore_backup`). See docs/operations.md, "Backups".

A backup is a folder with the database (an online SQLite copy, or a PostgreSQL custom-format
dump), the media folders (originals and documents, public renditions, tip photos) when they
are on this machine's disk, and a ``manifest.json`` with the row counts of the tables that
matter, which the restore checks.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone

from .registry import registry

MANIFEST = "manifest.json"
SQLITE_FILE = "guitu.sqlite3"
POSTGRES_FILE = "guitu.dump"
# The tables whose row counts a restore must reproduce: these, then what the apps register
# (portal.registry.add_backup_models).
BASE_COUNTED_MODELS = [
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "auth.User",
]


def counted_models() -> list[str]:
    return [*BASE_COUNTED_MODELS, *registry.backup_models]


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    counts = {}
    for label in counted_models():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[label] = model._default_manager.count()
    return counts


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _local_media() -> dict[str, Path]:
    """The media folders kept on this machine (not S3), by name: the originals and documents,
    the public renditions unless they are inside the first (the default), the tip photos."""
    from wagtail.images.models import get_rendition_storage

    folders = {}
    candidates = (
        ("media", storages["default"]),
        ("public", get_rendition_storage()),
        ("private", storages["private"]),
    )
    for name, storage in candidates:
        if isinstance(storage, FileSystemStorage):
            folder = Path(storage.location)
            if not any(folder.is_relative_to(kept) for kept in folders.values()):
                folders[name] = folder
    return folders


def create_backup(target: Path) -> dict:
    """Write a backup of the database and local media into ``target`` (created; must be empty)."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_FILE)
        try:
            # SQLite's online backup: consistent while the site and the worker keep writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
        database_file = SQLITE_FILE
    elif connection.vendor == "postgresql":
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "-f",
                str(target / POSTGRES_FILE),
                db["NAME"],
            ],
            check=True,
            env=env,
        )
        database_file = POSTGRES_FILE
    else:
        raise BackupError(f"no backup method for {connection.vendor}")

    media = {}
    for name, folder in _local_media().items():
        if folder.exists():
            archive = target / f"{name}.tar.gz"
            with tarfile.open(archive, "w:gz") as tar:
                tar.add(folder, arcname=name)
            media[name] = archive.name
    manifest = {
        "created": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": database_file,
        "media": media,
        "counts": row_counts(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def restore_backup(source: Path, *, force: bool = False) -> dict:
    """Restore ``source`` into the configured database and media folders, then check the row
    counts against the manifest. Refuses to overwrite a database that has pages unless
    ``force``. Stop the web servers and workers first."""
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of {manifest['vendor']}, the configured database is {connection.vendor}"
        )
    if not force and _has_content():
        raise BackupError("the configured database already has content (use --force)")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()
        target = Path(db["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source_db = sqlite3.connect(source / manifest["database"])
        destination = sqlite3.connect(target)
        try:
            source_db.backup(destination)
        finally:
            source_db.close()
            destination.close()
    else:
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                db["NAME"],
                str(source / manifest["database"]),
            ],
            check=True,
            env=env,
        )
        connection.close()

    folders = _local_media()
    for name, archive in manifest.get("media", {}).items():
        folder = folders.get(name)
        if folder is None:
            continue
        folder.parent.mkdir(parents=True, exist_ok=True)
        unpacked = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".restore-"))
        try:
            with tarfile.open(source / archive) as tar:
                tar.extractall(unpacked, filter="data")
            if folder.exists():
                shutil.rmtree(folder)
            (unpacked / name).rename(folder)
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)

    restored = row_counts()
    different = {
        label: (count, restored.get(label))
        for label, count in manifest["counts"].items()
        if restored.get(label) != count
    }
    if different:
        raise BackupError(f"row counts differ after the restore: {different}")
    return {"counts": restored, "manifest": manifest}


def _has_content() -> bool:
    try:
        from wagtail.models import Page

        return Page.objects.count() > 2
    except Exception:  # no tables yet
        return False
