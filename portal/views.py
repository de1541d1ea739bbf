from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form was sent without a valid security token (an old page, cookies blocked): explain
    in the visitor's language how to send it again, instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)
