"""Demo content: the section index page at /events/ in Chinese and English."""

from events.models import EventIndexPage
from portal.demo import SeedContext, default_site, ensure_child_page


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        EventIndexPage,
        "events",
        title="开放日",
        introduction="救助管理站开放日活动，欢迎市民走进救助站，了解救助工作。",
        en={
            "title": "Open days",
            "introduction": "Open days at the rescue stations: come and see how the stations work.",
        },
    )
