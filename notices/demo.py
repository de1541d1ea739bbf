"""Demo content: the section index page at /notices/ in Chinese and English."""

from notices.models import NoticeIndexPage
from portal.demo import SeedContext, default_site, ensure_child_page


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        NoticeIndexPage,
        "notices",
        title="寻亲公告",
        introduction="救助管理站发布的寻亲公告。如果您认识公告中的人员，请与救助站联系。",
        en={
            "title": "Family-search notices",
            "introduction": "Family-search notices published by the rescue stations. If you recognise someone, please contact the station.",
        },
    )
