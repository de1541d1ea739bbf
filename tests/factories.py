"""Builders shared by the test packages. App-specific factories live in tests/<app>/factories.py.

Pages are built under the default site the way editors build them: added to the tree, then a
revision published, so they are live and have a URL.
"""

from wagtail.models import Page


def publish_child(parent: Page, page: Page) -> Page:
    """Add ``page`` below ``parent``, publish it and return it fresh from the database."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
