"""The public rendition storage on S3 (production with a bucket): see portal/storage.py."""

from storages.backends.s3 import S3Storage

from .storage import RandomNames


class PublicS3RenditionStorage(RandomNames, S3Storage):
    """Renditions in the bucket's public prefix, each under a random name."""
