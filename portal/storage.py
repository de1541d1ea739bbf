"""Storage for files that must never have a public URL (tip photos)."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage without URLs: files are read only through permission-checked
    views, never linked or served by the web server."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a checked view.")
