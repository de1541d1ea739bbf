"""Public views of the notices: the filtered list and a notice's page with its lead form."""


def notice_index(page, request):
    return page.render(request)


def notice_detail(page, request):
    return page.render(request)
