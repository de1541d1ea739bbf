"""Demo content: the section index page at /report/ in Chinese and English."""

from portal.demo import SeedContext, default_site, ensure_child_page
from tip_reports.models import ReportPage


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        ReportPage,
        "report",
        title="报告求助线索",
        introduction="发现需要帮助的人？请告诉我们，我们会转交负责的救助管理站。",
        en={
            "title": "Report a sighting",
            "introduction": "Seen someone who needs help? Tell us and we will pass it to the responsible rescue station.",
        },
    )
