import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_served_without_prefix_whatever_the_browser_asks(client, demo_site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "帮助每一位流浪乞讨人员平安回家" in response.text


def test_english_is_served_under_en(client, demo_site):
    response = client.get("/en/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert "Helping everyone without a home" in response.text
    assert client.get("/en/stations/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/policies/",
        "/events/",
        "/notices/",
        "/stations/",
        "/report/",
        "/about/",
        "/privacy/",
        "/contact/",
    ],
)
def test_every_section_of_the_tree_is_served_in_both_languages(client, demo_site, path):
    assert client.get(path).status_code == 200
    assert client.get("/en" + path).status_code == 200


def test_admin_is_chinese_by_default(client, demo_site):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text.lower()
    assert "登录" in response.text


def test_admin_accepts_a_demo_account_and_shows_chinese(client, demo_site):
    response = client.post(
        "/admin/login/", {"username": "coordinator", "password": "guitu-demo-2026"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "coordinator"
    assert "仪表板" in response.text or "控制面板" in response.text or "页面" in response.text


def test_sitemap_and_robots(client, demo_site):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert b"/stations/" in sitemap.content
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert b"Disallow: /admin/" in robots.content
