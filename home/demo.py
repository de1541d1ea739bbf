"""Demo content for the home app: the home page (Chinese and English) and standard pages."""

from wagtail.models import Page

from home.models import SECTION_PAGE_TYPES, HomePage, StandardPage, StatisticsPage
from portal.demo import SeedContext, default_site, ensure_child_page, ensure_translation
from portal.models import SiteSettings


def ensure_home_page() -> HomePage:
    site = default_site()
    root = site.root_page.specific
    if isinstance(root, HomePage):
        return root
    tree_root = Page.get_first_root_node()
    # Wagtail's initial "Welcome" page sits where the home page belongs; remove it first.
    if site.root_page.specific_class is Page and site.root_page.get_children_count() == 0:
        welcome = site.root_page
        site.root_page = tree_root
        site.save()
        welcome.delete()
    home = HomePage(
        title="归途",
        slug="home",
        hero_title="帮助每一位流浪乞讨人员平安回家",
        hero_intro=(
            "发现街头流浪、走失老人或独自在外的未成年人，请告诉我们。"
            "我们的救助管理站24小时值守，帮助他们获得救助、寻找亲人。"
        ),
    )
    tree_root.add_child(instance=home)
    home.save_revision().publish()
    site.root_page = home
    site.save()
    return home


def seed(ctx: SeedContext) -> None:
    home = ensure_home_page()
    ensure_translation(
        home,
        title="Guitu",
        hero_title="Helping everyone without a home get back to their family",
        hero_intro=(
            "If you see someone sleeping rough, a lost elderly person or a child alone, tell us. "
            "Our rescue stations are staffed around the clock to help them and find their families."
        ),
    )


def seed_late(ctx: SeedContext) -> None:
    """Standard pages come after the section pages so the navigation lists them last."""
    home = default_site().root_page.specific
    pages = [
        (
            "about",
            {
                "title": "关于我们",
                "show_in_menus": True,
                "introduction": "救助管理站为生活无着的流浪乞讨人员提供临时救助、寻亲和返乡服务。",
            },
            {
                "title": "About us",
                "introduction": (
                    "Rescue-management stations give people with no means of living temporary "
                    "shelter, search for their families and help them return home."
                ),
            },
        ),
        (
            "privacy",
            {
                "title": "隐私声明",
                "introduction": (
                    "您提交的线索仅转交负责的救助管理站处理，不会公开。联系方式仅用于回访核实，"
                    "到期后按规定删除。"
                ),
            },
            {
                "title": "Privacy notice",
                "introduction": (
                    "Tips you send go only to the responsible rescue station and are never "
                    "published. Contact details are used only to call you back and are deleted "
                    "after the retention period."
                ),
            },
        ),
        (
            "contact",
            {
                "title": "联系我们",
                "show_in_menus": True,
                "introduction": "紧急情况请拨打110或120；求助请拨打各救助管理站24小时热线。",
            },
            {
                "title": "Contact",
                "introduction": (
                    "In an emergency call 110 or 120; for help call any rescue station's "
                    "24-hour hotline."
                ),
            },
        ),
    ]
    created = {}
    for slug, zh, en in pages:
        created[slug] = ensure_child_page(home, StandardPage, slug, en=en, **zh)

    ensure_statistics_page(home)
    order_sections(home)
    settings = SiteSettings.for_site(default_site())
    if settings.privacy_page_id is None:
        settings.privacy_page = created["privacy"]
        settings.save()
    ctx.say(f"Home page and {len(pages)} standard pages ready.")


def order_sections(home: HomePage) -> None:
    """Put the section pages first, in SECTION_PAGE_TYPES order, then the standard pages, so
    the navigation reads: policies, open days, notices, stations, report, about..."""
    rank = {label.lower(): i for i, label in enumerate(SECTION_PAGE_TYPES)}

    def key(page):
        label = f"{page.content_type.app_label}.{page.content_type.model}"
        return (rank.get(label, len(rank)), page.path)

    for locale_home in home.get_translations(inclusive=True):
        children = list(locale_home.get_children().select_related("content_type"))
        wanted = sorted(children, key=key)
        if [c.pk for c in children] != [c.pk for c in wanted]:
            for child in wanted:
                child.move(locale_home, pos="last-child")


# Demo headline figures: invented, and labelled so in their source note.
DEMO_FIGURES = (
    ("全年救助各类人员", "People helped this year", 12436, "2025年", "2025"),
    ("救助未成年人", "Minors helped", 386, "2025年", "2025"),
    ("护送返乡", "People escorted home", 2915, "2025年", "2025"),
    ("通过寻亲公告找到家人", "Reunions through family-search notices", 147, "2025年", "2025"),
)


def _figures(english: bool) -> list[tuple[str, dict]]:
    source = "Demo figures (invented)" if english else "演示数据（虚构）"
    return [
        (
            "figure",
            {
                "label": en if english else zh,
                "value": value,
                "period": period_en if english else period_zh,
                "source": source,
            },
        )
        for zh, en, value, period_zh, period_en in DEMO_FIGURES
    ]


def ensure_statistics_page(home: HomePage) -> StatisticsPage:
    return ensure_child_page(
        home,
        StatisticsPage,
        "statistics",
        title="数据公开",
        introduction="救助管理站的工作成效：编辑发布的年度数据，以及本网站实时统计的匿名数据。",
        figures=_figures(english=False),
        en={
            "title": "Statistics",
            "introduction": (
                "The rescue stations' work in figures: yearly figures published by the editors "
                "and anonymous figures counted live by this website."
            ),
            "figures": _figures(english=True),
        },
    )
