"""The home page's "latest notices" slot, read from the full demo content."""

import pytest


@pytest.mark.django_db
def test_home_page_lists_the_latest_seeking_notices(client, demo_site):
    from notices.models import FamilySearchNoticePage

    html = client.get("/").content.decode()
    seeking = FamilySearchNoticePage.objects.live().filter(status="seeking")
    newest = seeking.order_by("-first_published_at").first()
    assert newest.url in html
    closed = FamilySearchNoticePage.objects.exclude(status="seeking").first()
    assert closed.url not in html
