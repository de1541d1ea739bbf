import base64
import functools
import hashlib
import re

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.csrf import requires_csrf_token


def csrf_failure(request, reason=""):
    """A form was sent without a valid security token (an old page, cookies blocked): explain
    in the visitor's language how to send it again, instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)


@functools.cache
def _inline_style_hash(template_name: str) -> str:
    """The CSP hash source of the one <style> block of a standalone template."""
    source = get_template(template_name).template.source
    match = re.search(r"<style>(.*?)</style>", source, re.S)
    digest = hashlib.sha256(match.group(1).encode()).digest() if match else b""
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@requires_csrf_token
def server_error(request):
    """Django's 500 page, whose inline CSS (it must not depend on anything that could fail
    again, static files included) is allowed by its hash in this response's CSP alone."""
    response = HttpResponseServerError(get_template("500.html").render())
    response._csp_update = {"style-src": [_inline_style_hash("500.html")]}
    return response
