"""The station directory of the seeded demo portal (`make run`).

In its own module: ``demo_site`` seeds once per module and keeps the content until the module
ends, so tests that build their own tree must not share a module with it.
"""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_directory_in_both_languages(client, demo_site):
    """The seeded portal (`make run`): 14 city stations and the duty desk, Chinese and English."""
    response = client.get("/stations/")
    assert response.status_code == 200
    assert len(response.context["stations"]) == 14
    assert response.context["fallback_station"].code == "450000"
    assert "广西壮族自治区" in response.content.decode()

    english = client.get("/en/stations/?city=450200")
    assert english.status_code == 200
    assert [s.code for s in english.context["stations"]] == ["450200"]
    assert "Liuzhou Rescue Management Station" in english.content.decode()
    assert client.get("/en/stations/450200/").status_code == 200
