from django.core.files.storage import storages

import pytest


def test_private_storage_has_no_urls():
    with pytest.raises(ValueError, match="no public URL"):
        storages["private"].url("tips/2026/11/x.jpg")


def test_private_storage_lives_outside_the_public_media_folder(settings):
    location = storages["private"].location
    assert not location.startswith(str(settings.MEDIA_ROOT))
