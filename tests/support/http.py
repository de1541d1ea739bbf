"""A browser-like HTTP visitor for tests against a real server: keeps its cookies (also the
Secure ones a production server sets behind a TLS proxy), sends the CSRF token and an Origin
header like a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Visitor:
    base: str
    behind_tls_proxy: bool = False
    host: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def headers(self, extra=None) -> dict:
        headers = {"Host": self.host, "Accept-Language": "zh-CN,zh;q=0.9"}
        if self.behind_tls_proxy:
            headers["X-Forwarded-Proto"] = "https"
        return {**headers, **(extra or {})}

    def origin(self) -> str:
        return ("https://" if self.behind_tls_proxy else "http://") + self.host

    def _keep(self, response: requests.Response) -> requests.Response:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str, **extra) -> requests.Response:
        response = requests.get(
            self.base + path,
            headers=self.headers(extra.pop("headers", None)),
            cookies=self.cookies,
            allow_redirects=False,
            timeout=self.timeout,
            **extra,
        )
        return self._keep(response)

    def post_form(self, path: str, data: dict, *, files=None) -> requests.Response:
        """GET the form at ``path`` for its CSRF token, then POST ``data`` to it."""
        form = self.get(path)
        match = CSRF_INPUT.search(form.text)
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        response = requests.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers=self.headers({"Origin": self.origin(), "Referer": self.origin() + path}),
            cookies=self.cookies,
            allow_redirects=False,
            timeout=self.timeout,
        )
        return self._keep(response)
